//! The SM4_GCM + SM2withSM3 suite: round trip with the documented user IDs,
//! and the signature checked by an independent implementation (the openssl CLI).
#![cfg(feature = "sm")]

use std::path::PathBuf;
use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::clock::FixedClock;
use chop::crypto::sm::DEFAULT_SM2_USER_ID;
use chop::key::Certificate;
use chop::key::{Sm2PrivateKey, Sm2PublicKey};
use chop::miniprogram::{
    OpenError, PlatformCertificates, RequestSealer, ResponseHeaders, ResponseOpener, SealError,
    SealInputs, Sm2Encoding, Sm2Settings, Sm2UserId, Suite,
};
use chop::secret::SecretBytes;

const APPID: &str = "wxba6223c06417af7b";
const ASYM_SN: &str = "5a1b2c3d4e5f60718293a4b5c6d7e8f9";
const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=T";
const TS: i64 = 1_700_000_000;

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors")
        .join(rel)
}

fn key() -> Sm2PrivateKey {
    Sm2PrivateKey::load(
        &std::fs::read(path("keys/upstream/skit_sm2_private_key_pkcs8.pem")).unwrap(),
    )
    .unwrap()
}

fn sm4_key() -> SecretBytes {
    SecretBytes::new(vec![0x42; 16])
}

fn inputs() -> SealInputs {
    SealInputs {
        timestamp: TS,
        iv: [9; 12],
        nonce: "bm9uY2Vub25jZW5vbmNl".into(),
    }
}

fn sealer() -> RequestSealer {
    RequestSealer::new_sm(APPID, sm4_key(), "sm4sn", key(), ASYM_SN)
}

/// The platform signs responses like requests, with its certificate number as
/// the ID; so a request sealed with key number N opens as a response from
/// certificate N.
fn opener() -> ResponseOpener {
    let mut certs = PlatformCertificates::default();
    let cert = Certificate::load(&std::fs::read(path("keys/upstream/skit_sm2_cert.pem")).unwrap())
        .unwrap();
    certs.insert(ASYM_SN, &cert).unwrap();
    ResponseOpener::new(APPID, sm4_key(), "sm4sn", certs)
        .with_suite(Suite::sm())
        .with_clock(FixedClock(TS))
}

fn headers_of(sealed: &chop::miniprogram::SealedRequest) -> ResponseHeaders {
    let get = |n: &str| {
        sealed
            .headers
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.clone())
    };
    ResponseHeaders {
        appid: get("Wechatmp-Appid"),
        timestamp: get("Wechatmp-TimeStamp"),
        serial: get("Wechatmp-Serial"),
        signature: get("Wechatmp-Signature"),
        ..Default::default()
    }
}

#[test]
fn sm_suite_round_trip_with_key_number_ids() {
    let sealed = sealer()
        .seal_with(URL, br#"{"openid":"o1"}"#, &inputs())
        .unwrap();
    assert_eq!(headers_of(&sealed).serial.as_deref(), Some(ASYM_SN));
    let opened = opener()
        .open(URL, &headers_of(&sealed), sealed.body.as_bytes())
        .unwrap();
    assert_eq!(opened.value().plaintext, sealed.plaintext);
    assert!(opened.value().plaintext.starts_with(
        r#"{"_n":"bm9uY2Vub25jZW5vbmNl","_appid":"wxba6223c06417af7b","_timestamp":1700000000,"#
    ));
}

#[test]
fn the_signature_uses_the_key_number_as_sm2_id_and_der() {
    let sealed = sealer().seal_with(URL, b"{}", &inputs()).unwrap();
    let sig = STANDARD.decode(&sealed.signature).unwrap();
    assert_eq!(sig[0], 0x30, "DER SEQUENCE by default");
    let public: Sm2PublicKey = key().public_key();
    public
        .verify_with_id(
            ASYM_SN.as_bytes(),
            sealed.sign_string.as_bytes(),
            &sig,
            Sm2Encoding::Der,
        )
        .unwrap();
    assert!(public
        .verify_with_id(
            DEFAULT_SM2_USER_ID,
            sealed.sign_string.as_bytes(),
            &sig,
            Sm2Encoding::Der
        )
        .is_err());
}

#[test]
fn settings_change_the_id_and_encoding() {
    let settings = Sm2Settings {
        request_id: Sm2UserId::Fixed(DEFAULT_SM2_USER_ID.to_vec()),
        response_id: Sm2UserId::KeyNumber,
        encoding: Sm2Encoding::Raw,
    };
    let sealed = sealer()
        .with_sm2_settings(settings)
        .seal_with(URL, b"{}", &inputs())
        .unwrap();
    let sig = STANDARD.decode(&sealed.signature).unwrap();
    assert_eq!(sig.len(), 64);
    key()
        .public_key()
        .verify_with_id(
            DEFAULT_SM2_USER_ID,
            sealed.sign_string.as_bytes(),
            &sig,
            Sm2Encoding::Raw,
        )
        .unwrap();
    // Opened with the documented ID (the certificate number) it does not verify.
    let e = opener()
        .open(URL, &headers_of(&sealed), sealed.body.as_bytes())
        .unwrap_err();
    assert!(matches!(e, OpenError::SignatureMismatch { .. }), "{e}");
}

#[test]
fn sm4_key_must_be_16_bytes() {
    let e = RequestSealer::new_sm(APPID, SecretBytes::new(vec![1; 32]), "s", key(), ASYM_SN)
        .seal_with(URL, b"{}", &inputs())
        .unwrap_err();
    assert_eq!(
        e,
        SealError::SymmetricKey {
            algorithm: "SM4_GCM",
            got: 32,
            expected: 16
        }
    );
}

#[test]
fn openssl_verifies_the_sm2_signature_with_the_key_number_id() {
    let openssl = which_openssl();
    let sealed = sealer()
        .seal_with(URL, br#"{"scene":0}"#, &inputs())
        .unwrap();
    let dir = std::env::temp_dir().join(format!("chop-sm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let msg = dir.join("msg");
    let sig = dir.join("sig");
    std::fs::write(&msg, sealed.sign_string.as_bytes()).unwrap();
    std::fs::write(&sig, STANDARD.decode(&sealed.signature).unwrap()).unwrap();
    let run = |id: &str| {
        Command::new(&openssl)
            .args([
                "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
            ])
            .arg(path("keys/upstream/skit_sm2_public_key.pem"))
            .args(["-pkeyopt", &format!("distid:{id}"), "-in"])
            .arg(&msg)
            .arg("-sigfile")
            .arg(&sig)
            .output()
            .unwrap()
    };
    let ok = run(ASYM_SN);
    assert!(
        ok.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(!run("1234567812345678").status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

fn which_openssl() -> String {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success());
    assert!(
        matches!(ok, Ok(true)),
        "the openssl CLI is missing: run ./scripts/setup-interop (it installs openssl)"
    );
    "openssl".into()
}
