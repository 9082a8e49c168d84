//! Sync responses: cutting the signed content from the response bytes as received.

use super::content::SignContent;

/// The parts of an Alipay sync response, cut from its bytes as received.
///
/// The signed content is the raw text of the `<method>_response` (or
/// `error_response`) value — never re-serialized: escapes such as `\/`, key
/// order, spacing and any nested `"sign"` key stay as sent. When the content
/// is encrypted the value is a JSON string, and its quotes are part of the
/// signed content.
///
/// ```
/// use chop::alipay::SignedResponse;
/// let raw = br#"{"alipay_trade_query_response":{"code":"10000","url":"a\/b","sign":"inner"},"sign":"c2ln"}"#;
/// let r = SignedResponse::parse(raw, Some("alipay.trade.query"))?;
/// assert_eq!(r.sign_content.as_str(), r#"{"code":"10000","url":"a\/b","sign":"inner"}"#);
/// assert_eq!(r.sign.as_deref(), Some("c2ln"));
/// assert!(!r.encrypted);
/// # Ok::<(), chop::alipay::ResponseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedResponse {
    /// The key whose value is signed, e.g. `alipay_trade_query_response`.
    pub response_key: String,
    /// The exact signed bytes: the value's raw text, quotes included for a string.
    pub sign_content: SignContent,
    /// Whether the value is an encrypted (string) content.
    pub encrypted: bool,
    /// The top-level `sign`, JSON-unescaped.
    pub sign: Option<String>,
    /// The top-level `alipay_cert_sn` (certificate mode), JSON-unescaped.
    pub alipay_cert_sn: Option<String>,
}

/// Why a sync response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The bytes are not a JSON object.
    #[error("the response is not a JSON object ({reason} at byte {offset}): pass the response body exactly as received")]
    Malformed {
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The response holds no `…_response` member to verify.
    #[error("the response has no `{expected}` member (found: {found}): check --method / the method name (alipay.trade.pay → alipay_trade_pay_response)")]
    NoResponseKey {
        /// What was looked for.
        expected: String,
        /// The top-level keys found.
        found: String,
    },
    /// Several `…_response` members and no method to choose.
    #[error(
        "the response has several `…_response` members ({found}): name the method to choose one"
    )]
    Ambiguous {
        /// The candidate keys.
        found: String,
    },
    /// A top-level key appears twice.
    #[error("the response has the top-level key `{key}` twice: refusing an ambiguous response")]
    RepeatedKey {
        /// The key.
        key: String,
    },
    /// The response is not UTF-8.
    #[error("the response is not UTF-8: pass the bytes exactly as received with charset=utf-8")]
    NotUtf8,
}

impl SignedResponse {
    /// Cuts the signed content, `sign` and `alipay_cert_sn` from `raw`.
    ///
    /// `method` (`alipay.trade.query`) selects `alipay_trade_query_response`,
    /// falling back to `error_response`; without it, the one `…_response`
    /// member is used.
    ///
    /// # Errors
    /// [`ResponseError`] when the bytes are not a JSON object or hold no
    /// (or several) response members.
    pub fn parse(raw: &[u8], method: Option<&str>) -> Result<Self, ResponseError> {
        let text = std::str::from_utf8(raw).map_err(|_| ResponseError::NotUtf8)?;
        let members = scan_object(raw)?;
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|o| o.key == m.key) {
                return Err(ResponseError::RepeatedKey { key: m.key.clone() });
            }
        }
        let find = |k: &str| members.iter().find(|m| m.key == k);
        let chosen = match method {
            Some(method) => {
                let key = format!("{}_response", method.trim().replace('.', "_"));
                find(&key)
                    .or_else(|| find("error_response"))
                    .ok_or_else(|| ResponseError::NoResponseKey {
                        expected: key,
                        found: keys(&members),
                    })?
            }
            None => {
                let candidates: Vec<_> = members
                    .iter()
                    .filter(|m| m.key.ends_with("_response"))
                    .collect();
                match candidates.as_slice() {
                    [one] => *one,
                    [] => {
                        return Err(ResponseError::NoResponseKey {
                            expected: "…_response".into(),
                            found: keys(&members),
                        })
                    }
                    _ => {
                        return Err(ResponseError::Ambiguous {
                            found: candidates
                                .iter()
                                .map(|m| m.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        })
                    }
                }
            }
        };
        let string_of = |k: &str| {
            find(k).and_then(|m| serde_json::from_str::<String>(&text[m.value.clone()]).ok())
        };
        Ok(Self {
            response_key: chosen.key.clone(),
            sign_content: SignContent::raw(&text[chosen.value.clone()]),
            encrypted: raw[chosen.value.start] == b'"',
            sign: string_of("sign"),
            alipay_cert_sn: string_of("alipay_cert_sn"),
        })
    }
}

/// One top-level member: its key (unescaped) and the byte range of its value.
struct Member {
    key: String,
    value: std::ops::Range<usize>,
}

fn keys(members: &[Member]) -> String {
    if members.is_empty() {
        return "nothing".into();
    }
    members
        .iter()
        .map(|m| m.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn bad(offset: usize, reason: &'static str) -> ResponseError {
    ResponseError::Malformed { offset, reason }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Scans the top-level object, quote- and escape-aware, without re-serializing.
fn scan_object(b: &[u8]) -> Result<Vec<Member>, ResponseError> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Err(bad(i, "expected `{`"));
    }
    i = skip_ws(b, i + 1);
    let mut members = Vec::new();
    if b.get(i) == Some(&b'}') {
        return finish(b, i + 1, members);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err(bad(i, "expected a key"));
        }
        let key_end = scan_string(b, i)?;
        let key = serde_json::from_slice::<String>(&b[i..key_end])
            .map_err(|_| bad(i, "bad escape in a key"))?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err(bad(i, "expected `:`"));
        }
        i = skip_ws(b, i + 1);
        let end = scan_value(b, i)?;
        members.push(Member { key, value: i..end });
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return finish(b, i + 1, members),
            _ => return Err(bad(i, "expected `,` or `}`")),
        }
    }
}

fn finish(b: &[u8], i: usize, members: Vec<Member>) -> Result<Vec<Member>, ResponseError> {
    let end = skip_ws(b, i);
    if end != b.len() {
        return Err(bad(end, "data after the closing `}`"));
    }
    Ok(members)
}

/// End (exclusive) of the string starting at `start` (a `"`).
fn scan_string(b: &[u8], start: usize) -> Result<usize, ResponseError> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(bad(start, "unterminated string"))
}

/// End (exclusive) of the value starting at `start`.
fn scan_value(b: &[u8], start: usize) -> Result<usize, ResponseError> {
    match b.get(start) {
        Some(b'"') => scan_string(b, start),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = start;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = scan_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Err(bad(start, "unterminated object or array"))
        }
        Some(_) => {
            let mut i = start;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
            {
                i += 1;
            }
            if i == start {
                return Err(bad(start, "expected a value"));
            }
            Ok(i)
        }
        None => Err(bad(start, "expected a value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_exact_value_with_spacing_and_nested_sign() {
        let raw = b"{\"m_response\"\n :\n {\"sign\":\"x\",\"s\":\"a\\\"}b\",\"l\":[{\"k\":\"}\"}]},\n \"sign\" : \"YWI=\"}";
        let r = SignedResponse::parse(raw, None).unwrap();
        assert_eq!(
            r.sign_content.as_str(),
            "{\"sign\":\"x\",\"s\":\"a\\\"}b\",\"l\":[{\"k\":\"}\"}]}"
        );
        assert_eq!(r.sign.as_deref(), Some("YWI="));
    }

    #[test]
    fn encrypted_value_keeps_quotes() {
        let raw = br#"{"a_b_response":"Zm9v","sign":"c2ln","alipay_cert_sn":"abc"}"#;
        let r = SignedResponse::parse(raw, Some("a.b")).unwrap();
        assert_eq!(r.sign_content.as_str(), "\"Zm9v\"");
        assert!(r.encrypted);
        assert_eq!(r.alipay_cert_sn.as_deref(), Some("abc"));
    }

    #[test]
    fn sign_with_escaped_slash_is_unescaped() {
        let raw = br#"{"x_response":{},"sign":"a\/b+c="}"#;
        let r = SignedResponse::parse(raw, None).unwrap();
        assert_eq!(r.sign.as_deref(), Some("a/b+c="));
    }

    #[test]
    fn error_response_fallback_and_errors() {
        let raw = br#"{"error_response":{"code":"40002"},"sign":"c2ln"}"#;
        let r = SignedResponse::parse(raw, Some("alipay.trade.pay")).unwrap();
        assert_eq!(r.response_key, "error_response");
        assert!(matches!(
            SignedResponse::parse(br#"{"other":1}"#, Some("a.b")),
            Err(ResponseError::NoResponseKey { .. })
        ));
        assert!(matches!(
            SignedResponse::parse(br#"{"a_response":1,"b_response":2}"#, None),
            Err(ResponseError::Ambiguous { .. })
        ));
        assert!(matches!(
            SignedResponse::parse(br#"{"a_response":1,"a_response":2}"#, None),
            Err(ResponseError::RepeatedKey { .. })
        ));
        for bad in [
            &b""[..],
            b"[1]",
            b"{\"a_response\":{\"x\":1}",
            b"{\"a_response\":\"x}",
            b"{\"a_response\":1} x",
            b"{\"a_response\" 1}",
            b"{\"a_response\":}",
            b"{a:1}",
        ] {
            assert!(
                matches!(
                    SignedResponse::parse(bad, None),
                    Err(ResponseError::Malformed { .. })
                ),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            SignedResponse::parse(b"{\"a\":\"\xff\"}", None),
            Err(ResponseError::NotUtf8)
        );
    }
}
