//! Interop with the official Alipay Node SDK (npm `alipay-sdk`, pinned in
//! `scripts/setup-interop`, installed under `.tools/npm`): the same parameters
//! give the same RSA2 signature, each side verifies the other's notify and
//! sync response, and certificate SNs agree.
//!
//! The SDK is driven by `tests/interop/alipay_node.cjs`.

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::alipay::*;
use chop::key::RsaPrivateKey;
use chop::signer::{SignatureScheme, Signer};
use serde_json::{json, Value};
use test_support::tools::{npm_prefix, run};
use test_support::vectors::{self, read};

fn bare(pem: &[u8]) -> String {
    String::from_utf8_lossy(pem)
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

/// Runs one request through the Node SDK.
fn node(mut req: Value) -> Value {
    let npm = npm_prefix();
    req["private_key_b64"] =
        json!(String::from_utf8(read("keys/generated/key-pkcs8.b64")).unwrap());
    req["alipay_public_key_b64"] = json!(bare(&read("keys/generated/pub-spki.pem")));
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/alipay_node.cjs");
    let out = run(
        Command::new("node").arg(script).arg(&npm),
        req.to_string().as_bytes(),
    );
    serde_json::from_slice(&out).unwrap()
}

fn app_key() -> RsaPrivateKey {
    RsaPrivateKey::load(&read("keys/generated/key-pkcs8.b64"), None).unwrap()
}

fn alipay_key() -> AlipayPublicKey {
    AlipayPublicKey::load(&read("keys/generated/pub-spki.pem")).unwrap()
}

fn to_params(obj: &Value) -> Params {
    Params::from_pairs(
        obj.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())),
    )
    .unwrap()
}

/// The params as a browser (and Alipay) form-encodes them.
fn form(params: &Params) -> String {
    test_support::form::encode(params.iter())
}

#[test]
fn same_params_give_the_same_rsa2_signature() {
    let biz = json!({"out_trade_no": "订单-1&x=1", "subject": "测试 商品", "total_amount": "0.01"});
    let signed_by_node = node(json!({
        "op": "sign_request",
        "method": "alipay.trade.precreate",
        "params": {"bizContent": biz, "notifyUrl": "https://example.com/notify?a=b"},
    }));
    let mut params = to_params(&signed_by_node["params"]);
    let node_sign = params.remove("sign").unwrap();
    let ours = sign_params(&params, SignType::Rsa2, &app_key()).unwrap();
    assert_eq!(ours.sign, node_sign, "sign content: {}", ours.sign_content);
    assert!(ours
        .sign_content
        .as_str()
        .contains("subject\":\"测试 商品\""));
}

#[test]
fn node_verifies_chop_notifies_with_and_without_sign_type() {
    let params = Params::from_pairs([
        ("notify_id", "n-1"),
        ("out_trade_no", "订单-1"),
        ("subject", "a+b&c=d 测试"),
        ("trade_status", "TRADE_SUCCESS"),
        ("passback_params", ""),
        ("sign_type", "RSA2"),
    ])
    .unwrap();
    for rule in [SignTypeRule::Included, SignTypeRule::Excluded] {
        // The Node SDK keeps empty values in a notify's content (`passback_params=`).
        let content = SignContent::for_notify_with(&params, rule, EmptyValues::Kept);
        let sig = app_key()
            .sign(SignatureScheme::RsaPkcs1Sha256, content.as_bytes())
            .unwrap();
        let mut post: serde_json::Map<String, Value> = params
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        post.insert("sign".into(), json!(STANDARD.encode(&sig)));
        let r = node(json!({"op": "check_notify", "post_data": post.clone()}));
        assert_eq!(r["valid"], true, "{rule:?}");
        let mut ours = params.clone();
        ours.set("sign", STANDARD.encode(&sig));
        let v = verify_notify(&ours, &alipay_key()).unwrap();
        assert_eq!(
            (v.value().rule, v.value().empty_values),
            (rule, EmptyValues::Kept)
        );
        post.insert("subject".into(), json!("changed"));
        let r = node(json!({"op": "check_notify", "post_data": post}));
        assert_eq!(r["valid"], false, "{rule:?}");
    }
}

#[test]
fn chop_verifies_a_node_signed_notify_from_its_form_body() {
    let signed_by_node = node(json!({
        "op": "sign_request",
        "method": "alipay.trade.notify",
        "params": {"outTradeNo": "订单-2", "tradeStatus": "TRADE_SUCCESS", "subject": "50% off + 测试"},
    }));
    let params = to_params(&signed_by_node["params"]);
    let body = form(&params);
    let received = Params::from_form(body.as_bytes()).unwrap();
    assert_eq!(received, params);
    let v = verify_notify(&received, &alipay_key()).unwrap();
    assert_eq!(v.value().rule, SignTypeRule::Included);
    assert_eq!(v.value().params.get("subject"), Some("50% off + 测试"));
}

#[test]
fn node_verifies_a_chop_signed_response() {
    let content = r#"{"code":"10000","msg":"Success","subject":"测试\/商品","sign":"nested","list":[{"a":"}"}]}"#;
    let sig = STANDARD.encode(
        app_key()
            .sign(SignatureScheme::RsaPkcs1Sha256, content.as_bytes())
            .unwrap(),
    );
    let raw = format!(r#"{{"alipay_trade_query_response":{content},"sign":"{sig}"}}"#);
    // chop cuts the same content it signed.
    verify_response(
        raw.as_bytes(),
        Some("alipay.trade.query"),
        None,
        &alipay_key(),
    )
    .unwrap();
    let r = node(
        json!({"op": "check_response", "raw": raw, "response_key": "alipay_trade_query_response", "sign": sig}),
    );
    assert_eq!(r["valid"], true, "{r}");
    let tampered = raw.replace("10000", "10001");
    let r = node(
        json!({"op": "check_response", "raw": tampered, "response_key": "alipay_trade_query_response", "sign": sig}),
    );
    assert_eq!(r["valid"], false);
}

#[test]
fn chop_verifies_a_node_signed_response() {
    let content =
        r#"{"code":"10000","msg":"Success","qr_code":"https:\/\/qr.alipay.com\/x","buyer":"张三"}"#;
    let sig = node(json!({"op": "sign_string", "content": content}))["sign"]
        .as_str()
        .unwrap()
        .to_string();
    let raw = format!(
        "{{\"alipay_trade_precreate_response\" : {content},\n \"sign\":\"{}\"}}",
        sig.replace('/', "\\/")
    );
    let v = verify_response(
        raw.as_bytes(),
        Some("alipay.trade.precreate"),
        None,
        &alipay_key(),
    )
    .unwrap();
    assert_eq!(v.sign_string().as_str(), content);
}

#[test]
fn certificate_sns_agree_with_the_node_sdk() {
    let dir = vectors::path("keys/alipay");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("crt") {
            continue;
        }
        let pem = std::fs::read_to_string(&path).unwrap();
        let is_root = path.to_string_lossy().contains("RootCert");
        let theirs = node(json!({"op": "cert_sn", "cert_pem": pem, "is_root": is_root}))["sn"]
            .as_str()
            .unwrap()
            .to_string();
        let ours = if is_root {
            root_cert_sn(pem.as_bytes()).unwrap().sn
        } else {
            cert_sn(&chop::key::Certificate::load(pem.as_bytes()).unwrap())
                .unwrap()
                .sn
        };
        assert_eq!(ours, theirs, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} certificates checked");
}
