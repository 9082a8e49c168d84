//! Telling a re-serialized JSON body from the bytes WeChat Pay sent.
//!
//! WeChat Pay sends compact JSON: no whitespace between tokens and non-ASCII
//! text as raw UTF-8. A body with either sign was most likely parsed and
//! serialized again by a framework before verification.

/// Why `body` looks re-serialized, if it does.
///
/// ```
/// use chop::wechatpay::reserialized_hint;
/// assert_eq!(reserialized_hint(br#"{"a":1,"b":"x y"}"#), None);
/// assert!(reserialized_hint(b"{\"a\": 1}").is_some());
/// assert!(reserialized_hint(br#"{"s":"\u652f\u4ed8"}"#).is_some());
/// ```
pub fn reserialized_hint(body: &[u8]) -> Option<&'static str> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' && *first != b'[' {
        return None;
    }
    let mut in_string = false;
    let mut escaped = false;
    let mut unicode_escape = false;
    for (i, &b) in body.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, b'u') => {
                    unicode_escape |= body.get(i + 1..i + 5).is_some_and(non_ascii_escape);
                    escaped = false;
                }
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            return Some("the body has whitespace between JSON tokens, which WeChat Pay never sends: it was probably parsed and serialized again");
        }
    }
    unicode_escape.then_some("the body has \\u escapes for non-ASCII text, which WeChat Pay sends as raw UTF-8: it was probably parsed and serialized again")
}

/// Whether 4 hex digits name a code point above U+007F.
fn non_ascii_escape(hex: &[u8]) -> bool {
    std::str::from_utf8(hex)
        .ok()
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .is_some_and(|c| c > 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_bodies_and_non_json_are_not_flagged() {
        assert_eq!(reserialized_hint(b""), None);
        assert_eq!(reserialized_hint(b"plain text"), None);
        assert_eq!(
            reserialized_hint("{\"s\":\"支付 成功\\n\"}".as_bytes()),
            None
        );
        assert_eq!(reserialized_hint(br#"{"s":"\"quoted\" \u0041"}"#), None);
        assert!(reserialized_hint(b"{\n  \"a\":1\n}").is_some());
        assert!(reserialized_hint(b"[1, 2]").is_some());
    }
}
