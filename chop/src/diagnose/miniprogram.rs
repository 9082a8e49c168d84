//! Mini Program API-security errcodes 40230–40240 explained against what was sent.

use crate::miniprogram::ApiSecurityErrorCode as Code;

use super::Finding;

/// What the user sent and configured, as far as known.
#[derive(Debug, Clone, Default)]
pub struct MiniprogramRequest<'a> {
    /// The request headers as sent (`Name: value` per line).
    pub headers: Option<&'a str>,
    /// The app's appid (the one whose keys are configured).
    pub appid: Option<&'a str>,
    /// The appid the access token was obtained for.
    pub token_appid: Option<&'a str>,
    /// The number (SN) of the API asymmetric key shown in the MP console.
    pub asym_sn: Option<&'a str>,
    /// Now, in unix seconds.
    pub now: i64,
}

/// Seconds after which the platform calls a timestamp too old (40240); the
/// documents do not give it, 300 s is what the platform's other APIs use.
const MAX_AGE_SECS: u32 = crate::clock::DEFAULT_WINDOW_SECS;

/// Explains `errcode` against what was sent; `None` when it is not an
/// API-security errcode.
///
/// ```
/// use chop::diagnose::{explain_errcode, MiniprogramRequest};
/// let sent = MiniprogramRequest { headers: Some("Wechatmp-Appid: wx1\nWechatmp-TimeStamp: 1\nWechatmp-Signature: s\n"), ..Default::default() };
/// let f = explain_errcode(40230, &sent).unwrap();
/// assert_eq!(f[0].code, "MP_HEADER_MISSING");
/// assert!(f[0].message.contains("Wechatmp-Serial"));
/// ```
pub fn explain_errcode(errcode: i64, sent: &MiniprogramRequest<'_>) -> Option<Vec<Finding>> {
    let code = Code::from_code(errcode)?;
    let header = |name: &str| -> Option<&str> {
        sent.headers?
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let head = format!("{} {}", code.code(), code.name());
    let f = match code {
        Code::MissingSerial | Code::MissingTimestamp | Code::MissingSignature | Code::MissingAppid => {
            let name = match code {
                Code::MissingSerial => "Wechatmp-Serial",
                Code::MissingTimestamp => "Wechatmp-TimeStamp",
                Code::MissingSignature => "Wechatmp-Signature",
                _ => "Wechatmp-Appid",
            };
            match (sent.headers, header(name)) {
                (Some(_), Some(_)) => Finding::error(
                    "MP_HEADER_DROPPED",
                    format!("{head}: the request you gave has {name}, but the platform did not receive it: a proxy or the HTTP client dropped it"),
                    format!("send {name} on the request itself (check the HTTP client's header map and any proxy in between)"),
                ),
                _ => Finding::error("MP_HEADER_MISSING", format!("{head}: the request has no {name} header"), code.fix().into()),
            }
        }
        Code::InvalidAppid => match (header("Wechatmp-Appid"), sent.appid) {
            (Some(h), Some(a)) if h != a => Finding::error(
                "MP_APPID_MISMATCH",
                format!("{head}: Wechatmp-Appid is `{h}` but the app is `{a}`"),
                format!("send Wechatmp-Appid: {a}, the appid whose API security keys you use"),
            ),
            _ => generic("MP_APPID_INVALID", &head, code),
        },
        Code::AppidTokenMismatch => match (header("Wechatmp-Appid").or(sent.appid), sent.token_appid) {
            (Some(h), Some(t)) if h != t => Finding::error(
                "MP_APPID_TOKEN_MISMATCH",
                format!("{head}: Wechatmp-Appid is `{h}` but the access token is for `{t}`"),
                code.fix().into(),
            ),
            _ => generic("MP_APPID_TOKEN_MISMATCH", &head, code),
        },
        Code::NoSymmetricKey => generic("MP_SYM_KEY_NOT_CONFIGURED", &head, code),
        Code::NoPublicKey => generic("MP_ASYM_KEY_NOT_CONFIGURED", &head, code),
        Code::ExpiredTimestamp => match header("Wechatmp-TimeStamp").and_then(|t| t.parse::<i64>().ok()) {
            Some(t) => Finding::error(
                "MP_TIMESTAMP_EXPIRED",
                format!("{head}: Wechatmp-TimeStamp {t} is {} s old at {} (the platform allows about {MAX_AGE_SECS} s)", sent.now - t, sent.now),
                code.fix().into(),
            ),
            None => generic("MP_TIMESTAMP_EXPIRED", &head, code),
        },
        Code::InvalidSignature => match (header("Wechatmp-Serial"), sent.asym_sn) {
            (Some(h), Some(sn)) if h != sn => Finding::error(
                "MP_SERIAL_MISMATCH",
                format!("{head}: Wechatmp-Serial is `{h}` but the configured asymmetric key's SN is `{sn}`"),
                format!("send Wechatmp-Serial: {sn} and sign with that key's private key"),
            ),
            _ => generic("MP_SIGNATURE_INVALID", &head, code),
        },
        Code::InvalidEncrypt => generic("MP_ENCRYPT_INVALID", &head, code),
    };
    Some(vec![f])
}

fn generic(id: &'static str, head: &str, code: Code) -> Finding {
    Finding::error(id, format!("{head}: {}", code.meaning()), code.fix().into())
}
