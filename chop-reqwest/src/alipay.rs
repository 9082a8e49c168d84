//! Alipay open platform (v2 gateway): sign every request, verify every response.

use bytes::Bytes;
use chop::alipay::{AesKey, AlipayPublicKey, Gateway, SignContent, SignType};
use chop::signer::Signer;
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use crate::body::{request_body, Buffered};
use crate::{mw, Download};

/// Signs every Alipay gateway request and verifies every response, following
/// the core's [`chop::alipay::Gateway`] rules.
///
/// Send the gateway parameters (`app_id`, `method`, `charset`, `version`,
/// `timestamp`, `biz_content`, …) in the query string, the form body, or
/// both. The gateway adds `sign_type` (and `app_cert_sn` /
/// `alipay_root_cert_sn` in certificate mode) when absent, encrypts
/// `biz_content` when content encryption is on, signs every parameter of
/// both places ([`chop::alipay::SignContent::for_request`]) and appends
/// `sign` to the query string ([`chop::alipay::Gateway::prepare`]).
///
/// The response's `…_response` is verified over its raw bytes with the Alipay
/// public key; with content encryption its encrypted content is decrypted and
/// the body you read becomes `{"<method>_response":<decrypted JSON>}`
/// ([`chop::alipay::Gateway::open_response`]). [`AlipayVerified`] in the
/// response's extensions holds the sign contents. Failures are the core's
/// [`chop::alipay::GatewayError`], whose source is the typed error of the
/// step that failed ([`chop::alipay::VerifyError`],
/// [`chop::alipay::SignRequestError`], [`chop::alipay::AesError`]).
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
    gateway: Gateway,
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
        Self::with_gateway(Gateway::new(signer, sign_type, alipay_key))
    }

    /// A middleware following `gateway`'s settings.
    pub fn with_gateway(gateway: Gateway) -> Self {
        Self { gateway }
    }

    /// Turns on content encryption (接口内容加密) with the app's AES key:
    /// `biz_content` is encrypted (`encrypt_type=AES`) and encrypted
    /// responses are decrypted.
    pub fn with_content_encryption(self, key: AesKey) -> Self {
        Self::with_gateway(self.gateway.with_content_encryption(key))
    }

    /// Certificate mode: sends `app_cert_sn` and `alipay_root_cert_sn`.
    pub fn with_cert_sns(self, app_cert_sn: String, alipay_root_cert_sn: String) -> Self {
        Self::with_gateway(self.gateway.with_cert_sns(app_cert_sn, alipay_root_cert_sn))
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
        let body = request_body(&req).map_err(mw)?;
        let prepared = self.gateway.prepare(req.url().query(), &body).map_err(mw)?;
        let instructions = prepared.instructions();
        req.url_mut().set_query(instructions.query().as_deref());
        instructions.apply_to_headers(req.headers_mut());
        if let Some(form) = prepared.body() {
            *req.body_mut() = Some(form.into());
        }
        let download = extensions.get::<Download>().is_some();
        let response = next.run(req, extensions).await?;
        if download && response.status().is_success() {
            return Ok(response);
        }
        let buffered = Buffered::read(response).await?;
        let opened = self
            .gateway
            .open_response(buffered.response.body(), &prepared.method)
            .map_err(mw)?
            .into_value();
        let ext = AlipayVerified {
            request_sign_content: prepared.sign_content,
            response_key: opened.response.response_key,
            response_sign_content: opened.response.sign_content,
            encrypted: opened.response.encrypted,
        };
        Ok(buffered.into_response(opened.decrypted_body.map(Bytes::from), ext))
    }
}
