//! Alipay: request signing, notify and response verification, extraction, AES, cert SN.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;

use chop::alipay::*;
use chop::key::{Certificate, RsaPrivateKey};
use criterion::{criterion_group, criterion_main, Criterion};
use test_support::vectors::read;

fn benches(c: &mut Criterion) {
    let key = RsaPrivateKey::load(&read("keys/alipay/node_app-private-key.pem"), None).unwrap();
    let params = Params::from_json(&read("alipay/derived_request_sign/params.json")).unwrap();
    c.bench_function("alipay/sign_params RSA2 (2048)", |b| {
        b.iter(|| sign_params(black_box(&params), SignType::Rsa2, &key).unwrap())
    });
    #[cfg(feature = "sm")]
    {
        let sm2 =
            chop::key::Sm2PrivateKey::load(&read("keys/alipay/generated/sm2-app-key.pem")).unwrap();
        let mut sm2_params = params.clone();
        sm2_params.set("sign_type", "SM2");
        c.bench_function("alipay/sign_params SM2", |b| {
            b.iter(|| sign_params(black_box(&sm2_params), SignType::Sm2, &sm2).unwrap())
        });
    }

    for (name, key, body) in [
        (
            "alipay/verify_notify form body (parse + 2 contents)",
            "keys/alipay/node_alipay-notify-sign-public-key-v2.pem",
            "alipay/node_servicemarket_notify/body.form",
        ),
        (
            "alipay/verify_notify form body (parse + 1 content)",
            "keys/alipay/node_test_inline_notify_public_key_v1.pem",
            "alipay/node_trade_status_sync/body.form",
        ),
    ] {
        let key = AlipayPublicKey::load(&read(key)).unwrap();
        let body = read(body);
        c.bench_function(name, |b| {
            b.iter(|| {
                let p = Params::from_form(black_box(&body)).unwrap();
                verify_notify(&p, &key).unwrap()
            })
        });
    }

    let resp_key = AlipayPublicKey::load(&read("keys/alipay/node_alipay-public-key.pem")).unwrap();
    let raw = read("alipay/node_open_file_upload/response.json");
    c.bench_function("alipay/verify_response", |b| {
        b.iter(|| {
            verify_response(
                black_box(&raw),
                Some("alipay.open.file.upload"),
                None,
                &resp_key,
            )
            .unwrap()
        })
    });
    let nested = read("alipay/own_response_escapes_nested_sign/response.json");
    c.bench_function("alipay/SignedResponse::parse (extraction only)", |b| {
        b.iter(|| SignedResponse::parse(black_box(&nested), Some("alipay.trade.query")).unwrap())
    });

    let aes = AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").unwrap();
    c.bench_function("alipay/decrypt_content AES-128 16 B", |b| {
        b.iter(|| decrypt_content(&aes, black_box("ILpoMowjIQjfYMR847rnFQ==")).unwrap())
    });

    let cert = Certificate::load(&read("keys/alipay/node_alipayCertPublicKey_RSA2.crt")).unwrap();
    c.bench_function("alipay/cert_sn", |b| {
        b.iter(|| cert_sn(black_box(&cert)).unwrap())
    });
    let root = read("keys/alipay/node_alipayRootCert.crt");
    c.bench_function("alipay/root_cert_sn (4 certificates)", |b| {
        b.iter(|| root_cert_sn(black_box(&root)).unwrap())
    });
}

criterion_group!(alipay, benches);
criterion_main!(alipay);
