//! Sensitive fields: every case in `vectors/wechatpay/oaep/`, and key choice for encryption.

use chop::key::{Certificate, RsaPrivateKey};
use chop::wechatpay::{
    decrypt_sensitive, decrypt_sensitive_with, encrypt_sensitive, encrypt_sensitive_with_store,
    MemoryKeyStore, PlatformKey, PlatformKeyStore, RsaPadding, SensitiveError,
};
use test_support::vectors::{assert_every_case_run, json, read, text};
use test_support::wechatpay::platform_key;

const CASES: &[&str] = &[
    "apache_httpclient_oaep",
    "apache_httpclient_pkcs1v15",
    "go_decryptor_oaep",
    "java_pkcs1v15_decryptor",
    "java_privacy_decryptor_oaep",
    "skit_rsa4096_decrypt",
];

#[test]
fn every_oaep_folder_is_run() {
    assert_every_case_run("wechatpay/oaep", CASES, &[]);
}

#[test]
fn each_case_decrypts_exactly() {
    for case in CASES {
        let dir = format!("wechatpay/oaep/{case}");
        let ctx = json(&format!("{dir}/context.json"));
        let key =
            RsaPrivateKey::load(&read(ctx["private_key_file"].as_str().unwrap()), None).unwrap();
        let ct = text(&format!("{dir}/ciphertext.b64"));
        let want = text(&format!("{dir}/plaintext.txt"));
        let oaep = ctx["padding"].as_str().unwrap().starts_with("RSAES-OAEP");
        let padding = if oaep {
            RsaPadding::OaepSha1
        } else {
            RsaPadding::Pkcs1v15
        };
        let got =
            decrypt_sensitive_with(&key, &ct, padding).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got.expose(), want, "{case}");
        // The other padding must not give the plaintext.
        let other = if oaep {
            RsaPadding::Pkcs1v15
        } else {
            RsaPadding::OaepSha1
        };
        assert!(
            decrypt_sensitive_with(&key, &ct, other).map_or(true, |p| p.expose() != want),
            "{case}"
        );
        if oaep {
            assert_eq!(decrypt_sensitive(&key, &ct).unwrap().expose(), want);
        }
        // Round trip through the case's certificate when it has one.
        if let Some(c) = ctx["certificate_file"].as_str() {
            let pk = PlatformKey::certificate(Certificate::load(&read(c)).unwrap()).unwrap();
            let f = encrypt_sensitive(&pk, "中文 field").unwrap();
            assert_eq!(
                decrypt_sensitive(&key, &f.ciphertext).unwrap().expose(),
                "中文 field"
            );
        }
    }
}

#[test]
fn wrong_key_and_bad_input_are_typed() {
    let ctx = json("wechatpay/oaep/go_decryptor_oaep/context.json");
    let ct = text("wechatpay/oaep/go_decryptor_oaep/ciphertext.b64");
    let other = RsaPrivateKey::load(&read("keys/generated/key-pkcs8.pem"), None).unwrap();
    let e = decrypt_sensitive(&other, &ct).unwrap_err();
    assert!(matches!(e, SensitiveError::Rsa(_)));
    assert!(e.to_string().contains("merchant API certificate"), "{e}");
    let key = RsaPrivateKey::load(&read(ctx["private_key_file"].as_str().unwrap()), None).unwrap();
    assert!(matches!(
        decrypt_sensitive(&key, "!!"),
        Err(SensitiveError::Base64 { .. })
    ));
    assert!(matches!(
        decrypt_sensitive(&key, ""),
        Err(SensitiveError::Rsa(_))
    ));
    let pk = PlatformKey::certificate(Certificate::load(&read("keys/generated/cert.pem")).unwrap())
        .unwrap();
    assert!(matches!(
        encrypt_sensitive(&pk, &"x".repeat(215)),
        Err(SensitiveError::Rsa(_))
    ));
    assert!(encrypt_sensitive(&pk, &"x".repeat(214)).is_ok());
}

#[test]
fn store_picks_the_newest_valid_certificate_then_the_public_key() {
    const NEW: &str = "0A2B3C4D5E6F708192A3B4C5D6E7F80910213243";
    const OLD: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    let store = MemoryKeyStore::with_keys([platform_key("old"), platform_key("new")]);
    // 2026-11-23: both valid, the new one is newer.
    assert_eq!(store.for_encryption(1_795_420_800).unwrap().id(), NEW);
    // 2026-03-01: only the old one is valid yet.
    assert_eq!(store.for_encryption(1_772_323_200).unwrap().id(), OLD);
    // 2032: both expired.
    let e = encrypt_sensitive_with_store(&store, 1_956_528_000, "x").unwrap_err();
    assert_eq!(
        e,
        SensitiveError::NoKey {
            known: vec![NEW.into(), OLD.into()]
        }
    );
    // With the public key configured, it is used (migration).
    let pubkey =
        chop::key::RsaPublicKey::load(&read("keys/wechatpay-platform/platform-pubkey-pub.pem"))
            .unwrap();
    store.insert(PlatformKey::public_key(
        "PUB_KEY_ID_0119000091912026112300000000",
        pubkey,
    ));
    let f = encrypt_sensitive_with_store(&store, 1_795_420_800, "x").unwrap();
    assert_eq!(f.serial, "PUB_KEY_ID_0119000091912026112300000000");
    let k = RsaPrivateKey::load(
        &read("keys/wechatpay-platform/platform-pubkey-key.pem"),
        None,
    )
    .unwrap();
    assert_eq!(decrypt_sensitive(&k, &f.ciphertext).unwrap().expose(), "x");
}
