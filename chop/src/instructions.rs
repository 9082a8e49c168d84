//! [`SigningInstructions`]: what to change on a request once it is signed —
//! the headers to set, each marked sensitive when it is a credential, and the
//! query string — with one [`SigningInstructions::apply_to`] for
//! `http::Request` (the shape of aws-sigv4's `SigningInstructions`).
//!
//! Signing itself is a pure function that returns these; every platform's
//! signed result carries them, and the HTTP integrations only apply them.
//!
//! ```
//! use chop::instructions::{SetMode, SigningInstructions};
//! let mut i = SigningInstructions::default();
//! i.set_header("authorization", "WECHATPAY2-SHA256-RSA2048 mchid=\"1\"", SetMode::Replace, true)?;
//! i.set_header("accept", "application/json", SetMode::IfAbsent, false)?;
//! let mut req = http::Request::get("https://api.mch.weixin.qq.com/v3/certificates")
//!     .header("accept", "*/*")
//!     .body(())?;
//! i.apply_to(&mut req);
//! assert!(req.headers()["authorization"].is_sensitive());
//! assert_eq!(req.headers()["accept"], "*/*"); // set only when absent
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::uri::{PathAndQuery, Uri};

/// Whether a header replaces one the request already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetMode {
    /// Set it, replacing any value the request has (the signature headers).
    Replace,
    /// Set it only when the request has none (defaults such as `Accept`).
    IfAbsent,
}

/// One header to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInstruction {
    /// The header's name.
    pub name: HeaderName,
    /// Its value; [`HeaderValue::is_sensitive`] is set for credentials.
    pub value: HeaderValue,
    /// Whether it replaces an existing value.
    pub mode: SetMode,
}

/// The headers (and, for Alipay, the query string) a signed request needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SigningInstructions {
    headers: Vec<HeaderInstruction>,
    query: Option<Vec<(String, String)>>,
}

/// A header name or value that cannot go into an HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {name} header cannot hold this value: it contains a character not allowed in an HTTP header")]
pub struct InvalidHeader {
    /// The header's name, as given.
    pub name: String,
}

impl SigningInstructions {
    /// Adds a header to set; `sensitive` marks a credential (it is then
    /// redacted by HTTP libraries that honour [`HeaderValue::set_sensitive`]).
    /// A second instruction for the same name replaces the first.
    ///
    /// # Errors
    /// [`InvalidHeader`] when the name or value cannot go into an HTTP header.
    pub fn set_header(
        &mut self,
        name: &str,
        value: &str,
        mode: SetMode,
        sensitive: bool,
    ) -> Result<(), InvalidHeader> {
        let invalid = || InvalidHeader {
            name: name.to_string(),
        };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let mut value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        value.set_sensitive(sensitive);
        self.headers.retain(|h| h.name != name);
        self.headers.push(HeaderInstruction { name, value, mode });
        Ok(())
    }

    /// Sets the whole query string to these parameters, in order,
    /// form-encoded (Alipay's gateway parameters and `sign`).
    pub fn set_query(&mut self, params: Vec<(String, String)>) {
        self.query = Some(params);
    }

    /// The headers to set, in order.
    pub fn headers(&self) -> &[HeaderInstruction] {
        &self.headers
    }

    /// The value to set for the header `name` (any case), if any.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name.as_str().eq_ignore_ascii_case(name))
            .map(|h| &h.value)
    }

    /// The query parameters to send, in order, when the signature covers them.
    pub fn query_params(&self) -> Option<&[(String, String)]> {
        self.query.as_deref()
    }

    /// The query string to send (form-encoded [`SigningInstructions::query_params`]).
    pub fn query(&self) -> Option<String> {
        self.query.as_ref().map(|params| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params {
                s.append_pair(k, v);
            }
            s.finish()
        })
    }

    /// Sets the headers on `map`.
    pub fn apply_to_headers(&self, map: &mut HeaderMap) {
        for h in &self.headers {
            match h.mode {
                SetMode::Replace => {
                    map.insert(h.name.clone(), h.value.clone());
                }
                SetMode::IfAbsent => {
                    map.entry(h.name.clone()).or_insert_with(|| h.value.clone());
                }
            }
        }
    }

    /// Sets the headers and, when there is one, the query string on `request`.
    pub fn apply_to<B>(&self, request: &mut http::Request<B>) {
        self.apply_to_headers(request.headers_mut());
        if let Some(query) = self.query() {
            let uri = request.uri();
            let target = if query.is_empty() {
                uri.path().to_string()
            } else {
                format!("{}?{query}", uri.path())
            };
            let mut parts = uri.clone().into_parts();
            // The path came from a valid URI and the query is form-encoded,
            // so the new target always parses.
            if let Ok(pq) = PathAndQuery::try_from(target) {
                parts.path_and_query = Some(pq);
                if let Ok(uri) = Uri::from_parts(parts) {
                    *request.uri_mut() = uri;
                }
            }
        }
    }
}
