//! Damaged callbacks, responses, headers and certificate downloads give a typed
//! error (or, rarely, a value), never a panic: deterministic mutations of real vectors.

use chop::wechatpay::{
    ApiV3Key, CertificatesResponse, ErrorBody, NotificationHandler, SignatureHeaders,
};
use test_support::vectors::{json, read};
use test_support::wechatpay::verifier;

use test_support::mutate::{mutate, Rng};

#[test]
fn mutated_callbacks_never_panic_and_never_verify() {
    let dir = "wechatpay/notify/chop_payment_success";
    let ctx = json(&format!("{dir}/context.json"));
    let handler = NotificationHandler::new(
        verifier(&ctx),
        ApiV3Key::new(ctx["apiv3_key"].as_str().unwrap()).unwrap(),
    );
    let body = read(&format!("{dir}/body.txt"));
    let headers = read(&format!("{dir}/headers.txt"));
    let mut rng = Rng(0x5EED_0003);
    let mut accepted = 0;
    for _ in 0..1500 {
        let b = mutate(&mut rng, &body);
        let h = mutate(&mut rng, &headers);
        let h = String::from_utf8_lossy(&h);
        if let Ok(parsed) = SignatureHeaders::from_text(&h) {
            if handler.handle(&parsed, &b).is_ok() {
                accepted += 1;
            }
        }
    }
    // Only a mutation that changed neither the signed bytes nor the signature
    // (e.g. whitespace around a header value) can verify.
    assert!(accepted < 100, "{accepted} mutated callbacks verified");
}

#[test]
fn mutated_certificate_downloads_and_error_bodies_never_panic() {
    let body = read("wechatpay/certificates/java_download_certificate_response/response.json");
    let key = ApiV3Key::new("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb").unwrap();
    let err = read("wechatpay/verify/unsigned_sign_error/body.txt");
    let mut rng = Rng(0x5EED_0004);
    for _ in 0..800 {
        let b = mutate(&mut rng, &body);
        for status in [200, 404] {
            if let Ok(r) = CertificatesResponse::parse(status, &b) {
                let _ = r.decrypt(&key);
            }
        }
        let _ = ErrorBody::parse(&mutate(&mut rng, &err));
    }
}
