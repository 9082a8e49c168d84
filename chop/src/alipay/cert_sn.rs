//! Public-key-certificate mode (公钥证书模式): `app_cert_sn`, `alipay_cert_sn`,
//! `alipay_root_cert_sn`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use der::Decode;
use num_bigint_dig::BigInt;
use x509_cert::certificate::{CertificateInner, Raw};

use super::dn;
use crate::key::{Certificate, KeyError};

/// sha1WithRSAEncryption.
const SHA1_WITH_RSA: &str = "1.2.840.113549.1.1.5";
/// sha256WithRSAEncryption.
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";

/// A certificate's SN as Alipay computes it: `md5_hex(issuer + serial)`, with
/// the issuer DN in RFC 2253 form (most specific first) and the serial in
/// decimal. Every intermediate is kept so it can be printed.
///
/// ```
/// use chop::alipay::cert_sn;
/// use chop::key::Certificate;
/// # let pem = std::fs::read("../vectors/keys/alipay/node_appCertPublicKey_2021001161683774.crt").unwrap();
/// let sn = cert_sn(&Certificate::load(&pem)?)?;
/// assert_eq!(sn.sn, "866efef280dec9137a87d047ac446315");
/// assert_eq!(sn.serial, "42701552708448241360226107228231049510");
/// assert!(sn.issuer.starts_with("CN=Ant Financial Certification Authority Class 1 R1,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSn {
    /// The issuer DN, RFC 2253 form.
    pub issuer: String,
    /// The serial number in decimal.
    pub serial: String,
    /// 32 lowercase hex characters.
    pub sn: String,
}

impl CertSn {
    /// The exact MD5 input: issuer followed by serial.
    pub fn md5_input(&self) -> String {
        format!("{}{}", self.issuer, self.serial)
    }
}

/// The root certificate SN and how each certificate of the chain was treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCertSn {
    /// `sn_sn`: the SNs of the RSA-signed certificates joined with `_`.
    pub sn: String,
    /// Every certificate in the file, in order.
    pub entries: Vec<RootEntry>,
}

/// One certificate of the root file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootEntry {
    /// Subject DN (RFC 2253), when it parsed.
    pub subject: Option<String>,
    /// Signature algorithm OID, when it parsed.
    pub signature_algorithm: Option<String>,
    /// Its SN, when it parsed.
    pub sn: Option<CertSn>,
    /// Whether it is part of the root SN (signed with SHA-1 or SHA-256 RSA).
    pub included: bool,
    /// Why it was skipped, if it did not parse.
    pub skipped: Option<String>,
}

/// Why a certificate SN could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertSnError {
    /// The file holds no certificate.
    #[error("cannot read the certificate file")]
    Key(#[source] KeyError),
    /// The certificate does not parse.
    #[error("cannot parse the certificate: {reason}")]
    Parse {
        /// The parser's complaint.
        reason: String,
    },
    /// The certificate's key is not RSA where RSA was needed.
    #[error("the certificate holds {algorithm}, not an RSA key: use alipayCertPublicKey_RSA2.crt (the Alipay public key certificate), not the root certificate")]
    NotRsa {
        /// The algorithm found.
        algorithm: String,
    },
    /// The root file holds no RSA-signed certificate.
    #[error("the root certificate file holds no RSA-signed certificate ({found} certificates read): use alipayRootCert.crt as downloaded from the open platform")]
    NoRsaRoot {
        /// How many certificates were read.
        found: usize,
    },
}

/// `app_cert_sn` / `alipay_cert_sn` of a certificate (appCertPublicKey_….crt,
/// alipayCertPublicKey_RSA2.crt).
///
/// # Errors
/// [`CertSnError::Parse`] when the certificate does not re-parse.
pub fn cert_sn(cert: &Certificate) -> Result<CertSn, CertSnError> {
    let parsed = CertificateInner::<Raw>::from_der(cert.der()).map_err(|e| CertSnError::Parse {
        reason: e.to_string(),
    })?;
    Ok(sn_of(&parsed))
}

/// `alipay_root_cert_sn` of alipayRootCert.crt: the SNs of the certificates
/// signed with sha1WithRSA or sha256WithRSA, joined with `_`. Certificates
/// with other algorithms (SM2, ECDSA) are left out; one that does not parse
/// is skipped and reported in [`RootEntry::skipped`], never an error.
///
/// ```
/// # let pem = std::fs::read("../vectors/keys/alipay/node_alipayRootCert.crt").unwrap();
/// let root = chop::alipay::root_cert_sn(&pem)?;
/// assert_eq!(root.sn, "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6");
/// assert_eq!(root.entries.len(), 4);
/// # Ok::<(), chop::alipay::CertSnError>(())
/// ```
///
/// # Errors
/// [`CertSnError`] when the file holds no RSA-signed certificate.
pub fn root_cert_sn(input: &[u8]) -> Result<RootCertSn, CertSnError> {
    let ders = pem_blocks(input)?;
    let mut entries = Vec::new();
    for der in &ders {
        entries.push(match der {
            Ok(der) => entry(der),
            Err(reason) => skipped(reason.clone()),
        });
    }
    let sns: Vec<&str> = entries
        .iter()
        .filter(|e| e.included)
        .filter_map(|e| e.sn.as_ref().map(|s| s.sn.as_str()))
        .collect();
    if sns.is_empty() {
        return Err(CertSnError::NoRsaRoot {
            found: entries.len(),
        });
    }
    Ok(RootCertSn {
        sn: sns.join("_"),
        entries,
    })
}

fn entry(der: &[u8]) -> RootEntry {
    match CertificateInner::<Raw>::from_der(der) {
        Ok(cert) => {
            let alg = cert.signature_algorithm().oid.to_string();
            RootEntry {
                subject: Some(dn::rfc2253(cert.tbs_certificate().subject())),
                included: alg == SHA1_WITH_RSA || alg == SHA256_WITH_RSA,
                signature_algorithm: Some(alg),
                sn: Some(sn_of(&cert)),
                skipped: None,
            }
        }
        Err(e) => skipped(e.to_string()),
    }
}

fn skipped(reason: String) -> RootEntry {
    RootEntry {
        subject: None,
        signature_algorithm: None,
        sn: None,
        included: false,
        skipped: Some(reason),
    }
}

fn sn_of(cert: &CertificateInner<Raw>) -> CertSn {
    let tbs = cert.tbs_certificate();
    let issuer = dn::rfc2253(tbs.issuer());
    let serial = BigInt::from_signed_bytes_be(tbs.serial_number().as_bytes()).to_str_radix(10);
    let digest = crate::crypto::digest::md5(format!("{issuer}{serial}").as_bytes());
    CertSn {
        sn: crate::hex::lower(&digest),
        issuer,
        serial,
    }
}

/// The DER of each `CERTIFICATE` PEM block (or the input itself if it is
/// DER); a block whose base64 is damaged becomes an `Err` entry.
fn pem_blocks(input: &[u8]) -> Result<Vec<Result<Vec<u8>, String>>, CertSnError> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let Ok(text) = std::str::from_utf8(input) else {
        return Ok(vec![Ok(input.to_vec())]);
    };
    if !text.contains(BEGIN) {
        let cert = Certificate::load(input).map_err(CertSnError::Key)?;
        return Ok(vec![Ok(cert.der().to_vec())]);
    }
    let mut out = Vec::new();
    for (i, part) in text.split(BEGIN).enumerate().skip(1) {
        let Some(end) = part.find(END) else {
            out.push(Err(format!("certificate {i} has no END line")));
            continue;
        };
        let body: String = part[..end].chars().filter(|c| !c.is_whitespace()).collect();
        out.push(
            STANDARD
                .decode(body)
                .map_err(|e| format!("certificate {i}: bad base64 ({e})")),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> String {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../vectors/keys/alipay/node_alipayRootCert.crt"
        );
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn a_certificate_that_does_not_parse_is_skipped() {
        let bad = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
        let damaged = "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n";
        let input = format!("{bad}{}{damaged}", root());
        let r = root_cert_sn(input.as_bytes()).unwrap();
        assert_eq!(
            r.sn,
            "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"
        );
        assert_eq!(r.entries.len(), 6);
        assert!(r.entries[0].skipped.is_some());
        assert!(r.entries[5].skipped.as_deref().unwrap().contains("base64"));
    }

    #[test]
    fn no_rsa_root_is_an_error() {
        let bad = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(
            root_cert_sn(bad.as_bytes()),
            Err(CertSnError::NoRsaRoot { found: 1 })
        );
        assert!(matches!(root_cert_sn(b"hello"), Err(CertSnError::Key(_))));
    }
}
