//! The exact bytes of the API-security formats: the URL path, the GCM
//! additional authenticated data and the sign string.

use std::fmt;

use super::SealError;

/// The `urlpath` of the guide: the full URL with scheme and host, without the
/// query string (where the `access_token` goes) and without a fragment.
///
/// ```
/// use chop::miniprogram::url_path;
/// assert_eq!(
///     url_path("https://api.weixin.qq.com/wxa/getuserriskrank?access_token=ACCESS_TOKEN").unwrap(),
///     "https://api.weixin.qq.com/wxa/getuserriskrank",
/// );
/// assert!(url_path("/wxa/getuserriskrank").is_err());
/// ```
///
/// # Errors
/// [`SealError::Url`] when the URL has no `http://` or `https://` scheme or
/// holds a space, a control character or a non-ASCII character.
pub fn url_path(url: &str) -> Result<&str, SealError> {
    let err = |reason: &str| SealError::Url {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(err(
            "the Mini Program signs the full URL with its scheme: give https://api.weixin.qq.com/…",
        ));
    }
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let path = &url[..end];
    if path.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(err(
            "it contains a space, a control or a non-ASCII character; give the URL exactly as sent, percent-encoded",
        ));
    }
    Ok(path)
}

/// The GCM additional authenticated data `urlpath|appid|timestamp|sn`.
///
/// `sn` is the number of the symmetric key (对称密钥编号) shown in the MP console.
///
/// ```
/// use chop::miniprogram::Aad;
/// let aad = Aad::new("https://api.weixin.qq.com/wxa/getuserriskrank", "wxba6223c06417af7b", 1635927954, "fa05fe1e5bcc79b81ad5ad4b58acf787");
/// assert_eq!(aad.to_string(), "https://api.weixin.qq.com/wxa/getuserriskrank|wxba6223c06417af7b|1635927954|fa05fe1e5bcc79b81ad5ad4b58acf787");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Aad(String);

impl Aad {
    /// Joins the four fields with `|`.
    pub fn new(url_path: &str, appid: &str, timestamp: i64, sn: &str) -> Self {
        Self(format!("{url_path}|{appid}|{timestamp}|{sn}"))
    }

    /// The exact bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Aad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Aad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Aad({:?})", self.0)
    }
}

/// The sign string `urlpath\nappid\ntimestamp\ndata`: four fields joined by
/// `\n`, **without** a trailing newline. `data` is the exact body sent
/// (`postdata`) or received (`respdata`).
///
/// ```
/// use chop::miniprogram::SignString;
/// let s = SignString::new("https://api.weixin.qq.com/wxa/x", "wxapp", 1635927954, b"{}");
/// assert_eq!(s.as_bytes(), b"https://api.weixin.qq.com/wxa/x\nwxapp\n1635927954\n{}");
/// assert_eq!(s.escaped(), r"https://api.weixin.qq.com/wxa/x\nwxapp\n1635927954\n{}");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SignString(Vec<u8>);

impl SignString {
    /// Builds the sign string from its fields.
    pub fn new(url_path: &str, appid: &str, timestamp: impl fmt::Display, body: &[u8]) -> Self {
        let head = format!("{url_path}\n{appid}\n{timestamp}\n");
        let mut v = Vec::with_capacity(head.len() + body.len());
        v.extend_from_slice(head.as_bytes());
        v.extend_from_slice(body);
        Self(v)
    }
}

crate::exact::exact_bytes!(SignString);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_path_strips_query_and_fragment_only() {
        assert_eq!(
            url_path("https://api.weixin.qq.com/wxa/a?access_token=T&x=1").unwrap(),
            "https://api.weixin.qq.com/wxa/a"
        );
        assert_eq!(url_path("HTTP://h/a#f").unwrap(), "HTTP://h/a");
        assert!(matches!(
            url_path("api.weixin.qq.com/wxa"),
            Err(SealError::Url { .. })
        ));
        assert!(url_path("https://h/a b").is_err());
        assert!(url_path("https://h/中").is_err());
    }

    #[test]
    fn sign_string_has_no_trailing_newline() {
        let s = SignString::new("u", "a", 1, b"");
        assert_eq!(s.as_bytes(), b"u\na\n1\n");
        let s = SignString::new("u", "a", "2", b"x\xff");
        assert_eq!(s.escaped(), r"u\na\n2\nx\xFF");
        assert_eq!(s.len(), 8);
    }
}
