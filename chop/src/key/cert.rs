//! X.509 certificates: serial in WeChat Pay's form, names, validity, public key.

use std::fmt;
use std::time::Duration;

use der::{Decode, Encode};
use x509_cert::certificate::{CertificateInner, Raw};

use super::kind::{self, DerKind};
use super::public::{describe_blocks, RsaPublicKey};
use super::source;
use super::KeyError;

/// A parsed X.509 certificate.
///
/// The serial is given as WeChat Pay writes it in `serial_no` and
/// `Wechatpay-Serial`: uppercase hex of the serial's bytes, without the zero
/// byte DER adds when the first bit is set.
///
/// ```
/// use chop::key::Certificate;
/// # let pem = std::fs::read("../vectors/keys/generated/cert-serial-signpad.pem").unwrap();
/// let cert = Certificate::load(&pem)?;
/// assert_eq!(cert.serial_hex(), "8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233");
/// # Ok::<(), chop::key::KeyError>(())
/// ```
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    serial: Vec<u8>,
    subject: String,
    issuer: String,
    validity: Validity,
    algorithm: String,
    public: Option<RsaPublicKey>,
    spki: Vec<u8>,
}

/// A certificate's validity period, in unix seconds (inclusive bounds).
///
/// ```
/// let v = chop::key::Validity { not_before: 100, not_after: 200 };
/// assert!(v.contains(150));
/// assert!(!v.contains(201));
/// assert_eq!(v.days_left(200 - 86_400 * 2), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// notBefore.
    pub not_before: i64,
    /// notAfter.
    pub not_after: i64,
}

impl Validity {
    /// Whether `now` is within the period.
    pub fn contains(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// Whole days from `now` until notAfter (negative once expired).
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }
}

impl Certificate {
    /// Loads the first certificate from PEM, DER or bare base64.
    ///
    /// # Errors
    /// [`KeyError`] when the input holds no certificate or it does not parse.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        let mut all = Self::load_all(input)?;
        Ok(all.remove(0))
    }

    /// Loads every certificate in the input (a PEM chain, or one DER certificate).
    ///
    /// # Errors
    /// [`KeyError`] when the input holds no certificate or one does not parse.
    pub fn load_all(input: &[u8]) -> Result<Vec<Self>, KeyError> {
        let blocks = source::decode(input, "certificate")?;
        let mut certs = Vec::new();
        for block in &blocks {
            let is_cert = match &block.label {
                Some(label) => kind::kind_of_label(label) == Some(DerKind::Certificate),
                None => kind::classify_der(&block.der) == Some(DerKind::Certificate),
            };
            if is_cert {
                certs.push(Self::from_der(&block.der)?);
            }
        }
        if certs.is_empty() {
            return Err(KeyError::WrongContent {
                expected: "an X.509 certificate",
                found: describe_blocks(&blocks),
            });
        }
        Ok(certs)
    }

    /// Parses one DER certificate.
    ///
    /// # Errors
    /// [`KeyError::Certificate`] when it does not parse.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let cert = CertificateInner::<Raw>::from_der(der).map_err(|e| KeyError::Certificate {
            reason: e.to_string(),
        })?;
        let tbs = cert.tbs_certificate();
        let serial = strip_sign_byte(tbs.serial_number().as_bytes()).to_vec();
        let validity = tbs.validity();
        let spki = tbs.subject_public_key_info();
        let oid = spki.algorithm.oid;
        let spki_der = spki.to_der().map_err(|e| KeyError::Certificate {
            reason: e.to_string(),
        })?;
        let (algorithm, public) = if oid == kind::OID_RSA || oid == kind::OID_RSA_PSS {
            let key = RsaPublicKey::from_spki_der(&spki_der)?;
            (format!("RSA {}", key.bits()), Some(key))
        } else {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
            (strip_article(&kind::describe_algorithm(oid, curve)), None)
        };
        Ok(Self {
            der: der.to_vec(),
            serial,
            subject: tbs.subject().to_string(),
            issuer: tbs.issuer().to_string(),
            validity: Validity {
                not_before: unix(validity.not_before.to_unix_duration()),
                not_after: unix(validity.not_after.to_unix_duration()),
            },
            algorithm,
            public,
            spki: spki_der,
        })
    }

    /// Serial as uppercase hex without a sign-padding zero: the form of WeChat
    /// Pay's `serial_no` and `Wechatpay-Serial`.
    pub fn serial_hex(&self) -> String {
        crate::hex::upper(&self.serial)
    }

    /// Serial bytes, big-endian, without the DER sign-padding zero.
    pub fn serial_bytes(&self) -> &[u8] {
        &self.serial
    }

    /// Subject as an RFC 4514 string.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Issuer as an RFC 4514 string.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Validity period.
    pub fn validity(&self) -> Validity {
        self.validity
    }

    /// `RSA 2048`, `an SM2 key…`: the subject key's algorithm.
    pub fn key_algorithm(&self) -> &str {
        &self.algorithm
    }

    /// The subject's RSA public key, if the certificate holds one.
    pub fn rsa_public_key(&self) -> Option<&RsaPublicKey> {
        self.public.as_ref()
    }

    /// The subject's `SubjectPublicKeyInfo` DER (for keys other than RSA, e.g. SM2).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The certificate's DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("serial", &self.serial_hex())
            .field("subject", &self.subject)
            .field("not_after", &format_utc(self.validity.not_after))
            .finish()
    }
}

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// assert_eq!(chop::key::format_utc(1554208460), "2019-04-02T12:34:20Z");
/// ```
pub fn format_utc(unix: i64) -> String {
    u64::try_from(unix)
        .ok()
        .and_then(|s| der::DateTime::from_unix_duration(Duration::from_secs(s)).ok())
        .map_or_else(|| format!("@{unix}"), |d| d.to_string())
}

fn unix(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// DER INTEGERs carry a leading zero byte when the first bit is set; WeChat Pay's
/// serial strings do not.
fn strip_sign_byte(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    }
}

fn strip_article(s: &str) -> String {
    s.strip_prefix("an ")
        .or_else(|| s.strip_prefix("a "))
        .unwrap_or(s)
        .to_string()
}
