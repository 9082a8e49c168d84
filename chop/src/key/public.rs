//! RSA public keys: loading and verification with a pre-parsed key.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{OaepPublicEncryptingKey, PublicEncryptingKey};
use aws_lc_rs::signature::{self, ParsedPublicKey};
use der::{Decode, Encode};

use super::kind::{self, DerKind};
use super::source::{self, Encoding};
use super::KeyError;
use crate::crypto::digest;
use crate::crypto::rsa_enc::{self, RsaEncError};
use crate::signer::SignatureScheme;

/// An RSA public key, parsed once and reused for every verification.
///
/// ```
/// use chop::key::RsaPublicKey;
/// # let pem = std::fs::read("../vectors/keys/generated/pub-spki.pem").unwrap();
/// let key = RsaPublicKey::load(&pem)?;
/// assert_eq!(key.bits(), 2048);
/// assert_eq!(key.modulus_hex().len(), 512);
/// # Ok::<(), chop::key::KeyError>(())
/// ```
#[derive(Clone)]
pub struct RsaPublicKey {
    inner: Arc<Inner>,
}

struct Inner {
    /// PKCS#1 `RSAPublicKey` DER.
    pkcs1: Vec<u8>,
    /// Big-endian modulus without leading zeros.
    modulus: Vec<u8>,
    /// Big-endian public exponent without leading zeros.
    exponent: Vec<u8>,
    /// One pre-parsed verifier per scheme, made on first use.
    verifiers: [OnceLock<Option<ParsedPublicKey>>; 3],
    /// The OAEP encryption key, made on first use.
    oaep: OnceLock<Option<OaepPublicEncryptingKey>>,
}

/// A signature did not verify against the key.
///
/// ```
/// let e = chop::key::BadSignature { scheme: chop::signer::SignatureScheme::RsaPkcs1Sha256 };
/// assert_eq!(e.to_string(), "the SHA256withRSA (PKCS#1 v1.5) signature does not match the message and key");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {scheme} signature does not match the message and key")]
pub struct BadSignature {
    /// The scheme that was checked.
    pub scheme: SignatureScheme,
}

impl RsaPublicKey {
    /// Loads an RSA public key: SPKI or PKCS#1, as PEM, DER or bare base64.
    ///
    /// # Errors
    /// [`KeyError`] when the input is not an RSA public key; a certificate or a
    /// private key given here is named as such.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        let blocks = source::decode(input, "public key")?;
        let mut found = None;
        for block in &blocks {
            let kind = match &block.label {
                Some(label) => kind::kind_of_label(label),
                None => kind::classify_der(&block.der),
            };
            match kind {
                Some(DerKind::Spki) => return Self::from_spki_der(&block.der),
                Some(DerKind::Pkcs1Public) => return Self::from_pkcs1_der(&block.der),
                Some(other) => found = found.or(Some(other.describe().to_string())),
                None => {}
            }
        }
        Err(KeyError::WrongContent {
            expected: "an RSA public key",
            found: found.unwrap_or_else(|| describe_blocks(&blocks)),
        })
    }

    /// From a DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    /// [`KeyError::NotRsa`] for another algorithm, [`KeyError::Unrecognized`] for bad DER.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| bad_der("SPKI", e))?;
        let oid = spki.algorithm.oid;
        if oid != kind::OID_RSA && oid != kind::OID_RSA_PSS {
            let curve = spki.algorithm.parameters_oid().ok();
            return Err(KeyError::NotRsa {
                found: kind::describe_algorithm(oid, curve),
            });
        }
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::Unrecognized {
                what: "public key",
                detail: "the SPKI bit string has unused bits".into(),
            })?;
        Self::from_pkcs1_der(bits)
    }

    /// From a DER PKCS#1 `RSAPublicKey`.
    ///
    /// # Errors
    /// [`KeyError`] for bad DER or an unusable size.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let key =
            pkcs1::RsaPublicKeyRef::from_der(der).map_err(|e| bad_der("PKCS#1 public key", e))?;
        let modulus = key.modulus.as_bytes().to_vec();
        let exponent = key.public_exponent.as_bytes().to_vec();
        let bits = bit_len(&modulus);
        if !(1024..=8192).contains(&bits) {
            return Err(KeyError::UnsupportedSize { bits });
        }
        let pkcs1 = key.to_der().map_err(|e| bad_der("PKCS#1 public key", e))?;
        Ok(Self {
            inner: Arc::new(Inner {
                pkcs1,
                modulus,
                exponent,
                verifiers: Default::default(),
                oaep: OnceLock::new(),
            }),
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        bit_len(&self.inner.modulus)
    }

    /// The modulus, big-endian, without leading zeros.
    pub fn modulus(&self) -> &[u8] {
        &self.inner.modulus
    }

    /// The public exponent, big-endian.
    pub fn exponent(&self) -> &[u8] {
        &self.inner.exponent
    }

    /// The modulus as uppercase hex, exactly what `openssl rsa -noout -modulus` prints
    /// after `Modulus=`.
    pub fn modulus_hex(&self) -> String {
        crate::hex::upper(&self.inner.modulus)
    }

    /// `SHA256:` + lowercase hex of SHA-256 over the modulus bytes: a short way to
    /// tell keys apart (equal for a private key and its certificate).
    pub fn fingerprint(&self) -> String {
        let d = digest::sha256(&self.inner.modulus);
        format!("SHA256:{}", crate::hex::lower(&d))
    }

    /// The PKCS#1 `RSAPublicKey` DER.
    pub fn pkcs1_der(&self) -> &[u8] {
        &self.inner.pkcs1
    }

    /// Verifies `signature` over `message` with `scheme`.
    ///
    /// # Errors
    /// [`BadSignature`] when the signature does not match, or the scheme is not an RSA scheme.
    pub fn verify(
        &self,
        scheme: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), BadSignature> {
        let (slot, params): (usize, &'static signature::RsaParameters) = match scheme {
            SignatureScheme::RsaPkcs1Sha256 => (0, &signature::RSA_PKCS1_2048_8192_SHA256),
            SignatureScheme::RsaPssSha256 => (1, &signature::RSA_PSS_2048_8192_SHA256),
            SignatureScheme::RsaPkcs1Sha1 => {
                (2, &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY)
            }
            _ => return Err(BadSignature { scheme }),
        };
        let parsed = self.inner.verifiers[slot]
            .get_or_init(|| ParsedPublicKey::new(params, &self.inner.pkcs1).ok());
        match parsed {
            Some(key) if key.verify_sig(message, signature).is_ok() => Ok(()),
            _ => Err(BadSignature { scheme }),
        }
    }
}

impl RsaPublicKey {
    /// RSA-OAEP (SHA-1, MGF1-SHA-1) encryption, as WeChat Pay uses for sensitive fields.
    ///
    /// ```
    /// # use chop::key::RsaPrivateKey;
    /// # let key = RsaPrivateKey::load(&std::fs::read("../vectors/keys/generated/key-pkcs8.pem").unwrap(), None).unwrap();
    /// let ct = key.public_key().encrypt_oaep_sha1("张三".as_bytes())?;
    /// assert_eq!(key.decrypt_oaep_sha1(&ct)?, "张三".as_bytes());
    /// # Ok::<(), chop::crypto::rsa_enc::RsaEncError>(())
    /// ```
    ///
    /// # Errors
    /// [`RsaEncError::TooLong`] for a plaintext over the limit (214 bytes for RSA-2048).
    pub fn encrypt_oaep_sha1(&self, plaintext: &[u8]) -> Result<Vec<u8>, RsaEncError> {
        let key = self.oaep_key().ok_or(RsaEncError::Backend)?;
        rsa_enc::oaep_sha1_encrypt(key, plaintext)
    }

    /// The OAEP encryption key, made once.
    fn oaep_key(&self) -> Option<&OaepPublicEncryptingKey> {
        self.inner
            .oaep
            .get_or_init(|| {
                let spki = aws_lc_rs::rsa::PublicKey::from_der(&self.inner.pkcs1)
                    .ok()?
                    .as_der()
                    .ok()?;
                let key = PublicEncryptingKey::from_der(spki.as_ref()).ok()?;
                OaepPublicEncryptingKey::new(key).ok()
            })
            .as_ref()
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits())
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

impl PartialEq for RsaPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.inner.modulus == other.inner.modulus && self.inner.exponent == other.inner.exponent
    }
}

impl Eq for RsaPublicKey {}

pub(crate) fn bit_len(be: &[u8]) -> usize {
    let be = strip_zeros(be);
    match be.first() {
        None => 0,
        Some(&b) => be.len() * 8 - b.leading_zeros() as usize,
    }
}

fn strip_zeros(be: &[u8]) -> &[u8] {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    &be[start..]
}

fn bad_der(what: &str, e: der::Error) -> KeyError {
    KeyError::Unrecognized {
        what: "public key",
        detail: format!("{what} DER does not parse ({e})"),
    }
}

/// Names what a list of blocks holds, for `WrongContent` errors.
pub(crate) fn describe_blocks(blocks: &[source::Block]) -> String {
    let names: Vec<String> = blocks
        .iter()
        .map(|b| match &b.label {
            Some(l) => format!("a PEM `{l}` block"),
            None => match kind::classify_der(&b.der) {
                Some(k) => k.describe().to_string(),
                None if b.encoding == Encoding::Der => {
                    "DER that is not a key or certificate".into()
                }
                None => "base64 of DER that is not a key or certificate".into(),
            },
        })
        .collect();
    if names.is_empty() {
        "nothing usable".into()
    } else {
        names.join(", ")
    }
}
