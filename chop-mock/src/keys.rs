//! TEST ONLY key and certificate generation: RSA keys from aws-lc-rs,
//! X.509 certificates from x509-cert's builder (self-signed, or re-issued by a
//! test CA with a validity relative to now), signed through
//! [`chop::key::RsaPrivateKey`] (SHA256withRSA).

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use chop::key::{Certificate, RsaPrivateKey, RsaPublicKey};
use chop::signer::{SignatureScheme, Signer as _};
use der::asn1::{Any, BitString};
use der::pem::LineEnding;
use der::{Decode, Document, Encode, EncodePem};
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey, ObjectIdentifier,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::TbsCertificate;

use crate::MockError;

/// `rsaEncryption`.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `sha256WithRSAEncryption`.
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// A generated RSA key pair: the private key as PKCS#8 PEM and loaded.
#[derive(Debug)]
pub(crate) struct GeneratedKey {
    /// PKCS#8 PEM (a `BEGIN PRIVATE KEY` block).
    pub(crate) pem: String,
    /// The SubjectPublicKeyInfo DER.
    pub(crate) spki_der: Vec<u8>,
}

/// Generates a 2048-bit RSA key with aws-lc-rs.
pub(crate) fn generate_rsa() -> Result<GeneratedKey, MockError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| MockError::KeyGen("rsa"))?;
    let pkcs8 = pair.as_der().map_err(|_| MockError::KeyGen("pkcs8"))?;
    let spki = pair
        .public_key()
        .as_der()
        .map_err(|_| MockError::KeyGen("spki"))?;
    let pem = der::pem::encode_string("PRIVATE KEY", LineEnding::LF, pkcs8.as_ref())
        .map_err(|_| MockError::KeyGen("pem"))?;
    Ok(GeneratedKey {
        pem,
        spki_der: spki.as_ref().to_vec(),
    })
}

/// The SPKI of a loaded key, as PEM (`-----BEGIN PUBLIC KEY-----`).
pub(crate) fn public_key_pem(spki_der: &[u8]) -> Result<String, MockError> {
    der::pem::encode_string("PUBLIC KEY", LineEnding::LF, spki_der)
        .map_err(|_| MockError::KeyGen("public pem"))
}

/// Makes a self-signed certificate for `key` with `serial` (hex) and the
/// common name `cn`, valid from a day ago for `days` days; returns its PEM.
pub(crate) fn self_signed(
    key: &RsaPrivateKey,
    spki_der: &[u8],
    serial_hex: &str,
    cn: &str,
    days: u32,
) -> Result<(String, Certificate), MockError> {
    let subject = Name::from_str(&format!("CN={cn},OU=TEST ONLY,O=chop-mock,C=CN"))
        .map_err(|_| MockError::KeyGen("certificate subject"))?;
    let serial_bytes = hex_decode(serial_hex).ok_or(MockError::KeyGen("serial"))?;
    let serial = SerialNumber::new(&serial_bytes).map_err(|_| MockError::KeyGen("serial"))?;
    let now = SystemTime::now();
    let day = Duration::from_secs(86_400);
    let tbs = Tbs {
        subject: subject.clone(),
        serial,
        not_before: now - day,
        not_after: now + day * days,
        spki_der,
        extensions: Vec::new(),
    };
    build(tbs, subject, key)
}

/// Generates an RSA key and a self-signed certificate for it (see
/// [`self_signed`]); returns the key and the certificate's PEM.
pub(crate) fn generate_certified(
    serial_hex: &str,
    cn: &str,
    days: u32,
) -> Result<(GeneratedKey, String), MockError> {
    let g = generate_rsa()?;
    let key = RsaPrivateKey::load(g.pem.as_bytes(), None)?;
    let (pem, _) = self_signed(&key, &g.spki_der, serial_hex, cn, days)?;
    Ok((g, pem))
}

/// Re-issues `cert` — same subject, serial, public key and extensions — with
/// the validity `not_before..not_after`, signed by `issuer_key` under the
/// subject of `issuer` (pass the certificate itself and its own key to make it
/// self-signed). Tests use it to make a fixed vector certificate valid *now*,
/// so the wall clock never meets a fixed validity (TEST ONLY).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use chop::key::{Certificate, RsaPrivateKey, RsaPublicKey};
/// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/keys/wechatpay-platform/");
/// # let read = |f: &str| std::fs::read(format!("{dir}{f}")).unwrap();
/// let old = Certificate::load(&read("platform-old-cert.pem"))?;
/// let root = Certificate::load(&read("test-root-ca.pem"))?;
/// let root_key = RsaPrivateKey::load(&read("test-root-ca-key.pem"), None)?;
/// let now = SystemTime::now();
/// let day = Duration::from_secs(86_400);
/// let (_pem, current) = chop_mock::keys::reissue(&old, &root, &root_key, now - day, now + day * 30)?;
/// assert_eq!(current.serial_hex(), old.serial_hex());
/// assert_eq!(current.issuer(), root.subject());
/// assert!(current.validity().contains(chop::clock::Clock::now_unix(&chop::clock::SystemClock)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`MockError::KeyGen`] when a certificate cannot be read or built.
pub fn reissue(
    cert: &Certificate,
    issuer: &Certificate,
    issuer_key: &RsaPrivateKey,
    not_before: SystemTime,
    not_after: SystemTime,
) -> Result<(String, Certificate), MockError> {
    let read = |der: &[u8]| {
        x509_cert::Certificate::from_der(der).map_err(|_| MockError::KeyGen("certificate der"))
    };
    let parsed = read(cert.der())?;
    let tbs = parsed.tbs_certificate();
    let spki_der = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|_| MockError::KeyGen("certificate spki"))?;
    let request = Tbs {
        subject: tbs.subject().clone(),
        serial: tbs.serial_number().clone(),
        not_before,
        not_after,
        spki_der: &spki_der,
        extensions: tbs.extensions().cloned().unwrap_or_default(),
    };
    let issuer_name = read(issuer.der())?.tbs_certificate().subject().clone();
    build(request, issuer_name, issuer_key)
}

/// What a certificate says about its subject.
struct Tbs<'a> {
    subject: Name,
    serial: SerialNumber,
    not_before: SystemTime,
    not_after: SystemTime,
    spki_der: &'a [u8],
    extensions: Vec<Extension>,
}

/// Builds and signs (SHA256withRSA with `issuer_key`) a certificate.
fn build(
    tbs: Tbs<'_>,
    issuer: Name,
    issuer_key: &RsaPrivateKey,
) -> Result<(String, Certificate), MockError> {
    let err = |_| MockError::KeyGen("certificate");
    let validity = Validity::new(
        Time::try_from(tbs.not_before).map_err(err)?,
        Time::try_from(tbs.not_after).map_err(err)?,
    );
    let spki = SubjectPublicKeyInfoOwned::from_der(tbs.spki_der).map_err(err)?;
    let profile = Profile {
        subject: tbs.subject,
        issuer,
        extensions: tbs.extensions,
    };
    let builder = CertificateBuilder::new(profile, tbs.serial, validity, spki)
        .map_err(|_| MockError::KeyGen("certificate builder"))?;
    let signer = CertSigner {
        key: issuer_key,
        spki: spki_der(issuer_key.public_key())?,
    };
    let cert = builder
        .build::<_, RsaSig>(&signer)
        .map_err(|_| MockError::KeyGen("certificate signature"))?;
    let pem = cert
        .to_pem(LineEnding::LF)
        .map_err(|_| MockError::KeyGen("certificate pem"))?;
    let der = cert.to_der().map_err(err)?;
    let loaded = Certificate::from_der(&der).map_err(MockError::Key)?;
    Ok((pem, loaded))
}

/// The SubjectPublicKeyInfo DER of an RSA public key (from its PKCS#1 form).
pub(crate) fn spki_der(key: &RsaPublicKey) -> Result<Vec<u8>, MockError> {
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        },
        subject_public_key: BitString::from_bytes(key.pkcs1_der())
            .map_err(|_| MockError::KeyGen("spki"))?,
    };
    spki.to_der().map_err(|_| MockError::KeyGen("spki"))
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A profile with a given subject, issuer and extensions.
struct Profile {
    subject: Name,
    issuer: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }
    fn get_subject(&self) -> Name {
        self.subject.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

/// Adapts [`RsaPrivateKey`] to the `signature` traits the builder wants.
struct CertSigner<'a> {
    key: &'a RsaPrivateKey,
    spki: Vec<u8>,
}

#[derive(Clone)]
struct SpkiDer(Vec<u8>);

impl EncodePublicKey for SpkiDer {
    fn to_public_key_der(&self) -> spki::Result<Document> {
        Ok(Document::from_der(&self.0)?)
    }
}

struct RsaSig(Vec<u8>);

impl SignatureBitStringEncoding for RsaSig {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

impl signature::Keypair for CertSigner<'_> {
    type VerifyingKey = SpkiDer;
    fn verifying_key(&self) -> SpkiDer {
        SpkiDer(self.spki.clone())
    }
}

impl DynSignatureAlgorithmIdentifier for CertSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(AlgorithmIdentifierOwned {
            oid: SHA256_WITH_RSA,
            parameters: Some(Any::null()),
        })
    }
}

impl signature::Signer<RsaSig> for CertSigner<'_> {
    fn try_sign(&self, msg: &[u8]) -> Result<RsaSig, signature::Error> {
        self.key
            .sign(SignatureScheme::RsaPkcs1Sha256, msg)
            .map(RsaSig)
            .map_err(|_| signature::Error::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificate_carries_the_key_and_serial() {
        let g = generate_rsa().unwrap();
        let key = RsaPrivateKey::load(g.pem.as_bytes(), None).unwrap();
        let (pem, cert) = self_signed(
            &key,
            &g.spki_der,
            "5157F09EFDC096DE15EBE81A47057A72",
            "t",
            30,
        )
        .unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(cert.serial_hex(), "5157F09EFDC096DE15EBE81A47057A72");
        assert!(chop::key::key_matches_certificate(&key, &cert));
        assert_eq!(Certificate::load(pem.as_bytes()).unwrap().der(), cert.der());
    }
}
