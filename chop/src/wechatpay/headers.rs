//! The four signature headers of WeChat Pay responses and callbacks.

use super::error_body::ErrorBody;
use super::message::SignString;
use super::verify_error::VerifyError;

/// `Wechatpay-Timestamp`.
pub const TIMESTAMP: &str = "Wechatpay-Timestamp";
/// `Wechatpay-Nonce`.
pub const NONCE: &str = "Wechatpay-Nonce";
/// `Wechatpay-Signature`.
pub const SIGNATURE: &str = "Wechatpay-Signature";
/// `Wechatpay-Serial`.
pub const SERIAL: &str = "Wechatpay-Serial";
/// `Wechatpay-Signature-Type` (`WECHATPAY2-SHA256-RSA2048` or `WECHATPAY2-SM2-WITH-SM3`).
pub const SIGNATURE_TYPE: &str = "Wechatpay-Signature-Type";

/// The signature headers of one response or callback, as received.
///
/// Header names are matched without regard to case (`wechatpay-serial` and
/// `Wechatpay-Serial` are the same header).
///
/// ```
/// use chop::wechatpay::SignatureHeaders;
/// let h = SignatureHeaders::from_pairs([
///     ("wechatpay-timestamp", "1624523846"),
///     ("WECHATPAY-NONCE", "n"),
///     ("Wechatpay-Signature", "c2ln"),
///     ("Wechatpay-Serial", "D7CE59D1F522D701"),
/// ])?;
/// assert_eq!(h.serial, "D7CE59D1F522D701");
/// # Ok::<(), chop::wechatpay::VerifyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeaders {
    /// `Wechatpay-Timestamp`: unix seconds, as text.
    pub timestamp: String,
    /// `Wechatpay-Nonce`.
    pub nonce: String,
    /// `Wechatpay-Signature`: base64.
    pub signature: String,
    /// `Wechatpay-Serial`: platform certificate serial or `PUB_KEY_ID_…`.
    pub serial: String,
    /// `Wechatpay-Signature-Type`, when sent.
    pub signature_type: Option<String>,
}

impl SignatureHeaders {
    /// Reads the headers from `(name, value)` pairs (names in any case; values trimmed).
    ///
    /// # Errors
    /// [`VerifyError::MissingHeaders`] naming every absent header.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Self, VerifyError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut found: [Option<String>; 5] = Default::default();
        let names = [TIMESTAMP, NONCE, SIGNATURE, SERIAL, SIGNATURE_TYPE];
        for (k, v) in pairs {
            if let Some(i) = names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(k.as_ref().trim()))
            {
                found[i] = Some(v.as_ref().trim().to_string());
            }
        }
        let [timestamp, nonce, signature, serial, signature_type] = found;
        let missing: Vec<&'static str> = names[..4]
            .iter()
            .zip([&timestamp, &nonce, &signature, &serial])
            .filter(|(_, v)| v.as_deref().is_none_or(str::is_empty))
            .map(|(n, _)| *n)
            .collect();
        match (timestamp, nonce, signature, serial) {
            (Some(timestamp), Some(nonce), Some(signature), Some(serial)) if missing.is_empty() => {
                Ok(Self {
                    timestamp,
                    nonce,
                    signature,
                    serial,
                    signature_type,
                })
            }
            _ => Err(VerifyError::MissingHeaders { missing }),
        }
    }

    /// Reads the headers from an `http::HeaderMap`.
    ///
    /// # Errors
    /// [`VerifyError::MissingHeaders`] naming every absent header (a value that
    /// is not visible ASCII counts as absent).
    pub fn from_header_map(map: &http::HeaderMap) -> Result<Self, VerifyError> {
        Self::from_pairs(header_pairs(map))
    }

    /// Reads the headers of a whole response, applying WeChat Pay's rule for
    /// answers it does not sign: an error status (not 2xx) with none of the
    /// four signature headers is an unsigned error response.
    ///
    /// ```
    /// use chop::wechatpay::{SignatureHeaders, VerifyError};
    /// let body = r#"{"code":"SIGN_ERROR","message":"错误的签名,验签失败"}"#;
    /// let e = SignatureHeaders::of_response(401, [("Content-Type", "application/json")], body.as_bytes()).unwrap_err();
    /// assert!(matches!(e, VerifyError::UnsignedErrorResponse { status: 401, error: Some(_) }));
    /// ```
    ///
    /// # Errors
    /// [`VerifyError::UnsignedErrorResponse`] with the parsed error body, or
    /// [`VerifyError::MissingHeaders`] as [`SignatureHeaders::from_pairs`].
    pub fn of_response<K, V>(
        status: u16,
        pairs: impl IntoIterator<Item = (K, V)>,
        body: &[u8],
    ) -> Result<Self, VerifyError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs: Vec<(K, V)> = pairs.into_iter().collect();
        let signed = pairs.iter().any(|(k, _)| {
            [TIMESTAMP, NONCE, SIGNATURE, SERIAL]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(k.as_ref().trim()))
        });
        if !(200..300).contains(&status) && !signed {
            return Err(VerifyError::UnsignedErrorResponse {
                status,
                error: ErrorBody::parse(body).ok().map(Box::new),
            });
        }
        Self::from_pairs(pairs)
    }

    /// The sign string these headers claim to sign over `body`:
    /// `TIMESTAMP\nNONCE\nBODY\n`, the timestamp and nonce exactly as received.
    pub fn sign_string(&self, body: &[u8]) -> SignString {
        SignString::response(&self.timestamp, &self.nonce, body)
    }

    /// Parses a text block of `Name: value` lines (a saved request, the CLI's
    /// `--headers` file). Lines without a colon (an HTTP status line) are skipped.
    ///
    /// # Errors
    /// [`VerifyError::MissingHeaders`] naming every absent header.
    pub fn from_text(text: &str) -> Result<Self, VerifyError> {
        Self::from_pairs(text.lines().filter_map(|l| l.split_once(':')))
    }
}

/// The headers of `map` whose values are text, as `(name, value)` pairs.
pub(crate) fn header_pairs(map: &http::HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    map.iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_missing_header() {
        let e = SignatureHeaders::from_pairs([("Wechatpay-Nonce", "n"), ("Wechatpay-Serial", " ")])
            .unwrap_err();
        assert_eq!(
            e,
            VerifyError::MissingHeaders {
                missing: vec![TIMESTAMP, SIGNATURE, SERIAL]
            }
        );
    }

    #[test]
    fn header_map_is_case_insensitive() {
        let mut m = http::HeaderMap::new();
        m.insert("WECHATPAY-TIMESTAMP", "1".parse().unwrap());
        m.insert("wechatpay-nonce", "n".parse().unwrap());
        m.insert("Wechatpay-Signature", "s".parse().unwrap());
        m.insert("wechatpay-serial", "S".parse().unwrap());
        let h = SignatureHeaders::from_header_map(&m).unwrap();
        assert_eq!((h.timestamp.as_str(), h.serial.as_str()), ("1", "S"));
        assert!(SignatureHeaders::of_response(500, header_pairs(&m), b"").is_ok());
        assert!(matches!(
            SignatureHeaders::of_response(500, header_pairs(&http::HeaderMap::new()), b""),
            Err(VerifyError::UnsignedErrorResponse {
                status: 500,
                error: None
            })
        ));
    }

    #[test]
    fn text_block_with_status_line() {
        let h = SignatureHeaders::from_text(
            "HTTP/1.1 200 OK\r\nwechatpay-timestamp: 1\r\nWechatpay-Nonce: n\r\nWechatpay-Signature: a:b\r\nWechatpay-Serial: S\r\n",
        )
        .unwrap();
        assert_eq!(h.signature, "a:b");
        assert_eq!(h.timestamp, "1");
    }
}
