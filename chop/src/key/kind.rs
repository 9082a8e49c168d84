//! What container a key came in, and helpers that classify DER content.

use std::fmt;

use der::asn1::ObjectIdentifier;
use der::{Decode, Tagged};

use super::source::Encoding;

/// The container a private key was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// PKCS#8 `PrivateKeyInfo` (`BEGIN PRIVATE KEY`).
    Pkcs8,
    /// PKCS#1 `RSAPrivateKey` (`BEGIN RSA PRIVATE KEY`).
    Pkcs1,
    /// Password-encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`).
    EncryptedPkcs8,
    /// A PKCS#12 / PFX file (`apiclient_cert.p12`).
    Pkcs12,
}

impl Container {
    /// `PKCS#8`, `PKCS#1`, `encrypted PKCS#8`, `PKCS#12`.
    pub fn name(self) -> &'static str {
        match self {
            Container::Pkcs8 => "PKCS#8",
            Container::Pkcs1 => "PKCS#1",
            Container::EncryptedPkcs8 => "encrypted PKCS#8",
            Container::Pkcs12 => "PKCS#12",
        }
    }
}

/// Container plus encoding: how a key was stored.
///
/// ```
/// use chop::key::{Container, Encoding, KeyFormat};
/// let f = KeyFormat { container: Container::Pkcs1, encoding: Encoding::Pem };
/// assert_eq!(f.to_string(), "PKCS#1 PEM");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFormat {
    /// The ASN.1 container.
    pub container: Container,
    /// How the container was encoded.
    pub encoding: Encoding,
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.container.name(), self.encoding.name())
    }
}

pub(crate) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const OID_RSA_PSS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// sm2p256v1, the curve of SM2 keys (GM/T 0006).
pub(crate) const OID_SM2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301");

/// Human description of a key algorithm that is not RSA.
pub(crate) fn describe_algorithm(oid: ObjectIdentifier, curve: Option<ObjectIdentifier>) -> String {
    match (oid, curve) {
        (OID_EC, Some(OID_SM2)) => "an SM2 key (国密); use it with chop's SM (sm) features".into(),
        (OID_EC, Some(OID_P256)) => "an EC key (P-256)".into(),
        (OID_EC, Some(OID_P384)) => "an EC key (P-384)".into(),
        (OID_EC, Some(OID_P521)) => "an EC key (P-521)".into(),
        (OID_EC, Some(c)) => format!("an EC key (curve {c})"),
        (OID_EC, None) => "an EC key".into(),
        (OID_ED25519, _) => "an Ed25519 key".into(),
        (o, _) => format!("a key of algorithm {o}"),
    }
}

/// What a DER blob without a PEM label holds (best effort, by trying decoders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DerKind {
    Pkcs8,
    Pkcs1Private,
    EncryptedPkcs8,
    Certificate,
    Spki,
    Pkcs1Public,
    Pkcs12,
    EcPrivate,
}

/// Classifies DER content; `None` when nothing fits.
pub(crate) fn classify_der(der: &[u8]) -> Option<DerKind> {
    if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
        return Some(DerKind::Pkcs8);
    }
    if pkcs1::RsaPrivateKeyRef::from_der(der).is_ok() {
        return Some(DerKind::Pkcs1Private);
    }
    if pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
        return Some(DerKind::EncryptedPkcs8);
    }
    if x509_cert::certificate::CertificateInner::<x509_cert::certificate::Raw>::from_der(der)
        .is_ok()
    {
        return Some(DerKind::Certificate);
    }
    if spki::SubjectPublicKeyInfoRef::from_der(der).is_ok() {
        return Some(DerKind::Spki);
    }
    if pkcs1::RsaPublicKeyRef::from_der(der).is_ok() {
        return Some(DerKind::Pkcs1Public);
    }
    if looks_like_pfx(der) {
        return Some(DerKind::Pkcs12);
    }
    if looks_like_ec_private(der) {
        return Some(DerKind::EcPrivate);
    }
    None
}

/// Maps a PEM label to the kind it declares.
pub(crate) fn kind_of_label(label: &str) -> Option<DerKind> {
    Some(match label {
        "PRIVATE KEY" => DerKind::Pkcs8,
        "RSA PRIVATE KEY" => DerKind::Pkcs1Private,
        "ENCRYPTED PRIVATE KEY" => DerKind::EncryptedPkcs8,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => DerKind::Certificate,
        "PUBLIC KEY" => DerKind::Spki,
        "RSA PUBLIC KEY" => DerKind::Pkcs1Public,
        "PKCS12" => DerKind::Pkcs12,
        "EC PRIVATE KEY" => DerKind::EcPrivate,
        _ => return None,
    })
}

impl DerKind {
    /// What it is, in words, for error messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            DerKind::Pkcs8 => "a PKCS#8 private key",
            DerKind::Pkcs1Private => "a PKCS#1 RSA private key",
            DerKind::EncryptedPkcs8 => "an encrypted PKCS#8 private key",
            DerKind::Certificate => "an X.509 certificate",
            DerKind::Spki => "a public key (SPKI)",
            DerKind::Pkcs1Public => "a PKCS#1 RSA public key",
            DerKind::Pkcs12 => "a PKCS#12 file",
            DerKind::EcPrivate => "an EC private key",
        }
    }
}

/// PFX: SEQUENCE { INTEGER 3, ContentInfo SEQUENCE … }.
fn looks_like_pfx(der: &[u8]) -> bool {
    let Ok(any) = der::asn1::AnyRef::from_der(der) else {
        return false;
    };
    if any.tag() != der::Tag::Sequence {
        return false;
    }
    let v = any.value();
    v.len() > 3 && v[0] == 0x02 && v[1] == 0x01 && v[2] == 0x03 && v[3] == 0x30
}

/// SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING … }.
fn looks_like_ec_private(der: &[u8]) -> bool {
    let Ok(any) = der::asn1::AnyRef::from_der(der) else {
        return false;
    };
    let v = any.value();
    any.tag() == der::Tag::Sequence
        && v.len() > 4
        && v[0] == 0x02
        && v[1] == 0x01
        && v[2] == 0x01
        && v[3] == 0x04
}
