//! Damaged callbacks, responses, headers and certificate downloads give a typed
//! error (or, rarely, a value), never a panic: deterministic mutations of real vectors.

#[path = "support/wechatpay.rs"]
mod support;

use chop::wechatpay::{
    ApiV3Key, CertificatesResponse, ErrorBody, NotificationHandler, SignatureHeaders,
};
use support::*;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(4) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.truncate(rng.below(v.len() + 1)),
            2 => {
                let i = rng.below(v.len() + 1);
                v.insert(i, rng.next() as u8);
            }
            _ if !v.is_empty() => {
                let i = rng.below(v.len());
                v.remove(i);
            }
            _ => {}
        }
    }
    v
}

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
