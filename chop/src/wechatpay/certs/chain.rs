//! Checking that a platform certificate was issued by the Tenpay.com Root CA.

use der::{Decode, Encode};
use x509_cert::certificate::{CertificateInner, Raw};

use crate::key::{format_utc, Certificate};
use crate::signer::SignatureScheme;

const OID_SHA256_WITH_RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// Why a certificate does not chain to the root.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The certificate's issuer is not the root's subject.
    #[error("the certificate was issued by `{issuer}`, not by the root `{root}`: it is not a WeChat Pay platform certificate (or the wrong root was given)")]
    Issuer {
        /// The certificate's issuer.
        issuer: String,
        /// The root's subject.
        root: String,
    },
    /// The certificate is signed with an algorithm other than SHA256withRSA.
    #[error("the certificate's signature algorithm {oid} is not SHA256withRSA")]
    Algorithm {
        /// The algorithm OID.
        oid: String,
    },
    /// The root's key does not verify the certificate's signature.
    #[error("the root's key does not verify the certificate's signature: the certificate was not issued by this root")]
    Signature,
    /// The root holds no RSA key.
    #[error("the root certificate holds no RSA key")]
    RootKey,
    /// The certificate or the root is not valid at `now`.
    #[error("the {which} certificate is not valid at {now} (valid {not_before} to {not_after})")]
    Validity {
        /// `platform` or `root`.
        which: &'static str,
        /// The time checked.
        now: String,
        /// notBefore.
        not_before: String,
        /// notAfter.
        not_after: String,
    },
    /// The certificate's DER could not be re-read.
    #[error("cannot read the certificate's DER ({reason})")]
    Der {
        /// The parser's complaint.
        reason: String,
    },
}

/// Checks that `cert` is signed by `root` (SHA256withRSA), that its issuer
/// is the root's subject, and that both are valid at `now`.
///
/// ```
/// use chop::key::Certificate;
/// use chop::wechatpay::verify_chain;
/// # let root = Certificate::load(&std::fs::read("../vectors/keys/upstream/tenpay_root.pem").unwrap())?;
/// # let cert = Certificate::load(&std::fs::read("../vectors/wechatpay/certificates/java_download_certificate_response/certificate.pem").unwrap())?;
/// verify_chain(&cert, &root, 1_795_420_800)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ChainError`] saying which check failed.
pub fn verify_chain(cert: &Certificate, root: &Certificate, now: i64) -> Result<(), ChainError> {
    for (which, c) in [("platform", cert), ("root", root)] {
        let v = c.validity();
        if !v.contains(now) {
            return Err(ChainError::Validity {
                which,
                now: format_utc(now),
                not_before: format_utc(v.not_before),
                not_after: format_utc(v.not_after),
            });
        }
    }
    if cert.issuer() != root.subject() {
        return Err(ChainError::Issuer {
            issuer: cert.issuer().to_string(),
            root: root.subject().to_string(),
        });
    }
    let der_err = |e: der::Error| ChainError::Der {
        reason: e.to_string(),
    };
    let parsed = CertificateInner::<Raw>::from_der(cert.der()).map_err(der_err)?;
    let oid = parsed.signature_algorithm().oid;
    if oid != OID_SHA256_WITH_RSA {
        return Err(ChainError::Algorithm {
            oid: oid.to_string(),
        });
    }
    let tbs = parsed.tbs_certificate().to_der().map_err(der_err)?;
    let sig = parsed.signature().as_bytes().ok_or(ChainError::Signature)?;
    root.rsa_public_key()
        .ok_or(ChainError::RootKey)?
        .verify(SignatureScheme::RsaPkcs1Sha256, &tbs, sig)
        .map_err(|_| ChainError::Signature)
}
