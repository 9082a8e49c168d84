//! What a key or certificate file holds, with any problems found, for
//! `chop key inspect` and `chop doctor key`.

use aws_lc_rs::signature::RsaKeyPair;
use der::{Decode, Encode};

use super::check::Component;
use super::kind::{DerKind, KeyFormat};
use super::private::{self, ParsedPrivate};
use super::public::RsaPublicKey;
use super::source::{self, Encoding};
use super::{pkcs12, Certificate, InconsistentKey, KeyError};
use crate::finding::Finding;
use crate::secret::SecretString;

/// What a file holds.
#[derive(Debug)]
pub struct Inspection {
    /// How the file is encoded.
    pub encoding: Encoding,
    /// Each thing found, in file order.
    pub items: Vec<Item>,
}

/// One thing found in a file.
#[derive(Debug)]
#[non_exhaustive]
pub enum Item {
    /// An RSA private key (possibly damaged: see `findings`).
    PrivateKey {
        /// Container and encoding.
        format: KeyFormat,
        /// The public half (from n and e, even when the key is damaged).
        public: RsaPublicKey,
        /// Problems found.
        findings: Vec<Finding>,
    },
    /// An RSA public key.
    PublicKey {
        /// `SPKI` or `PKCS#1`.
        container: &'static str,
        /// The key.
        key: RsaPublicKey,
    },
    /// A certificate.
    Certificate(Certificate),
    /// A PKCS#12 file: its key (if any) and certificates.
    Pkcs12 {
        /// The key, when present.
        key: Option<Box<Item>>,
        /// The certificates.
        certificates: Vec<Certificate>,
    },
}

/// Inspects the bytes of a key, certificate or PKCS#12 file.
///
/// Unlike [`super::RsaPrivateKey::load`], a damaged private key is reported as a
/// finding rather than an error, so its public half can still be shown.
///
/// ```
/// use chop::key::{inspect, Item};
/// # let pem = std::fs::read("../vectors/keys/seed004/apiclient_test_key_corrupted.pem").unwrap();
/// let report = inspect(&pem, None)?;
/// let Item::PrivateKey { findings, .. } = &report.items[0] else { panic!() };
/// assert_eq!(findings[0].code, "KEY_INCONSISTENT");
/// assert!(findings[0].message.starts_with("d and qInv are corrupted; n, p, q, e, dP, dQ are consistent"));
/// # Ok::<(), chop::key::KeyError>(())
/// ```
///
/// # Errors
/// [`KeyError`] when nothing can be read (bad format, wrong password, …).
pub fn inspect(input: &[u8], password: Option<&SecretString>) -> Result<Inspection, KeyError> {
    let blocks = source::decode(input, "key or certificate")?;
    let encoding = blocks.first().map_or(Encoding::Pem, |b| b.encoding);
    let mut items = Vec::new();
    for block in &blocks {
        let Some(kind) = private::block_kind(block)? else {
            continue;
        };
        let item = match kind {
            DerKind::Certificate => Item::Certificate(Certificate::from_der(&block.der)?),
            DerKind::Spki => Item::PublicKey {
                container: "SPKI",
                key: RsaPublicKey::from_spki_der(&block.der)?,
            },
            DerKind::Pkcs1Public => Item::PublicKey {
                container: "PKCS#1",
                key: RsaPublicKey::from_pkcs1_der(&block.der)?,
            },
            DerKind::Pkcs12 => {
                let contents = pkcs12::open(&block.der, password)?;
                let key = match contents.key_pkcs8.is_some() {
                    true => {
                        let parsed = private::parse_block(block, kind, password)?;
                        Some(Box::new(private_item(parsed)?))
                    }
                    false => None,
                };
                Item::Pkcs12 {
                    key,
                    certificates: contents.certificates,
                }
            }
            other => private_item(private::parse_block(block, other, password)?)?,
        };
        items.push(item);
    }
    if items.is_empty() {
        return Err(KeyError::WrongContent {
            expected: "a key, certificate or PKCS#12 file",
            found: super::public::describe_blocks(&blocks),
        });
    }
    Ok(Inspection { encoding, items })
}

fn private_item(parsed: ParsedPrivate) -> Result<Item, KeyError> {
    let key =
        pkcs1::RsaPrivateKeyRef::from_der(&parsed.pkcs1).map_err(|e| KeyError::Unrecognized {
            what: "private key",
            detail: e.to_string(),
        })?;
    let public_der = key
        .public_key()
        .to_der()
        .map_err(|e| KeyError::Unrecognized {
            what: "private key",
            detail: e.to_string(),
        })?;
    let public = RsaPublicKey::from_pkcs1_der(&public_der)?;
    let mut findings = Vec::new();
    if !parsed.wrong.is_empty() {
        findings.push(inconsistent_finding(&parsed.wrong));
    } else if let Err(e) = RsaKeyPair::from_der(&parsed.pkcs1) {
        findings.push(Finding::error(
            "KEY_REJECTED",
            format!("the crypto library refuses this key: {e}"),
            "export the key again from the original file".into(),
        ));
    }
    if public.bits() < 2048 {
        findings.push(Finding::error(
            "KEY_TOO_SMALL",
            format!("the key is {} bits; 2048 are required", public.bits()),
            "generate a 2048-bit key with the platform's certificate tool".into(),
        ));
    }
    Ok(Item::PrivateKey {
        format: parsed.format,
        public,
        findings,
    })
}

/// The finding for a key whose components disagree (seed 004's key).
pub(crate) fn inconsistent_finding(wrong: &[Component]) -> Finding {
    let e = InconsistentKey {
        wrong: wrong.to_vec(),
    };
    let ok = e.consistent();
    Finding::error(
        "KEY_INCONSISTENT",
        format!(
            "{} {} corrupted; {} are consistent — the key was damaged when copied",
            Component::join(wrong),
            if wrong.len() == 1 { "is" } else { "are" },
            Component::join_comma(&ok)
        ),
        "every signature made with this key is invalid: export the key again from the original apiclient_key.pem or .p12 file (do not copy it from a web page or chat)".into(),
    )
}
