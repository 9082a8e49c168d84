//! The encrypted body `{"iv":…,"data":…,"authtag":…}` of requests and responses.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

/// Length of the GCM nonce (`iv`) in bytes.
pub const IV_LEN: usize = 12;
/// Length of the GCM tag (`authtag`) in bytes.
pub const TAG_LEN: usize = 16;

/// An encrypted request or response body: base64 of the 12-byte IV, of the
/// ciphertext without its tag, and of the 16-byte tag.
///
/// [`EncryptedBody::to_json`] writes the compact form of the official example
/// (`{"iv":"…","data":"…","authtag":"…"}`); the signature covers those exact bytes.
///
/// ```
/// use chop::miniprogram::EncryptedBody;
/// let body = EncryptedBody::parse(br#"{"iv": "r2WDQt56rEAmMuoR", "data": "AA==", "authtag": "z2BFD8QctKXTuBlhICGOjQ=="}"#)?;
/// assert_eq!(body.iv.len(), 12);
/// assert_eq!(body.to_json(), r#"{"iv":"r2WDQt56rEAmMuoR","data":"AA==","authtag":"z2BFD8QctKXTuBlhICGOjQ=="}"#);
/// # Ok::<(), chop::miniprogram::BodyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedBody {
    /// The GCM nonce, 12 bytes.
    pub iv: Vec<u8>,
    /// The ciphertext without the tag.
    pub data: Vec<u8>,
    /// The GCM tag, 16 bytes.
    pub authtag: Vec<u8>,
}

/// Why a body is not an encrypted API-security body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// Not a JSON object.
    #[error("the body is not a JSON object ({reason}); an encrypted body is {{\"iv\":…,\"data\":…,\"authtag\":…}}")]
    NotJson {
        /// The parser's complaint.
        reason: String,
    },
    /// A field is missing or not a string.
    #[error("the body has no string field `{field}`; an encrypted body is {{\"iv\":…,\"data\":…,\"authtag\":…}} — is API encryption switched on for this API in the MP console?")]
    MissingField {
        /// `iv`, `data` or `authtag`.
        field: &'static str,
    },
    /// A field is not base64.
    #[error("the body field `{field}` is not valid base64; the body was changed on the way")]
    BadBase64 {
        /// Which field.
        field: &'static str,
    },
    /// The IV or the tag has the wrong length.
    #[error("the body field `{field}` decodes to {got} bytes, but {expected} are required")]
    Length {
        /// `iv` or `authtag`.
        field: &'static str,
        /// Bytes found.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
}

impl EncryptedBody {
    /// Splits `ciphertext || tag` (what GCM sealing returns) into a body.
    pub fn from_sealed(iv: &[u8], sealed: &[u8]) -> Self {
        let split = sealed.len().saturating_sub(TAG_LEN);
        Self {
            iv: iv.to_vec(),
            data: sealed[..split].to_vec(),
            authtag: sealed[split..].to_vec(),
        }
    }

    /// `ciphertext || tag`, as GCM opening takes it.
    pub fn sealed(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.data.len() + self.authtag.len());
        v.extend_from_slice(&self.data);
        v.extend_from_slice(&self.authtag);
        v
    }

    /// The compact JSON text `{"iv":"…","data":"…","authtag":"…"}`.
    pub fn to_json(&self) -> String {
        // Base64 text needs no JSON escaping.
        format!(
            "{{\"iv\":\"{}\",\"data\":\"{}\",\"authtag\":\"{}\"}}",
            STANDARD.encode(&self.iv),
            STANDARD.encode(&self.data),
            STANDARD.encode(&self.authtag)
        )
    }

    /// Parses a body in any JSON layout (spaces, field order).
    ///
    /// # Errors
    /// [`BodyError`] naming what is missing or malformed.
    pub fn parse(body: &[u8]) -> Result<Self, BodyError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| BodyError::NotJson {
            reason: e.to_string(),
        })?;
        let obj = value.as_object().ok_or_else(|| BodyError::NotJson {
            reason: "it is JSON but not an object".into(),
        })?;
        let field = |name: &'static str| -> Result<Vec<u8>, BodyError> {
            let s = obj
                .get(name)
                .and_then(Value::as_str)
                .ok_or(BodyError::MissingField { field: name })?;
            STANDARD
                .decode(s)
                .map_err(|_| BodyError::BadBase64 { field: name })
        };
        let iv = field("iv")?;
        let data = field("data")?;
        let authtag = field("authtag")?;
        for (name, got, expected) in [
            ("iv", iv.len(), IV_LEN),
            ("authtag", authtag.len(), TAG_LEN),
        ] {
            if got != expected {
                return Err(BodyError::Length {
                    field: name,
                    got,
                    expected,
                });
            }
        }
        Ok(Self { iv, data, authtag })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        assert!(matches!(
            EncryptedBody::parse(b"nope"),
            Err(BodyError::NotJson { .. })
        ));
        assert!(matches!(
            EncryptedBody::parse(b"[]"),
            Err(BodyError::NotJson { .. })
        ));
        assert_eq!(
            EncryptedBody::parse(br#"{"iv":"AAAAAAAAAAAAAAAA","data":""}"#),
            Err(BodyError::MissingField { field: "authtag" })
        );
        assert_eq!(
            EncryptedBody::parse(br#"{"iv":"!","data":"","authtag":""}"#),
            Err(BodyError::BadBase64 { field: "iv" })
        );
        assert_eq!(
            EncryptedBody::parse(
                br#"{"iv":"AAAA","data":"","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}"#
            ),
            Err(BodyError::Length {
                field: "iv",
                got: 3,
                expected: 12
            })
        );
    }

    #[test]
    fn split_and_join() {
        let b = EncryptedBody::from_sealed(
            &[0; 12],
            &[1, 2, 3, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9],
        );
        assert_eq!(b.data, vec![1, 2, 3]);
        assert_eq!(b.authtag.len(), 16);
        assert_eq!(b.sealed().len(), 19);
    }
}
