//! RSA private keys: loading from every container, refusing damaged keys, signing.

use std::fmt;
use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{OaepPrivateDecryptingKey, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair, RsaKeyPair};
use der::Decode;
use zeroize::Zeroizing;

use super::check::{self, Component};
use super::kind::{self, Container, DerKind, KeyFormat};
use super::pkcs12;
use super::public::{describe_blocks, RsaPublicKey};
use super::source;
use super::{Certificate, InconsistentKey, KeyError};
use crate::crypto::rsa_enc::{self, RsaEncError};
use crate::secret::SecretString;
use crate::signer::{SignError, SignatureScheme, Signer};

/// An RSA private key, parsed and checked once, ready to sign many times.
///
/// The key material lives inside aws-lc (whose allocator clears it when the key
/// is freed); chop's own copies of the DER are zeroized on drop. `Debug` shows
/// only the size and the modulus fingerprint.
///
/// ```
/// use chop::key::RsaPrivateKey;
/// use chop::signer::{Signer, SignatureScheme};
/// # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
/// let key = RsaPrivateKey::load(&pem, None)?;
/// let sig = key.sign(SignatureScheme::RsaPkcs1Sha256, b"hello").unwrap();
/// assert_eq!(sig.len(), 256);
/// # Ok::<(), chop::key::KeyError>(())
/// ```
pub struct RsaPrivateKey {
    pair: RsaKeyPair,
    public: RsaPublicKey,
    format: KeyFormat,
    /// Decryption keys (OAEP, PKCS#1 v1.5), made on first use from the same key.
    decrypting: OnceLock<Option<Decrypting>>,
}

struct Decrypting {
    oaep: OaepPrivateDecryptingKey,
    pkcs1: Pkcs1PrivateDecryptingKey,
}

/// A private key decoded to PKCS#1 DER and checked, not yet handed to aws-lc.
pub(crate) struct ParsedPrivate {
    pub(crate) pkcs1: Zeroizing<Vec<u8>>,
    pub(crate) format: KeyFormat,
    /// Components that fail their consistency check.
    pub(crate) wrong: Vec<Component>,
    /// Certificates that came with the key (PKCS#12).
    pub(crate) certs: Vec<Certificate>,
}

impl RsaPrivateKey {
    /// Loads an RSA private key from the bytes of a key file (any supported
    /// container and encoding; see [the module docs](crate::key)).
    ///
    /// `password` is needed for encrypted PKCS#8 and PKCS#12 (for WeChat Pay's
    /// `apiclient_cert.p12` it is the merchant id).
    ///
    /// # Errors
    /// A [`KeyError`] naming what is wrong: empty input, unrecognised format,
    /// truncated PEM, a public key or certificate given instead, a non-RSA key,
    /// a missing or wrong password, or a key whose components are inconsistent.
    pub fn load(input: &[u8], password: Option<&SecretString>) -> Result<Self, KeyError> {
        let parsed = parse(input, password)?;
        Self::from_parsed(parsed)
    }

    /// Loads a key and also returns the certificates stored with it (PKCS#12 files
    /// carry the merchant certificate; other formats return none).
    ///
    /// # Errors
    /// As [`RsaPrivateKey::load`].
    pub fn load_with_certificates(
        input: &[u8],
        password: Option<&SecretString>,
    ) -> Result<(Self, Vec<Certificate>), KeyError> {
        let mut parsed = parse(input, password)?;
        let certs = std::mem::take(&mut parsed.certs);
        Ok((Self::from_parsed(parsed)?, certs))
    }

    pub(crate) fn from_parsed(parsed: ParsedPrivate) -> Result<Self, KeyError> {
        if !parsed.wrong.is_empty() {
            return Err(KeyError::Inconsistent(InconsistentKey {
                wrong: parsed.wrong,
            }));
        }
        let pair = RsaKeyPair::from_der(&parsed.pkcs1).map_err(|e| KeyError::Rejected {
            reason: e.to_string(),
        })?;
        let public = RsaPublicKey::from_pkcs1_der(pair.public_key().as_ref())?;
        if public.bits() < 2048 {
            return Err(KeyError::UnsupportedSize {
                bits: public.bits(),
            });
        }
        Ok(Self {
            pair,
            public,
            format: parsed.format,
            decrypting: OnceLock::new(),
        })
    }

    /// The matching public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.public.bits()
    }

    /// How the key was stored.
    pub fn format(&self) -> KeyFormat {
        self.format
    }
}

impl RsaPrivateKey {
    /// RSA-OAEP (SHA-1, MGF1-SHA-1) decryption with this key (WeChat Pay's
    /// sensitive fields encrypted for the merchant).
    ///
    /// # Errors
    /// [`RsaEncError::Decryption`] when the ciphertext does not decrypt.
    pub fn decrypt_oaep_sha1(&self, ciphertext: &[u8]) -> Result<Vec<u8>, RsaEncError> {
        let d = self.decrypting().ok_or(RsaEncError::Backend)?;
        rsa_enc::oaep_sha1_decrypt(&d.oaep, ciphertext)
    }

    /// RSA PKCS#1 v1.5 decryption (legacy; WeChat Pay's v2-era data and some SDK vectors).
    ///
    /// # Errors
    /// [`RsaEncError::Decryption`] when the ciphertext does not decrypt.
    pub fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Vec<u8>, RsaEncError> {
        let d = self.decrypting().ok_or(RsaEncError::Backend)?;
        rsa_enc::pkcs1v15_decrypt(&d.pkcs1, ciphertext)
    }

    fn decrypting(&self) -> Option<&Decrypting> {
        self.decrypting
            .get_or_init(|| {
                let der = self.pair.as_der().ok()?;
                let make = || PrivateDecryptingKey::from_pkcs8(der.as_ref()).ok();
                Some(Decrypting {
                    oaep: OaepPrivateDecryptingKey::new(make()?).ok()?,
                    pkcs1: Pkcs1PrivateDecryptingKey::new(make()?).ok()?,
                })
            })
            .as_ref()
    }
}

impl Signer for RsaPrivateKey {
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let encoding: &'static dyn signature::RsaEncoding = match scheme {
            SignatureScheme::RsaPkcs1Sha256 => &signature::RSA_PKCS1_SHA256,
            SignatureScheme::RsaPssSha256 => &signature::RSA_PSS_SHA256,
            other => return Err(SignError::UnsupportedScheme { scheme: other }),
        };
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(encoding, &SystemRandom::new(), message, &mut sig)
            .map_err(|_| SignError::Backend {
                reason: "aws-lc could not sign with this key".into(),
            })?;
        Ok(sig)
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("bits", &self.bits())
            .field("format", &self.format.to_string())
            .field("fingerprint", &self.public.fingerprint())
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Decodes and checks a private key without handing it to aws-lc.
pub(crate) fn parse(
    input: &[u8],
    password: Option<&SecretString>,
) -> Result<ParsedPrivate, KeyError> {
    let blocks = source::decode(input, "private key")?;
    let mut found: Option<&'static str> = None;
    for block in &blocks {
        match block_kind(block)? {
            Some(kind) if is_private(kind) => return parse_block(block, kind, password),
            Some(other) => found = found.or(Some(other.describe())),
            None => {}
        }
    }
    Err(KeyError::WrongContent {
        expected: "an RSA private key",
        found: match found {
            Some(f) => format!("{f} (a private key file such as apiclient_key.pem is needed)"),
            None => describe_blocks(&blocks),
        },
    })
}

/// What a block holds, by its PEM label or by trying DER decoders.
pub(crate) fn block_kind(block: &source::Block) -> Result<Option<DerKind>, KeyError> {
    Ok(match &block.label {
        Some(label) if label.contains("OPENSSH") => {
            return Err(KeyError::WrongContent {
                expected: "an RSA private key in PEM (PKCS#8 or PKCS#1)",
                found: "an OpenSSH private key; convert it with `ssh-keygen -p -m PEM -f FILE`"
                    .into(),
            })
        }
        Some(label) => kind::kind_of_label(label),
        None => kind::classify_der(&block.der),
    })
}

/// Whether a kind of block holds (or may hold) a private key.
pub(crate) fn is_private(kind: DerKind) -> bool {
    matches!(
        kind,
        DerKind::Pkcs8
            | DerKind::Pkcs1Private
            | DerKind::EncryptedPkcs8
            | DerKind::Pkcs12
            | DerKind::EcPrivate
    )
}

/// Decodes one private-key block of a known kind.
pub(crate) fn parse_block(
    block: &source::Block,
    kind: DerKind,
    password: Option<&SecretString>,
) -> Result<ParsedPrivate, KeyError> {
    let format = |container| KeyFormat {
        container,
        encoding: block.encoding,
    };
    match kind {
        DerKind::Pkcs8 => from_pkcs1(pkcs8_to_pkcs1(&block.der)?, format(Container::Pkcs8)),
        DerKind::Pkcs1Private => from_pkcs1(block.der.clone(), format(Container::Pkcs1)),
        DerKind::EncryptedPkcs8 => {
            let pkcs8 = decrypt_pkcs8(&block.der, password)?;
            from_pkcs1(pkcs8_to_pkcs1(&pkcs8)?, format(Container::EncryptedPkcs8))
        }
        DerKind::Pkcs12 => {
            let contents = pkcs12::open(&block.der, password)?;
            let key = contents.key_pkcs8.ok_or_else(|| KeyError::Pkcs12 {
                reason: "it holds no private key (only certificates); export it again with the key"
                    .into(),
            })?;
            let mut p = from_pkcs1(pkcs8_to_pkcs1(&key)?, format(Container::Pkcs12))?;
            p.certs = contents.certificates;
            Ok(p)
        }
        DerKind::EcPrivate => Err(KeyError::NotRsa {
            found: "an EC key (SEC1 `EC PRIVATE KEY`)".into(),
        }),
        other => Err(KeyError::WrongContent {
            expected: "an RSA private key",
            found: other.describe().into(),
        }),
    }
}

fn from_pkcs1(pkcs1: Zeroizing<Vec<u8>>, format: KeyFormat) -> Result<ParsedPrivate, KeyError> {
    let wrong = {
        let key =
            pkcs1::RsaPrivateKeyRef::from_der(&pkcs1).map_err(|e| KeyError::Unrecognized {
                what: "private key",
                detail: format!("the RSA key structure does not parse ({e}); the key is damaged"),
            })?;
        if key.other_prime_infos.is_some() {
            return Err(KeyError::Rejected {
                reason: "multi-prime RSA keys are not supported".into(),
            });
        }
        check::check(&key)
    };
    Ok(ParsedPrivate {
        pkcs1,
        format,
        wrong,
        certs: Vec::new(),
    })
}

/// Extracts the PKCS#1 key from a PKCS#8 `PrivateKeyInfo`, refusing non-RSA keys.
fn pkcs8_to_pkcs1(der: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::Unrecognized {
        what: "private key",
        detail: format!("PKCS#8 DER does not parse ({e})"),
    })?;
    let oid = info.algorithm.oid;
    if oid != kind::OID_RSA && oid != kind::OID_RSA_PSS {
        let curve = info.algorithm.parameters_oid().ok();
        return Err(KeyError::NotRsa {
            found: kind::describe_algorithm(oid, curve),
        });
    }
    Ok(Zeroizing::new(info.private_key.as_bytes().to_vec()))
}

fn decrypt_pkcs8(
    der: &[u8],
    password: Option<&SecretString>,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    const CONTAINER: &str = "encrypted PKCS#8 key";
    let info =
        pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::Unrecognized {
            what: "private key",
            detail: format!("encrypted PKCS#8 DER does not parse ({e})"),
        })?;
    let password = password.ok_or(KeyError::PasswordRequired {
        container: CONTAINER,
        hint: ": pass it with --key-password (CLI) or as the password argument",
    })?;
    match info.decrypt(password.expose().as_bytes()) {
        Ok(doc) => Ok(Zeroizing::new(doc.as_bytes().to_vec())),
        Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm {
            oid,
        })) => Err(KeyError::UnsupportedEncryption {
            container: CONTAINER,
            detail: format!("algorithm {oid}"),
        }),
        Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::NoPbes1CryptSupport)) => {
            Err(KeyError::UnsupportedEncryption {
                container: CONTAINER,
                detail: "PBES1 (PKCS#5 v1.5)".into(),
            })
        }
        Err(_) => Err(KeyError::WrongPassword {
            container: CONTAINER,
            hint: "",
        }),
    }
}
