//! Fault test: `chop mock --state DIR` is killed and restarted mid-run on the
//! same port; the client (chop-reqwest) retries, its keys still verify (the
//! state kept them), and every order's payment callback reaches the merchant's
//! chop-axum endpoint exactly once. Loopback only; bounded in count and time.
//!
//! The mock keeps its keys in `--state`, not its orders or callbacks still
//! being retried: an order whose creation the restart interrupted is created
//! again by the client.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::FromRef;
use chop::key::{Certificate, RsaPrivateKey};
use chop::wechatpay::{
    ApiV3Key, MemorySeenIds, NotificationHandler, PlatformKey, RequestSigner, ResponseVerifier,
    Transaction,
};
use chop_axum::{WechatPayAck, WechatPayNotification};
use chop_reqwest::WechatPayMiddleware;
use test_support::mock::wait_until;

const ORDERS: usize = 6;

fn spawn_mock(port: u16, dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chop"))
        .args([
            "mock",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--json",
            "--state",
        ])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    (child, v["url"].as_str().unwrap().to_string())
}

#[derive(Clone, FromRef)]
struct AppState {
    handler: Arc<NotificationHandler>,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn notify(
    axum::extract::State(seen): axum::extract::State<Arc<Mutex<Vec<String>>>>,
    n: WechatPayNotification<Transaction>,
) -> WechatPayAck {
    seen.lock().unwrap().push(n.payload.out_trade_no);
    WechatPayAck
}

#[test]
fn clients_recover_from_a_mock_restart_without_losing_a_callback() {
    let _turn = crate::one_at_a_time();
    let dir = std::env::temp_dir().join(format!("chop-fault-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (mut mock, base) = spawn_mock(port, &dir);
    let files: chop_mock::MerchantFiles =
        serde_json::from_slice(&std::fs::read(dir.join(chop_mock::MERCHANT_FILE)).unwrap())
            .unwrap();
    let m = files.wechatpay.clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let received = Arc::new(Mutex::new(Vec::new()));
    let platform = || {
        PlatformKey::certificate(Certificate::load(m.platform_cert_pem.as_bytes()).unwrap())
            .unwrap()
    };

    let result = rt.block_on(async {
        let handler = NotificationHandler::new(ResponseVerifier::new([platform()]), ApiV3Key::new(&m.api_v3_key).unwrap())
            .with_seen_ids(Arc::new(MemorySeenIds::new(3600)));
        let app = axum::Router::new()
            .route("/notify", axum::routing::post(notify))
            .with_state(AppState { handler: Arc::new(handler), seen: received.clone() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let notify_url = format!("http://{}/notify", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });

        let signer = RequestSigner::merchant(m.mchid.clone(), m.merchant_serial.clone(), RsaPrivateKey::load(m.merchant_key_pem.as_bytes(), None).unwrap());
        let plain = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(5)).build().unwrap();
        let client = reqwest_middleware::ClientBuilder::new(plain.clone())
            .with(WechatPayMiddleware::new(signer, ResponseVerifier::new([platform()])))
            .build();
        let mut retries = 0;
        for i in 0..ORDERS {
            let no = format!("F{i}");
            let mut done = false;
            for _attempt in 0..50 {
                let body = format!(r#"{{"appid":"wxd678efh567hg6787","mchid":"{}","description":"fault","out_trade_no":"{no}","notify_url":"{notify_url}","amount":{{"total":1,"currency":"CNY"}}}}"#, m.mchid);
                let created = client.post(format!("{base}/v3/pay/transactions/native")).body(body).send().await;
                if i == ORDERS / 2 && retries == 0 {
                    // Mid-run: the mock dies after this order was created, and comes back.
                    mock.kill().unwrap();
                    mock.wait().unwrap();
                    let (again, _) = spawn_mock(port, &dir);
                    mock = again;
                }
                let paid = match created {
                    Ok(r) if r.status().is_success() => plain
                        .post(format!("{base}/mock/pay"))
                        .header("content-type", "application/json")
                        .body(format!(r#"{{"out_trade_no":"{no}"}}"#))
                        .send()
                        .await
                        .ok()
                        .filter(|r| r.status().is_success()),
                    _ => None,
                };
                if paid.is_some() {
                    // The merchant waits (bounded) for this order's callback
                    // before the next order: the mock keeps keys in --state,
                    // not orders or pending callbacks.
                    wait_until(|| received.lock().unwrap().contains(&no)).await;
                    done = true;
                    break;
                }
                retries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(done, "order {no} never went through");
        }
        // Wait (bounded) for every callback.
        wait_until(|| received.lock().unwrap().len() >= ORDERS).await;
        retries
    });
    let _ = mock.kill();
    let _ = mock.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let got = received.lock().unwrap().clone();
    let unique: HashSet<_> = got.iter().cloned().collect();
    assert!(result >= 1, "the restart was not noticed");
    assert_eq!(unique.len(), ORDERS, "callbacks received: {got:?}");
    assert_eq!(got.len(), ORDERS, "each callback handled once: {got:?}");
}
