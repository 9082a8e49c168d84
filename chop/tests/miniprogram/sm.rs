//! The SM4_GCM + SM2withSM3 suite: round trip with the documented user IDs,
//! and the signature checked by an independent implementation (the openssl CLI).
#![cfg(feature = "sm")]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::clock::FixedClock;
use chop::crypto::sm::DEFAULT_SM2_USER_ID;
use chop::key::{Sm2PrivateKey, Sm2PublicKey};
use chop::miniprogram::{
    OpenError, PlatformCertificates, RequestSealer, ResponseOpener, SealError, SealInputs,
    Sm2Encoding, Sm2Settings, Sm2UserId, Suite,
};
use chop::secret::SecretBytes;
use test_support::keys::certificate;
use test_support::miniprogram::response_headers;
use test_support::tools::openssl_sm2_verify;
use test_support::vectors;

const APPID: &str = "wxba6223c06417af7b";
const ASYM_SN: &str = "5a1b2c3d4e5f60718293a4b5c6d7e8f9";
const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=T";
const TS: i64 = 1_700_000_000;

fn key() -> Sm2PrivateKey {
    Sm2PrivateKey::load(&vectors::read(
        "keys/upstream/skit_sm2_private_key_pkcs8.pem",
    ))
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
/// certificate N (its headers read back by `response_headers`).
fn opener() -> ResponseOpener {
    let mut certs = PlatformCertificates::default();
    let cert = certificate("keys/upstream/skit_sm2_cert.pem");
    certs.insert(ASYM_SN, &cert).unwrap();
    ResponseOpener::new(APPID, sm4_key(), "sm4sn", certs)
        .with_suite(Suite::sm())
        .with_clock(FixedClock(TS))
}

#[test]
fn sm_suite_round_trip_with_key_number_ids() {
    let sealed = sealer()
        .seal_with(URL, br#"{"openid":"o1"}"#, &inputs())
        .unwrap();
    assert_eq!(response_headers(&sealed).serial.as_deref(), Some(ASYM_SN));
    let opened = opener()
        .open(URL, &response_headers(&sealed), sealed.body.as_bytes())
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
        .open(URL, &response_headers(&sealed), sealed.body.as_bytes())
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
    let sealed = sealer()
        .seal_with(URL, br#"{"scene":0}"#, &inputs())
        .unwrap();
    let sig = STANDARD.decode(&sealed.signature).unwrap();
    let public = vectors::path("keys/upstream/skit_sm2_public_key.pem");
    let verify = |id: &str| openssl_sm2_verify(&public, id, sealed.sign_string.as_bytes(), &sig);
    if let Err(e) = verify(ASYM_SN) {
        panic!("openssl: {e}");
    }
    assert!(verify("1234567812345678").is_err());
}
