//! Damaged inputs give an error or a value, never a panic: every loader is fed
//! thousands of deterministic mutations (bit flips, truncations, insertions) of
//! real key, certificate and PKCS#12 files.

use chop::key::{inspect, Certificate, RsaPrivateKey, RsaPublicKey};
use chop::secret::SecretString;
use chop::wechatpay::Authorization;

use test_support::mutate::{mutate, Rng};
use test_support::vectors;

#[test]
fn loaders_survive_mutations() {
    let pw = SecretString::new("1900009191");
    let inputs = [
        "generated/key-pkcs8.pem",
        "generated/key-pkcs1.der",
        "generated/key-pkcs8.b64",
        "generated/key-encrypted-aes.pem",
        "generated/modern.p12",
        "generated/legacy-rc2-3des.p12",
        "generated/cert.der",
        "generated/cert.pem",
        "generated/pub-spki.der",
        "seed004/apiclient_test_key_corrupted.pem",
    ];
    let mut rng = Rng(0x5EED_2026_1123);
    for name in inputs {
        let original = vectors::key(name);
        let rounds = if name.ends_with(".p12") || name.contains("encrypted") {
            40
        } else {
            300
        };
        for _ in 0..rounds {
            let m = mutate(&mut rng, &original);
            let _ = RsaPrivateKey::load(&m, Some(&pw));
            let _ = RsaPublicKey::load(&m);
            let _ = Certificate::load_all(&m);
            let _ = inspect(&m, Some(&pw));
        }
    }
}

#[test]
fn authorization_parser_survives_mutations() {
    let header = r#"WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature="c2ln""#;
    let mut rng = Rng(7);
    for _ in 0..5000 {
        let m = mutate(&mut rng, header.as_bytes());
        let _ = Authorization::parse(&String::from_utf8_lossy(&m));
    }
}
