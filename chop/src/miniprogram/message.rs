//! The exact bytes of the API-security formats: the GCM additional
//! authenticated data and the sign string.

use std::fmt;

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
    fn sign_string_has_no_trailing_newline() {
        let s = SignString::new("u", "a", 1, b"");
        assert_eq!(s.as_bytes(), b"u\na\n1\n");
        let s = SignString::new("u", "a", "2", b"x\xff");
        assert_eq!(s.escaped(), r"u\na\n2\nx\xFF");
        assert_eq!(s.len(), 8);
    }
}
