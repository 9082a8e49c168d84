//! Mini Program API security: seal and open a 1 KiB request.
//!
//! `cargo bench -p chop --bench miniprogram -- --measurement-time 3 --warm-up-time 1`
#![allow(missing_docs)]

use std::hint::black_box;

use chop::clock::FixedClock;
use chop::key::Sm2PrivateKey;
use chop::key::{Certificate, RsaPrivateKey};
use chop::miniprogram::{
    PlatformCertificates, RequestSealer, ResponseHeaders, ResponseOpener, SealInputs, Suite,
};
use chop::secret::SecretBytes;
use criterion::{criterion_group, criterion_main, Criterion};

const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=T";
const TS: i64 = 1_700_000_000;

fn vectors(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../vectors/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

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

fn headers(sealed: &chop::miniprogram::SealedRequest, serial: &str) -> ResponseHeaders {
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
        serial: Some(serial.into()),
        signature: get("Wechatmp-Signature"),
        ..Default::default()
    }
}

fn aes_rsa(c: &mut Criterion) {
    let data = data_1k();
    let key = RsaPrivateKey::load(
        &vectors("keys/miniprogram/generated/platform_test_key.pem"),
        None,
    )
    .unwrap();
    let sealer = RequestSealer::new(
        "wxba6223c06417af7b",
        SecretBytes::new(vec![1; 32]),
        "sn",
        key,
    );
    c.bench_function("miniprogram/aes_rsa/seal_1KiB", |b| {
        b.iter(|| {
            sealer
                .seal_with(black_box(URL), black_box(&data), &inputs())
                .unwrap()
        })
    });
    let sealed = sealer.seal_with(URL, &data, &inputs()).unwrap();
    let mut certs = PlatformCertificates::default();
    let cert = Certificate::load(&vectors(
        "keys/miniprogram/generated/platform_test_cert.pem",
    ))
    .unwrap();
    certs.insert("c0ffee", &cert).unwrap();
    let opener = ResponseOpener::new(
        "wxba6223c06417af7b",
        SecretBytes::new(vec![1; 32]),
        "sn",
        certs,
    )
    .with_clock(FixedClock(TS));
    let h = headers(&sealed, "c0ffee");
    c.bench_function("miniprogram/aes_rsa/open_1KiB", |b| {
        b.iter(|| {
            opener
                .open(black_box(URL), &h, black_box(sealed.body.as_bytes()))
                .unwrap()
        })
    });
}

fn sm4_sm2(c: &mut Criterion) {
    let data = data_1k();
    let key =
        Sm2PrivateKey::load(&vectors("keys/upstream/skit_sm2_private_key_pkcs8.pem")).unwrap();
    let sealer = RequestSealer::new_sm(
        "wxba6223c06417af7b",
        SecretBytes::new(vec![1; 16]),
        "sn",
        key,
        "k1",
    );
    c.bench_function("miniprogram/sm4_sm2/seal_1KiB", |b| {
        b.iter(|| {
            sealer
                .seal_with(black_box(URL), black_box(&data), &inputs())
                .unwrap()
        })
    });
    let sealed = sealer.seal_with(URL, &data, &inputs()).unwrap();
    let mut certs = PlatformCertificates::default();
    certs
        .insert(
            "k1",
            &Certificate::load(&vectors("keys/upstream/skit_sm2_cert.pem")).unwrap(),
        )
        .unwrap();
    let opener = ResponseOpener::new(
        "wxba6223c06417af7b",
        SecretBytes::new(vec![1; 16]),
        "sn",
        certs,
    )
    .with_suite(Suite::sm())
    .with_clock(FixedClock(TS));
    let h = headers(&sealed, "k1");
    c.bench_function("miniprogram/sm4_sm2/open_1KiB", |b| {
        b.iter(|| {
            opener
                .open(black_box(URL), &h, black_box(sealed.body.as_bytes()))
                .unwrap()
        })
    });
}

criterion_group!(benches, aes_rsa, sm4_sm2);
criterion_main!(benches);
