//! The body of a WeChat Pay error response (4xx/5xx), as typed data.
//!
//! ```json
//! {"code":"SIGN_ERROR","message":"错误的签名,验签失败","detail":{"field":"signature",
//!  "issue":"sign not match","location":"authorization","sign_information":{"method":"GET",
//!  "url":"/payscore/…","truncated_sign_message":"GET\n/payscore/…\n\n","sign_message_length":157}}}
//! ```
//!
//! For `SIGN_ERROR`, `detail.sign_information` holds what WeChat Pay rebuilt from
//! your request; compare it with your own sign string
//! ([`SignInformation::compare`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::SignString;

/// A WeChat Pay error response body.
///
/// ```
/// use chop::wechatpay::ErrorBody;
/// let body = r#"{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total","value":0,"issue":"must be > 0","location":"body"}}"#;
/// let e = ErrorBody::parse(body.as_bytes())?;
/// assert_eq!(e.code, "PARAM_ERROR");
/// assert_eq!(e.detail.unwrap().field.as_deref(), Some("/amount/total"));
/// # Ok::<(), chop::wechatpay::ErrorBodyParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The error code, e.g. `SIGN_ERROR`, `PARAM_ERROR`, `RESOURCE_NOT_EXISTS`.
    pub code: String,
    /// The human message (Chinese).
    pub message: String,
    /// Details, when WeChat Pay gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ErrorDetail>,
}

/// `detail` of an error body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// The field at fault (`signature`, `/amount/total`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value at fault, as sent (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// What is wrong (`sign not match`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Where the field is (`authorization`, `body`, `query`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For `SIGN_ERROR`: the sign string WeChat Pay rebuilt from the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_information: Option<SignInformation>,
}

/// `detail.sign_information` of a `SIGN_ERROR`: what WeChat Pay verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignInformation {
    /// The HTTP method WeChat Pay saw.
    pub method: String,
    /// The URL (path and query) WeChat Pay saw.
    pub url: String,
    /// The sign string WeChat Pay verified, with the body truncated. Newlines
    /// are real `\n` characters in the decoded string (`\n` escapes in the JSON).
    pub truncated_sign_message: String,
    /// The byte length of the whole sign string WeChat Pay verified.
    pub sign_message_length: u64,
}

/// How your sign string compares with WeChat Pay's [`SignInformation`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignComparison {
    /// Same length, and WeChat Pay's truncated message is a prefix of yours:
    /// the bytes agree, so the key is wrong (not the key of the certificate
    /// whose serial you sent) or the signature was made over other bytes.
    Same,
    /// The first differing byte is at `offset` (within the truncated part).
    DiffersAt {
        /// Byte offset of the first difference.
        offset: usize,
        /// The line (0-based) of the sign string where it is: 0 method, 1 URL,
        /// 2 timestamp, 3 nonce, 4 body.
        line: usize,
    },
    /// The truncated parts agree but the lengths differ (the body differs
    /// after the truncation, e.g. re-serialized JSON).
    LengthDiffers {
        /// Your sign string's length.
        yours: u64,
        /// WeChat Pay's `sign_message_length`.
        theirs: u64,
    },
}

/// The error body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the error response body is not WeChat Pay error JSON ({reason}); the body starts with `{start}`")]
pub struct ErrorBodyParseError {
    /// The parser's complaint.
    pub reason: String,
    /// The first characters of the body (escaped).
    pub start: String,
}

impl ErrorBody {
    /// Parses an error response body.
    ///
    /// # Errors
    /// [`ErrorBodyParseError`] when the body is not JSON with `code` and `message`
    /// (e.g. an HTML page from a proxy).
    pub fn parse(body: &[u8]) -> Result<Self, ErrorBodyParseError> {
        serde_json::from_slice(body).map_err(|e| ErrorBodyParseError {
            reason: e.to_string(),
            start: crate::exact::escape(&body[..body.len().min(80)]),
        })
    }

    /// `detail.sign_information`, for a `SIGN_ERROR`.
    pub fn sign_information(&self) -> Option<&SignInformation> {
        self.detail.as_ref()?.sign_information.as_ref()
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(d) = &self.detail {
            if let Some(field) = &d.field {
                write!(f, " (field {field}")?;
                if let Some(issue) = &d.issue {
                    write!(f, ": {issue}")?;
                }
                f.write_str(")")?;
            }
        }
        Ok(())
    }
}

impl SignInformation {
    /// Compares WeChat Pay's view with the sign string you built.
    ///
    /// ```
    /// use chop::wechatpay::{SignComparison, SignInformation, SignString};
    /// let info: SignInformation = serde_json::from_str(r#"{"method":"GET","url":"/v3/x","truncated_sign_message":"GET\n/v3/x\n1\nN\n\n","sign_message_length":15}"#).unwrap();
    /// let mine = SignString::request("GET", "/v3/x", 1, "N", b"")?;
    /// assert_eq!(info.compare(&mine), SignComparison::Same);
    /// let other = SignString::request("GET", "/v3/y", 1, "N", b"")?;
    /// assert_eq!(info.compare(&other), SignComparison::DiffersAt { offset: 8, line: 1 });
    /// # Ok::<(), chop::wechatpay::RequestError>(())
    /// ```
    pub fn compare(&self, yours: &SignString) -> SignComparison {
        // One answer for the CLI, the library and `chop doctor`: the offset
        // comes from the function `chop::diagnose` names the causes with.
        let mine = yours.as_bytes();
        let theirs = self.truncated_bytes();
        let len = usize::try_from(self.sign_message_length).ok();
        let truncated = len.is_some_and(|l| l > theirs.len());
        match first_difference(mine, &theirs, truncated, len) {
            None => SignComparison::Same,
            Some(offset) if offset >= theirs.len() => SignComparison::LengthDiffers {
                yours: mine.len() as u64,
                theirs: self.sign_message_length,
            },
            Some(offset) => SignComparison::DiffersAt {
                offset,
                line: mine[..offset.min(mine.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count(),
            },
        }
    }

    /// WeChat Pay's sign string as far as it is shown: `truncated_sign_message`
    /// with its `\n` escapes as newlines ([`unescape_sign_message`]).
    pub fn truncated_bytes(&self) -> Vec<u8> {
        unescape_sign_message(&self.truncated_sign_message)
    }
}

/// Unescapes WeChat Pay's `truncated_sign_message` (`\n` shown as backslash-n;
/// JSON decoding has already turned the JSON escape `\\n` into that).
///
/// ```
/// use chop::wechatpay::unescape_sign_message;
/// assert_eq!(unescape_sign_message("GET\\n/v3/x\\n"), b"GET\n/v3/x\n");
/// assert_eq!(unescape_sign_message("GET\n/v3/x\n"), b"GET\n/v3/x\n");
/// ```
pub fn unescape_sign_message(s: &str) -> Vec<u8> {
    s.replace("\\n", "\n").into_bytes()
}

/// The offset of the first byte where `ours` differs from WeChat Pay's sign
/// string `theirs` (shown up to its truncation, full length `theirs_len`);
/// `None` when they agree.
pub(crate) fn first_difference(
    ours: &[u8],
    theirs: &[u8],
    truncated: bool,
    theirs_len: Option<usize>,
) -> Option<usize> {
    let common = ours.iter().zip(theirs).take_while(|(a, b)| a == b).count();
    if common < theirs.len() && common < ours.len() {
        return Some(common);
    }
    if common == theirs.len() && truncated {
        // Equal as far as shown; the full lengths decide.
        return match theirs_len {
            Some(l) if l != ours.len() => Some(common.min(ours.len())),
            _ => None,
        };
    }
    (ours.len() != theirs.len() || theirs_len.is_some_and(|l| l != ours.len())).then_some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SIGN_ERROR body printed in seed 001, byte for byte.
    const SEED001: &str = r#"{
    "code": "SIGN_ERROR",
    "message": "错误的签名,验签失败",
    "detail": {
        "field": "signature",
        "issue": "sign not match",
        "location": "authorization",
        "sign_information": {
            "method": "GET",
            "url": "/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ",
            "truncated_sign_message": "GET\n/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n\n",
            "sign_message_length": 157
        }
    }
}"#;

    #[test]
    fn seed001_sign_error_parses_exactly() {
        let e = ErrorBody::parse(SEED001.as_bytes()).unwrap();
        assert_eq!(e.code, "SIGN_ERROR");
        assert_eq!(e.message, "错误的签名,验签失败");
        let d = e.detail.as_ref().unwrap();
        assert_eq!(d.field.as_deref(), Some("signature"));
        assert_eq!(d.issue.as_deref(), Some("sign not match"));
        assert_eq!(d.location.as_deref(), Some("authorization"));
        let s = e.sign_information().unwrap();
        assert_eq!(s.method, "GET");
        assert_eq!(s.url, "/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ");
        assert_eq!(s.sign_message_length, 157);
        // The body was empty, so the "truncated" message is the whole sign string:
        // its byte length is the documented 157.
        assert_eq!(s.truncated_sign_message.len(), 157);
        assert!(s
            .truncated_sign_message
            .ends_with("18a427e78d2344e1a71156a2690cc4d6\n\n"));
        let mine = SignString::request(
            "GET",
            &s.url,
            1559194069,
            "18a427e78d2344e1a71156a2690cc4d6",
            b"",
        )
        .unwrap();
        assert_eq!(s.compare(&mine), SignComparison::Same);
        let no_newline = SignString::from_bytes(&mine.as_bytes()[..156]);
        assert_eq!(
            s.compare(&no_newline),
            SignComparison::DiffersAt {
                offset: 156,
                line: 4
            }
        );
        assert_eq!(
            e.to_string(),
            "SIGN_ERROR: 错误的签名,验签失败 (field signature: sign not match)"
        );
    }

    #[test]
    fn length_difference_after_truncation() {
        let info = SignInformation {
            method: "POST".into(),
            url: "/v3/x".into(),
            truncated_sign_message: "POST\n/v3/x\n1\nN\n{\"a\"".into(),
            sign_message_length: 25,
        };
        let mine = SignString::request("POST", "/v3/x", 1, "N", b"{\"a\":1}").unwrap();
        assert_eq!(
            info.compare(&mine),
            SignComparison::LengthDiffers {
                yours: 23,
                theirs: 25
            }
        );
    }

    #[test]
    fn html_from_a_proxy_is_a_typed_error() {
        let e = ErrorBody::parse(b"<html>502 Bad Gateway</html>").unwrap_err();
        assert!(e.to_string().contains("<html>502"));
        assert!(ErrorBody::parse(b"").is_err());
        assert!(ErrorBody::parse(br#"{"code":"X"}"#).is_err());
    }
}
