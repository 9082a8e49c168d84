//! The algorithm suites configured in the MP console, and the symmetric
//! cipher each uses.

use std::fmt;

use super::message::Aad;
use crate::crypto::aead::{self, AeadError};
#[cfg(feature = "sm")]
pub use crate::crypto::sm::Sm2Encoding;
use crate::secret::SecretBytes;

/// The pair of algorithms configured for the app in the MP console
/// (开发 → 开发管理 → 开发设置 → API安全).
///
/// ```
/// use chop::miniprogram::Suite;
/// assert_eq!(Suite::AesGcmRsa.to_string(), "AES256_GCM + RSAwithSHA256");
/// assert_eq!(Suite::AesGcmRsa.symmetric_key_len(), 32);
/// # #[cfg(feature = "sm")]
/// assert_eq!(Suite::sm().to_string(), "SM4_GCM + SM2withSM3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Suite {
    /// `AES256_GCM` encryption and `RSAwithSHA256` signatures (RSASSA-PSS,
    /// SHA-256, MGF1-SHA-256, salt length 32).
    #[default]
    AesGcmRsa,
    /// `SM4_GCM` encryption (16-byte key) and `SM2withSM3` signatures.
    #[cfg(feature = "sm")]
    Sm4GcmSm2(Sm2Settings),
}

/// The SM2 user ID to use in an `SM2withSM3` signature.
#[cfg(feature = "sm")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sm2UserId {
    /// The number of the key that signs: the app's asymmetric key number
    /// (非对称密钥编号) for requests, the platform certificate number
    /// (`Wechatmp-Serial`) for responses. What the guide documents.
    KeyNumber,
    /// A fixed ID, e.g. the GM/T 0009 default `1234567812345678`.
    Fixed(Vec<u8>),
}

/// How the Mini Program's `SM2withSM3` signatures are made: user IDs and encoding.
///
/// The defaults come from the official guide (服务端API签名加密指南,
/// <https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html>):
/// - §3.2.1 «SM2withSM3签名需要用到的ID为开发者非对称密钥编号»: requests use the
///   app's asymmetric key number as the SM2 user ID (SKIT's
///   `WechatApiSecurityApiInterceptor` passes the same number as the ID);
/// - §4.1.1 «SM2withSM3验签需要用到的ID为平台证书编号»: responses use the
///   platform certificate number;
/// - the guide does not state the signature encoding, and no official SM
///   example is published. The default is ASN.1 DER (`SEQUENCE { r, s }`): what
///   BouncyCastle's `SM3withSM2` signer and OpenSSL produce, and the default of
///   SKIT's `SM2Utility.SignWithSM3` (`asn1Encoding = true`), which implements
///   this API. It is not checked against the platform; set [`Sm2Encoding::Raw`]
///   for `r ‖ s` if the platform answers 40234.
#[cfg(feature = "sm")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sm2Settings {
    /// The ID for signing requests (default [`Sm2UserId::KeyNumber`]).
    pub request_id: Sm2UserId,
    /// The ID for verifying responses (default [`Sm2UserId::KeyNumber`]).
    pub response_id: Sm2UserId,
    /// The signature encoding (default [`Sm2Encoding::Der`]).
    pub encoding: Sm2Encoding,
}

#[cfg(feature = "sm")]
impl Default for Sm2Settings {
    fn default() -> Self {
        Self {
            request_id: Sm2UserId::KeyNumber,
            response_id: Sm2UserId::KeyNumber,
            encoding: Sm2Encoding::Der,
        }
    }
}

#[cfg(feature = "sm")]
impl Sm2UserId {
    /// The ID bytes, given the number of the key in use.
    pub fn bytes<'a>(&'a self, key_number: &'a str) -> &'a [u8] {
        match self {
            Sm2UserId::KeyNumber => key_number.as_bytes(),
            Sm2UserId::Fixed(id) => id,
        }
    }
}

impl Suite {
    /// The SM suite with the documented defaults.
    #[cfg(feature = "sm")]
    pub fn sm() -> Self {
        Suite::Sm4GcmSm2(Sm2Settings::default())
    }

    /// The symmetric algorithm's name as the MP console shows it.
    pub fn symmetric_name(&self) -> &'static str {
        match self {
            Suite::AesGcmRsa => "AES256_GCM",
            #[cfg(feature = "sm")]
            Suite::Sm4GcmSm2(_) => "SM4_GCM",
        }
    }

    /// The signature algorithm's name as the MP console shows it.
    pub fn signature_name(&self) -> &'static str {
        match self {
            Suite::AesGcmRsa => "RSAwithSHA256",
            #[cfg(feature = "sm")]
            Suite::Sm4GcmSm2(_) => "SM2withSM3",
        }
    }

    /// Length of the symmetric key in bytes.
    pub fn symmetric_key_len(&self) -> usize {
        match self {
            Suite::AesGcmRsa => 32,
            #[cfg(feature = "sm")]
            Suite::Sm4GcmSm2(_) => 16,
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} + {}", self.symmetric_name(), self.signature_name())
    }
}

/// An app's API symmetric key (API对称密钥) with its number (对称密钥编号)
/// and the appid: what sealing and opening both put in the AAD and the
/// cipher. Zeroized and redacted as [`SecretBytes`].
#[derive(Debug, Clone)]
pub(crate) struct AppKey {
    pub(crate) appid: String,
    key: SecretBytes,
    pub(crate) sn: String,
}

impl AppKey {
    pub(crate) fn new(appid: impl Into<String>, key: SecretBytes, sn: impl Into<String>) -> Self {
        Self {
            appid: appid.into(),
            key,
            sn: sn.into(),
        }
    }

    /// The AAD `urlpath|appid|timestamp|sn`.
    pub(crate) fn aad(&self, url_path: &str, timestamp: i64) -> Aad {
        Aad::new(url_path, &self.appid, timestamp, &self.sn)
    }

    /// The key bytes.
    pub(crate) fn expose(&self) -> &[u8] {
        self.key.expose()
    }
}

/// Why the symmetric cipher failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SymError {
    KeyLength {
        algorithm: &'static str,
        got: usize,
        expected: usize,
    },
    Authentication,
}

/// GCM-seals `plaintext`; returns `ciphertext || tag`.
pub(crate) fn seal(
    suite: &Suite,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, SymError> {
    gcm(suite, Gcm::Seal, key, iv, aad, plaintext)
}

/// GCM-opens `ciphertext || tag`.
pub(crate) fn open(
    suite: &Suite,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, SymError> {
    gcm(suite, Gcm::Open, key, iv, aad, sealed)
}

/// Which way [`gcm`] goes.
#[derive(Clone, Copy)]
enum Gcm {
    Seal,
    Open,
}

/// The suite's GCM cipher, one way or the other.
fn gcm(
    suite: &Suite,
    way: Gcm,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, SymError> {
    check_key(suite, key)?;
    let r = match (suite, way) {
        (Suite::AesGcmRsa, Gcm::Seal) => aead::aes_gcm_seal(key, iv, aad, data),
        (Suite::AesGcmRsa, Gcm::Open) => aead::aes_gcm_open(key, iv, aad, data),
        #[cfg(feature = "sm")]
        (Suite::Sm4GcmSm2(_), Gcm::Seal) => aead::sm4_gcm_seal(key, iv, aad, data),
        #[cfg(feature = "sm")]
        (Suite::Sm4GcmSm2(_), Gcm::Open) => aead::sm4_gcm_open(key, iv, aad, data),
    };
    r.map_err(|e| sym_error(suite, key, e))
}

fn sym_error(suite: &Suite, key: &[u8], e: AeadError) -> SymError {
    match e {
        AeadError::KeyLength { .. } => SymError::KeyLength {
            algorithm: suite.symmetric_name(),
            got: key.len(),
            expected: suite.symmetric_key_len(),
        },
        _ => SymError::Authentication,
    }
}

/// AES256_GCM takes only 32-byte keys here (aws-lc would take 16 as AES-128).
fn check_key(suite: &Suite, key: &[u8]) -> Result<(), SymError> {
    if key.len() != suite.symmetric_key_len() {
        return Err(SymError::KeyLength {
            algorithm: suite.symmetric_name(),
            got: key.len(),
            expected: suite.symmetric_key_len(),
        });
    }
    Ok(())
}

#[cfg(all(test, feature = "sm"))]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 8998 A.1 (vectors/gm/sm4_gcm_ccm.json) through the SM suite's cipher.
    #[test]
    fn sm4_gcm_rfc8998_a1() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../vectors/gm/sm4_gcm_ccm.json"
        );
        let cases: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let c = &cases[0];
        assert_eq!(c["id"], "rfc8998-A.1-sm4-gcm");
        let h = |k: &str| hex(c[k].as_str().unwrap());
        let sealed = seal(
            &Suite::sm(),
            &h("key_hex"),
            &h("iv_hex"),
            &h("aad_hex"),
            &h("plaintext_hex"),
        )
        .unwrap();
        let mut expected = h("expected_ciphertext_hex");
        expected.extend(h("expected_tag_hex"));
        assert_eq!(sealed, expected);
        let opened = open(
            &Suite::sm(),
            &h("key_hex"),
            &h("iv_hex"),
            &h("aad_hex"),
            &sealed,
        )
        .unwrap();
        assert_eq!(opened, h("plaintext_hex"));
        assert_eq!(
            seal(&Suite::sm(), &[0; 32], &[0; 12], b"", b""),
            Err(SymError::KeyLength {
                algorithm: "SM4_GCM",
                got: 32,
                expected: 16
            })
        );
    }
}
