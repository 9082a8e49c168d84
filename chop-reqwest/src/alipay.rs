//! Alipay open platform (v2 gateway): sign every request, verify every response.

use std::sync::Arc;

use bytes::Bytes;
use chop::alipay::{
    decrypt_content, encrypt_content, sign_params, verify_response, AesKey, AlipayPublicKey,
    Params, SignContent, SignType,
};
use chop::signer::Signer;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use crate::body::{request_body, Buffered};
use crate::error::Error;
use crate::{mw, Download};

/// Signs every Alipay gateway request and verifies every response.
///
/// Send the gateway parameters (`app_id`, `method`, `charset`, `version`,
/// `timestamp`, `biz_content`, …) in the query string, the form body, or
/// both. The middleware adds `sign_type` (and `app_cert_sn` /
/// `alipay_root_cert_sn` in certificate mode) when absent, encrypts
/// `biz_content` when content encryption is on, signs every parameter of
/// both places ([`chop::alipay::SignContent::for_request`]) and appends
/// `sign` to the query string.
///
/// The response's `…_response` is verified over its raw bytes with the Alipay
/// public key; with content encryption its encrypted content is decrypted and
/// the body you read becomes `{"<method>_response":<decrypted JSON>}`.
/// [`AlipayVerified`] in the response's extensions holds the sign contents.
/// Failures are the core's typed errors ([`chop::alipay::SignRequestError`],
/// [`chop::alipay::VerifyError`], [`chop::alipay::AesError`]).
///
/// ```
/// use chop::alipay::{AlipayPublicKey, SignType};
/// use chop::key::RsaPrivateKey;
/// use chop_reqwest::AlipayMiddleware;
/// # let app_key = std::fs::read("../vectors/keys/generated/key-pkcs8.b64")?;
/// # let alipay_pem = std::fs::read("../vectors/keys/generated/pub-spki.pem")?;
/// let middleware = AlipayMiddleware::new(
///     RsaPrivateKey::load(&app_key, None)?, SignType::Rsa2, AlipayPublicKey::load(&alipay_pem)?);
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(middleware).build();
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct AlipayMiddleware {
    signer: Arc<dyn Signer>,
    sign_type: SignType,
    alipay_key: AlipayPublicKey,
    aes: Option<AesKey>,
    app_cert_sn: Option<String>,
    root_cert_sn: Option<String>,
}

/// A response extension: what was signed and what verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlipayVerified {
    /// The request's sign content (every parameter but `sign`, sorted).
    pub request_sign_content: SignContent,
    /// The response member verified, e.g. `alipay_trade_query_response`.
    pub response_key: String,
    /// The response's exact signed bytes.
    pub response_sign_content: SignContent,
    /// Whether the response content was encrypted (and has been decrypted).
    pub encrypted: bool,
}

impl AlipayMiddleware {
    /// Signs with the app private key (`signer`, 应用私钥) as `sign_type` and
    /// verifies with the Alipay public key (支付宝公钥, or the Alipay public key
    /// certificate in certificate mode).
    pub fn new(
        signer: impl Signer + 'static,
        sign_type: SignType,
        alipay_key: AlipayPublicKey,
    ) -> Self {
        Self {
            signer: Arc::new(signer),
            sign_type,
            alipay_key,
            aes: None,
            app_cert_sn: None,
            root_cert_sn: None,
        }
    }

    /// Turns on content encryption (接口内容加密) with the app's AES key:
    /// `biz_content` is encrypted (`encrypt_type=AES`) and encrypted
    /// responses are decrypted.
    pub fn with_content_encryption(mut self, key: AesKey) -> Self {
        self.aes = Some(key);
        self
    }

    /// Certificate mode: sends `app_cert_sn` and `alipay_root_cert_sn`.
    pub fn with_cert_sns(mut self, app_cert_sn: String, alipay_root_cert_sn: String) -> Self {
        self.app_cert_sn = Some(app_cert_sn);
        self.root_cert_sn = Some(alipay_root_cert_sn);
        self
    }

    /// Adds the parameters, signs, and rewrites the request. Returns the
    /// method name and the sign content.
    fn sign(&self, req: &mut Request) -> reqwest_middleware::Result<(String, SignContent)> {
        let body = request_body(req).map_err(mw)?;
        let mut form = if body.is_empty() {
            Params::new()
        } else {
            Params::from_form(&body).map_err(|e| {
                mw(Error::AlipayBody {
                    reason: e.to_string(),
                })
            })?
        };
        let mut query = Params::new();
        for (k, v) in req.url().query_pairs() {
            query.push(k.into_owned(), v.into_owned()).map_err(|e| {
                mw(Error::AlipayBody {
                    reason: e.to_string(),
                })
            })?;
        }
        let has = |k: &str, q: &Params, f: &Params| q.get(k).is_some() || f.get(k).is_some();
        if !has("sign_type", &query, &form) {
            query.set("sign_type", self.sign_type.to_string());
        }
        if let (Some(app), Some(root)) = (&self.app_cert_sn, &self.root_cert_sn) {
            if !has("app_cert_sn", &query, &form) {
                query.set("app_cert_sn", app.clone());
                query.set("alipay_root_cert_sn", root.clone());
            }
        }
        if let Some(aes) = &self.aes {
            for p in [&mut query, &mut form] {
                if let Some(content) = p.get("biz_content").map(str::to_string) {
                    p.set(
                        "biz_content",
                        encrypt_content(aes, content.as_bytes()).map_err(mw)?,
                    );
                }
            }
            if !has("encrypt_type", &query, &form) {
                query.set("encrypt_type", "AES");
            }
        }
        let method = query
            .get("method")
            .or_else(|| form.get("method"))
            .map(str::to_string)
            .ok_or_else(|| mw(Error::AlipayNoMethod))?;
        let mut all = query.clone();
        for (k, v) in form.iter() {
            all.set(k, v);
        }
        let signed = sign_params(&all, self.sign_type, self.signer.as_ref()).map_err(mw)?;
        query.set("sign", signed.sign);
        let encoded = encode(&query);
        req.url_mut().set_query(Some(&encoded));
        if !form.is_empty() {
            *req.body_mut() = Some(encode(&form).into());
            req.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded;charset=utf-8"),
            );
        }
        Ok((method, signed.sign_content))
    }
}

#[async_trait::async_trait]
impl Middleware for AlipayMiddleware {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let (method, request_sign_content) = self.sign(&mut req)?;
        let download = extensions.get::<Download>().is_some();
        let response = next.run(req, extensions).await?;
        if download && response.status().is_success() {
            return Ok(response);
        }
        let buffered = Buffered::read(response).await?;
        let verified = verify_response(
            buffered.response.body(),
            Some(&method),
            Some(self.sign_type),
            &self.alipay_key,
        )
        .map_err(mw)?;
        let parts = verified.value();
        let body = match (&self.aes, parts.encrypted) {
            (Some(aes), true) => {
                let ciphertext: String = serde_json::from_str(parts.sign_content.as_str())
                    .map_err(|e| {
                        mw(Error::AlipayContent {
                            reason: e.to_string(),
                        })
                    })?;
                let plain = decrypt_content(aes, &ciphertext).map_err(mw)?;
                Some(Bytes::from(format!(
                    "{{\"{}\":{}}}",
                    parts.response_key, plain
                )))
            }
            _ => None,
        };
        let ext = AlipayVerified {
            request_sign_content,
            response_key: parts.response_key.clone(),
            response_sign_content: parts.sign_content.clone(),
            encrypted: parts.encrypted,
        };
        Ok(buffered.into_response(body, ext))
    }
}

/// The form encoding of `params`, in order.
fn encode(params: &Params) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.iter() {
        s.append_pair(k, v);
    }
    s.finish()
}
