//! Interop with seed 000's own Python reference (`tests/interop/seed000_wx_api_sign.py`,
//! run with `.tools/venv/bin/python`, installed by `scripts/setup-interop`):
//! chop seals and the reference opens; the reference seals and chop opens.
//!
//! The "platform" side uses the TEST ONLY key in `vectors/keys/miniprogram/generated/`.

use std::process::Command;

use chop::clock::FixedClock;
use chop::miniprogram::{PlatformCertificates, RequestSealer, ResponseHeaders, ResponseOpener};
use chop::secret::SecretBytes;
use serde_json::{json, Value};
use test_support::keys::{certificate, private_key};
use test_support::tools::{python, run};
use test_support::vectors;

const APPID: &str = "wxba6223c06417af7b";
const SYM_KEY_B64: &str = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=";
const SYM_SN: &str = "fa05fe1e5bcc79b81ad5ad4b58acf787";
const URL_PATH: &str = "https://api.weixin.qq.com/wxa/business/getuserphonenumber";
const CERT_SN: &str = "00000000000000000000000000c0ffee";
const TS: i64 = 1_700_000_000;

const KEY: &str = "keys/miniprogram/generated/platform_test_key.pem";
const CERT: &str = "keys/miniprogram/generated/platform_test_cert.pem";

fn sym_key() -> SecretBytes {
    use base64::Engine;
    SecretBytes::new(
        base64::engine::general_purpose::STANDARD
            .decode(SYM_KEY_B64)
            .unwrap(),
    )
}

/// Runs the reference with `verb` and `args` on stdin; returns its JSON output.
fn reference(verb: &str, args: Value) -> Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop/seed000_wx_api_sign.py");
    let out = run(
        Command::new(python()).arg(&script).arg(verb),
        args.to_string().as_bytes(),
    );
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn chop_seals_and_the_reference_opens() {
    let key = private_key(KEY);
    let sealer = RequestSealer::new(APPID, sym_key(), SYM_SN, key).with_clock(FixedClock(TS));
    let data = r#"{"code":"e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144","note":"中文"}"#;
    let sealed = sealer
        .seal(&format!("{URL_PATH}?access_token=T"), data.as_bytes())
        .unwrap();
    let out = reference(
        "open",
        json!({
            "appid": APPID, "sym_sn": SYM_SN, "sym_key_b64": SYM_KEY_B64,
            "cert_path": vectors::path(CERT), "url_path": URL_PATH, "body": sealed.body,
            "timestamp": TS.to_string(), "signature": sealed.signature, "serial": CERT_SN,
        }),
    );
    assert_eq!(
        out["verified"], true,
        "the reference does not verify chop's signature"
    );
    let plain = &out["plaintext"];
    assert_eq!(plain["_appid"], APPID);
    assert_eq!(plain["_timestamp"], TS);
    assert_eq!(plain["note"], "中文");
    assert_eq!(plain["_n"].as_str().unwrap().len(), 22);
}

#[test]
fn the_reference_seals_and_chop_opens() {
    let out = reference(
        "seal",
        json!({
            "appid": APPID, "sym_sn": SYM_SN, "sym_key_b64": SYM_KEY_B64,
            "key_path": vectors::path(KEY), "url_path": URL_PATH, "timestamp": TS,
            "data": r#"{"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":"13800000000"}}"#,
        }),
    );
    let body = out["body"].as_str().unwrap();
    assert!(
        body.starts_with("{\"iv\": "),
        "the reference writes JSON with spaces: {body}"
    );
    let h = &out["headers"];
    let headers = ResponseHeaders {
        appid: h["Wechatmp-Appid"].as_str().map(str::to_string),
        timestamp: h["Wechatmp-TimeStamp"].as_str().map(str::to_string),
        serial: Some(CERT_SN.into()),
        signature: h["Wechatmp-Signature"].as_str().map(str::to_string),
        ..Default::default()
    };
    let mut certs = PlatformCertificates::default();
    certs.insert(CERT_SN, &certificate(CERT)).unwrap();
    let opener =
        ResponseOpener::new(APPID, sym_key(), SYM_SN, certs).with_clock(FixedClock(TS + 1));
    let opened = opener.open(URL_PATH, &headers, body.as_bytes()).unwrap();
    let v: Value = serde_json::from_str(&opened.value().plaintext).unwrap();
    assert_eq!(v["phone_info"]["phoneNumber"], "13800000000");
    assert_eq!(v["_appid"], APPID);

    // And the reference's bytes are what chop verified: one changed space fails.
    let tampered = body.replacen("{\"iv\": ", "{\"iv\":", 1);
    assert!(opener
        .open(URL_PATH, &headers, tampered.as_bytes())
        .is_err());
}

/// SM4_GCM: Python `cryptography` (OpenSSL's SM4-GCM) decrypts what chop's SM
/// suite seals, with the same AAD. (The SM2 signature is checked with the
/// openssl CLI in `miniprogram/sm.rs`.)
#[cfg(feature = "sm")]
#[test]
fn sm4_gcm_body_decrypts_with_python_cryptography() {
    let key =
        chop::key::Sm2PrivateKey::load(&vectors::key("upstream/skit_sm2_private_key_pkcs8.pem"))
            .unwrap();
    let sealer = RequestSealer::new_sm(APPID, SecretBytes::new(vec![0x42; 16]), SYM_SN, key, "k1")
        .with_clock(FixedClock(TS));
    let sealed = sealer
        .seal(URL_PATH, r#"{"note":"中文"}"#.as_bytes())
        .unwrap();
    let script = r#"
import base64, json, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
a = json.load(sys.stdin)
b = json.loads(a["body"])
d = Cipher(algorithms.SM4(bytes([0x42] * 16)), modes.GCM(base64.b64decode(b["iv"]), base64.b64decode(b["authtag"]))).decryptor()
d.authenticate_additional_data(a["aad"].encode())
sys.stdout.write((d.update(base64.b64decode(b["data"])) + d.finalize()).decode())
"#;
    let input = json!({"body": sealed.body, "aad": sealed.aad.as_str()});
    let out = run(
        Command::new(python()).args(["-c", script]),
        input.to_string().as_bytes(),
    );
    assert_eq!(String::from_utf8(out).unwrap(), sealed.plaintext);
}
