//! 国密 primitives against the national-standard vectors in `vectors/gm/`.
#![cfg(feature = "sm")]

use chop::crypto::aead::{sm4_gcm_open, sm4_gcm_seal, AeadError};
use chop::crypto::sm::{sm3, Sm2Encoding, DEFAULT_SM2_USER_ID};
use chop::key::{Sm2PrivateKey, Sm2PublicKey};
use serde_json::Value;
use test_support::vectors::{self, hex, json};

fn cases(file: &str) -> Vec<Value> {
    serde_json::from_value(json(&format!("gm/{file}"))).unwrap()
}

#[test]
fn sm3_standard_vectors() {
    for c in cases("sm3.json") {
        let msg = hex(c["message_hex"].as_str().unwrap());
        let want = c["expected_digest_hex"]
            .as_str()
            .or(c["digest_hex"].as_str())
            .unwrap();
        assert_eq!(sm3(&msg).to_vec(), hex(want), "{}", c["id"]);
    }
}

#[test]
fn sm4_gcm_standard_vectors() {
    let mut n = 0;
    for c in cases("sm4_gcm_ccm.json") {
        let Some(iv) = c["iv_hex"].as_str() else {
            continue;
        }; // the CCM case has a nonce, not an IV
        let (key, iv, aad) = (
            hex(c["key_hex"].as_str().unwrap()),
            hex(iv),
            hex(c["aad_hex"].as_str().unwrap()),
        );
        let pt = hex(c["plaintext_hex"].as_str().unwrap());
        let mut want = hex(c["expected_ciphertext_hex"].as_str().unwrap());
        want.extend(hex(c["expected_tag_hex"].as_str().unwrap()));
        if iv.len() != 12 {
            continue;
        }
        assert_eq!(
            sm4_gcm_seal(&key, &iv, &aad, &pt).unwrap(),
            want,
            "{}",
            c["id"]
        );
        assert_eq!(sm4_gcm_open(&key, &iv, &aad, &want).unwrap(), pt);
        let mut bad = want.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(
            sm4_gcm_open(&key, &iv, &aad, &bad),
            Err(AeadError::Authentication)
        );
        n += 1;
    }
    assert!(n >= 3, "ran {n} SM4-GCM cases");
}

#[test]
fn sm2_sm2p256v1_example_verifies_and_round_trips() {
    let c = cases("sm2_sign.json")
        .into_iter()
        .find(|c| c["id"] == "sm2p256v1-example-1234567812345678")
        .unwrap();
    assert_eq!(c["user_id"], "1234567812345678");
    let public =
        Sm2PublicKey::from_sec1_bytes(&hex(c["public_key_hex"].as_str().unwrap())).unwrap();
    let mut rs = hex(c["expected_r_hex"].as_str().unwrap());
    rs.extend(hex(c["expected_s_hex"].as_str().unwrap()));
    let msg = c["message"].as_str().unwrap().as_bytes();
    public
        .verify_with_id(DEFAULT_SM2_USER_ID, msg, &rs, Sm2Encoding::Raw)
        .unwrap();
    assert!(
        public
            .verify_with_id(b"", msg, &rs, Sm2Encoding::Raw)
            .is_err(),
        "the user ID matters"
    );
    assert!(public
        .verify_with_id(
            DEFAULT_SM2_USER_ID,
            b"message digesT",
            &rs,
            Sm2Encoding::Raw
        )
        .is_err());
    let key =
        Sm2PrivateKey::from_scalar_bytes(&hex(c["private_key_hex"].as_str().unwrap())).unwrap();
    assert_eq!(key.public_key(), public);
    let der = key
        .sign_with_id(DEFAULT_SM2_USER_ID, msg, Sm2Encoding::Der)
        .unwrap();
    public.verify(msg, &der).unwrap();
}

#[test]
fn sm2_openssl_decrypt_vector() {
    let c = cases("sm2_encrypt.json")
        .into_iter()
        .find(|c| c["id"] == "openssl-evppkey-sm2-decrypt")
        .unwrap();
    let key = Sm2PrivateKey::load(c["private_key_pem"].as_str().unwrap().as_bytes()).unwrap();
    let pt = key
        .decrypt(&hex(c["ciphertext_der_hex"].as_str().unwrap()))
        .unwrap();
    assert_eq!(pt, c["expected_plaintext"].as_str().unwrap().as_bytes());
    let ct = key.public_key().encrypt(b"round trip").unwrap();
    assert_eq!(key.decrypt(&ct).unwrap(), b"round trip");
    assert!(key.decrypt(&ct[..ct.len() - 1]).is_err());
}

#[test]
fn sm2_keys_from_files() {
    let key =
        Sm2PrivateKey::load(&vectors::key("upstream/skit_sm2_private_key_pkcs8.pem")).unwrap();
    let public = Sm2PublicKey::load(&vectors::key("upstream/skit_sm2_public_key.pem")).unwrap();
    let from_cert = Sm2PublicKey::load(&vectors::key("upstream/skit_sm2_cert.pem")).unwrap();
    assert_eq!(key.public_key(), public);
    assert_eq!(from_cert, public);
    assert!(Sm2PrivateKey::load(&vectors::key("generated/key-pkcs8.pem")).is_err());
    assert!(format!("{key:?}").contains("[redacted]"));
}
