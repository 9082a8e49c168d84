//! Interop: chop's WeChat Pay OAEP and AES-GCM against Python `cryptography`
//! (installed into `.tools/venv` by `scripts/setup-interop`), both directions,
//! and chop's SM2 request signature against the `openssl` CLI.

use std::process::Command;

use chop::key::{Certificate, RsaPrivateKey};
use chop::wechatpay::{
    decrypt_sensitive, encrypt_sensitive, ApiV3Key, EncryptedResource, PlatformKey,
    AEAD_AES_256_GCM,
};
use test_support::tools::{python, run};
use test_support::vectors::{self, read};

/// Runs a Python snippet with `stdin`, returns stdout (panics with stderr on failure).
fn py(script: &str, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    run(
        Command::new(python()).arg("-c").arg(script).args(args),
        stdin,
    )
}

const KEY: &str = "keys/wechatpay-platform/platform-new-key.pem";
const CERT: &str = "keys/wechatpay-platform/platform-new-cert.pem";

#[test]
fn oaep_chop_encrypts_python_decrypts() {
    let pk = PlatformKey::certificate(Certificate::load(&read(CERT)).unwrap()).unwrap();
    let plain = "张三 13800138000 中国银行 6222020000000000000";
    let f = encrypt_sensitive(&pk, plain).unwrap();
    let script = r#"
import sys, base64
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import padding
key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
ct = base64.b64decode(sys.stdin.read())
sys.stdout.buffer.write(key.decrypt(ct, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)))
"#;
    let key_path = vectors::path(KEY);
    let out = py(
        script,
        &[key_path.to_str().unwrap()],
        f.ciphertext.as_bytes(),
    );
    assert_eq!(out, plain.as_bytes());
}

#[test]
fn oaep_python_encrypts_chop_decrypts() {
    let script = r#"
import sys, base64
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
cert = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
ct = cert.public_key().encrypt(sys.stdin.buffer.read(), padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
print(base64.b64encode(ct).decode())
"#;
    let cert_path = vectors::path(CERT);
    let plain = "李四 110101199003070000";
    let ct = py(script, &[cert_path.to_str().unwrap()], plain.as_bytes());
    let key = RsaPrivateKey::load(&read(KEY), None).unwrap();
    let got = decrypt_sensitive(&key, std::str::from_utf8(&ct).unwrap()).unwrap();
    assert_eq!(got.expose(), plain);
}

const APIV3: &str = "chopTestApiV3Key0123456789abcdef";

#[test]
fn aes_gcm_chop_encrypts_python_decrypts() {
    let key = ApiV3Key::new(APIV3).unwrap();
    let plain = br#"{"out_trade_no":"1217752501201407033233368018","amount":{"total":1}}"#;
    let r =
        EncryptedResource::encrypt(&key, AEAD_AES_256_GCM, "transaction", "interopNonce", plain)
            .unwrap();
    let script = r#"
import sys, base64
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key, nonce, aad, ct = sys.argv[1:5]
sys.stdout.buffer.write(AESGCM(key.encode()).decrypt(nonce.encode(), base64.b64decode(ct), aad.encode()))
"#;
    let out = py(
        script,
        &[APIV3, &r.nonce, &r.associated_data, &r.ciphertext],
        b"",
    );
    assert_eq!(out, plain);
}

#[test]
fn aes_gcm_python_encrypts_chop_decrypts() {
    let script = r#"
import sys, base64
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key, nonce, aad = sys.argv[1:4]
print(base64.b64encode(AESGCM(key.encode()).encrypt(nonce.encode(), sys.stdin.buffer.read(), aad.encode())).decode())
"#;
    let plain =
        "{\"refund_status\":\"SUCCESS\",\"user_received_account\":\"支付用户零钱\"}".as_bytes();
    let ct = py(script, &[APIV3, "pyNonce12345", "refund"], plain);
    let r = EncryptedResource::new(
        AEAD_AES_256_GCM,
        String::from_utf8(ct).unwrap(),
        "refund",
        "pyNonce12345",
    );
    assert_eq!(r.decrypt(&ApiV3Key::new(APIV3).unwrap()).unwrap(), plain);
    // And the AAD is bound: Python's ciphertext does not open with another AAD.
    let r2 = EncryptedResource::new(
        AEAD_AES_256_GCM,
        r.ciphertext.clone(),
        "transaction",
        "pyNonce12345",
    );
    assert!(r2.decrypt(&ApiV3Key::new(APIV3).unwrap()).is_err());
}

#[cfg(feature = "sm")]
#[test]
fn sm2_request_signature_verifies_with_openssl() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use chop::key::Sm2PrivateKey;
    use chop::wechatpay::RequestSigner;
    let key = Sm2PrivateKey::load(&read(
        "keys/upstream/java_shangmi_sm2_merchant_private_key.pem",
    ))
    .unwrap();
    let signer = RequestSigner::merchant_sm2(
        "1900009191",
        "54E7F59ED8DF4570CFB14780EA8152D45A675EE6",
        key,
    );
    let signed = signer
        .sign(
            "POST",
            "/v3/pay/transactions/jsapi",
            br#"{"amount":{"total":1}}"#,
        )
        .unwrap();
    let cert = vectors::arg("keys/upstream/java_shangmi_sm2_merchant_certificate.pem");
    let pubkey = run(
        Command::new("openssl").args(["x509", "-pubkey", "-noout", "-in", &cert]),
        b"",
    );
    let dir = test_support::tools::temp_dir("sm2-interop");
    std::fs::write(dir.join("pub.pem"), pubkey).unwrap();
    let verified = test_support::tools::openssl_sm2_verify(
        &dir.join("pub.pem"),
        "1234567812345678",
        signed.sign_string.as_bytes(),
        &STANDARD.decode(&signed.signature).unwrap(),
    );
    std::fs::remove_dir_all(&dir).unwrap();
    if let Err(e) = verified {
        panic!("openssl did not verify chop's SM2 signature: {e}");
    }
}
