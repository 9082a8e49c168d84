//! WeChat Pay v3: response verification, callback verify+decrypt (1 KiB
//! resource), sensitive-field OAEP encryption and decryption.
//!
//! Run: `cargo bench -p chop --bench wechatpay -- --warm-up-time 1 --measurement-time 3`;
//! numbers go to the WeChat Pay section of BENCHMARKS.md.

use std::hint::black_box;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use chop::clock::FixedClock;
use chop::key::{Certificate, RsaPrivateKey};
use chop::signer::{SignatureScheme, Signer};
use chop::wechatpay::{
    decrypt_sensitive, encrypt_sensitive, ApiV3Key, EncryptedResource, NotificationHandler,
    PlatformKey, ResponseVerifier, SignString, SignatureHeaders, AEAD_AES_256_GCM,
};

use test_support::vectors::read;

const NOW: i64 = 1_795_420_800;
const SERIAL: &str = "0A2B3C4D5E6F708192A3B4C5D6E7F80910213243";

struct Fixture {
    signer: RsaPrivateKey,
    verifier: ResponseVerifier,
}

fn fixture() -> Fixture {
    let old = PlatformKey::certificate(
        Certificate::load(&read("keys/wechatpay-platform/platform-old-cert.pem")).expect("cert"),
    )
    .expect("rsa");
    let new = PlatformKey::certificate(
        Certificate::load(&read("keys/wechatpay-platform/platform-new-cert.pem")).expect("cert"),
    )
    .expect("rsa");
    Fixture {
        signer: RsaPrivateKey::load(&read("keys/wechatpay-platform/platform-new-key.pem"), None)
            .expect("key"),
        verifier: ResponseVerifier::new([old, new]).with_clock(FixedClock(NOW)),
    }
}

fn signed(f: &Fixture, body: &[u8]) -> SignatureHeaders {
    let ts = NOW.to_string();
    let s = SignString::response(&ts, "benchNonce", body);
    let sig = f
        .signer
        .sign(SignatureScheme::RsaPkcs1Sha256, s.as_bytes())
        .expect("sign");
    SignatureHeaders {
        timestamp: ts,
        nonce: "benchNonce".into(),
        signature: STANDARD.encode(sig),
        serial: SERIAL.into(),
        signature_type: None,
    }
}

fn response_verification(c: &mut Criterion) {
    let f = fixture();
    let body = read("wechatpay/verify/rotation_old_cert/body.txt");
    let headers = signed(&f, &body);
    let mut g = c.benchmark_group("wechatpay");
    g.throughput(Throughput::Elements(1));
    g.bench_function("verify_response", |b| {
        b.iter(|| {
            f.verifier
                .verify(black_box(&headers), black_box(&body))
                .expect("verifies")
        })
    });
    g.finish();
}

fn callback(c: &mut Criterion) {
    let f = fixture();
    let key = ApiV3Key::new("chopTestApiV3Key0123456789abcdef").expect("key");
    let plaintext = {
        let mut p = br#"{"mchid":"1900009191","trade_state":"SUCCESS","attach":""#.to_vec();
        p.resize(1024 - 2, b'x');
        p.extend_from_slice(b"\"}");
        p
    };
    let resource = EncryptedResource::encrypt(
        &key,
        AEAD_AES_256_GCM,
        "transaction",
        "benchNonce12",
        &plaintext,
    )
    .expect("seal");
    let body = serde_json::to_vec(&serde_json::json!({
        "id": "bench", "create_time": "2026-11-23T16:00:00+08:00", "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS", "summary": "支付成功", "resource": resource,
    }))
    .expect("json");
    let headers = signed(&f, &body);
    let handler = NotificationHandler::new(f.verifier.clone(), key.clone());
    let mut g = c.benchmark_group("wechatpay");
    g.throughput(Throughput::Elements(1));
    g.bench_function("callback_verify_decrypt_1KiB", |b| {
        b.iter(|| {
            handler
                .handle(black_box(&headers), black_box(&body))
                .expect("ok")
        })
    });
    g.bench_function("callback_decrypt_only_1KiB", |b| {
        b.iter(|| resource.decrypt(black_box(&key)).expect("ok"))
    });
    g.finish();
}

fn oaep(c: &mut Criterion) {
    let pk = PlatformKey::certificate(
        Certificate::load(&read("keys/wechatpay-platform/platform-new-cert.pem")).expect("cert"),
    )
    .expect("rsa");
    let key = RsaPrivateKey::load(&read("keys/wechatpay-platform/platform-new-key.pem"), None)
        .expect("key");
    let field = encrypt_sensitive(&pk, "张三").expect("enc");
    let mut g = c.benchmark_group("wechatpay");
    g.throughput(Throughput::Elements(1));
    g.bench_function("oaep_encrypt", |b| {
        b.iter(|| encrypt_sensitive(black_box(&pk), black_box("张三")).expect("enc"))
    });
    g.bench_function("oaep_decrypt", |b| {
        b.iter(|| decrypt_sensitive(black_box(&key), black_box(&field.ciphertext)).expect("dec"))
    });
    g.finish();
}

criterion_group!(benches, response_verification, callback, oaep);
criterion_main!(benches);
