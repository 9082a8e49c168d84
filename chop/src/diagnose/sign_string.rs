//! Comparing the sign string you built with the one WeChat Pay built.
//!
//! A `401 SIGN_ERROR` answer carries `detail.sign_information`: the method, the
//! URL, `truncated_sign_message` (WeChat Pay's own sign string, newlines shown
//! as `\n`, the body cut short) and `sign_message_length` (its full length in
//! bytes). WeChat Pay builds that string from the request it *received* and the
//! timestamp and nonce of the *Authorization header*, so every difference from
//! your sign string is a cause of the failure.

use std::fmt;

use crate::wechatpay::{first_difference, unescape_sign_message, SignInformation};

/// A named cause of a sign-string mismatch, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The sign string does not end with `\n` (the body line needs one too).
    MissingFinalNewline,
    /// The body is empty but the sign string has no empty fifth line.
    EmptyBodyLine,
    /// The method differs only in letter case.
    MethodCase {
        /// Ours.
        ours: String,
        /// What WeChat Pay received.
        theirs: String,
    },
    /// Another method was signed than sent.
    MethodDiffers {
        /// Ours.
        ours: String,
        /// What WeChat Pay received.
        theirs: String,
    },
    /// The URL signed is not the URL sent.
    UrlDiffers {
        /// Which way it differs.
        kind: UrlDifference,
        /// Ours.
        ours: String,
        /// What WeChat Pay received.
        theirs: String,
    },
    /// The timestamp signed is not the one in the Authorization header.
    TimestampDiffers {
        /// Ours.
        ours: String,
        /// From the Authorization header.
        theirs: String,
    },
    /// The nonce signed is not the one in the Authorization header.
    NonceDiffers {
        /// Ours.
        ours: String,
        /// From the Authorization header.
        theirs: String,
    },
    /// The body signed is not the body sent (serialized twice, re-encoded, changed).
    BodyDiffers {
        /// Byte length of the body we signed.
        ours_len: usize,
        /// Byte length of the body WeChat Pay received (from `sign_message_length`).
        theirs_len: Option<usize>,
    },
    /// The sign string holds bytes that are not UTF-8.
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
}

/// How two URLs differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlDifference {
    /// Only the query string differs (missing, reordered, or different parameters).
    QueryString,
    /// The same URL, percent-encoded differently (or not encoded on one side).
    Encoding,
    /// A trailing slash on one side only.
    TrailingSlash,
    /// A path segment differs: usually a path parameter (`{id}`) not filled in, or another id.
    PathParameter,
    /// Scheme and host were signed, or the path differs otherwise.
    Other,
}

impl Cause {
    /// A stable code for the cause.
    pub fn code(&self) -> &'static str {
        match self {
            Cause::MissingFinalNewline => "SIGN_MISSING_FINAL_NEWLINE",
            Cause::EmptyBodyLine => "SIGN_EMPTY_BODY_LINE",
            Cause::MethodCase { .. } => "SIGN_METHOD_CASE",
            Cause::MethodDiffers { .. } => "SIGN_METHOD_DIFFERS",
            Cause::UrlDiffers { kind, .. } => match kind {
                UrlDifference::QueryString => "SIGN_URL_QUERY",
                UrlDifference::Encoding => "SIGN_URL_ENCODING",
                UrlDifference::TrailingSlash => "SIGN_URL_TRAILING_SLASH",
                UrlDifference::PathParameter => "SIGN_URL_PATH_PARAMETER",
                UrlDifference::Other => "SIGN_URL_DIFFERS",
            },
            Cause::TimestampDiffers { .. } => "SIGN_TIMESTAMP_DIFFERS",
            Cause::NonceDiffers { .. } => "SIGN_NONCE_DIFFERS",
            Cause::BodyDiffers { .. } => "SIGN_BODY_DIFFERS",
            Cause::NotUtf8 { .. } => "SIGN_NOT_UTF8",
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> &'static str {
        match self {
            Cause::MissingFinalNewline => "end every line with \\n, the body line too: METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n",
            Cause::EmptyBodyLine => "for an empty body (GET), the sign string ends with the nonce line and then an empty line: …NONCE\\n\\n",
            Cause::MethodCase { .. } => "sign the method in uppercase, exactly as the HTTP client sends it",
            Cause::MethodDiffers { .. } => "sign the method of the request you actually send",
            Cause::UrlDiffers { .. } => "take the URL to sign from the request object your HTTP library sends (path + ?query, exactly as encoded), not from a string you built separately",
            Cause::TimestampDiffers { .. } => "generate the timestamp once, and use that same value in the sign string and in the Authorization header",
            Cause::NonceDiffers { .. } => "generate the nonce once, and use that same value in the sign string and in the Authorization header",
            Cause::BodyDiffers { .. } => "serialize the JSON body once into bytes, then sign those bytes and send those same bytes",
            Cause::NotUtf8 { .. } => "encode the body and the sign string as UTF-8 before signing",
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::MissingFinalNewline => f.write_str("the sign string does not end with a newline"),
            Cause::EmptyBodyLine => f.write_str("the body is empty but the sign string lacks the empty body line (…NONCE\\n\\n)"),
            Cause::MethodCase { ours, theirs } => write!(f, "the method was signed as `{ours}` but sent as `{theirs}` (letter case)"),
            Cause::MethodDiffers { ours, theirs } => write!(f, "the method was signed as `{ours}` but sent as `{theirs}`"),
            Cause::UrlDiffers { kind, ours, theirs } => {
                let why = match kind {
                    UrlDifference::QueryString => "the query string differs",
                    UrlDifference::Encoding => "the percent-encoding differs",
                    UrlDifference::TrailingSlash => "a trailing slash differs",
                    UrlDifference::PathParameter => "a path segment differs (a path parameter?)",
                    UrlDifference::Other => "the URL differs",
                };
                write!(f, "{why}: signed `{ours}`, sent `{theirs}`")
            }
            Cause::TimestampDiffers { ours, theirs } => write!(f, "the timestamp signed ({ours}) is not the one in the Authorization header ({theirs}): two different timestamps were generated"),
            Cause::NonceDiffers { ours, theirs } => write!(f, "the nonce signed ({ours}) is not the one in the Authorization header ({theirs}): two different nonces were generated"),
            Cause::BodyDiffers { ours_len, theirs_len } => match theirs_len {
                Some(t) => write!(f, "the body signed ({ours_len} bytes) is not the body sent ({t} bytes): it was serialized twice or changed in between"),
                None => write!(f, "the body signed ({ours_len} bytes) is not the body sent: it was serialized twice or changed in between"),
            },
            Cause::NotUtf8 { offset } => write!(f, "the sign string is not UTF-8 (first invalid byte at offset {offset})"),
        }
    }
}

/// The result of comparing two sign strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// WeChat Pay's sign string as far as it was shown (unescaped).
    pub theirs: Vec<u8>,
    /// Whether WeChat Pay's string was cut short (its body truncated).
    pub theirs_truncated: bool,
    /// WeChat Pay's full length in bytes, when given.
    pub theirs_len: Option<usize>,
    /// Offset of the first differing byte, `None` when the strings agree as far as shown
    /// and the lengths agree.
    pub first_difference: Option<usize>,
    /// The causes found, most specific first; empty when nothing differs.
    pub causes: Vec<Cause>,
}

/// Compares the sign string you built with WeChat Pay's [`SignInformation`]
/// and names the causes; the offset is the one [`SignInformation::compare`] gives.
///
/// ```
/// use chop::diagnose::compare_sign_information;
/// use chop::wechatpay::SignInformation;
/// let info: SignInformation = serde_json::from_str(r#"{"method":"GET","url":"/v3/x","truncated_sign_message":"GET\n/v3/x\n1\nN\n\n","sign_message_length":15}"#).unwrap();
/// let c = compare_sign_information(&info, b"GET\n/v3/x\n1\nN\n");
/// assert_eq!(c.causes[0].code(), "SIGN_EMPTY_BODY_LINE");
/// ```
pub fn compare_sign_information(info: &SignInformation, ours: &[u8]) -> Comparison {
    let len = usize::try_from(info.sign_message_length).ok();
    compare_sign_strings(ours, &info.truncated_sign_message, len)
}

/// Compares `ours` (the sign string you signed) with WeChat Pay's
/// `truncated_sign_message` and `sign_message_length`, and names the causes.
///
/// ```
/// use chop::diagnose::{compare_sign_strings, Cause};
/// let ours = b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n";
/// let theirs = "GET\\n/v3/certificates\\n1554208460\\n593BEC0C930BF1AFEB40B4A08C8FB242\\n\\n";
/// let c = compare_sign_strings(ours, theirs, Some(66));
/// assert_eq!(c.first_difference, Some(65));
/// assert_eq!(c.causes, vec![Cause::EmptyBodyLine]);
/// ```
pub fn compare_sign_strings(
    ours: &[u8],
    truncated_sign_message: &str,
    sign_message_length: Option<usize>,
) -> Comparison {
    let theirs = unescape_sign_message(truncated_sign_message);
    let theirs_truncated = sign_message_length.is_some_and(|l| l > theirs.len());
    let first_difference = first_difference(ours, &theirs, theirs_truncated, sign_message_length);
    let mut causes = Vec::new();
    if let Err(e) = std::str::from_utf8(ours) {
        causes.push(Cause::NotUtf8 {
            offset: e.valid_up_to(),
        });
    }
    if first_difference.is_some() {
        let lines = line_causes(ours, &theirs, theirs_truncated, sign_message_length);
        // Non-UTF-8 text explains a body difference by itself.
        let only_body = matches!(lines[..], [Cause::BodyDiffers { .. }]);
        if causes.is_empty() || !only_body {
            causes.extend(lines);
        }
    }
    Comparison {
        theirs,
        theirs_truncated,
        theirs_len: sign_message_length,
        first_difference,
        causes,
    }
}

/// Splits a sign string into its first four lines and the rest (body + final newline).
fn split(s: &[u8]) -> (Vec<&[u8]>, &[u8]) {
    let mut lines = Vec::new();
    let mut rest = s;
    for _ in 0..4 {
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                lines.push(&rest[..i]);
                rest = &rest[i + 1..];
            }
            None => {
                lines.push(rest);
                rest = &[];
                break;
            }
        }
    }
    (lines, rest)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn line_causes(
    ours: &[u8],
    theirs: &[u8],
    truncated: bool,
    theirs_len: Option<usize>,
) -> Vec<Cause> {
    let (ol, obody) = split(ours);
    let (tl, tbody) = split(theirs);
    let mut causes = Vec::new();
    let field = |v: &Vec<&[u8]>, i: usize| v.get(i).map(|s| text(s)).unwrap_or_default();
    let (om, tm) = (field(&ol, 0), field(&tl, 0));
    if om != tm {
        causes.push(if om.eq_ignore_ascii_case(&tm) {
            Cause::MethodCase {
                ours: om,
                theirs: tm,
            }
        } else {
            Cause::MethodDiffers {
                ours: om,
                theirs: tm,
            }
        });
    }
    let (ou, tu) = (field(&ol, 1), field(&tl, 1));
    if ou != tu {
        causes.push(Cause::UrlDiffers {
            kind: url_difference(&ou, &tu),
            ours: ou,
            theirs: tu,
        });
    }
    let (ot, tt) = (field(&ol, 2), field(&tl, 2));
    if ot != tt {
        causes.push(Cause::TimestampDiffers {
            ours: ot,
            theirs: tt,
        });
    }
    let (on, tn) = (field(&ol, 3), field(&tl, 3));
    if on != tn {
        causes.push(Cause::NonceDiffers {
            ours: on,
            theirs: tn,
        });
    }
    if !causes.is_empty() {
        return causes;
    }
    // The first four lines agree: the difference is in the body line.
    let ours_body_len = obody.len().saturating_sub(1);
    let head_len = ours.len() - obody.len();
    let theirs_body_len = theirs_len.map(|l| l.saturating_sub(head_len + 1));
    if obody.is_empty() && tbody == b"\n" {
        return vec![Cause::EmptyBodyLine];
    }
    if !obody.ends_with(b"\n") && (theirs.ends_with(b"\n") || truncated) {
        let without = &tbody[..tbody.len().saturating_sub(1)];
        if obody == without || (truncated && theirs_len == Some(ours.len() + 1)) {
            return vec![Cause::MissingFinalNewline];
        }
    }
    vec![Cause::BodyDiffers {
        ours_len: ours_body_len,
        theirs_len: theirs_body_len,
    }]
}

fn url_difference(ours: &str, theirs: &str) -> UrlDifference {
    let (op, oq) = ours
        .split_once('?')
        .map_or((ours, None), |(p, q)| (p, Some(q)));
    let (tp, tq) = theirs
        .split_once('?')
        .map_or((theirs, None), |(p, q)| (p, Some(q)));
    if decode(ours) == decode(theirs) {
        return UrlDifference::Encoding;
    }
    if op == tp && oq != tq {
        return UrlDifference::QueryString;
    }
    if op.trim_end_matches('/') == tp.trim_end_matches('/') {
        return UrlDifference::TrailingSlash;
    }
    let (os, ts): (Vec<_>, Vec<_>) = (op.split('/').collect(), tp.split('/').collect());
    if os.len() == ts.len() && os.iter().zip(&ts).filter(|(a, b)| a != b).count() == 1 {
        return UrlDifference::PathParameter;
    }
    UrlDifference::Other
}

/// Percent-decoding for comparison only (invalid escapes are kept as they are).
fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hi = (b[i + 1] as char).to_digit(16);
            let lo = (b[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechatpay::{SignComparison, SignString};

    const OK: &[u8] = b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n";
    const THEIRS: &str =
        "GET\\n/v3/certificates\\n1554208460\\n593BEC0C930BF1AFEB40B4A08C8FB242\\n\\n";

    fn causes(ours: &[u8], theirs: &str, len: Option<usize>) -> Vec<Cause> {
        compare_sign_strings(ours, theirs, len).causes
    }

    #[test]
    fn equal_strings_have_no_cause() {
        let c = compare_sign_strings(OK, THEIRS, Some(66));
        assert_eq!(c.first_difference, None);
        assert!(c.causes.is_empty());
    }

    #[test]
    fn each_cause_alone() {
        let t = |s: &str| s.as_bytes().to_vec();
        assert_eq!(
            causes(
                &t("get\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"),
                THEIRS,
                Some(66)
            ),
            vec![Cause::MethodCase {
                ours: "get".into(),
                theirs: "GET".into()
            }]
        );
        let c = causes(
            &t("GET\n/v3/certificates/\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"),
            THEIRS,
            Some(66),
        );
        assert!(
            matches!(
                c[..],
                [Cause::UrlDiffers {
                    kind: UrlDifference::TrailingSlash,
                    ..
                }]
            ),
            "{c:?}"
        );
        let c = causes(
            &t("GET\n/v3/certificates\n1554208461\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"),
            THEIRS,
            Some(66),
        );
        assert!(matches!(c[..], [Cause::TimestampDiffers { .. }]), "{c:?}");
        let c = causes(
            &t("GET\n/v3/certificates\n1554208460\n693BEC0C930BF1AFEB40B4A08C8FB242\n\n"),
            THEIRS,
            Some(66),
        );
        assert!(matches!(c[..], [Cause::NonceDiffers { .. }]), "{c:?}");
    }

    #[test]
    fn url_kinds() {
        assert_eq!(
            url_difference("/v3/x?a=1&b=2", "/v3/x?b=2&a=1"),
            UrlDifference::QueryString
        );
        assert_eq!(
            url_difference("/v3/x?q=中", "/v3/x?q=%E4%B8%AD"),
            UrlDifference::Encoding
        );
        assert_eq!(
            url_difference("/v3/a/{id}/b", "/v3/a/200000001/b"),
            UrlDifference::PathParameter
        );
        assert_eq!(
            url_difference("https://h/v3/x", "/v3/x"),
            UrlDifference::Other
        );
    }

    #[test]
    fn bodies() {
        let ours = b"POST\n/v3/x\n1\nN\n{\"a\":1}";
        let c = causes(
            ours,
            "POST\\n/v3/x\\n1\\nN\\n{\"a\":1}\\n",
            Some(ours.len() + 1),
        );
        assert_eq!(c, vec![Cause::MissingFinalNewline]);
        let ours = b"POST\n/v3/x\n1\nN\n{\"a\": 1}\n";
        let c = causes(
            ours,
            "POST\\n/v3/x\\n1\\nN\\n{\"a\":1}\\n",
            Some(ours.len() - 1),
        );
        assert!(
            matches!(
                c[..],
                [Cause::BodyDiffers {
                    ours_len: 8,
                    theirs_len: Some(7)
                }]
            ),
            "{c:?}"
        );
        let c = causes(
            b"POST\n/v3/x\n1\nN\n\xff\n",
            "POST\\n/v3/x\\n1\\nN\\n?\\n",
            Some(17),
        );
        assert!(c.contains(&Cause::NotUtf8 { offset: 15 }), "{c:?}");
    }

    #[test]
    fn truncated_body_compares_by_length() {
        let ours = b"POST\n/v3/x\n1\nN\n{\"amount\":{\"total\":100}}\n";
        let shown = "POST\\n/v3/x\\n1\\nN\\n{\"amount\"";
        assert_eq!(
            compare_sign_strings(ours, shown, Some(ours.len())).first_difference,
            None
        );
        let c = compare_sign_strings(ours, shown, Some(ours.len() + 3));
        assert!(
            matches!(c.causes[..], [Cause::BodyDiffers { .. }]),
            "{:?}",
            c.causes
        );
    }

    #[test]
    fn compare_and_diagnose_give_one_answer() {
        let info = SignInformation {
            method: "POST".into(),
            url: "/v3/x".into(),
            truncated_sign_message: "POST\n/v3/x\n1\nN\n{\"a\"".into(),
            sign_message_length: 23,
        };
        for mine in [
            &b"POST\n/v3/x\n1\nN\n{\"a\":1}\n"[..],
            b"POST\n/v3/x\n1\nN\n{\"a\":1}",
            b"post\n/v3/x\n1\nN\n{\"a\":1}\n",
            b"POST\n/v3/y\n1\nN\n{\"a\":1}\n",
            b"POST\n/v3/x\n2\nN\n{\"a\":1}\n",
            b"POST\n/v3/x\n1\nN\n{\"a\": 1}\n",
        ] {
            let c = compare_sign_information(&info, mine);
            let offset = match info.compare(&SignString::from_bytes(mine)) {
                SignComparison::Same => None,
                SignComparison::DiffersAt { offset, .. } => Some(offset),
                SignComparison::LengthDiffers { .. } => Some(c.theirs.len()),
            };
            assert_eq!(
                offset,
                c.first_difference,
                "{}",
                String::from_utf8_lossy(mine)
            );
            assert_eq!(offset.is_none(), c.causes.is_empty());
        }
    }
}
