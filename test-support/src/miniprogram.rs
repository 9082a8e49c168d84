//! Mini Program helpers: a sealed request read back as a response.

use chop::miniprogram::{ResponseHeaders, SealedRequest};

/// The `Wechatmp-*` headers of `sealed` read as a response's: the platform
/// signs a response like a request, so a request sealed with a key the test
/// holds opens as a response signed by that key's certificate.
///
/// ```
/// use chop::miniprogram::{RequestSealer, SealInputs};
/// let key = test_support::keys::private_key("keys/generated/key-pkcs8.pem");
/// let sealer = RequestSealer::new("wxapp", chop::secret::SecretBytes::new(vec![7; 32]), "sn", key);
/// let inputs = SealInputs { timestamp: 1_700_000_000, iv: [1; 12], nonce: "n".into() };
/// let sealed = sealer.seal_with("https://api.weixin.qq.com/x", b"{}", &inputs).unwrap();
/// let h = test_support::miniprogram::response_headers(&sealed);
/// assert_eq!(h.timestamp.as_deref(), Some("1700000000"));
/// assert!(h.signature.is_some());
/// ```
pub fn response_headers(sealed: &SealedRequest) -> ResponseHeaders {
    let mut map = http::HeaderMap::new();
    sealed.instructions().apply_to_headers(&mut map);
    ResponseHeaders::from_header_map(&map)
}
