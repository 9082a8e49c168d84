//! Buffering a response and building it again.

use bytes::Bytes;
use reqwest::ResponseBuilderExt;

use crate::error::Error;

/// A response read whole: its head and its exact body bytes.
pub(crate) struct Buffered {
    pub(crate) response: http::Response<Bytes>,
    pub(crate) url: reqwest::Url,
}

impl Buffered {
    /// Reads `response` whole.
    pub(crate) async fn read(response: reqwest::Response) -> reqwest_middleware::Result<Self> {
        let url = response.url().clone();
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let extensions = response.extensions().clone();
        let body = response.bytes().await?;
        let mut r = http::Response::new(body);
        *r.status_mut() = status;
        *r.version_mut() = version;
        *r.headers_mut() = headers;
        *r.extensions_mut() = extensions;
        Ok(Self { response: r, url })
    }

    /// Builds the reqwest response again, with `body` (or the original body)
    /// and one more extension.
    pub(crate) fn into_response<T: Clone + Send + Sync + 'static>(
        self,
        body: Option<Bytes>,
        extension: T,
    ) -> reqwest::Response {
        let (parts, original) = self.response.into_parts();
        let body = body.unwrap_or(original);
        let mut builder = http::Response::builder()
            .status(parts.status)
            .version(parts.version)
            .url(self.url);
        if let Some(h) = builder.headers_mut() {
            *h = parts.headers;
            if body.len() as u64 != original_len(h) {
                h.remove(http::header::CONTENT_LENGTH);
            }
        }
        if let Some(e) = builder.extensions_mut() {
            e.extend(parts.extensions);
            e.insert(extension);
        }
        match builder.body(body) {
            Ok(r) => reqwest::Response::from(r),
            // The parts came from a valid response; building them again cannot fail.
            Err(_) => reqwest::Response::from(http::Response::new(Bytes::new())),
        }
    }
}

fn original_len(h: &http::HeaderMap) -> u64 {
    h.get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX)
}

/// The request body's bytes (empty when there is none).
pub(crate) fn request_body(req: &reqwest::Request) -> Result<Vec<u8>, Error> {
    match req.body() {
        None => Ok(Vec::new()),
        Some(b) => b.as_bytes().map(<[u8]>::to_vec).ok_or(Error::StreamingBody),
    }
}

/// The path and query of `url`, as signed by WeChat Pay.
pub(crate) fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{}", url.path(), q),
        None => url.path().to_string(),
    }
}
