//! Classic open data and message-push crypto, from `vectors/miniprogram/open_data_*`,
//! `raw_data_*` and `msg_*` (every folder with those prefixes is run).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::crypto::cbc::{aes_cbc_decrypt, Padding};
use chop::miniprogram::{
    decrypt_open_data, msg_signature, raw_data_signature, verify_plain_signature, verify_raw_data,
    MsgCrypt, MsgCryptError, OpenDataError,
};
use chop::secret::SecretString;
use serde_json::Value;
use test_support::vectors::{self, text, Case};

/// The prefixes of the folders in `vectors/miniprogram/` this module runs, every one.
const PREFIXES: &[&str] = &["open_data_", "raw_data_", "msg_"];

/// The folders this module runs (for the guard in `api_security.rs`).
pub(crate) fn run_cases() -> Vec<String> {
    let all = vectors::cases("miniprogram");
    all.into_iter()
        .filter(|n| PREFIXES.iter().any(|p| n.starts_with(p)))
        .collect()
}

/// The cases whose folder names start with `prefix`, with their contexts, sorted.
fn cases(prefix: &str) -> Vec<(String, Value)> {
    let all = vectors::cases("miniprogram");
    all.into_iter()
        .filter(|n| n.starts_with(prefix))
        .map(|n| {
            let ctx = Case::new(format!("miniprogram/{n}")).context();
            (n, ctx)
        })
        .collect()
}

fn file(case: &str, name: &str) -> String {
    text(&format!("miniprogram/{case}/{name}"))
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k}"))
}

#[test]
fn open_data_vectors_decrypt() {
    let all = cases("open_data_");
    assert_eq!(all.len(), 3);
    for (case, ctx) in all {
        let key = SecretString::new(s(&ctx, "session_key"));
        let appid = ctx["appid"].as_str();
        let out = decrypt_open_data(
            &key,
            s(&ctx, "iv"),
            &file(&case, "encrypted_data.b64"),
            appid,
        )
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(out.plaintext, file(&case, "plaintext.txt"), "{case}");
        if let Some(appid) = appid {
            assert_eq!(out.watermark.as_ref().unwrap().appid, appid);
        }
    }
}

#[test]
fn open_data_watermark_and_errors() {
    let case = "open_data_official_getuserinfo";
    let data = file(case, "encrypted_data.b64");
    let key = SecretString::new("tiihtNczf5v6AKRyjwEUhQ==");
    let iv = "r7BXXKkLb8qrSNn05n0qiA==";
    let ok = decrypt_open_data(&key, iv, &data, None).unwrap();
    assert_eq!(ok.watermark.unwrap().timestamp, 1477314187);
    assert_eq!(
        decrypt_open_data(&key, iv, &data, Some("wx0000000000000000")).unwrap_err(),
        OpenDataError::WatermarkAppid {
            expected: "wx0000000000000000".into(),
            got: Some("wx4f4bc4dec97d474b".into())
        }
    );
    // A session key from a later wx.login.
    let e = decrypt_open_data(
        &SecretString::new("HyVFkGl5F5OQWJZZaNzBBg=="),
        iv,
        &data,
        None,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            OpenDataError::Decrypt { .. } | OpenDataError::NotJson { .. }
        ),
        "{e}"
    );
    let e = decrypt_open_data(
        &SecretString::new("HyVFkGl5F5OQWJZZaNzBBg=="),
        iv,
        &data[..64],
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("wx.login"), "{e}");
    assert!(matches!(
        decrypt_open_data(&SecretString::new("short"), iv, &data, None),
        Err(OpenDataError::Base64 {
            field: "session_key"
        }) | Err(OpenDataError::Length { .. })
    ));
    assert_eq!(
        decrypt_open_data(&key, "AAAA", &data, None).unwrap_err(),
        OpenDataError::Length {
            field: "iv",
            got: 3,
            expected: 16
        }
    );
    assert_eq!(
        decrypt_open_data(&key, iv, "%%%", None).unwrap_err(),
        OpenDataError::Base64 {
            field: "encryptedData"
        }
    );
}

#[test]
fn raw_data_signature_vectors() {
    let all = cases("raw_data_");
    assert_eq!(all.len(), 1);
    for (case, ctx) in all {
        let raw = file(&case, "raw_data.txt");
        let key = SecretString::new(s(&ctx, "session_key"));
        let sig = file(&case, "signature.hex");
        assert_eq!(raw_data_signature(raw.as_bytes(), &key), sig);
        verify_raw_data(raw.as_bytes(), &sig.to_uppercase(), &key).unwrap();
        let tampered = raw.replace("Band", "Bond");
        assert_eq!(
            verify_raw_data(tampered.as_bytes(), &sig, &key).unwrap_err(),
            OpenDataError::RawDataSignature
        );
    }
}

#[test]
fn msg_vectors_verify_decrypt_and_reencrypt_byte_exact() {
    let all = cases("msg_");
    assert_eq!(all.len(), 7);
    for (case, ctx) in all {
        let (ts, nonce, sig) = (
            s(&ctx, "timestamp"),
            s(&ctx, "nonce"),
            s(&ctx, "msg_signature"),
        );
        let encrypt = file(&case, "encrypt.b64");
        let token = SecretString::new(s(&ctx, "token"));
        assert_eq!(msg_signature(&token, ts, nonce, &encrypt), sig, "{case}");
        let Some(aes_key) = ctx["encoding_aes_key"].as_str() else {
            continue; // signature-only case
        };
        let c = MsgCrypt::new(s(&ctx, "token"), aes_key, s(&ctx, "receive_id")).unwrap();
        let plain = c
            .decrypt(sig, ts, nonce, &encrypt)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(*plain.value(), file(&case, "plaintext.txt"), "{case}");
        // Recover the random prefix with the raw cipher, then re-encrypt.
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
        );
        let key = lenient.decode(format!("{aes_key}=")).unwrap();
        let raw = aes_cbc_decrypt(
            &key,
            &key[..16],
            &STANDARD.decode(&encrypt).unwrap(),
            Padding::None,
        )
        .unwrap();
        let again = c.encrypt_with(
            plain.value().as_bytes(),
            ts,
            nonce,
            raw[..16].try_into().unwrap(),
        );
        assert_eq!(again.encrypt, encrypt, "{case}: re-encryption");
        assert_eq!(again.msg_signature, sig, "{case}");
    }
}

#[test]
fn msg_bad_inputs() {
    let case = "msg_wecom_sample_decryptmsg_qdg6ek";
    let ctx: Value = serde_json::from_str(&file(case, "context.json")).unwrap();
    let encrypt = file(case, "encrypt.b64");
    let (ts, nonce, sig) = (
        s(&ctx, "timestamp"),
        s(&ctx, "nonce"),
        s(&ctx, "msg_signature"),
    );
    let key = s(&ctx, "encoding_aes_key");
    let good = MsgCrypt::new("QDG6eK", key, "wx5823bf96d3bd56c7").unwrap();
    assert_eq!(
        good.decrypt("0000", ts, nonce, &encrypt).unwrap_err(),
        MsgCryptError::Signature
    );
    assert_eq!(
        good.decrypt(sig, "1409659814", nonce, &encrypt)
            .unwrap_err(),
        MsgCryptError::Signature
    );
    let wrong_token = MsgCrypt::new("other", key, "").unwrap();
    assert_eq!(
        wrong_token.decrypt(sig, ts, nonce, &encrypt).unwrap_err(),
        MsgCryptError::Signature
    );
    let other_app = MsgCrypt::new("QDG6eK", key, "wx0000000000000000").unwrap();
    assert!(matches!(
        other_app.decrypt(sig, ts, nonce, &encrypt),
        Err(MsgCryptError::ReceiveId { .. })
    ));
    let no_check = MsgCrypt::new("QDG6eK", key, "").unwrap();
    assert!(no_check.decrypt(sig, ts, nonce, &encrypt).is_ok());
    let wrong_key =
        MsgCrypt::new("QDG6eK", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "").unwrap();
    let e = wrong_key.decrypt(sig, ts, nonce, &encrypt).unwrap_err();
    assert!(
        matches!(e, MsgCryptError::Layout { .. } | MsgCryptError::NotUtf8),
        "{e}"
    );
    // A `+` turned into a space by URL decoding changes the signature.
    let spaced = encrypt.replacen('+', " ", 1);
    assert_eq!(
        good.decrypt(sig, ts, nonce, &spaced).unwrap_err(),
        MsgCryptError::Signature
    );
}

#[test]
fn plain_mode_url_signature() {
    // sha1(sort("QDG6eK", "1409659589", "263014780")) computed with Python hashlib.
    let token = SecretString::new("QDG6eK");
    let expected = "93d1cec91cee4a4a8baada4c807ed13137622215";
    verify_plain_signature(&token, "1409659589", "263014780", expected).unwrap();
    assert!(verify_plain_signature(&token, "1409659589", "263014781", expected).is_err());
}

#[test]
fn encrypt_is_taken_from_xml_or_json_bodies() {
    use chop::miniprogram::extract_encrypt;
    let case = "msg_mp_official_sample_spamtest";
    let encrypt = file(case, "encrypt.b64");
    let xml = format!("<xml>\n<ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>");
    assert_eq!(extract_encrypt(xml.as_bytes()).unwrap(), encrypt);
    let json = format!(r#"{{"ToUserName":"gh_10f6c3c3ac5a","Encrypt":"{encrypt}"}}"#);
    assert_eq!(extract_encrypt(json.as_bytes()).unwrap(), encrypt);
    assert_eq!(
        extract_encrypt(b"<xml><Content>hi</Content></xml>").unwrap_err(),
        MsgCryptError::NoEncrypt
    );
    assert_eq!(
        extract_encrypt(br#"{"Content":"hi"}"#).unwrap_err(),
        MsgCryptError::NoEncrypt
    );
    assert_eq!(
        extract_encrypt(b"\xff").unwrap_err(),
        MsgCryptError::NoEncrypt
    );
    // The reply round-trips through its own XML and JSON.
    let c = MsgCrypt::new(
        "spamtest",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "wx2c2769f8efd9abc2",
    )
    .unwrap();
    let reply = c.encrypt_with(b"<xml>ok</xml>", "1409735669", "1320562132", [1; 16]);
    for body in [reply.to_xml(), reply.to_json()] {
        let e = extract_encrypt(body.as_bytes()).unwrap();
        assert_eq!(
            *c.decrypt(&reply.msg_signature, "1409735669", "1320562132", &e)
                .unwrap()
                .value(),
            "<xml>ok</xml>"
        );
    }
}

#[test]
fn mutated_ciphertexts_never_panic() {
    // Message push: every byte of the raw ciphertext flipped, re-signed so the
    // decryption path (padding, length field, receive id) is exercised.
    let case = "msg_wecom_sample_decryptmsg_qdg6ek";
    let ctx: Value = serde_json::from_str(&file(case, "context.json")).unwrap();
    let c = MsgCrypt::new("QDG6eK", s(&ctx, "encoding_aes_key"), "wx5823bf96d3bd56c7").unwrap();
    let raw = STANDARD.decode(file(case, "encrypt.b64")).unwrap();
    for i in 0..raw.len() {
        let mut m = raw.clone();
        m[i] ^= 0x5a;
        let e = STANDARD.encode(&m);
        let sig = c.signature("1", "2", &e);
        let _ = c.decrypt(&sig, "1", "2", &e);
    }
    for cut in 0..raw.len() {
        let e = STANDARD.encode(&raw[..cut]);
        assert!(c.decrypt(&c.signature("1", "2", &e), "1", "2", &e).is_err() || cut == raw.len());
    }
    // Open data: flipped bytes and cuts.
    let case = "open_data_official_getuserinfo";
    let data = STANDARD.decode(file(case, "encrypted_data.b64")).unwrap();
    let key = SecretString::new("tiihtNczf5v6AKRyjwEUhQ==");
    for i in 0..data.len() {
        let mut m = data.clone();
        m[i] ^= 0x01;
        let _ = decrypt_open_data(
            &key,
            "r7BXXKkLb8qrSNn05n0qiA==",
            &STANDARD.encode(&m),
            Some("wx4f4bc4dec97d474b"),
        );
    }
    for cut in 0..data.len() {
        assert!(decrypt_open_data(
            &key,
            "r7BXXKkLb8qrSNn05n0qiA==",
            &STANDARD.encode(&data[..cut]),
            None
        )
        .is_err());
    }
}
