//! Key and certificate checks as findings: damaged keys, keys that do not pair
//! with their certificate, serials that do not match, certificates out of date.

use crate::key::{format_utc, inspect, Certificate, Item, KeyError, RsaPublicKey};
use crate::secret::SecretString;

use super::{Finding, Severity};

/// Days before expiry from which a certificate is reported as expiring soon.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// What to check a key file against.
#[derive(Debug, Default)]
pub struct KeyCheck<'a> {
    /// The key file's password (encrypted PKCS#8, PKCS#12).
    pub password: Option<&'a SecretString>,
    /// The certificate that should pair with the key (`apiclient_cert.pem`).
    pub certificate: Option<&'a Certificate>,
    /// The serial the user sends as `serial_no`.
    pub serial: Option<&'a str>,
    /// The time to check validity at (unix seconds).
    pub now: i64,
}

/// Checks a private key file (and optionally its certificate and serial) and
/// returns every finding; an empty list means nothing is wrong.
///
/// ```
/// use chop::diagnose::{check_key, KeyCheck};
/// # let pem = std::fs::read("../vectors/keys/seed004/apiclient_test_key_corrupted.pem").unwrap();
/// let findings = check_key(&pem, &KeyCheck { now: 1_800_000_000, ..Default::default() });
/// assert_eq!(findings[0].code, "KEY_INCONSISTENT");
/// assert!(findings[0].message.starts_with("d and qInv are corrupted; n, p, q, e, dP, dQ are consistent"));
/// ```
pub fn check_key(key_file: &[u8], check: &KeyCheck<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let report = match inspect(key_file, check.password) {
        Ok(r) => r,
        Err(e) => {
            findings.push(unreadable(&e));
            return findings;
        }
    };
    let mut public: Option<RsaPublicKey> = None;
    let mut bundled: Vec<Certificate> = Vec::new();
    for item in &report.items {
        let key_item = match item {
            Item::Pkcs12 { key, certificates } => {
                bundled.extend(certificates.iter().cloned());
                key.as_deref()
            }
            other => Some(other),
        };
        if let Some(Item::PrivateKey {
            public: p,
            findings: f,
            ..
        }) = key_item
        {
            findings.extend(f.iter().cloned());
            public.get_or_insert_with(|| p.clone());
        }
    }
    let Some(public) = public else {
        findings.push(Finding::error(
            "KEY_NOT_PRIVATE",
            "the file holds no private key".into(),
            "give the merchant private key (apiclient_key.pem, or apiclient_cert.p12 with its password)".into(),
        ));
        return findings;
    };
    let cert = check.certificate.or(bundled.first());
    if let Some(cert) = cert {
        findings.extend(check_pair(&public, cert, check));
    } else if let Some(serial) = check.serial {
        findings.push(Finding::warning(
            "SERIAL_UNCHECKED",
            format!("the serial {serial} cannot be checked without the certificate"),
            "add --cert apiclient_cert.pem to check that the serial and the key belong together"
                .into(),
        ));
    }
    findings
}

fn check_pair(public: &RsaPublicKey, cert: &Certificate, check: &KeyCheck<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    match cert.rsa_public_key() {
        Some(k) if k.modulus() == public.modulus() => {}
        Some(k) => findings.push(Finding::error(
            "KEY_CERT_MISMATCH",
            format!(
                "the key and the certificate (serial {}) do not pair: key modulus {}, certificate modulus {}",
                cert.serial_hex(),
                public.fingerprint(),
                k.fingerprint()
            ),
            "use the apiclient_key.pem generated together with this certificate; `openssl x509 -noout -modulus` and `openssl rsa -noout -modulus` must print the same".into(),
        )),
        None => findings.push(Finding::error(
            "CERT_NOT_RSA",
            format!("the certificate holds {}, not an RSA key", cert.key_algorithm()),
            "give the merchant API certificate (apiclient_cert.pem)".into(),
        )),
    }
    if let Some(serial) = check.serial {
        if !serial_eq(serial, &cert.serial_hex()) {
            findings.push(Finding::error(
                "SERIAL_MISMATCH",
                format!("the serial sent ({serial}) is not the certificate's ({})", cert.serial_hex()),
                "send the merchant API certificate's serial as serial_no (not a platform certificate's); check it in the merchant platform".into(),
            ));
        }
    }
    let v = cert.validity();
    if check.now > v.not_after {
        findings.push(Finding::error(
            "CERT_EXPIRED",
            format!("the certificate expired on {} ({} days ago)", format_utc(v.not_after), -v.days_left(check.now)),
            "renew the merchant API certificate in the merchant platform and use the new key and serial".into(),
        ));
    } else if check.now < v.not_before {
        findings.push(Finding::error(
            "CERT_NOT_YET_VALID",
            format!(
                "the certificate is valid only from {}",
                format_utc(v.not_before)
            ),
            "check the system clock".into(),
        ));
    } else if v.days_left(check.now) < EXPIRY_WARNING_DAYS {
        findings.push(Finding::warning(
            "CERT_EXPIRES_SOON",
            format!(
                "the certificate expires on {} ({} days left)",
                format_utc(v.not_after),
                v.days_left(check.now)
            ),
            "renew the merchant API certificate before it expires".into(),
        ));
    }
    findings
}

/// Serials compare as hex numbers: case and leading zeros do not matter.
fn serial_eq(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_start_matches('0').to_ascii_uppercase();
    norm(a) == norm(b)
}

fn unreadable(e: &KeyError) -> Finding {
    let (code, fix) = match e {
        KeyError::Inconsistent(_) => (
            "KEY_INCONSISTENT",
            "export the key again from the original file",
        ),
        KeyError::WrongPassword { .. } => (
            "KEY_WRONG_PASSWORD",
            "give the right password (for apiclient_cert.p12: the merchant id)",
        ),
        KeyError::PasswordRequired { .. } => {
            ("KEY_PASSWORD_REQUIRED", "give the password with --password")
        }
        KeyError::NotRsa { .. } => (
            "KEY_NOT_RSA",
            "use the RSA merchant key (apiclient_key.pem)",
        ),
        KeyError::MalformedPem { .. } => (
            "KEY_MALFORMED_PEM",
            "copy the whole file again, BEGIN and END lines included",
        ),
        KeyError::Empty { .. } => ("KEY_EMPTY", "check the file path; the file is empty"),
        _ => (
            "KEY_UNREADABLE",
            "check that this is the merchant private key file",
        ),
    };
    Finding {
        code,
        severity: Severity::Error,
        message: e.to_string(),
        fix: fix.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_compare_as_numbers() {
        assert!(serial_eq("0408b07e", "408B07E"));
        assert!(!serial_eq("408B07E", "408B07F"));
    }
}
