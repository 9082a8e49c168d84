//! A bounded load test against a running `chop mock` (loopback only): a fixed
//! number of signed WeChat Pay requests, each response verified by the
//! middleware. Prints throughput and latency percentiles; exits 1 on any error.
//!
//! ```sh
//! cargo run --release -p chop-reqwest --example load -- URL MERCHANT_FILE [REQUESTS] [CONCURRENCY]
//! ```
//! `scripts/load` starts the mock and runs this.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chop::key::{Certificate, RsaPrivateKey};
use chop::wechatpay::{PlatformKey, RequestSigner, ResponseVerifier};
use chop_reqwest::WechatPayMiddleware;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: load URL MERCHANT_FILE [REQUESTS=2000] [CONCURRENCY=16]");
        std::process::exit(2);
    }
    let base = args[1].trim_end_matches('/').to_string();
    let host = base.trim_start_matches("http://");
    if !(host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")) {
        eprintln!("refusing {base}: the load test only targets loopback");
        std::process::exit(2);
    }
    let files: chop_mock::MerchantFiles =
        serde_json::from_slice(&std::fs::read(&args[2]).expect("merchant file"))
            .expect("merchant json");
    let n: usize = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
        .min(100_000);
    let conc: usize = args
        .get(4)
        .and_then(|s| s.parse().ok())
        .unwrap_or(16)
        .clamp(1, 256);
    let m = &files.wechatpay;
    let key = RsaPrivateKey::load(m.merchant_key_pem.as_bytes(), None).expect("merchant key");
    let signer = RequestSigner::merchant(m.mchid.clone(), m.merchant_serial.clone(), key);
    let cert = Certificate::load(m.platform_cert_pem.as_bytes()).expect("platform cert");
    let verifier = ResponseVerifier::new([PlatformKey::certificate(cert).expect("platform key")]);
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let client = Arc::new(
        reqwest_middleware::ClientBuilder::new(http)
            .with(WechatPayMiddleware::new(signer, verifier))
            .build(),
    );
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, next, base, mchid) =
            (client.clone(), next.clone(), base.clone(), m.mchid.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let body = format!(r#"{{"appid":"wxd678efh567hg6787","mchid":"{mchid}","description":"load","out_trade_no":"L{i}","notify_url":"http://127.0.0.1:9/n","amount":{{"total":1,"currency":"CNY"}}}}"#);
                let t = Instant::now();
                let r = client.post(format!("{base}/v3/pay/transactions/native")).body(body).send().await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    Ok(r) => errors.push(format!("HTTP {}", r.status())),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = Vec::new();
    for t in tasks {
        let (l, e) = t.await.expect("task");
        lat.extend(l);
        errors.extend(e);
    }
    let wall = started.elapsed();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "requests {n}, concurrency {conc}, ok {}, errors {}, wall {:.2} s, throughput {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        errors.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    if !errors.is_empty() {
        eprintln!("first errors: {:?}", &errors[..errors.len().min(5)]);
        std::process::exit(1);
    }
}
