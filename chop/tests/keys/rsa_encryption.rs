//! RSA-OAEP (SHA-1) against the `openssl` CLI, an independent implementation.

use std::process::Command;

use chop::crypto::rsa_enc::RsaEncError;
use test_support::keys::private_key;
use test_support::tools::run;
use test_support::vectors;

const KEY: &str = "keys/generated/key-pkcs8.pem";

fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    run(Command::new("openssl").args(args), input)
}

#[test]
fn oaep_interop_with_openssl_both_ways() {
    let key = private_key(KEY);
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
    let key_path = vectors::arg(KEY);
    let mut args = vec!["pkeyutl", "-encrypt", "-inkey", &key_path];
    args.extend(opts);
    let ct = openssl(&args, msg);
    assert_eq!(key.decrypt_oaep_sha1(&ct).unwrap(), msg);
    // chop encrypts, openssl decrypts.
    let ct = key.public_key().encrypt_oaep_sha1(msg).unwrap();
    assert_eq!(ct.len(), 256);
    let mut args = vec!["pkeyutl", "-decrypt", "-inkey", &key_path];
    args.extend(opts);
    assert_eq!(openssl(&args, &ct), msg);
}

#[test]
fn oaep_errors() {
    let key = private_key(KEY);
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
