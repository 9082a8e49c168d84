//! The `urlpath` of a Mini Program API URL: what the AAD and the sign string hold.

use super::error::SealError;

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
}
