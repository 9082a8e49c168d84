//! Mini Program API security: the official example from `vectors/miniprogram/`
//! and every bad-input case.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::clock::FixedClock;
use chop::key::{Certificate, RsaPrivateKey};
use chop::miniprogram::{
    ApiSecurityErrorCode, BodyError, OpenError, PlatformCertificates, RequestSealer,
    ResponseHeaders, ResponseOpener, SealError, SealInputs, SignString,
};
use chop::secret::SecretBytes;
use chop::signer::SignatureScheme;
use serde_json::Value;
use test_support::vectors::{self, read, Case};

use crate::open_data_msg;

const CASE: &str = "miniprogram/official_api_signature";

fn text(name: &str) -> String {
    Case::new(CASE).text(name)
}

fn ctx() -> Value {
    Case::new(CASE).context()
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_else(|| panic!("{k}")).to_string()
}

fn sym_key(c: &Value) -> SecretBytes {
    SecretBytes::new(STANDARD.decode(s(c, "symmetric_key_b64")).unwrap())
}

fn sealer() -> RequestSealer {
    let c = ctx();
    let key = RsaPrivateKey::load(&read(&s(&c, "app_private_key_file")), None).unwrap();
    RequestSealer::new(s(&c, "appid"), sym_key(&c), s(&c, "symmetric_sn"), key)
}

fn inputs() -> SealInputs {
    let c = ctx();
    SealInputs {
        timestamp: c["request_timestamp"].as_i64().unwrap(),
        iv: STANDARD
            .decode(s(&c, "request_iv_b64"))
            .unwrap()
            .try_into()
            .unwrap(),
        nonce: s(&c, "request_nonce"),
    }
}

fn certs() -> PlatformCertificates {
    let c = ctx();
    let mut certs = PlatformCertificates::default();
    let cert = Certificate::load(&read(&s(&c, "platform_cert_file"))).unwrap();
    certs.insert(s(&c, "platform_cert_sn"), &cert).unwrap();
    certs
}

fn opener() -> ResponseOpener {
    let c = ctx();
    ResponseOpener::new(s(&c, "appid"), sym_key(&c), s(&c, "symmetric_sn"), certs())
        .with_clock(FixedClock(c["response_timestamp"].as_i64().unwrap() + 3))
}

fn headers() -> ResponseHeaders {
    let c = ctx();
    ResponseHeaders {
        appid: Some(s(&c, "appid")),
        timestamp: Some(c["response_timestamp"].to_string()),
        serial: Some(s(&c, "platform_cert_sn")),
        signature: Some(text("response_signature.b64")),
        deprecated_serial: Some(s(&c, "response_deprecated_serial")),
        deprecated_signature: Some(text("response_deprecated_signature.b64")),
    }
}

/// Folders this module runs; the folders with the prefixes `open_data_`,
/// `raw_data_` and `msg_` are run by `open_data_msg.rs` (it iterates over them).
const CASES: &[&str] = &["official_api_signature"];

#[test]
fn every_vector_folder_is_run() {
    let mut run: Vec<String> = CASES.iter().map(|c| c.to_string()).collect();
    run.extend(open_data_msg::run_cases());
    let run: Vec<&str> = run.iter().map(String::as_str).collect();
    vectors::assert_every_case_run("miniprogram", &run, &[]);
}

#[test]
fn official_request_is_reproduced_byte_exact() {
    let c = ctx();
    let sealed = sealer()
        .seal_with(
            &s(&c, "url"),
            &read(&format!("{CASE}/request_data.json")),
            &inputs(),
        )
        .unwrap();
    assert_eq!(sealed.url_path, s(&c, "url_path"));
    assert_eq!(sealed.plaintext, text("request_plaintext.json"));
    assert_eq!(sealed.aad.as_str(), text("request_aad.txt"));
    assert_eq!(sealed.body, text("request_body.json"));
    assert_eq!(sealed.body.len(), 324);
    assert_eq!(
        sealed.sign_string.as_bytes(),
        text("request_sign_string.txt").as_bytes()
    );
    // PSS is randomised: the new signature differs but verifies with the app's public key.
    let key = RsaPrivateKey::load(&read(&s(&c, "app_private_key_file")), None).unwrap();
    let sig = STANDARD.decode(&sealed.signature).unwrap();
    key.public_key()
        .verify(
            SignatureScheme::RsaPssSha256,
            sealed.sign_string.as_bytes(),
            &sig,
        )
        .unwrap();
    let names: Vec<&str> = sealed.headers.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "Wechatmp-Appid",
            "Wechatmp-TimeStamp",
            "Wechatmp-Signature",
            "Content-Type"
        ]
    );
    assert_eq!(sealed.headers[1].1, "1635927954");
}

#[test]
fn official_request_signature_verifies() {
    let c = ctx();
    let key = RsaPrivateKey::load(&read(&s(&c, "app_private_key_file")), None).unwrap();
    let sign_string = SignString::new(
        &s(&c, "url_path"),
        &s(&c, "appid"),
        c["request_timestamp"].as_i64().unwrap(),
        &read(&format!("{CASE}/request_body.json")),
    );
    assert_eq!(
        sign_string.as_bytes(),
        &read(&format!("{CASE}/request_sign_string.txt"))[..]
    );
    let sig = STANDARD.decode(text("request_signature.b64")).unwrap();
    key.public_key()
        .verify(SignatureScheme::RsaPssSha256, sign_string.as_bytes(), &sig)
        .unwrap();
}

#[test]
fn asymmetric_sn_adds_wechatmp_serial() {
    let c = ctx();
    let sealed = sealer()
        .with_asymmetric_sn(s(&c, "app_key_sn"))
        .seal_with(&s(&c, "url"), b"{}", &inputs())
        .unwrap();
    assert!(sealed.headers.contains(&(
        "Wechatmp-Serial",
        "97845f6ed842ea860df6fdf65941ff56".to_string()
    )));
}

#[test]
fn official_response_verifies_and_decrypts() {
    let c = ctx();
    let body = read(&format!("{CASE}/response_body.json"));
    let opened = opener().open(&s(&c, "url"), &headers(), &body).unwrap();
    assert_eq!(
        opened.sign_string().as_bytes(),
        &read(&format!("{CASE}/response_sign_string.txt"))[..]
    );
    let digest =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, opened.sign_string().as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, s(&c, "response_sign_string_sha256_hex"));
    assert_eq!(opened.value().aad.as_str(), text("response_aad.txt"));
    assert_eq!(opened.value().plaintext, text("response_plaintext.json"));
    assert_eq!(opened.key_id(), Some("79ba700ea147819f640941bceb38b1d1"));
    assert_eq!(
        opened.value().rotation,
        None,
        "verified with the current certificate"
    );
}

#[test]
fn rotation_reports_the_retiring_certificate() {
    // Pretend our certificate is the one the response calls deprecated.
    let c = ctx();
    let mut h = headers();
    h.serial = Some("ffffffffffffffffffffffffffffffff".into());
    h.deprecated_serial = Some(s(&c, "platform_cert_sn"));
    h.deprecated_signature = Some(text("response_signature.b64"));
    let opened = opener()
        .open(
            &s(&c, "url"),
            &h,
            &read(&format!("{CASE}/response_body.json")),
        )
        .unwrap();
    let rotation = opened.value().rotation.clone().unwrap();
    assert_eq!(rotation.retiring, "79ba700ea147819f640941bceb38b1d1");
    assert_eq!(rotation.current, "ffffffffffffffffffffffffffffffff");
    assert!(rotation
        .to_string()
        .contains("download certificate ffffffff"));
}

fn open_err(h: &ResponseHeaders, body: &[u8]) -> OpenError {
    opener().open(&s(&ctx(), "url"), h, body).unwrap_err()
}

fn body() -> Vec<u8> {
    read(&format!("{CASE}/response_body.json"))
}

#[test]
fn missing_headers_are_named() {
    for (clear, name) in [
        (0, "Wechatmp-Appid"),
        (1, "Wechatmp-TimeStamp"),
        (2, "Wechatmp-Serial"),
        (3, "Wechatmp-Signature"),
    ] {
        let mut h = headers();
        match clear {
            0 => h.appid = None,
            1 => h.timestamp = None,
            2 => h.serial = None,
            _ => h.signature = Some(String::new()),
        }
        assert_eq!(
            open_err(&h, &body()),
            OpenError::MissingHeader { header: name }
        );
    }
}

#[test]
fn wrong_serial_is_unknown() {
    let mut h = headers();
    h.serial = Some("00".into());
    h.deprecated_serial = None;
    let e = open_err(&h, &body());
    assert!(
        matches!(e, OpenError::UnknownSerial { ref known, .. } if known == &["79ba700ea147819f640941bceb38b1d1"])
    );
    assert!(e.to_string().contains("not the X.509 serial"));
}

#[test]
fn tampered_body_and_tag_fail_the_signature() {
    for (from, to) in [("HExs66Ik", "HExs66Il"), ("z2BFD8Qc", "z2BFD8Qd")] {
        let tampered = String::from_utf8(body()).unwrap().replace(from, to);
        let e = open_err(&headers(), tampered.as_bytes());
        assert!(
            matches!(e, OpenError::SignatureMismatch { .. }),
            "{from}: {e}"
        );
        assert!(e.to_string().contains("exact bytes received"));
    }
}

#[test]
fn swapped_timestamp_fails_the_signature() {
    let mut h = headers();
    h.timestamp = Some("1635927954".into()); // the request's timestamp
    assert!(matches!(
        open_err(&h, &body()),
        OpenError::SignatureMismatch { .. }
    ));
}

#[test]
fn stale_response_is_refused() {
    let c = ctx();
    let e = opener()
        .with_clock(FixedClock(1635927956 + 301))
        .open(&s(&c, "url"), &headers(), &body())
        .unwrap_err();
    assert_eq!(
        e,
        OpenError::Stale {
            timestamp: 1635927956,
            now: 1635928257,
            window: 300
        }
    );
}

#[test]
fn wrong_symmetric_key_or_sn_fails_decryption() {
    let c = ctx();
    let wrong_key = ResponseOpener::new(
        s(&c, "appid"),
        SecretBytes::new(vec![7; 32]),
        s(&c, "symmetric_sn"),
        certs(),
    )
    .with_clock(FixedClock(1635927956));
    assert!(matches!(
        wrong_key.open(&s(&c, "url"), &headers(), &body()),
        Err(OpenError::Decrypt { .. })
    ));
    let wrong_sn = ResponseOpener::new(s(&c, "appid"), sym_key(&c), "0000", certs())
        .with_clock(FixedClock(1635927956));
    let e = wrong_sn
        .open(&s(&c, "url"), &headers(), &body())
        .unwrap_err();
    assert!(e.to_string().contains("|0000`"), "{e}");
    let short = ResponseOpener::new(s(&c, "appid"), SecretBytes::new(vec![7; 16]), "x", certs())
        .with_clock(FixedClock(1635927956));
    assert!(matches!(
        short.open(&s(&c, "url"), &headers(), &body()),
        Err(OpenError::SymmetricKey {
            got: 16,
            expected: 32,
            ..
        })
    ));
}

#[test]
fn other_appid_is_refused() {
    let mut h = headers();
    h.appid = Some("wx0000000000000000".into());
    assert!(matches!(
        open_err(&h, &body()),
        OpenError::AppidMismatch { .. }
    ));
}

#[test]
fn unencrypted_error_body_is_marked_unverified() {
    let e = open_err(
        &ResponseHeaders::default(),
        br#"{"errcode":40234,"errmsg":"invalid signature rid: 64b0bbe0-506f9d6f-5797c0ab"}"#,
    );
    let OpenError::Unverified(u) = &e else {
        panic!("{e}")
    };
    assert_eq!(u.known, Some(ApiSecurityErrorCode::InvalidSignature));
    assert!(e.to_string().starts_with("UNVERIFIED platform error"));
    assert!(e.to_string().contains("rid: 64b0bbe0"));
}

#[test]
fn oversize_body_is_refused() {
    let e = opener()
        .with_max_body(100)
        .open(&s(&ctx(), "url"), &headers(), &body())
        .unwrap_err();
    assert_eq!(e, OpenError::TooLarge { len: 292, max: 100 });
    let e = sealer()
        .with_max_body(10)
        .seal_with(&s(&ctx(), "url"), &[b' '; 11], &inputs())
        .unwrap_err();
    assert_eq!(e, SealError::TooLarge { len: 11, max: 10 });
}

#[test]
fn non_json_and_reserved_request_data_are_refused() {
    let url = s(&ctx(), "url");
    let sealer = sealer();
    assert!(matches!(
        sealer.seal_with(&url, b"code=1", &inputs()),
        Err(SealError::NotJson { .. })
    ));
    assert!(matches!(
        sealer.seal_with(&url, b"[1]", &inputs()),
        Err(SealError::NotAnObject { found: "an array" })
    ));
    assert!(matches!(
        sealer.seal_with(&url, br#"{"_timestamp":1}"#, &inputs()),
        Err(SealError::ReservedField {
            field: "_timestamp"
        })
    ));
    assert!(matches!(
        sealer.seal_with("/wxa/x", b"{}", &inputs()),
        Err(SealError::Url { .. })
    ));
}

#[test]
fn wrong_sealing_key_lengths_are_refused() {
    let c = ctx();
    let key = RsaPrivateKey::load(&read(&s(&c, "app_private_key_file")), None).unwrap();
    let e = RequestSealer::new("wxa", SecretBytes::new(vec![1; 16]), "sn", key)
        .seal_with(&s(&c, "url"), b"{}", &inputs())
        .unwrap_err();
    assert_eq!(
        e,
        SealError::SymmetricKey {
            algorithm: "AES256_GCM",
            got: 16,
            expected: 32
        }
    );
    assert!(!e.to_string().contains("\u{1}"));
}

#[test]
fn sealed_request_opens_when_mirrored() {
    // A response is built like a request (same AAD and body format); sealing a
    // fake response with the platform-side key would need the platform's private
    // key, so check decryption and the body format through the round trip.
    let c = ctx();
    let sealed = sealer()
        .seal_with(&s(&c, "url"), br#"{"code":"x"}"#, &inputs())
        .unwrap();
    let parsed = chop::miniprogram::EncryptedBody::parse(sealed.body.as_bytes()).unwrap();
    assert_eq!(parsed, sealed.encrypted);
    assert!(matches!(
        chop::miniprogram::EncryptedBody::parse(b"{\"iv\":1}"),
        Err(BodyError::MissingField { field: "iv" })
    ));
}

/// A response "from the platform", made with the TEST ONLY platform key so
/// that any plaintext can be tried.
fn fake_response(plaintext: &str, ts: i64) -> (ResponseHeaders, Vec<u8>, ResponseOpener) {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
    use chop::signer::Signer;
    let c = ctx();
    let url_path = s(&c, "url_path");
    let aad = format!(
        "{url_path}|{}|{ts}|{}",
        s(&c, "appid"),
        s(&c, "symmetric_sn")
    );
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, sym_key(&c).expose()).unwrap());
    let mut buf = plaintext.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key([3; 12]),
        Aad::from(aad.as_bytes()),
        &mut buf,
    )
    .unwrap();
    let body = chop::miniprogram::EncryptedBody::from_sealed(&[3; 12], &buf).to_json();
    let platform = RsaPrivateKey::load(
        &read("keys/miniprogram/generated/platform_test_key.pem"),
        None,
    )
    .unwrap();
    let sig = platform
        .sign(
            SignatureScheme::RsaPssSha256,
            SignString::new(&url_path, &s(&c, "appid"), ts, body.as_bytes()).as_bytes(),
        )
        .unwrap();
    let mut certs = PlatformCertificates::default();
    let cert =
        Certificate::load(&read("keys/miniprogram/generated/platform_test_cert.pem")).unwrap();
    certs.insert("c0ffee", &cert).unwrap();
    let opener = ResponseOpener::new(s(&c, "appid"), sym_key(&c), s(&c, "symmetric_sn"), certs)
        .with_clock(FixedClock(ts));
    let headers = ResponseHeaders {
        appid: Some(s(&c, "appid")),
        timestamp: Some(ts.to_string()),
        serial: Some("c0ffee".into()),
        signature: Some(STANDARD.encode(sig)),
        ..Default::default()
    };
    (headers, body.into_bytes(), opener)
}

#[test]
fn fake_platform_response_opens() {
    let (h, b, o) = fake_response(
        r#"{"_appid":"wxba6223c06417af7b","_timestamp":1700000000,"errcode":0}"#,
        1700000000,
    );
    assert!(o
        .open(&s(&ctx(), "url"), &h, &b)
        .unwrap()
        .value()
        .plaintext
        .ends_with(r#""errcode":0}"#));
}

#[test]
fn non_json_plaintext_is_a_typed_error() {
    let (h, b, o) = fake_response("errcode=0", 1700000000);
    let e = o.open(&s(&ctx(), "url"), &h, &b).unwrap_err();
    assert!(matches!(e, OpenError::PlaintextNotJson { .. }), "{e}");
}

#[test]
fn plaintext_appid_and_timestamp_are_checked() {
    let (h, b, o) = fake_response(
        r#"{"_appid":"wxother","_timestamp":1700000000}"#,
        1700000000,
    );
    assert!(matches!(
        o.open(&s(&ctx(), "url"), &h, &b),
        Err(OpenError::PlaintextAppid { .. })
    ));
    let (h, b, o) = fake_response(
        r#"{"_appid":"wxba6223c06417af7b","_timestamp":1600000000}"#,
        1700000000,
    );
    assert_eq!(
        o.open(&s(&ctx(), "url"), &h, &b).unwrap_err(),
        OpenError::PlaintextTimestamp {
            header: 1700000000,
            inside: Some(1600000000)
        }
    );
    let (h, b, o) = fake_response(r#"{"errcode":0}"#, 1700000000);
    assert!(matches!(
        o.open(&s(&ctx(), "url"), &h, &b),
        Err(OpenError::PlaintextAppid { got: None, .. })
    ));
}

#[test]
fn relative_url_is_refused_when_opening() {
    let e = opener()
        .open("/wxa/getuserriskrank", &headers(), &body())
        .unwrap_err();
    assert!(matches!(e, OpenError::Url { .. }), "{e}");
}

#[test]
fn header_map_has_every_header() {
    let sealed = sealer()
        .with_asymmetric_sn("97845f6ed842ea860df6fdf65941ff56")
        .seal_with(&s(&ctx(), "url"), b"{}", &inputs())
        .unwrap();
    let mut req = http::Request::post(s(&ctx(), "url"))
        .body(String::new())
        .unwrap();
    sealed.apply_to(&mut req);
    let map = req.headers();
    assert!(map["wechatmp-signature"].is_sensitive());
    assert_eq!(req.body(), &sealed.body);
    assert_eq!(map["wechatmp-appid"], "wxba6223c06417af7b");
    assert_eq!(map["wechatmp-timestamp"], "1635927954");
    assert_eq!(map["wechatmp-serial"], "97845f6ed842ea860df6fdf65941ff56");
    assert_eq!(map["content-type"], "application/json");
    assert_eq!(map["wechatmp-signature"], sealed.signature.as_str());
}

#[test]
fn malformed_headers_are_typed_errors() {
    let mut h = headers();
    h.timestamp = Some("yesterday".into());
    assert_eq!(
        open_err(&h, &body()),
        OpenError::BadTimestamp {
            value: "yesterday".into()
        }
    );
    let mut h = headers();
    h.signature = Some("not base64!".into());
    assert_eq!(
        open_err(&h, &body()),
        OpenError::BadSignatureEncoding {
            header: "Wechatmp-Signature"
        }
    );
    // Rotation pair with the deprecated signature missing.
    let mut h = headers();
    h.serial = Some("ffff".into());
    h.deprecated_serial = Some("79ba700ea147819f640941bceb38b1d1".into());
    h.deprecated_signature = None;
    assert_eq!(
        open_err(&h, &body()),
        OpenError::MissingHeader {
            header: "Wechatmp-Signature-Deprecated"
        }
    );
}

#[test]
fn header_map_from_http_response() {
    let mut map = http::HeaderMap::new();
    map.insert("Wechatmp-Appid", "wxba6223c06417af7b".parse().unwrap());
    map.insert("Wechatmp-TimeStamp", "1635927956".parse().unwrap());
    map.insert(
        "Wechatmp-Serial",
        "79ba700ea147819f640941bceb38b1d1".parse().unwrap(),
    );
    map.insert(
        "Wechatmp-Signature",
        text("response_signature.b64").parse().unwrap(),
    );
    let h = ResponseHeaders::from_header_map(&map);
    assert!(opener().open(&s(&ctx(), "url"), &h, &body()).is_ok());
}

#[derive(Debug)]
struct BrokenSigner;

impl chop::signer::Signer for BrokenSigner {
    fn sign(&self, _: SignatureScheme, _: &[u8]) -> Result<Vec<u8>, chop::signer::SignError> {
        Err(chop::signer::SignError::Backend {
            reason: "HSM offline".into(),
        })
    }
}

#[test]
fn field_and_signer_failures_are_typed() {
    let url = s(&ctx(), "url");
    let e = RequestSealer::new("wx app", sym_key(&ctx()), "sn", BrokenSigner)
        .seal_with(&url, b"{}", &inputs())
        .unwrap_err();
    assert!(matches!(e, SealError::Field { field: "appid", .. }), "{e}");
    let e = RequestSealer::new("wxapp", sym_key(&ctx()), "a|b", BrokenSigner)
        .seal_with(&url, b"{}", &inputs())
        .unwrap_err();
    assert!(matches!(e, SealError::Field { .. }), "{e}");
    let e = RequestSealer::new("wxapp", sym_key(&ctx()), "sn", BrokenSigner)
        .seal_with(&url, b"{}", &inputs())
        .unwrap_err();
    assert_eq!(e.to_string(), "the signing backend failed: HSM offline");
}

#[test]
fn extreme_timestamps_do_not_panic() {
    // A signature check fails first for a forged timestamp; the window
    // arithmetic must not overflow either way.
    for ts in ["-9223372036854775808", "9223372036854775807"] {
        let mut h = headers();
        h.timestamp = Some(ts.into());
        assert!(matches!(
            open_err(&h, &body()),
            OpenError::SignatureMismatch { .. }
        ));
    }
    let e = OpenError::Stale {
        timestamp: i64::MIN,
        now: i64::MAX,
        window: 300,
    };
    assert!(e.to_string().contains("18446744073709551615 s away"));
    let (h, b, o) = fake_response(
        r#"{"_appid":"wxba6223c06417af7b","_timestamp":-9223372036854775808}"#,
        i64::MIN,
    );
    let o = o.with_clock(FixedClock(i64::MAX));
    assert!(matches!(
        o.open(&s(&ctx(), "url"), &h, &b),
        Err(OpenError::Stale { .. })
    ));
}

#[test]
fn mutated_bodies_and_headers_never_panic_and_never_open() {
    let url = s(&ctx(), "url");
    let o = opener();
    let original = body();
    for i in 0..original.len() {
        for bit in [0x01u8, 0x80] {
            let mut b = original.clone();
            b[i] ^= bit;
            assert!(
                o.open(&url, &headers(), &b).is_err(),
                "byte {i} bit {bit:#x}"
            );
        }
    }
    for cut in 0..original.len() {
        assert!(o.open(&url, &headers(), &original[..cut]).is_err());
    }
    let sig = text("response_signature.b64");
    for cut in 0..sig.len() {
        let mut h = headers();
        h.signature = Some(sig[..cut].to_string());
        assert!(o.open(&url, &h, &original).is_err());
    }
}

#[test]
fn opens_an_http_response() {
    let resp = http::Response::builder()
        .header("Wechatmp-Appid", "wxba6223c06417af7b")
        .header("Wechatmp-TimeStamp", "1635927956")
        .header("Wechatmp-Serial", "79ba700ea147819f640941bceb38b1d1")
        .header("Wechatmp-Signature", text("response_signature.b64"))
        .body(body())
        .unwrap();
    let opened = opener().open_response(&s(&ctx(), "url"), &resp).unwrap();
    assert_eq!(opened.value().plaintext, text("response_plaintext.json"));
}
