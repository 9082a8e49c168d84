//! The `Wechatmp-*` response headers.

use http::HeaderMap;

/// The API-security headers of a response, as received.
///
/// ```
/// use chop::miniprogram::ResponseHeaders;
/// let mut map = http::HeaderMap::new();
/// map.insert("wechatmp-appid", "wxba6223c06417af7b".parse().unwrap());
/// map.insert("Wechatmp-TimeStamp", "1635927956".parse().unwrap());
/// let h = ResponseHeaders::from_header_map(&map);
/// assert_eq!(h.appid.as_deref(), Some("wxba6223c06417af7b"));
/// assert_eq!(h.serial, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseHeaders {
    /// `Wechatmp-Appid`.
    pub appid: Option<String>,
    /// `Wechatmp-TimeStamp`.
    pub timestamp: Option<String>,
    /// `Wechatmp-Serial`: the current platform certificate's MP-console number.
    pub serial: Option<String>,
    /// `Wechatmp-Signature`: base64 signature by that certificate.
    pub signature: Option<String>,
    /// `Wechatmp-Serial-Deprecated`: the retiring certificate's number (rotation only).
    pub deprecated_serial: Option<String>,
    /// `Wechatmp-Signature-Deprecated`: the retiring certificate's signature (rotation only).
    pub deprecated_signature: Option<String>,
}

impl ResponseHeaders {
    /// Reads the headers from an `http::HeaderMap` (names are case-insensitive).
    pub fn from_header_map(map: &HeaderMap) -> Self {
        let get = |name: &str| {
            map.get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_string())
        };
        Self {
            appid: get("wechatmp-appid"),
            timestamp: get("wechatmp-timestamp"),
            serial: get("wechatmp-serial"),
            signature: get("wechatmp-signature"),
            deprecated_serial: get("wechatmp-serial-deprecated"),
            deprecated_signature: get("wechatmp-signature-deprecated"),
        }
    }
}
