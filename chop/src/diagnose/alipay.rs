//! Why an Alipay sync response does not verify: the signed content cut from
//! the raw response, the quote rule, app key vs Alipay key, certificate SNs.

use crate::alipay::{
    cert_sn, root_cert_sn, verify_response, AlipayPublicKey, ResponseError, SignedResponse,
    VerifyError,
};
use crate::key::{Certificate, RsaPublicKey};

use super::Finding;

/// What to check an Alipay response against.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlipayCheck<'a> {
    /// The method called (`alipay.trade.query`), to pick the response member.
    pub method: Option<&'a str>,
    /// The key you verify with (Alipay public key, or from the Alipay public key certificate).
    pub alipay_key: Option<&'a AlipayPublicKey>,
    /// Your app public key (应用公钥), to detect it being used as Alipay's.
    pub app_public_key: Option<&'a RsaPublicKey>,
    /// Your app public key certificate, with the `app_cert_sn` you send.
    pub app_cert: Option<(&'a Certificate, &'a str)>,
    /// The Alipay root certificate file, with the `alipay_root_cert_sn` you send.
    pub root_cert: Option<(&'a [u8], &'a str)>,
}

/// What `chop doctor alipay` found.
#[derive(Debug, Clone)]
pub struct AlipayReport {
    /// The response parts: the exact signed content, whether it is encrypted (quotes signed).
    pub response: SignedResponse,
    /// The findings; empty when nothing is wrong.
    pub findings: Vec<Finding>,
}

/// Checks a raw Alipay sync response.
///
/// ```
/// use chop::diagnose::{check_alipay_response, AlipayCheck};
/// let raw = br#"{"alipay_trade_query_response":{"code":"10000"}}"#;
/// let r = check_alipay_response(raw, &AlipayCheck::default())?;
/// assert_eq!(r.response.sign_content.as_str(), r#"{"code":"10000"}"#);
/// assert_eq!(r.findings[0].code, "ALIPAY_RESPONSE_UNSIGNED");
/// # Ok::<(), chop::alipay::ResponseError>(())
/// ```
///
/// # Errors
/// [`ResponseError`] when the response cannot be read at all.
pub fn check_alipay_response(
    raw: &[u8],
    check: &AlipayCheck<'_>,
) -> Result<AlipayReport, ResponseError> {
    let response = SignedResponse::parse(raw, check.method)?;
    let mut findings = Vec::new();
    if response.sign.is_none() {
        findings.push(Finding::error(
            "ALIPAY_RESPONSE_UNSIGNED",
            format!("the response has no `sign`: `{}` is an unsigned gateway answer", response.response_key),
            "gateway errors (invalid app_id, missing parameters) come back unsigned: read sub_code/sub_msg and fix the request".into(),
        ));
    } else if let Some(key) = check.alipay_key {
        match verify_response(raw, check.method, None, key) {
            Ok(_) => {}
            Err(VerifyError::CertSnMismatch { got, expected }) => findings.push(Finding::error(
                "ALIPAY_CERT_SN_MISMATCH",
                format!("the response is signed with the Alipay certificate SN {got}, but the certificate given has SN {expected} (recomputed)"),
                "download the current alipayCertPublicKey_RSA2.crt from the open platform (Alipay rotated its certificate)".into(),
            )),
            Err(VerifyError::Mismatch { .. }) => findings.push(mismatch(&response, key, check)),
            Err(e) => findings.push(Finding::error(
                "ALIPAY_NOT_VERIFIED",
                e.to_string(),
                "pass the response exactly as received and the Alipay public key of this app".into(),
            )),
        }
    } else {
        findings.push(Finding::warning(
            "ALIPAY_SIGNATURE_UNCHECKED",
            "no Alipay public key or certificate was given, so the signature was not checked".into(),
            "give the Alipay public key (--alipay-public-key) or, in certificate mode, alipayCertPublicKey_RSA2.crt (--alipay-cert)".into(),
        ));
    }
    if let Some((cert, sent)) = check.app_cert {
        if let Ok(sn) = cert_sn(cert) {
            if !sn.sn.eq_ignore_ascii_case(sent.trim()) {
                findings.push(Finding::error(
                    "ALIPAY_APP_CERT_SN_MISMATCH",
                    format!("app_cert_sn `{sent}` is not the app certificate's SN {} = md5(\"{}\")", sn.sn, sn.md5_input()),
                    format!("send app_cert_sn={} (recompute it from appCertPublicKey_….crt after each renewal)", sn.sn),
                ));
            }
        }
    }
    if let Some((root, sent)) = check.root_cert {
        if let Ok(sn) = root_cert_sn(root) {
            if sn.sn != sent.trim() {
                findings.push(Finding::error(
                    "ALIPAY_ROOT_CERT_SN_MISMATCH",
                    format!("alipay_root_cert_sn `{sent}` is not the root file's SN {} (the RSA-signed certificates of alipayRootCert.crt, joined with _)", sn.sn),
                    format!("send alipay_root_cert_sn={}", sn.sn),
                ));
            }
        }
    }
    Ok(AlipayReport { response, findings })
}

fn mismatch(response: &SignedResponse, key: &AlipayPublicKey, check: &AlipayCheck<'_>) -> Finding {
    let same = matches!((key.key().rsa(), check.app_public_key), (Some(a), Some(b)) if a.modulus() == b.modulus());
    if same {
        return Finding::error(
            "ALIPAY_APP_KEY_AS_ALIPAY_KEY",
            "the key used to verify is your app public key (应用公钥), not the Alipay public key (支付宝公钥): Alipay signs responses with its own key".into(),
            "copy the Alipay public key (支付宝公钥) from the open platform (开发设置 → 接口加签方式 → 查看), not the app public key you uploaded".into(),
        );
    }
    let quote = if response.encrypted {
        "; the content is encrypted, so the signed content is the string value with its quotes"
    } else {
        ""
    };
    Finding::error(
        "ALIPAY_SIGNATURE_MISMATCH",
        format!("the signature does not verify over the {} byte content of `{}`{quote}", response.sign_content.as_str().len(), response.response_key),
        "check that the key is the Alipay public key of this app (not the app public key), that it is current, and that the response bytes are unchanged".into(),
    )
}
