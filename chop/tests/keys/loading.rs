//! Loading keys and certificates from every container, and refusing bad input.

use chop::key::{
    inspect, key_matches_certificate, Certificate, Container, Encoding, Item, KeyError,
    RsaPrivateKey, RsaPublicKey,
};
use chop::secret::SecretString;
use chop::signer::{SignatureScheme, Signer};
use test_support::vectors;

fn pw(s: &str) -> SecretString {
    SecretString::new(s)
}

const GENERATED_MODULUS_FILE: &str = "generated/pub-spki.pem";

#[test]
fn every_container_loads_to_the_same_key() {
    let expected = RsaPublicKey::load(&vectors::key(GENERATED_MODULUS_FILE)).unwrap();
    let cases: &[(&str, Option<&str>, Container, Encoding)] = &[
        (
            "generated/key-pkcs1.pem",
            None,
            Container::Pkcs1,
            Encoding::Pem,
        ),
        (
            "generated/key-pkcs8.pem",
            None,
            Container::Pkcs8,
            Encoding::Pem,
        ),
        (
            "generated/key-pkcs1.der",
            None,
            Container::Pkcs1,
            Encoding::Der,
        ),
        (
            "generated/key-pkcs8.der",
            None,
            Container::Pkcs8,
            Encoding::Der,
        ),
        (
            "generated/key-pkcs1.b64",
            None,
            Container::Pkcs1,
            Encoding::Base64,
        ),
        (
            "generated/key-pkcs8.b64",
            None,
            Container::Pkcs8,
            Encoding::Base64,
        ),
        (
            "generated/key-pkcs8-bom-crlf.pem",
            None,
            Container::Pkcs8,
            Encoding::Pem,
        ),
        (
            "generated/key-encrypted-aes.pem",
            Some("test-password"),
            Container::EncryptedPkcs8,
            Encoding::Pem,
        ),
        (
            "generated/key-encrypted-3des.pem",
            Some("test-password"),
            Container::EncryptedPkcs8,
            Encoding::Pem,
        ),
        (
            "generated/modern.p12",
            Some("1900009191"),
            Container::Pkcs12,
            Encoding::Der,
        ),
        (
            "generated/legacy-rc2-3des.p12",
            Some("1900009191"),
            Container::Pkcs12,
            Encoding::Der,
        ),
        (
            "generated/legacy-3des.p12",
            Some("1900009191"),
            Container::Pkcs12,
            Encoding::Der,
        ),
    ];
    let mut signatures = Vec::new();
    for (file, password, container, encoding) in cases {
        let password = password.map(pw);
        let key = RsaPrivateKey::load(&vectors::key(file), password.as_ref())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(key.public_key(), &expected, "{file}");
        assert_eq!(key.format().container, *container, "{file}");
        assert_eq!(key.format().encoding, *encoding, "{file}");
        signatures.push(key.sign(SignatureScheme::RsaPkcs1Sha256, b"same").unwrap());
    }
    assert!(
        signatures.windows(2).all(|w| w[0] == w[1]),
        "PKCS#1 v1.5 signatures are deterministic"
    );
}

#[test]
fn pkcs12_brings_its_certificate() {
    for file in [
        "generated/modern.p12",
        "generated/legacy-rc2-3des.p12",
        "generated/legacy-3des.p12",
    ] {
        let (key, certs) =
            RsaPrivateKey::load_with_certificates(&vectors::key(file), Some(&pw("1900009191")))
                .unwrap();
        assert_eq!(certs.len(), 1, "{file}");
        assert_eq!(
            certs[0].serial_hex(),
            "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"
        );
        assert!(key_matches_certificate(&key, &certs[0]));
    }
}

#[test]
fn public_key_forms_load_alike() {
    let a = RsaPublicKey::load(&vectors::key("generated/pub-spki.pem")).unwrap();
    for file in [
        "generated/pub-pkcs1.pem",
        "generated/pub-spki.der",
        "generated/pub-spki.b64",
    ] {
        assert_eq!(
            RsaPublicKey::load(&vectors::key(file)).unwrap(),
            a,
            "{file}"
        );
    }
    assert_eq!(a.bits(), 2048);
    assert!(a.fingerprint().starts_with("SHA256:"));
}

#[test]
fn certificate_fields() {
    let cert = Certificate::load(&vectors::key("generated/cert.pem")).unwrap();
    let der = Certificate::load(&vectors::key("generated/cert.der")).unwrap();
    assert_eq!(cert.der(), der.der());
    assert_eq!(
        cert.serial_hex(),
        "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"
    );
    assert_eq!(
        cert.subject(),
        "CN=chop test-only certificate,OU=1900009191,O=chop test merchant,C=CN"
    );
    assert_eq!(cert.issuer(), cert.subject());
    assert_eq!(cert.key_algorithm(), "RSA 2048");
    let v = cert.validity();
    assert!(v.not_after - v.not_before > 36_000 * 86_400);
    let signpad = Certificate::load(&vectors::key("generated/cert-serial-signpad.pem")).unwrap();
    assert_eq!(
        signpad.serial_hex(),
        "8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233"
    );
    assert_eq!(signpad.serial_bytes()[0], 0x8A);
}

#[test]
fn key_and_certificate_pairing() {
    let key = RsaPrivateKey::load(&vectors::key("generated/key-pkcs8.pem"), None).unwrap();
    let cert = Certificate::load(&vectors::key("generated/cert.pem")).unwrap();
    assert!(key_matches_certificate(&key, &cert));
    let other =
        Certificate::load(&vectors::key("upstream/go_test_cert_F5765756002FDD77.pem")).unwrap();
    assert!(!key_matches_certificate(&key, &other));
}

#[test]
fn seed002_key_is_pkcs1_pem() {
    let key = RsaPrivateKey::load(&vectors::key("seed002/apiclient_test_key.pem"), None).unwrap();
    assert_eq!(key.format().to_string(), "PKCS#1 PEM");
    assert_eq!(key.bits(), 2048);
}

#[test]
fn debug_never_shows_secrets() {
    let key = RsaPrivateKey::load(&vectors::key("generated/key-pkcs8.pem"), None).unwrap();
    let dbg = format!("{key:?}");
    assert!(dbg.contains("[redacted]"), "{dbg}");
    assert!(!dbg.contains("MII"), "{dbg}");
    let pw = pw("1900009191");
    assert!(!format!("{pw:?}").contains("1900"));
}

fn load_err(file: &str, password: Option<&str>) -> KeyError {
    let password = password.map(pw);
    RsaPrivateKey::load(&vectors::key(file), password.as_ref()).unwrap_err()
}

#[test]
fn bad_inputs_give_distinct_typed_errors() {
    let cases: Vec<(&str, KeyError)> = vec![
        (
            "wrong password p12",
            load_err("generated/modern.p12", Some("wrong")),
        ),
        (
            "wrong password legacy p12",
            load_err("generated/legacy-rc2-3des.p12", Some("wrong")),
        ),
        ("no password p12", load_err("generated/modern.p12", None)),
        (
            "wrong password pkcs8",
            load_err("generated/key-encrypted-aes.pem", Some("wrong")),
        ),
        (
            "no password pkcs8",
            load_err("generated/key-encrypted-aes.pem", None),
        ),
        ("truncated", load_err("generated/key-truncated.pem", None)),
        ("ec", load_err("generated/ec-key-pkcs8.pem", None)),
        ("ec sec1", load_err("generated/ec-key-sec1.pem", None)),
        ("empty", load_err("generated/empty.pem", None)),
        ("random", load_err("generated/random.bin", None)),
        ("certificate", load_err("generated/cert.pem", None)),
        (
            "seed004",
            load_err("seed004/apiclient_test_key_corrupted.pem", None),
        ),
    ];
    for (name, err) in &cases {
        let ok = match *name {
            "wrong password p12" | "wrong password legacy p12" | "wrong password pkcs8" => {
                matches!(err, KeyError::WrongPassword { .. })
            }
            "no password p12" | "no password pkcs8" => {
                matches!(err, KeyError::PasswordRequired { .. })
            }
            "truncated" => matches!(err, KeyError::MalformedPem { .. }),
            "ec" | "ec sec1" => matches!(err, KeyError::NotRsa { .. }),
            "empty" => matches!(err, KeyError::Empty { .. }),
            "random" => matches!(err, KeyError::Unrecognized { .. }),
            "certificate" => matches!(err, KeyError::WrongContent { .. }),
            "seed004" => matches!(err, KeyError::Inconsistent(_)),
            _ => unreachable!(),
        };
        assert!(ok, "{name}: {err:?}");
        let msg = err.to_string();
        assert!(
            !msg.contains("MII") && !msg.contains("1900009191\""),
            "{name} leaks: {msg}"
        );
    }
    // The p12 messages say what the password is.
    assert!(cases[0].1.to_string().contains("merchant id"));
    assert!(cases[6].1.to_string().contains("EC key (P-256)"));
}

#[test]
fn inspect_reports_what_files_hold() {
    let r = inspect(&vectors::key("generated/cert.pem"), None).unwrap();
    assert!(
        matches!(&r.items[0], Item::Certificate(c) if c.serial_hex() == "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB")
    );
    let r = inspect(
        &vectors::key("generated/modern.p12"),
        Some(&pw("1900009191")),
    )
    .unwrap();
    let Item::Pkcs12 {
        key: Some(key),
        certificates,
    } = &r.items[0]
    else {
        panic!("{r:?}")
    };
    assert_eq!(certificates.len(), 1);
    assert!(matches!(key.as_ref(), Item::PrivateKey { findings, .. } if findings.is_empty()));
    let r = inspect(&vectors::key("generated/pub-pkcs1.pem"), None).unwrap();
    assert!(matches!(
        &r.items[0],
        Item::PublicKey {
            container: "PKCS#1",
            ..
        }
    ));
    let r = inspect(
        &vectors::key("seed004/apiclient_test_key_corrupted.pem"),
        None,
    )
    .unwrap();
    let Item::PrivateKey {
        findings, public, ..
    } = &r.items[0]
    else {
        panic!()
    };
    assert_eq!(public.bits(), 2048);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "KEY_INCONSISTENT");
}
