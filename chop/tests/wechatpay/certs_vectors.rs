//! Platform certificates: every case in `vectors/wechatpay/certificates/`, chains, rotation.

use chop::clock::FixedClock;
use chop::key::Certificate;
use chop::wechatpay::{
    verify_chain, verify_download, ApiV3Key, CertificatesResponse, CertsError, ChainError,
    MemoryKeyStore, PlatformKey, PlatformKeyStore, ResponseVerifier, SignatureHeaders, Trust,
    VerifyError,
};
use test_support::vectors::{assert_every_case_run, json, read, text};
use test_support::wechatpay::{apiv3_key, platform_key};

const CASES: &[&str] = &[
    "go_mock_download_server",
    "java_download_certificate_response",
    "resource_not_exists",
];
const T: i64 = 1_795_420_800;

#[test]
fn every_certificates_folder_is_run() {
    assert_every_case_run("wechatpay/certificates", CASES, &[]);
}

fn download(
    case: &str,
) -> (
    serde_json::Value,
    Vec<u8>,
    Vec<chop::wechatpay::DownloadedCertificate>,
) {
    let dir = format!("wechatpay/certificates/{case}");
    let ctx = json(&format!("{dir}/context.json"));
    let body = read(&format!("{dir}/response.json"));
    let r = CertificatesResponse::parse(200, &body).unwrap();
    let certs = r
        .decrypt(&apiv3_key(ctx["apiv3_key"].as_str().unwrap()))
        .unwrap();
    (ctx, body, certs)
}

#[test]
fn downloads_decrypt_to_the_expected_certificates() {
    for case in &CASES[..2] {
        let (ctx, _, certs) = download(case);
        assert_eq!(certs.len(), 1, "{case}");
        let c = &certs[0];
        assert_eq!(c.serial_no, ctx["expected_serial_no"].as_str().unwrap());
        assert_eq!(c.certificate.serial_hex(), c.serial_no);
        assert_eq!(
            c.pem,
            text(&format!("wechatpay/certificates/{case}/certificate.pem")),
            "{case}"
        );
    }
    let (_, _, certs) = download("java_download_certificate_response");
    let c = &certs[0].certificate;
    let ctx = json("wechatpay/certificates/java_download_certificate_response/context.json");
    assert_eq!(c.subject(), ctx["cert_subject"].as_str().unwrap());
    assert_eq!(
        chop::key::format_utc(c.validity().not_before),
        "2023-09-19T15:15:58Z"
    );
    assert_eq!(
        chop::key::format_utc(c.validity().not_after),
        "2028-09-17T15:15:58Z"
    );
}

#[test]
fn first_download_is_trust_on_first_use_and_later_ones_use_trusted_keys() {
    let (ctx, body, certs) = download("go_mock_download_server");
    let headers = SignatureHeaders::from_text(&text(
        "wechatpay/certificates/go_mock_download_server/headers.txt",
    ))
    .unwrap();
    let now = ctx["now"].as_i64().unwrap();
    let clock = FixedClock(now);
    let d = verify_download(certs.clone(), &headers, &body, Trust::FirstUse(&clock)).unwrap();
    assert!(d.trust_on_first_use);
    assert_eq!(d.verified_by, "D7CE59D1F522D701");
    // Later: verified with the certificate already held.
    let store = std::sync::Arc::new(MemoryKeyStore::with_keys(d.platform_keys()));
    let v = ResponseVerifier::with_store(store.clone()).with_clock(FixedClock(now));
    let d2 = verify_download(certs.clone(), &headers, &body, Trust::Verifier(&v)).unwrap();
    assert!(!d2.trust_on_first_use);
    // A trusted key that did not sign: refused, naming the known serials.
    let other = platform_key("new");
    let v = ResponseVerifier::new([other]).with_clock(FixedClock(now));
    let e = verify_download(certs.clone(), &headers, &body, Trust::Verifier(&v)).unwrap_err();
    assert!(
        matches!(e, CertsError::Verify(VerifyError::UnknownSerial { .. })),
        "{e:?}"
    );
    // A changed body fails even on first use.
    let mut changed = body.clone();
    changed[10] ^= 1;
    let e = verify_download(certs, &headers, &changed, Trust::FirstUse(&clock)).unwrap_err();
    assert!(
        matches!(e, CertsError::Verify(VerifyError::BadSignature { .. })),
        "{e:?}"
    );
}

#[test]
fn resource_not_exists_says_to_use_public_key_mode() {
    let ctx = json("wechatpay/certificates/resource_not_exists/context.json");
    let body = read("wechatpay/certificates/resource_not_exists/response.json");
    let e = CertificatesResponse::parse(ctx["status"].as_u64().unwrap() as u16, &body).unwrap_err();
    assert_eq!(e, CertsError::UsePublicKeyMode);
    assert!(e.to_string().contains("public-key mode"));
    assert!(e.to_string().contains("PUB_KEY_ID_"));
    // Another error stays an API error with its body.
    let e =
        CertificatesResponse::parse(401, br#"{"code":"SIGN_ERROR","message":"x"}"#).unwrap_err();
    assert!(matches!(e, CertsError::Api { status: 401, .. }));
    assert!(matches!(
        CertificatesResponse::parse(502, b"<html>"),
        Err(CertsError::Body { .. })
    ));
    assert_eq!(
        CertificatesResponse::parse(200, br#"{"data":[]}"#).unwrap_err(),
        CertsError::Empty
    );
}

#[test]
fn wrong_key_and_serial_mismatch_are_typed() {
    let body = read("wechatpay/certificates/java_download_certificate_response/response.json");
    let r = CertificatesResponse::parse(200, &body).unwrap();
    let e = r
        .decrypt(&ApiV3Key::new("0123456789abcdef0123456789abcdef").unwrap())
        .unwrap_err();
    assert!(matches!(e, CertsError::Decrypt { .. }), "{e:?}");
    let forged = String::from_utf8(body).unwrap().replace(
        "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC",
        "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427ED",
    );
    let r = CertificatesResponse::parse(200, forged.as_bytes()).unwrap();
    let e = r
        .decrypt(&apiv3_key("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"))
        .unwrap_err();
    assert!(matches!(e, CertsError::SerialMismatch { .. }), "{e:?}");
}

#[test]
fn chains_to_the_tenpay_root_only_when_issued_by_it() {
    let root = Certificate::load(&read("keys/upstream/tenpay_root.pem")).unwrap();
    let (_, _, certs) = download("java_download_certificate_response");
    verify_chain(&certs[0].certificate, &root, T).unwrap();
    // Outside the platform certificate's validity.
    assert!(matches!(
        verify_chain(&certs[0].certificate, &root, 1_900_000_000),
        Err(ChainError::Validity {
            which: "platform",
            ..
        })
    ));
    // wechatpay-go's mock certificate is self-issued, not Tenpay's.
    let (_, _, go) = download("go_mock_download_server");
    assert!(matches!(
        verify_chain(&go[0].certificate, &root, T),
        Err(ChainError::Issuer { .. })
    ));
    // chop's test platform certificates chain to chop's test root, not to Tenpay's.
    let test_root = Certificate::load(&read("keys/wechatpay-platform/test-root-ca.pem")).unwrap();
    let new = Certificate::load(&read("keys/wechatpay-platform/platform-new-cert.pem")).unwrap();
    // (The test root was made on 2026-11-23 at 15:07 UTC; check on 2027-01-01.)
    let t2 = 1_798_761_600;
    verify_chain(&new, &test_root, t2).unwrap();
    assert!(matches!(
        verify_chain(&new, &root, t2),
        Err(ChainError::Issuer { .. })
    ));
    // Same issuer name, different key: the signature check catches it.
    let (_, _, java) = download("java_download_certificate_response");
    let fake = Certificate::load(&read("keys/wechatpay-platform/fake-tenpay-root.pem")).unwrap();
    assert_eq!(fake.subject(), java[0].certificate.issuer());
    assert_eq!(
        verify_chain(&java[0].certificate, &fake, t2),
        Err(ChainError::Signature)
    );
}

#[test]
fn rotation_in_the_store() {
    let old = platform_key("old");
    let new = platform_key("new");
    let store = MemoryKeyStore::with_keys([old.clone()]);
    store.insert(new.clone());
    store.insert(new.clone()); // same serial: replaced, not duplicated
    assert_eq!(store.keys().len(), 2);
    assert_eq!(store.for_encryption(T).unwrap().id(), new.id());
    assert!(store
        .find("A2B3C4D5E6F708192A3B4C5D6E7F80910213243")
        .is_some());
    assert!(store.remove(old.id()));
    assert!(!store.remove(old.id()));
    assert_eq!(store.ids(), [new.id()]);
}

#[test]
fn applying_a_download_adds_new_and_prunes_expired_certificates() {
    let (ctx, body, certs) = download("go_mock_download_server");
    let headers = SignatureHeaders::from_text(&text(
        "wechatpay/certificates/go_mock_download_server/headers.txt",
    ))
    .unwrap();
    let clock = FixedClock(ctx["now"].as_i64().unwrap());
    let d = verify_download(certs, &headers, &body, Trust::FirstUse(&clock)).unwrap();
    let old = platform_key("old");
    let pubkey = PlatformKey::public_key(
        "PUB_KEY_ID_0119000091912026112300000000",
        chop::key::RsaPublicKey::load(&read("keys/wechatpay-platform/platform-pubkey-pub.pem"))
            .unwrap(),
    );
    let store = MemoryKeyStore::with_keys([old.clone(), pubkey]);
    // 2027-01-01: the old certificate (until 2026-12-01) has expired.
    let removed = d.apply_to(&store, 1_798_761_600);
    assert_eq!(removed, [old.id()]);
    assert_eq!(
        store.ids(),
        [
            "D7CE59D1F522D701",
            "PUB_KEY_ID_0119000091912026112300000000"
        ]
    );
}
