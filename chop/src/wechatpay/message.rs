//! The WeChat Pay v3 sign string: the exact bytes that are signed.
//!
//! Request: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n` — five lines, each ending in
//! `\n`, the last one too; an empty body leaves an empty fifth line (`…\n\n`).
//! URL is the path plus `?query` exactly as sent, without scheme and host.

use std::borrow::Cow;

use super::RequestError;

/// The exact bytes of a sign string.
///
/// `as_bytes()` gives what was signed; `Display` shows the same text (lossy
/// only for non-UTF-8 bodies); [`SignString::escaped`] shows every `\n` as the
/// two characters `\n`, the way WeChat Pay's `truncated_sign_message` does.
///
/// ```
/// use chop::wechatpay::SignString;
/// let s = SignString::request("GET", "/v3/certificates", 1554208460,
///     "593BEC0C930BF1AFEB40B4A08C8FB242", b"")?;
/// assert_eq!(s.as_bytes(), b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n");
/// assert_eq!(s.len(), 66);
/// assert_eq!(s.escaped(), r"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n");
/// # Ok::<(), chop::wechatpay::RequestError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SignString(Vec<u8>);

impl SignString {
    /// Builds a request sign string, checking each field.
    ///
    /// `url` may be a full URL (`https://api.mch.weixin.qq.com/v3/…?a=b`) or a
    /// path (`/v3/…?a=b`); either way the signed URL is the path and query
    /// exactly as written (no decoding, no re-encoding).
    ///
    /// # Errors
    /// [`RequestError`] when the method is not an uppercase token, the URL is not
    /// absolute or holds characters an HTTP client would percent-encode, or the
    /// nonce holds characters that cannot go into the Authorization header.
    pub fn request(
        method: &str,
        url: &str,
        timestamp: i64,
        nonce: &str,
        body: &[u8],
    ) -> Result<Self, RequestError> {
        check_method(method)?;
        let target = request_target(url)?;
        super::authorization::check_field("nonce", nonce)?;
        Ok(Self::received(
            method,
            &target,
            &timestamp.to_string(),
            nonce,
            body,
        ))
    }

    /// The request sign string exactly as the receiver rebuilds it: the method,
    /// request target (path and query), timestamp and nonce as received — the
    /// timestamp as the text of the Authorization header, even when it is not
    /// a number — and the body bytes. Nothing is checked, so what the sender
    /// signed (a lowercase method, a malformed timestamp) can be verified or
    /// diagnosed as it is.
    ///
    /// ```
    /// use chop::wechatpay::SignString;
    /// let s = SignString::received("get", "/v3/x", "0x1", "N", b"");
    /// assert_eq!(s.as_bytes(), b"get\n/v3/x\n0x1\nN\n\n");
    /// ```
    pub fn received(method: &str, target: &str, timestamp: &str, nonce: &str, body: &[u8]) -> Self {
        Self(crate::exact::lines(&[
            method.as_bytes(),
            target.as_bytes(),
            timestamp.as_bytes(),
            nonce.as_bytes(),
            body,
        ]))
    }

    /// Builds a response or callback sign string `TIMESTAMP\nNONCE\nBODY\n`.
    ///
    /// ```
    /// let s = chop::wechatpay::SignString::response("1554209980", "c5ac7061fccab6bf3e254dcf98995b8c", b"{}");
    /// assert_eq!(s.as_bytes(), b"1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{}\n");
    /// ```
    pub fn response(timestamp: &str, nonce: &str, body: &[u8]) -> Self {
        Self(crate::exact::lines(&[
            timestamp.as_bytes(),
            nonce.as_bytes(),
            body,
        ]))
    }

    /// Wraps bytes that are already a sign string (e.g. read from a file).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }
}

crate::exact::exact_bytes!(SignString);

/// The HTTP method must be an uppercase token, as it is sent on the wire.
fn check_method(method: &str) -> Result<(), RequestError> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(RequestError::Method {
            method: method.to_string(),
        });
    }
    Ok(())
}

/// The request target (path and query) of `url`, exactly as written.
///
/// ```
/// use chop::wechatpay::request_target;
/// assert_eq!(request_target("https://api.mch.weixin.qq.com/v3/certificates").unwrap(), "/v3/certificates");
/// assert_eq!(request_target("https://api.mch.weixin.qq.com/v3/x?b=1&a=2#frag").unwrap(), "/v3/x?b=1&a=2");
/// assert_eq!(request_target("/v3/x?q=%E4%B8%AD").unwrap(), "/v3/x?q=%E4%B8%AD");
/// assert!(request_target("v3/x").is_err());
/// assert!(request_target("/v3/x?q=中").is_err());
/// ```
///
/// # Errors
/// [`RequestError::Url`] when the URL is relative, or holds a space, a control
/// character or a non-ASCII character (an HTTP client would percent-encode it,
/// so the URL signed would differ from the URL sent).
pub fn request_target(url: &str) -> Result<Cow<'_, str>, RequestError> {
    let err = |reason: String| RequestError::Url {
        url: url.to_string(),
        reason,
    };
    let lower_prefix = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let mut target: Cow<'_, str> = if lower_prefix.starts_with("https://")
        || lower_prefix.starts_with("http://")
    {
        let after_scheme = &url[url.find("://").map_or(0, |i| i + 3)..];
        match after_scheme.find(['/', '?', '#']) {
            Some(i) if after_scheme.as_bytes()[i] == b'/' => Cow::Borrowed(&after_scheme[i..]),
            Some(i) => Cow::Owned(format!("/{}", &after_scheme[i..])),
            None => Cow::Borrowed("/"),
        }
    } else if url.starts_with('/') {
        Cow::Borrowed(url)
    } else {
        return Err(err(
            "give the path starting with `/` (e.g. /v3/certificates) or a full https:// URL".into(),
        ));
    };
    if let Some(i) = target.find('#') {
        target = match target {
            Cow::Borrowed(s) => Cow::Borrowed(&s[..i]),
            Cow::Owned(mut s) => {
                s.truncate(i);
                Cow::Owned(s)
            }
        };
    }
    if let Some(c) = target.chars().find(|c| !c.is_ascii_graphic()) {
        let what = match c {
            ' ' => "a space".to_string(),
            c if c.is_control() => format!("the control character U+{:04X}", c as u32),
            c => format!("the non-ASCII character `{c}`"),
        };
        return Err(err(format!(
            "it contains {what}; HTTP clients percent-encode it before sending, so sign the encoded URL exactly as it will be sent"
        )));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_sign_string_has_five_terminated_lines() {
        let s = SignString::request("POST", "/v3/pay/transactions/jsapi", 1, "N", b"{\"a\":1}")
            .unwrap();
        assert_eq!(
            s.as_bytes(),
            b"POST\n/v3/pay/transactions/jsapi\n1\nN\n{\"a\":1}\n"
        );
    }

    #[test]
    fn axios_formatter_vectors() {
        // wechatpay-axios-plugin tests/lib/formatter.test.js (see vectors/README.md).
        let s = SignString::request("A", "/2", 3, "4", b"5").unwrap();
        assert_eq!(s.as_bytes(), b"A\n/2\n3\n4\n5\n");
        assert_eq!(
            SignString::response("3", "2", b"1").as_bytes(),
            b"3\n2\n1\n"
        );
        assert_eq!(SignString::response("9", "8", b"").as_bytes(), b"9\n8\n\n");
    }

    #[test]
    fn body_is_signed_byte_for_byte() {
        let body = b"{\"k\": \"\xE4\xB8\xAD\"}\n";
        let s = SignString::request("POST", "/v3/x", 1, "N", body).unwrap();
        assert!(s.as_bytes().ends_with(b"\xE4\xB8\xAD\"}\n\n"));
        let bin = SignString::request("POST", "/v3/x", 1, "N", b"\xff\x00").unwrap();
        assert_eq!(bin.escaped(), r"POST\n/v3/x\n1\nN\n\xFF\u{0}\n");
    }

    #[test]
    fn method_must_be_uppercase() {
        assert!(matches!(
            SignString::request("get", "/v3/x", 1, "N", b""),
            Err(RequestError::Method { .. })
        ));
        assert!(SignString::request("", "/v3/x", 1, "N", b"").is_err());
    }

    #[test]
    fn urls() {
        assert_eq!(request_target("https://h").unwrap(), "/");
        assert_eq!(request_target("https://h?x=1").unwrap(), "/?x=1");
        assert_eq!(request_target("HTTPS://h/a/").unwrap(), "/a/");
        assert_eq!(request_target("/a#b").unwrap(), "/a");
        assert!(request_target("/a b").is_err());
        assert!(request_target("/a\nb").is_err());
        assert!(request_target("").is_err());
    }

    #[test]
    fn nonce_with_quote_is_refused() {
        assert!(SignString::request("GET", "/v3/x", 1, "a\"b", b"").is_err());
        assert!(SignString::request("GET", "/v3/x", 1, "a\nb", b"").is_err());
    }
}
