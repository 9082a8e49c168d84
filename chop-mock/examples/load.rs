//! A bounded load run against a running `chop mock`: a fixed number of signed
//! WeChat Pay requests (JSAPI orders), each answer verified with the core.
//!
//! ```text
//! chop mock --addr 127.0.0.1:8787 --state /tmp/mock &
//! cargo run --release -p chop-mock --example load -- http://127.0.0.1:8787 /tmp/mock/merchant.TEST-ONLY.json 2000 16
//! ```
//! Prints requests, errors, throughput and latency percentiles. Loopback only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chop::key::{Certificate, RsaPrivateKey};
use chop::wechatpay::{PlatformKey, RequestSigner, ResponseVerifier};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(base), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: load URL MERCHANT_JSON [REQUESTS=2000] [CONCURRENCY=16]");
        std::process::exit(2);
    };
    if !(base.starts_with("http://127.0.0.1:") || base.starts_with("http://localhost:")) {
        eprintln!("load only calls a loopback mock (http://127.0.0.1:PORT)");
        std::process::exit(2);
    }
    let total: usize = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
        .min(100_000);
    let conc: usize = args
        .get(4)
        .and_then(|s| s.parse().ok())
        .unwrap_or(16)
        .clamp(1, 256);
    let files: chop_mock::MerchantFiles =
        serde_json::from_slice(&std::fs::read(file).expect("read merchant file"))
            .expect("merchant json");
    let w = files.wechatpay;
    let signer = Arc::new(RequestSigner::merchant(
        w.mchid.clone(),
        w.merchant_serial.clone(),
        RsaPrivateKey::load(w.merchant_key_pem.as_bytes(), None).expect("merchant key"),
    ));
    let cert = Certificate::load(w.platform_cert_pem.as_bytes()).expect("platform cert");
    let verifier = Arc::new(ResponseVerifier::new([
        PlatformKey::certificate(cert).expect("key")
    ]));
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let run = format!("{:x}", std::process::id());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, signer, verifier, next, base, run, mchid) = (
            client.clone(),
            signer.clone(),
            verifier.clone(),
            next.clone(),
            base.clone(),
            run.clone(),
            w.mchid.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= total {
                    break;
                }
                let body = format!(
                    r#"{{"appid":"wxd678efh567hg6787","mchid":"{mchid}","description":"load","out_trade_no":"L{run}-{i}","notify_url":"http://127.0.0.1:9/n","amount":{{"total":1}},"payer":{{"openid":"o"}}}}"#
                );
                let t = Instant::now();
                let signed = signer.sign("POST", "/v3/pay/transactions/jsapi", body.as_bytes()).expect("sign");
                let r = client
                    .post(format!("{base}/v3/pay/transactions/jsapi"))
                    .header("authorization", signed.authorization_header())
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                let ok = match r {
                    Ok(r) => {
                        let mut b = http::Response::builder().status(r.status().as_u16());
                        for (k, v) in r.headers() {
                            b = b.header(k.as_str(), v.as_bytes());
                        }
                        let bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                        let resp = b.body(bytes).expect("response");
                        resp.status() == 200 && verifier.verify_response(&resp).is_ok()
                    }
                    Err(_) => false,
                };
                lat.push(t.elapsed());
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("task");
        lat.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    lat.sort();
    let pct = |p: f64| {
        lat[((lat.len() as f64 * p).ceil() as usize)
            .saturating_sub(1)
            .min(lat.len() - 1)]
    };
    println!(
        "requests {} concurrency {} errors {} elapsed {:.2?} throughput {:.0} req/s p50 {:.2?} p99 {:.2?} max {:.2?}",
        lat.len(),
        conc,
        errors,
        elapsed,
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        lat[lat.len() - 1]
    );
    if errors > 0 {
        std::process::exit(1);
    }
}
