//! RSA-OAEP (SHA-1) against the `openssl` CLI, an independent implementation.

use std::io::Write;
use std::process::{Command, Stdio};

use chop::crypto::rsa_enc::RsaEncError;
use chop::key::RsaPrivateKey;

fn key_path() -> String {
    format!(
        "{}/../vectors/keys/generated/key-pkcs8.pem",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the openssl CLI is needed (scripts/setup-interop installs it)");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl {args:?} failed");
    out.stdout
}

#[test]
fn oaep_interop_with_openssl_both_ways() {
    let key = RsaPrivateKey::load(&std::fs::read(key_path()).unwrap(), None).unwrap();
    let msg = "18600000000 张三".as_bytes();
    let opts = [
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        "rsa_oaep_md:sha1",
        "-pkeyopt",
        "rsa_mgf1_md:sha1",
    ];
    // openssl encrypts, chop decrypts.
    let mut args = vec!["pkeyutl", "-encrypt", "-inkey", key_path_static()];
    args.extend(opts);
    let ct = openssl(&args, msg);
    assert_eq!(key.decrypt_oaep_sha1(&ct).unwrap(), msg);
    // chop encrypts, openssl decrypts.
    let ct = key.public_key().encrypt_oaep_sha1(msg).unwrap();
    assert_eq!(ct.len(), 256);
    let mut args = vec!["pkeyutl", "-decrypt", "-inkey", key_path_static()];
    args.extend(opts);
    assert_eq!(openssl(&args, &ct), msg);
}

fn key_path_static() -> &'static str {
    Box::leak(key_path().into_boxed_str())
}

#[test]
fn oaep_errors() {
    let key = RsaPrivateKey::load(&std::fs::read(key_path()).unwrap(), None).unwrap();
    assert_eq!(
        key.public_key().encrypt_oaep_sha1(&[0u8; 215]),
        Err(RsaEncError::TooLong { max: 214, got: 215 })
    );
    assert_eq!(
        key.decrypt_oaep_sha1(&[1u8; 256]),
        Err(RsaEncError::Decryption)
    );
    assert_eq!(
        key.decrypt_oaep_sha1(b"short"),
        Err(RsaEncError::Decryption)
    );
}
