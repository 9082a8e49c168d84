//! Mini Program API security: seal and open a 1 KiB request.
//!
//! `cargo bench -p chop --bench miniprogram -- --measurement-time 3 --warm-up-time 1`
#![allow(missing_docs)]

use std::hint::black_box;

use chop::clock::FixedClock;
use chop::miniprogram::{PlatformCertificates, RequestSealer, ResponseOpener, SealInputs};
use chop::secret::SecretBytes;
use criterion::{criterion_group, criterion_main, Criterion};
use test_support::keys::{certificate, private_key};

const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=T";
const TS: i64 = 1_700_000_000;
const APPID: &str = "wxba6223c06417af7b";

/// A JSON object of exactly 1024 bytes.
fn data_1k() -> Vec<u8> {
    let head = br#"{"openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"pad":""#;
    let mut v = head.to_vec();
    v.extend(std::iter::repeat_n(b'x', 1024 - head.len() - 2));
    v.extend_from_slice(b"\"}");
    assert_eq!(v.len(), 1024);
    v
}

fn inputs() -> SealInputs {
    SealInputs {
        timestamp: TS,
        iv: [7; 12],
        nonce: "bm9uY2Vub25jZW5vbmNl".into(),
    }
}

/// `<suite>/seal_1KiB` with `sealer`, then `<suite>/open_1KiB` of that request
/// read back as a response from certificate number `serial` in `opener`.
fn seal_and_open(
    c: &mut Criterion,
    suite: &str,
    sealer: &RequestSealer,
    opener: &ResponseOpener,
    serial: &str,
) {
    let data = data_1k();
    c.bench_function(&format!("miniprogram/{suite}/seal_1KiB"), |b| {
        b.iter(|| {
            sealer
                .seal_with(black_box(URL), black_box(&data), &inputs())
                .unwrap()
        })
    });
    let sealed = sealer.seal_with(URL, &data, &inputs()).unwrap();
    let mut h = test_support::miniprogram::response_headers(&sealed);
    h.serial = Some(serial.into());
    c.bench_function(&format!("miniprogram/{suite}/open_1KiB"), |b| {
        b.iter(|| {
            opener
                .open(black_box(URL), &h, black_box(sealed.body.as_bytes()))
                .unwrap()
        })
    });
}

fn aes_rsa(c: &mut Criterion) {
    let key = private_key("keys/miniprogram/generated/platform_test_key.pem");
    let sealer = RequestSealer::new(APPID, SecretBytes::new(vec![1; 32]), "sn", key);
    let mut certs = PlatformCertificates::default();
    let cert = certificate("keys/miniprogram/generated/platform_test_cert.pem");
    certs.insert("c0ffee", &cert).unwrap();
    let opener = ResponseOpener::new(APPID, SecretBytes::new(vec![1; 32]), "sn", certs)
        .with_clock(FixedClock(TS));
    seal_and_open(c, "aes_rsa", &sealer, &opener, "c0ffee");
}

#[cfg(feature = "sm")]
fn sm4_sm2(c: &mut Criterion) {
    use chop::key::Sm2PrivateKey;
    use chop::miniprogram::Suite;
    let key = Sm2PrivateKey::load(&test_support::vectors::read(
        "keys/upstream/skit_sm2_private_key_pkcs8.pem",
    ))
    .unwrap();
    let sealer = RequestSealer::new_sm(APPID, SecretBytes::new(vec![1; 16]), "sn", key, "k1");
    let mut certs = PlatformCertificates::default();
    certs
        .insert("k1", &certificate("keys/upstream/skit_sm2_cert.pem"))
        .unwrap();
    let opener = ResponseOpener::new(APPID, SecretBytes::new(vec![1; 16]), "sn", certs)
        .with_suite(Suite::sm())
        .with_clock(FixedClock(TS));
    seal_and_open(c, "sm4_sm2", &sealer, &opener, "k1");
}

#[cfg(not(feature = "sm"))]
fn sm4_sm2(_: &mut Criterion) {}

criterion_group!(benches, aes_rsa, sm4_sm2);
criterion_main!(benches);
