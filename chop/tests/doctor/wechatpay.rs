//! `chop::diagnose` for WeChat Pay: each case starts from a correct request or
//! callback, breaks one thing, and checks that exactly that cause is named.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::diagnose::{
    check_callback, check_request_signature, compare_sign_strings, explain_error, CallbackCheck,
    Finding, RawRequest, Severity,
};
use chop::key::{Certificate, RsaPrivateKey, RsaPublicKey};
use chop::signer::{SignatureScheme, Signer};
use chop::wechatpay::{ErrorBody, PlatformKey, SignString};
use test_support::vectors::read;
use test_support::wechatpay::{platform_key, OLD_SERIAL};

/// The request sign string as the receiver rebuilds it, as bytes.
fn sign_string(method: &str, url: &str, ts: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    SignString::received(method, url, ts, nonce, body)
        .as_bytes()
        .to_vec()
}
const TS: &str = "1554208460";
const NONCE: &str = "593BEC0C930BF1AFEB40B4A08C8FB242";
const BODY: &str = r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔"}"#;
const PATH: &str = "/v3/pay/transactions/jsapi";

/// WeChat Pay's SIGN_ERROR answer for a request it received as `method url body`
/// with the Authorization's TS and NONCE; the body is cut at 20 bytes as WeChat Pay does.
fn sign_error(method: &str, url: &str, body: &str) -> ErrorBody {
    let full = sign_string(method, url, TS, NONCE, body.as_bytes());
    let head_len = full.len() - body.len() - 1;
    let shown = if body.len() > 20 {
        String::from_utf8(full[..head_len + 20].to_vec()).unwrap()
    } else {
        String::from_utf8(full.clone()).unwrap()
    };
    let json = serde_json::json!({
        "code": "SIGN_ERROR", "message": "错误的签名,验签失败",
        "detail": {"field": "signature", "issue": "sign not match", "location": "authorization",
            "sign_information": {"method": method, "url": url,
                "truncated_sign_message": shown, "sign_message_length": full.len()}}
    });
    ErrorBody::parse(json.to_string().as_bytes()).unwrap()
}

fn codes_for(error: &ErrorBody, ours: &[u8]) -> Vec<&'static str> {
    explain_error(error, Some(ours))
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

fn post(ours: &[u8]) -> Vec<&'static str> {
    codes_for(&sign_error("POST", PATH, BODY), ours)
}

fn ok_post() -> Vec<u8> {
    sign_string("POST", PATH, TS, NONCE, BODY.as_bytes())
}

#[test]
fn correct_sign_string_means_the_key_is_wrong() {
    assert_eq!(post(&ok_post()), ["SIGN_WRONG_KEY"]);
}

#[test]
fn missing_final_newline() {
    let ours = ok_post();
    assert_eq!(
        post(&ours[..ours.len() - 1]),
        ["SIGN_MISSING_FINAL_NEWLINE"]
    );
}

#[test]
fn empty_body_line() {
    let error = sign_error("GET", "/v3/certificates", "");
    let ours = format!("GET\n/v3/certificates\n{TS}\n{NONCE}\n");
    assert_eq!(codes_for(&error, ours.as_bytes()), ["SIGN_EMPTY_BODY_LINE"]);
    let r = explain_error(&error, Some(ours.as_bytes()));
    let c = r.comparison.unwrap();
    assert_eq!(c.first_difference, Some(ours.len()));
    assert_eq!(c.theirs_len, Some(ours.len() + 1));
}

#[test]
fn method_case() {
    let ours = sign_string("post", PATH, TS, NONCE, BODY.as_bytes());
    assert_eq!(post(&ours), ["SIGN_METHOD_CASE"]);
}

#[test]
fn url_differences_each_named() {
    let cases = [
        ("/v3/x?b=2&a=1", "/v3/x?a=1&b=2", "SIGN_URL_QUERY"),
        ("/v3/x?q=中", "/v3/x?q=%E4%B8%AD", "SIGN_URL_ENCODING"),
        (
            "/v3/pay/transactions/id/{transaction_id}",
            "/v3/pay/transactions/id/4200000001",
            "SIGN_URL_PATH_PARAMETER",
        ),
        (
            "/v3/certificates/",
            "/v3/certificates",
            "SIGN_URL_TRAILING_SLASH",
        ),
    ];
    for (signed, sent, code) in cases {
        let error = sign_error("GET", sent, "");
        let ours = sign_string("GET", signed, TS, NONCE, b"");
        assert_eq!(codes_for(&error, &ours), [code], "{signed} vs {sent}");
    }
}

#[test]
fn timestamp_and_nonce_differ_from_the_authorization_header() {
    let ours = sign_string("POST", PATH, "1554208461", NONCE, BODY.as_bytes());
    assert_eq!(post(&ours), ["SIGN_TIMESTAMP_DIFFERS"]);
    let ours = sign_string("POST", PATH, TS, "other-nonce", BODY.as_bytes());
    assert_eq!(post(&ours), ["SIGN_NONCE_DIFFERS"]);
}

#[test]
fn body_serialized_twice() {
    let twice = BODY.replace(",", ", ").replace("\":", "\": ");
    let ours = sign_string("POST", PATH, TS, NONCE, twice.as_bytes());
    assert_eq!(post(&ours), ["SIGN_BODY_DIFFERS"]);
    // The difference after the cut part is seen from the lengths alone.
    let tail = BODY.replace("公仔\"", "公仔\" ");
    let ours = sign_string("POST", PATH, TS, NONCE, tail.as_bytes());
    assert_eq!(post(&ours), ["SIGN_BODY_DIFFERS"]);
}

#[test]
fn non_utf8_text() {
    // The same description, encoded as GBK.
    let mut body = BODY.replace("Image形象店-深圳腾大-QQ公仔", "").into_bytes();
    let at = body.len() - 2;
    body.splice(at..at, [0xD6, 0xA7, 0xB8, 0xB6]);
    let sent = BODY.replace("Image形象店-深圳腾大-QQ公仔", "支付");
    let error = sign_error("POST", PATH, &sent);
    let ours = sign_string("POST", PATH, TS, NONCE, &body);
    assert_eq!(codes_for(&error, &ours), ["SIGN_NOT_UTF8"]);
}

#[test]
fn seed001_query_order() {
    let body = r#"{"code":"SIGN_ERROR","message":"错误的签名,验签失败","detail":{"field":"signature","issue":"sign not match","location":"authorization","sign_information":{"method":"GET","url":"/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ","truncated_sign_message":"GET\n/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n\n","sign_message_length":157}}}"#;
    let error = ErrorBody::parse(body.as_bytes()).unwrap();
    let ours = b"GET\n/payscore/user-service-state?appid=wxeaf7bf1de621b0c2&service_id=500001&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n\n";
    let r = explain_error(&error, Some(ours));
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].code, "SIGN_URL_QUERY");
    assert_eq!(r.comparison.unwrap().first_difference, Some(33));
    // Without our sign string: what to give.
    let r = explain_error(&error, None);
    assert_eq!(r.findings[0].code, "SIGN_ERROR");
    assert!(r.findings[0].message.contains("157 byte"));
}

#[test]
fn other_401_messages_from_seed001_table() {
    let table = [
        ("商户未设置APIv3密钥。", "WECHATPAY_NO_APIV3_KEY"),
        ("商户未申请过证书。", "WECHATPAY_NO_MERCHANT_CERT"),
        ("商户证书序列号有误。", "WECHATPAY_SERIAL_WRONG"),
        ("商户证书已过期。", "WECHATPAY_CERT_EXPIRED"),
        ("商户证书已作废。", "WECHATPAY_CERT_REVOKED"),
        (
            "Http头Authorization值格式错误",
            "WECHATPAY_AUTHORIZATION_FORMAT",
        ),
        (
            "Http头Authorization认证类型不正确",
            "WECHATPAY_AUTHORIZATION_SCHEMA",
        ),
        (
            "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟",
            "WECHATPAY_TIMESTAMP_EXPIRED",
        ),
        ("已更换证书,请使用新证书", "WECHATPAY_CERT_REPLACED"),
        ("错误的签名,验签失败", "SIGN_ERROR"),
    ];
    for (message, code) in table {
        let code_field = if code == "SIGN_ERROR" {
            "SIGN_ERROR"
        } else {
            "UNAUTHORIZED"
        };
        let body = serde_json::json!({"code": code_field, "message": message}).to_string();
        let r = explain_error(&ErrorBody::parse(body.as_bytes()).unwrap(), None);
        assert_eq!(
            r.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            [code],
            "{message}"
        );
        assert_eq!(r.findings[0].severity, Severity::Error);
        assert!(!r.findings[0].fix.is_empty());
    }
    let body = r#"{"code":"PARAM_ERROR","message":"参数错误"}"#.as_bytes();
    let r = explain_error(&ErrorBody::parse(body).unwrap(), None);
    assert_eq!(r.findings[0].code, "WECHATPAY_ERROR");
}

fn merchant_key() -> RsaPrivateKey {
    RsaPrivateKey::load(&read("keys/generated/key-pkcs8.pem"), None).unwrap()
}

fn captured(method: &str, path: &str, body: &str, signed_body: &str, ts: &str) -> Vec<u8> {
    let sig = merchant_key()
        .sign(
            SignatureScheme::RsaPkcs1Sha256,
            &sign_string(method, path, TS, NONCE, signed_body.as_bytes()),
        )
        .unwrap();
    format!(
        "{method} {path} HTTP/1.1\r\nHost: api.mch.weixin.qq.com\r\nAuthorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"{NONCE}\",timestamp=\"{ts}\",serial_no=\"408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB\",signature=\"{}\"\r\nContent-Type: application/json\r\n\r\n{body}",
        STANDARD.encode(sig)
    )
    .into_bytes()
}

#[test]
fn captured_request_signature() {
    let cert = Certificate::load(&read("keys/generated/cert.pem")).unwrap();
    let pk = cert.rsa_public_key().unwrap();
    let raw = captured("POST", PATH, BODY, BODY, TS);
    let r = RawRequest::parse(&raw).unwrap();
    assert_eq!(r.body, BODY.as_bytes());
    let auth = r.authorization().unwrap();
    assert_eq!(check_request_signature(&r, &auth, pk), None);
    // Signed one body, sent another (serialized twice).
    let twice = BODY.replace(",", ", ");
    let raw = captured("POST", PATH, &twice, BODY, TS);
    let r = RawRequest::parse(&raw).unwrap();
    let f = check_request_signature(&r, &r.authorization().unwrap(), pk).unwrap();
    assert_eq!(f.code, "SIGN_NOT_OVER_REQUEST");
}

#[test]
fn captured_request_header_timestamp_differs_from_the_sign_string() {
    let raw = captured("POST", PATH, BODY, BODY, "1554208999");
    let r = RawRequest::parse(&raw).unwrap();
    let sent = r.sign_string(&r.authorization().unwrap());
    let c = compare_sign_strings(
        &ok_post(),
        std::str::from_utf8(sent.as_bytes()).unwrap(),
        Some(sent.len()),
    );
    assert_eq!(
        c.causes.iter().map(|c| c.code()).collect::<Vec<_>>(),
        ["SIGN_TIMESTAMP_DIFFERS"]
    );
}

#[test]
fn captured_request_bad_input_is_typed() {
    assert!(RawRequest::parse(b"nonsense").is_err());
    assert!(RawRequest::parse(b"\xff\xfe GET / HTTP/1.1\r\n\r\n").is_err());
    let r = RawRequest::parse(b"GET /v3/x HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert!(r
        .authorization()
        .unwrap_err()
        .to_string()
        .contains("no Authorization"));
}

// ---- callbacks ----

const NOW: i64 = 1_795_420_800;
const CB_BODY: &str = r#"{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"AAAA","associated_data":"transaction","nonce":"fdasflkja484w"}}"#;

fn signed_headers(key: &str, serial: &str, ts: i64, body: &str) -> String {
    let key = RsaPrivateKey::load(
        &read(&format!("keys/wechatpay-platform/{key}-key.pem")),
        None,
    )
    .unwrap();
    let msg = format!("{ts}\nnonce-1\n{body}\n");
    let sig = key
        .sign(SignatureScheme::RsaPkcs1Sha256, msg.as_bytes())
        .unwrap();
    format!(
        "Wechatpay-Timestamp: {ts}\nWechatpay-Nonce: nonce-1\nWechatpay-Signature: {}\nWechatpay-Serial: {serial}\n",
        STANDARD.encode(sig)
    )
}

/// What `check_callback` finds in a callback received at `NOW` by a
/// merchant that holds `keys`.
fn callback_findings(headers: &str, body: &str, keys: &[PlatformKey]) -> Vec<Finding> {
    check_callback(
        headers,
        body.as_bytes(),
        &CallbackCheck {
            keys,
            now: NOW,
            window: 300,
        },
    )
}

fn callback_codes(headers: &str, body: &str, keys: &[PlatformKey]) -> Vec<&'static str> {
    callback_findings(headers, body, keys)
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn correct_callback_has_no_finding() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW, CB_BODY);
    assert!(callback_codes(&h, CB_BODY, &[platform_key("old")]).is_empty());
}

#[test]
fn callback_headers_stripped_by_a_proxy() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW, CB_BODY);
    let stripped: String = h
        .lines()
        .filter(|l| !l.starts_with("Wechatpay-Signature") && !l.starts_with("Wechatpay-Serial"))
        .map(|l| format!("{l}\n"))
        .collect();
    let f = callback_findings(&stripped, CB_BODY, &[platform_key("old")]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "CALLBACK_HEADERS_MISSING");
    assert!(f[0]
        .message
        .contains("Wechatpay-Signature, Wechatpay-Serial"));
}

#[test]
fn callback_unknown_serial_and_public_key_mode() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW, CB_BODY);
    assert_eq!(
        callback_codes(&h, CB_BODY, &[platform_key("new")]),
        ["CALLBACK_UNKNOWN_SERIAL"]
    );
    let id = "PUB_KEY_ID_0119000091912026112300000000";
    let h = signed_headers("platform-pubkey", id, NOW, CB_BODY);
    assert_eq!(
        callback_codes(&h, CB_BODY, &[platform_key("old")]),
        ["CALLBACK_PUBLIC_KEY_NEEDED"]
    );
    let pk = RsaPublicKey::load(&read("keys/wechatpay-platform/platform-pubkey-pub.pem")).unwrap();
    assert!(callback_codes(&h, CB_BODY, &[PlatformKey::public_key(id, pk)]).is_empty());
}

#[test]
fn callback_timestamp_outside_window_shows_the_skew() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW - 400, CB_BODY);
    let f = callback_findings(&h, CB_BODY, &[platform_key("old")]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].code, "CALLBACK_TIMESTAMP_OUTSIDE_WINDOW");
    assert!(
        f[0].message.contains("400 s in the past"),
        "{}",
        f[0].message
    );
    assert!(f[0].message.contains("skew -400 s"), "{}", f[0].message);
}

#[test]
fn callback_body_reserialized_each_way() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW, CB_BODY);
    let keys = [platform_key("old")];
    let check = |body: &str, what: &str| {
        let f = callback_findings(&h, body, &keys);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, "CALLBACK_BODY_RESERIALIZED");
        assert!(f[0].message.contains(what), "{}", f[0].message);
        assert!(
            f[0].message.contains(&format!("({} bytes", CB_BODY.len())),
            "{}",
            f[0].message
        );
    };
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(CB_BODY).unwrap())
            .unwrap();
    // serde_json without preserve_order sorts keys: restore both.
    check(&pretty, "reordered");
    check(&CB_BODY.replace(",\"", ", \""), "whitespace");
    check(
        &CB_BODY.replace("支付成功", "\\u652f\\u4ed8\\u6210\\u529f"),
        "\\u escapes",
    );
}

#[test]
fn callback_probe_is_a_warning_only() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW, CB_BODY);
    let probe: String = h
        .lines()
        .map(|l| {
            if l.starts_with("Wechatpay-Signature") {
                "Wechatpay-Signature: WECHATPAY/SIGNTEST/abc\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let f = callback_findings(&probe, CB_BODY, &[platform_key("old")]);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].code, f[0].severity),
        ("CALLBACK_PROBE", Severity::Warning)
    );
}

#[test]
fn callback_changed_body_is_a_plain_mismatch() {
    let h = signed_headers("platform-old", OLD_SERIAL, NOW, CB_BODY);
    let changed = CB_BODY.replace("AAAA", "AAAB");
    assert_eq!(
        callback_codes(&h, &changed, &[platform_key("old")]),
        ["CALLBACK_SIGNATURE_MISMATCH"]
    );
    // Without keys: the signature is not checked, and that is said.
    assert_eq!(
        callback_codes(&h, CB_BODY, &[]),
        ["CALLBACK_SIGNATURE_UNCHECKED"]
    );
}
