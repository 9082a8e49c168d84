//! The merchant's own server in the tour: callbacks through chop-axum.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, Request};
use axum::routing::post;
use axum::Router;
use chop::alipay::{AlipayPublicKey, SignType};
use chop::key::Certificate;
use chop::wechatpay::{
    ApiV3Key, MemorySeenIds, NotificationHandler, PlatformKey, ResponseVerifier, Transaction,
};
use chop_axum::{
    AlipayAck, AlipayNotification, AlipayNotifyConfig, WechatPayAck, WechatPayNotification,
};
use tokio::sync::mpsc;

use crate::error::CliError;

/// A callback the merchant accepted.
#[derive(Debug)]
pub(super) struct Accepted {
    pub(super) id: String,
    pub(super) serial: String,
    pub(super) out_trade_no: String,
    pub(super) trade_state: String,
    pub(super) plaintext: String,
}

/// A callback as received, before any check (to show a tampered copy failing).
#[derive(Debug, Clone)]
pub(super) struct Raw {
    pub(super) headers: http::HeaderMap,
    pub(super) body: Vec<u8>,
}

/// The running merchant server.
#[derive(Debug)]
pub(super) struct Merchant {
    pub(super) base: String,
    pub(super) accepted: tokio::sync::Mutex<mpsc::Receiver<Accepted>>,
    pub(super) captured: Arc<Mutex<Vec<Raw>>>,
    pub(super) alipay: tokio::sync::Mutex<mpsc::Receiver<chop::alipay::Params>>,
}

#[derive(Clone, FromRef)]
struct AppState {
    wechatpay: Arc<NotificationHandler>,
    accepted: mpsc::Sender<Accepted>,
    captured: Arc<Mutex<Vec<Raw>>>,
    alipay: Arc<AlipayNotifyConfig>,
    alipay_tx: mpsc::Sender<chop::alipay::Params>,
}

impl Merchant {
    pub(super) async fn start(state: &chop_mock::MockState) -> Result<Self, CliError> {
        let m = &state.merchant_files().wechatpay;
        let cert = Certificate::load(m.platform_cert_pem.as_bytes())
            .map_err(|e| CliError::from_err("the mock's platform certificate", &e))?;
        let key = PlatformKey::certificate(cert)
            .map_err(|e| CliError::from_err("the mock's platform certificate", &e))?;
        let apiv3 = ApiV3Key::new(&m.api_v3_key)
            .map_err(|e| CliError::from_err("the mock's APIv3 key", &e))?;
        let handler = NotificationHandler::new(ResponseVerifier::new([key]), apiv3)
            .with_seen_ids(Arc::new(MemorySeenIds::new(3600)));
        let (tx, rx) = mpsc::channel(16);
        let (alipay_tx, alipay_rx) = mpsc::channel(16);
        let a = &state.merchant_files().alipay;
        let alipay_key = AlipayPublicKey::load(a.alipay_public_key_pem.as_bytes())
            .map_err(|e| CliError::from_err("the mock's Alipay public key", &e))?;
        let alipay =
            AlipayNotifyConfig::new(alipay_key, SignType::Rsa2).with_app_id(a.app_id.clone());
        let captured = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/notify/wechatpay", post(wechatpay))
            .route("/notify/capture", post(capture))
            .route("/notify/alipay", post(alipay_notify))
            .with_state(AppState {
                wechatpay: Arc::new(handler),
                accepted: tx,
                captured: captured.clone(),
                alipay: Arc::new(alipay),
                alipay_tx,
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| CliError::from_err("cannot listen on 127.0.0.1", &e))?;
        let base = listener
            .local_addr()
            .map(|a| format!("http://{a}"))
            .map_err(|e| CliError::from_err("cannot read the bound address", &e))?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self {
            base,
            accepted: tokio::sync::Mutex::new(rx),
            captured,
            alipay: tokio::sync::Mutex::new(alipay_rx),
        })
    }
}

async fn wechatpay(
    axum::extract::State(tx): axum::extract::State<mpsc::Sender<Accepted>>,
    n: WechatPayNotification<Transaction>,
) -> WechatPayAck {
    let _ = tx
        .send(Accepted {
            id: n.envelope.id.clone(),
            serial: n.verified.key_id().unwrap_or_default().to_string(),
            out_trade_no: n.payload.out_trade_no.clone(),
            trade_state: n.payload.trade_state.clone(),
            plaintext: n.plaintext.clone(),
        })
        .await;
    WechatPayAck
}

async fn capture(
    axum::extract::State(captured): axum::extract::State<Arc<Mutex<Vec<Raw>>>>,
    req: Request,
) -> http::StatusCode {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    if let Ok(mut c) = captured.lock() {
        c.push(Raw {
            headers: parts.headers,
            body: body.to_vec(),
        });
    }
    http::StatusCode::NO_CONTENT
}

async fn alipay_notify(
    axum::extract::State(tx): axum::extract::State<mpsc::Sender<chop::alipay::Params>>,
    n: AlipayNotification,
) -> AlipayAck {
    let _ = tx.send(n.params().clone()).await;
    AlipayAck
}
