//! PKCS#12 (`.p12`/`.pfx`) files: WeChat Pay's `apiclient_cert.p12`.
//!
//! Reads modern files (AES-256-CBC, PBKDF2, HMAC-SHA-256) and the legacy ones
//! that older OpenSSL and WeChat Pay's certificate tool write (RC2-40 and
//! 3DES, SHA-1 MAC), through the `p12-keystore` crate.

use std::fmt;

use zeroize::Zeroizing;

use super::{Certificate, KeyError};
use crate::secret::SecretString;

/// What a PKCS#12 file holds once opened.
pub struct Pkcs12Contents {
    /// The private key as PKCS#8 DER (zeroized on drop), if the file has one.
    pub(crate) key_pkcs8: Option<Zeroizing<Vec<u8>>>,
    /// The certificates in the file, leaf first when the file says which is the key's.
    pub certificates: Vec<Certificate>,
}

impl Pkcs12Contents {
    /// Whether the file holds a private key.
    pub fn has_private_key(&self) -> bool {
        self.key_pkcs8.is_some()
    }
}

impl fmt::Debug for Pkcs12Contents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs12Contents")
            .field(
                "private_key",
                &self.key_pkcs8.as_ref().map(|_| "[redacted]"),
            )
            .field("certificates", &self.certificates)
            .finish()
    }
}

const HINT: &str = ": for WeChat Pay's apiclient_cert.p12 the password is the merchant id (mchid)";

/// Opens a PKCS#12 file with `password`.
pub(crate) fn open(
    der: &[u8],
    password: Option<&SecretString>,
) -> Result<Pkcs12Contents, KeyError> {
    let password = password.ok_or(KeyError::PasswordRequired {
        container: "PKCS#12 file",
        hint: HINT,
    })?;
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(der, password.expose()).map_err(map_error)?;
    let mut certificates = Vec::new();
    // Put the certificate that belongs to the key first.
    let key_id = archive
        .keys
        .first()
        .and_then(|k| k.local_key_id.as_ref().map(|id| id.0.clone()));
    let mut bags: Vec<_> = archive.certs.iter().collect();
    bags.sort_by_key(|b| b.local_key_id.as_ref() != key_id.as_ref() || key_id.is_none());
    for bag in bags {
        certificates.push(Certificate::from_der(bag.cert.as_der())?);
    }
    let key_pkcs8 = archive
        .keys
        .first()
        .map(|k| Zeroizing::new(k.key.as_der().to_vec()));
    Ok(Pkcs12Contents {
        key_pkcs8,
        certificates,
    })
}

fn map_error(e: p12_keystore::error::Error) -> KeyError {
    use p12_keystore::error::Error as E;
    match e {
        E::MacError(_) | E::UnpadError => KeyError::WrongPassword {
            container: "PKCS#12 file",
            hint: HINT,
        },
        E::UnsupportedEncryptionScheme | E::UnsupportedMacAlgorithm => {
            KeyError::UnsupportedEncryption {
                container: "PKCS#12 file",
                detail: e.to_string(),
            }
        }
        E::Pkcs5Error(msg) if msg.contains("decrypt") => KeyError::WrongPassword {
            container: "PKCS#12 file",
            hint: HINT,
        },
        other => KeyError::Pkcs12 {
            reason: format!("{other}; the file may be damaged or not a PKCS#12 file"),
        },
    }
}
