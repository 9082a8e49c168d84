//! Errors from loading and checking keys and certificates.

use std::fmt;

use super::check::Component;

/// Why a key, certificate or PKCS#12 file could not be loaded.
///
/// Each variant says what is wrong and what to do; none carries secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input was empty (or only whitespace).
    #[error("the {what} is empty: check the file path and that the file was saved")]
    Empty {
        /// What was expected ("private key", "certificate", …).
        what: &'static str,
    },
    /// The input is neither PEM, DER nor bare base64.
    #[error("the {what} is not in a recognised format (PEM, DER or bare base64 were expected): {detail}")]
    Unrecognized {
        /// What was expected.
        what: &'static str,
        /// What was found.
        detail: String,
    },
    /// A PEM block is damaged (truncated, no END line, bad base64 inside).
    #[error("malformed PEM ({label}): {reason}")]
    MalformedPem {
        /// The PEM label, e.g. `PRIVATE KEY`.
        label: String,
        /// What is wrong.
        reason: String,
    },
    /// Bare base64 text that does not decode.
    #[error("the {what} looks like bare base64 but does not decode: {reason}; copy the key again without truncating it")]
    BadBase64 {
        /// What was expected.
        what: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// The file holds something other than what was asked for.
    #[error("expected {expected}, but the input holds {found}")]
    WrongContent {
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// The key is not RSA (e.g. EC or SM2) where RSA is needed.
    #[error("expected an RSA key, but this is {found}: WeChat Pay v3 (RSA mode), Mini Program RSAwithSHA256 and Alipay RSA2 all need RSA keys; check that you picked the right file")]
    NotRsa {
        /// The key type found, e.g. `an EC key (P-256)`.
        found: String,
    },
    /// The file is encrypted and no password was given.
    #[error("the {container} is encrypted and needs a password{hint}")]
    PasswordRequired {
        /// `PKCS#12 file` or `encrypted PKCS#8 key`.
        container: &'static str,
        /// Extra advice, e.g. that apiclient_cert.p12's password is the merchant id.
        hint: &'static str,
    },
    /// The password is wrong (the MAC or the decryption failed).
    #[error("wrong password for the {container}{hint}")]
    WrongPassword {
        /// `PKCS#12 file` or `encrypted PKCS#8 key`.
        container: &'static str,
        /// Extra advice.
        hint: &'static str,
    },
    /// The container uses an encryption scheme chop cannot read.
    #[error("the {container} uses an unsupported encryption scheme ({detail}); re-export it, e.g. `openssl pkcs8 -topk8 -in key.pem -out key-pkcs8.pem`")]
    UnsupportedEncryption {
        /// Which container.
        container: &'static str,
        /// The scheme found.
        detail: String,
    },
    /// The PKCS#12 file could not be parsed or holds no usable key.
    #[error("cannot read the PKCS#12 file: {reason}")]
    Pkcs12 {
        /// What went wrong.
        reason: String,
    },
    /// The key's components contradict each other.
    #[error("{0}")]
    Inconsistent(InconsistentKey),
    /// The crypto backend rejected the key for another reason.
    #[error("the RSA private key was rejected: {reason}")]
    Rejected {
        /// The backend's reason.
        reason: String,
    },
    /// The certificate could not be parsed.
    #[error("cannot parse the X.509 certificate: {reason}")]
    Certificate {
        /// What went wrong.
        reason: String,
    },
    /// The key is too small or too large to be used.
    #[error("unsupported RSA key size {bits} bits: WeChat Pay and Alipay use 2048-bit keys (2048 to 8192 are accepted)")]
    UnsupportedSize {
        /// Modulus size in bits.
        bits: usize,
    },
}

/// An RSA private key whose components do not agree: the seed 004 case.
///
/// ```
/// use chop::key::{Component, InconsistentKey};
/// let e = InconsistentKey { wrong: vec![Component::D, Component::QInv] };
/// assert!(e.to_string().contains("d and qInv are wrong"));
/// assert!(e.to_string().contains("n, p, q, e, dP, dQ are consistent"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InconsistentKey {
    /// The components that fail their check.
    pub wrong: Vec<Component>,
}

impl InconsistentKey {
    /// The components that pass their checks.
    pub fn consistent(&self) -> Vec<Component> {
        Component::ALL
            .iter()
            .copied()
            .filter(|c| !self.wrong.contains(c))
            .collect()
    }
}

impl fmt::Display for InconsistentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.wrong.len() == 1 { "is" } else { "are" };
        write!(
            f,
            "the RSA private key is internally inconsistent: {} {verb} wrong",
            Component::join(&self.wrong)
        )?;
        let ok = self.consistent();
        if !ok.is_empty() {
            write!(f, " ({} are consistent)", Component::join_comma(&ok))?;
        }
        f.write_str(
            "; the key was probably damaged when copied (a changed or lost character); \
             every signature made with it would be invalid, so chop refuses it: \
             export the key again from the original apiclient_key.pem or .p12 file",
        )
    }
}
