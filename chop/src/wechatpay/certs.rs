//! Platform certificates (平台证书): the `/v3/certificates` response.
//!
//! The response lists each certificate encrypted with the APIv3 key
//! (`encrypt_certificate`, AAD `certificate`). [`CertificatesResponse::parse`]
//! reads it (and turns the 404 `RESOURCE_NOT_EXISTS` that merchants created
//! since late 2024 get into [`CertsError::UsePublicKeyMode`]);
//! [`CertificatesResponse::decrypt`] decrypts and checks each certificate;
//! [`verify_download`] checks the response signature, either with keys you
//! already trust or, on the very first download, with the downloaded
//! certificates themselves — **trust on first use**: that proves the response
//! is consistent, not that it came from WeChat Pay, so also check the chain to
//! the Tenpay.com Root CA ([`verify_chain`]) when you have the root.
//!
//! [`RefreshPolicy`] says when to download again (sans-I/O: your HTTP code
//! asks it, downloads, and reports back).
//!
//! ```
//! use chop::clock::FixedClock;
//! use chop::wechatpay::{verify_download, ApiV3Key, CertificatesResponse, SignatureHeaders, Trust};
//!
//! # let dir = "../vectors/wechatpay/certificates/go_mock_download_server";
//! # let body = std::fs::read(format!("{dir}/response.json")).unwrap();
//! # let headers = std::fs::read_to_string(format!("{dir}/headers.txt")).unwrap();
//! let response = CertificatesResponse::parse(200, &body)?;
//! // wechatpay-go's mock uses a 16-byte key; real APIv3 keys are 32 bytes.
//! let certs = response.decrypt(&ApiV3Key::danger_accept_16_byte_test_key("mockAPIv3Key1234")?)?;
//! assert_eq!(certs[0].serial_no, "D7CE59D1F522D701");
//! let headers = SignatureHeaders::from_text(&headers)?;
//! let download = verify_download(certs, &headers, &body, Trust::FirstUse(&FixedClock(1624523846)))?;
//! assert!(download.trust_on_first_use);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chain;
mod refresh;

use serde::Deserialize;

pub use chain::{verify_chain, ChainError};
pub use refresh::{RefreshPolicy, UnknownSerialAction, DEFAULT_REFRESH_INTERVAL_SECS};

use super::error_body::ErrorBody;
use super::platform::PlatformKey;
use super::resource::{ApiV3Key, DecryptError, EncryptedResource};
use super::store::PlatformKeyStore;
use super::verify::ResponseVerifier;
use super::verify_error::VerifyError;
use super::SignatureHeaders;
use crate::clock::{Clock, FixedClock};
use crate::key::{Certificate, KeyError};

/// The AAD WeChat Pay uses for `encrypt_certificate`.
pub const CERTIFICATE_AAD: &str = "certificate";

/// A parsed `/v3/certificates` response body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CertificatesResponse {
    /// The certificates, encrypted.
    pub data: Vec<CertificateEntry>,
}

/// One entry of `data`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CertificateEntry {
    /// The certificate's serial, as WeChat Pay writes it.
    pub serial_no: String,
    /// Start of validity, RFC 3339.
    #[serde(default)]
    pub effective_time: String,
    /// End of validity, RFC 3339.
    #[serde(default)]
    pub expire_time: String,
    /// The certificate PEM, encrypted with the APIv3 key.
    pub encrypt_certificate: EncryptedResource,
}

/// A decrypted platform certificate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DownloadedCertificate {
    /// `serial_no` from the response (checked against the certificate).
    pub serial_no: String,
    /// The decrypted PEM text, exactly as decrypted.
    pub pem: String,
    /// The parsed certificate.
    pub certificate: Certificate,
}

/// A verified download: the certificates and how the response was trusted.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CertificateDownload {
    /// The certificates.
    pub certificates: Vec<DownloadedCertificate>,
    /// The id of the key whose signature on the response verified.
    pub verified_by: String,
    /// `true` when the response was verified with a certificate it contains
    /// (trust on first use), not with a key trusted before.
    pub trust_on_first_use: bool,
}

/// How to trust a `/v3/certificates` response.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// With keys already trusted (the current certificates or the public key).
    Verifier(&'a ResponseVerifier),
    /// With the downloaded certificates themselves (trust on first use), at the
    /// clock's time and the default window.
    FirstUse(&'a dyn Clock),
    /// With the keys of the verifier's store; a download signed by a key the
    /// store does not hold (the first one, or one after a missed rotation) as
    /// [`Bootstrap`] says. What a refresher that keeps a store up to date uses.
    Bootstrap(&'a ResponseVerifier, Bootstrap),
}

/// How a download signed by a key the store does not hold is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bootstrap {
    /// It is trusted by its own signature, made with a certificate it
    /// contains: consistent, and decrypted with the APIv3 key that only
    /// WeChat Pay and the merchant hold, but not proven by a key trusted
    /// before (wechatpay-apache-httpclient's auto-update does the same). A
    /// download signed by a key held is verified with it.
    #[default]
    TrustOnFirstUse,
    /// Every download is verified with keys already in the store: seed it with
    /// a certificate you checked (e.g. with [`verify_chain`]).
    KnownKeysOnly,
}

/// Why a `/v3/certificates` response could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CertsError {
    /// 404 `RESOURCE_NOT_EXISTS`: the merchant has no platform certificates.
    #[error("this merchant has no platform certificates (404 RESOURCE_NOT_EXISTS): merchants created since late 2024 use WeChat Pay public-key mode; download the WeChat Pay public key and its PUB_KEY_ID_… from the merchant platform (账户中心 → API安全) and verify with it instead")]
    UsePublicKeyMode,
    /// Another error response.
    #[error("WeChat Pay answered HTTP {status}: {error}")]
    Api {
        /// The status.
        status: u16,
        /// The error body.
        error: Box<ErrorBody>,
    },
    /// The body is not a certificates response.
    #[error("the /v3/certificates body does not parse ({reason})")]
    Body {
        /// The parser's complaint.
        reason: String,
    },
    /// No certificate in `data`.
    #[error("the /v3/certificates response lists no certificates")]
    Empty,
    /// An entry does not decrypt.
    #[error("cannot decrypt platform certificate {serial_no}")]
    Decrypt {
        /// The entry's serial.
        serial_no: String,
        /// Why.
        #[source]
        source: DecryptError,
    },
    /// A decrypted entry is not a certificate.
    #[error("platform certificate {serial_no} decrypts to something that is not a certificate")]
    Certificate {
        /// The entry's serial.
        serial_no: String,
        /// Why.
        #[source]
        source: KeyError,
    },
    /// `serial_no` differs from the decrypted certificate's serial.
    #[error("the entry says serial {serial_no} but its certificate has serial {actual}")]
    SerialMismatch {
        /// The entry's `serial_no`.
        serial_no: String,
        /// The certificate's serial.
        actual: String,
    },
    /// The response signature did not verify.
    #[error("the /v3/certificates response did not verify")]
    Verify(#[source] VerifyError),
    /// The store is empty and [`Bootstrap::KnownKeysOnly`] forbids trusting a
    /// first download by itself.
    #[error("no platform key is configured to verify the first /v3/certificates download: add a certificate you checked to the store, or use Bootstrap::TrustOnFirstUse")]
    NoTrustedKey,
}

impl CertificatesResponse {
    /// Parses a response by status and body.
    ///
    /// # Errors
    /// [`CertsError::UsePublicKeyMode`] for 404 `RESOURCE_NOT_EXISTS`;
    /// [`CertsError::Api`] for other error statuses; [`CertsError::Body`] and
    /// [`CertsError::Empty`] for a body that is not a certificate list.
    pub fn parse(status: u16, body: &[u8]) -> Result<Self, CertsError> {
        if !(200..300).contains(&status) {
            let error = ErrorBody::parse(body).map_err(|e| CertsError::Body {
                reason: format!("HTTP {status}: {e}"),
            })?;
            if status == 404 && error.code == "RESOURCE_NOT_EXISTS" {
                return Err(CertsError::UsePublicKeyMode);
            }
            return Err(CertsError::Api {
                status,
                error: Box::new(error),
            });
        }
        let r: Self = serde_json::from_slice(body).map_err(|e| CertsError::Body {
            reason: e.to_string(),
        })?;
        if r.data.is_empty() {
            return Err(CertsError::Empty);
        }
        Ok(r)
    }

    /// Decrypts each certificate with the APIv3 key and checks its serial.
    ///
    /// # Errors
    /// [`CertsError`] naming the entry that fails.
    pub fn decrypt(&self, key: &ApiV3Key) -> Result<Vec<DownloadedCertificate>, CertsError> {
        self.data
            .iter()
            .map(|entry| {
                let serial_no = entry.serial_no.clone();
                let plain = entry.encrypt_certificate.decrypt(key).map_err(|source| {
                    CertsError::Decrypt {
                        serial_no: serial_no.clone(),
                        source,
                    }
                })?;
                let certificate =
                    Certificate::load(&plain).map_err(|source| CertsError::Certificate {
                        serial_no: serial_no.clone(),
                        source,
                    })?;
                if !certificate
                    .serial_hex()
                    .eq_ignore_ascii_case(serial_no.trim())
                {
                    return Err(CertsError::SerialMismatch {
                        serial_no,
                        actual: certificate.serial_hex(),
                    });
                }
                Ok(DownloadedCertificate {
                    serial_no,
                    pem: String::from_utf8_lossy(&plain).into_owned(),
                    certificate,
                })
            })
            .collect()
    }
}

/// Verifies the signature of a `/v3/certificates` response and returns the
/// certificates with how they were trusted.
///
/// # Errors
/// [`CertsError::Verify`] when the signature does not verify.
pub fn verify_download(
    certificates: Vec<DownloadedCertificate>,
    headers: &SignatureHeaders,
    body: &[u8],
    trust: Trust<'_>,
) -> Result<CertificateDownload, CertsError> {
    let first_use = |now: i64| {
        let keys = certificates
            .iter()
            .filter_map(|c| PlatformKey::certificate(c.certificate.clone()).ok());
        let v = ResponseVerifier::new(keys).with_clock(FixedClock(now));
        v.verify(headers, body).map(|v| v.map(|_| ()))
    };
    let (verified_by, tofu) = match trust {
        Trust::Verifier(v) => (v.verify(headers, body).map(|v| v.map(|_| ())), false),
        Trust::FirstUse(clock) => (first_use(clock.now_unix()), true),
        Trust::Bootstrap(v, bootstrap) => {
            let by_itself = bootstrap == Bootstrap::TrustOnFirstUse;
            if v.store().keys().is_empty() {
                if !by_itself {
                    return Err(CertsError::NoTrustedKey);
                }
                (first_use(v.now()), true)
            } else {
                match v.verify(headers, body) {
                    Err(VerifyError::UnknownSerial { .. }) if by_itself => {
                        (first_use(v.now()), true)
                    }
                    other => (other.map(|v| v.map(|_| ())), false),
                }
            }
        }
    };
    let verified_by = verified_by
        .map_err(CertsError::Verify)?
        .key_id()
        .unwrap_or_default()
        .to_string();
    Ok(CertificateDownload {
        certificates,
        verified_by,
        trust_on_first_use: tofu,
    })
}

impl CertificateDownload {
    /// Puts the downloaded certificates into `store` and removes certificates
    /// that expired before `now`; public keys stay. Returns the ids removed.
    ///
    /// During a rotation the old certificate stays until it expires, so
    /// messages signed with either verify.
    pub fn apply_to(&self, store: &dyn PlatformKeyStore, now: i64) -> Vec<String> {
        for k in self.platform_keys() {
            store.insert(k);
        }
        let expired: Vec<String> = store
            .keys()
            .iter()
            .filter(|k| k.validity().is_some_and(|v| v.not_after < now))
            .map(|k| k.id().to_string())
            .collect();
        for id in &expired {
            store.remove(id);
        }
        expired
    }

    /// The certificates as platform keys, ready for a store.
    pub fn platform_keys(&self) -> Vec<PlatformKey> {
        self.certificates
            .iter()
            .filter_map(|c| PlatformKey::certificate(c.certificate.clone()).ok())
            .collect()
    }
}
