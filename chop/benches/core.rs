//! Key loading, WeChat Pay sign strings, request signing and verification.
//!
//! Run: `cargo bench -p chop --bench core`; numbers go to BENCHMARKS.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use chop::key::RsaPrivateKey;
use chop::secret::SecretString;
use chop::signer::{SignatureScheme, Signer};
use chop::wechatpay::{RequestSigner, SignString};
use test_support::vectors;

fn key_loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("key_load");
    for (name, file, pw) in [
        ("pkcs8_pem", "generated/key-pkcs8.pem", None),
        ("pkcs1_pem", "generated/key-pkcs1.pem", None),
        ("pkcs8_base64", "generated/key-pkcs8.b64", None),
        ("p12_modern", "generated/modern.p12", Some("1900009191")),
    ] {
        let bytes = vectors::key(file);
        let pw = pw.map(SecretString::new);
        g.bench_function(name, |b| {
            b.iter(|| RsaPrivateKey::load(black_box(&bytes), pw.as_ref()).expect("loads"))
        });
    }
    g.finish();
}

fn sign_string(c: &mut Criterion) {
    let body = vec![b'x'; 1024];
    c.bench_function("sign_string/post_1KiB", |b| {
        b.iter(|| {
            SignString::request(
                "POST",
                black_box("https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi"),
                1554208460,
                "593BEC0C930BF1AFEB40B4A08C8FB242",
                black_box(&body),
            )
            .expect("valid")
        })
    });
}

fn signing(c: &mut Criterion) {
    let key =
        RsaPrivateKey::load(&vectors::key("seed002/apiclient_test_key.pem"), None).expect("loads");
    let public = key.public_key().clone();
    let message = b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n";
    let sig = key
        .sign(SignatureScheme::RsaPkcs1Sha256, message)
        .expect("signs");
    let mut g = c.benchmark_group("rsa2048");
    g.throughput(Throughput::Elements(1));
    g.bench_function("sign_pkcs1_sha256", |b| {
        b.iter(|| {
            key.sign(SignatureScheme::RsaPkcs1Sha256, black_box(message))
                .expect("signs")
        })
    });
    g.bench_function("verify_pkcs1_sha256", |b| {
        b.iter(|| {
            public
                .verify(
                    SignatureScheme::RsaPkcs1Sha256,
                    black_box(message),
                    black_box(&sig),
                )
                .expect("verifies")
        })
    });
    g.finish();

    let signer = RequestSigner::merchant(
        "1900009191",
        "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        key,
    );
    let body = r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}"#.as_bytes();
    c.bench_function("wechatpay/sign_request_jsapi", |b| {
        b.iter(|| {
            signer
                .sign(
                    black_box("POST"),
                    black_box("/v3/pay/transactions/jsapi"),
                    black_box(body),
                )
                .expect("signs")
        })
    });
}

criterion_group!(benches, key_loading, sign_string, signing);
criterion_main!(benches);
