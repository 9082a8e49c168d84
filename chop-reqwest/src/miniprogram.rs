//! WeChat Mini Program API security: seal every request, open every response.

use bytes::Bytes;
use chop::miniprogram::{OpenedResponse, RequestSealer, ResponseOpener, SealedRequest, Verified};
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use crate::body::{request_body, Buffered};
use crate::{mw, Download};

/// Seals (encrypts and signs) every Mini Program API request and opens
/// (verifies and decrypts) every response.
///
/// Send the API's plain JSON body; the middleware replaces it with the sealed
/// body and adds the `Wechatmp-*` headers. The response body you read is the
/// decrypted JSON, and [`MiniProgramOpened`] in the response's extensions
/// holds every intermediate (sign strings, AAD, the certificate that verified,
/// a rotation in progress). A response that does not open is an error: the
/// core's [`chop::miniprogram::OpenError`] (an unsigned `errcode` answer such
/// as 40234 is [`chop::miniprogram::OpenError::Unverified`]).
///
/// ```
/// use chop::key::{Certificate, RsaPrivateKey};
/// use chop::miniprogram::{PlatformCertificates, RequestSealer, ResponseOpener};
/// use chop::secret::SecretBytes;
/// use chop_reqwest::MiniProgramMiddleware;
/// # let key_pem = std::fs::read("../vectors/keys/miniprogram/api_signature_app_private_key_97845f6ed842ea860df6fdf65941ff56.pem")?;
/// # let cert_pem = std::fs::read("../vectors/keys/miniprogram/api_signature_platform_cert_79ba700ea147819f640941bceb38b1d1.pem")?;
/// let sym = || SecretBytes::new(vec![7; 32]); // the API symmetric key, decoded
/// let sealer = RequestSealer::new("wxba6223c06417af7b", sym(), "fa05fe1e5bcc79b81ad5ad4b58acf787",
///     RsaPrivateKey::load(&key_pem, None)?);
/// let mut certs = PlatformCertificates::default();
/// certs.insert("79ba700ea147819f640941bceb38b1d1", &Certificate::load(&cert_pem)?)?;
/// let opener = ResponseOpener::new("wxba6223c06417af7b", sym(), "fa05fe1e5bcc79b81ad5ad4b58acf787", certs);
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(MiniProgramMiddleware::new(sealer, opener))
///     .build();
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MiniProgramMiddleware {
    sealer: RequestSealer,
    opener: ResponseOpener,
}

/// A response extension: the sealed request and the opened response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MiniProgramOpened {
    /// The request as sealed (plaintext, AAD, body, sign string, headers).
    pub sealed: SealedRequest,
    /// The response as opened: plaintext, AAD and rotation, with the sign
    /// string, certificate number and timestamp that verified.
    pub opened: Verified<OpenedResponse>,
}

impl MiniProgramMiddleware {
    /// A middleware sealing with `sealer` and opening with `opener`.
    pub fn new(sealer: RequestSealer, opener: ResponseOpener) -> Self {
        Self { sealer, opener }
    }
}

#[async_trait::async_trait]
impl Middleware for MiniProgramMiddleware {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let data = request_body(&req).map_err(mw)?;
        let url = req.url().to_string();
        let sealed = self.sealer.seal(&url, &data).map_err(mw)?;
        sealed.instructions().apply_to_headers(req.headers_mut());
        *req.body_mut() = Some(sealed.body.clone().into());
        let download = extensions.get::<Download>().is_some();
        let response = next.run(req, extensions).await?;
        if download && response.status().is_success() {
            return Ok(response);
        }
        let buffered = Buffered::read(response).await?;
        let opened = self
            .opener
            .open_response(&url, &buffered.response)
            .map_err(mw)?;
        if let Some(rotation) = &opened.value().rotation {
            tracing::warn!(%rotation, "chop: Mini Program platform certificate rotation");
        }
        let body = Bytes::from(opened.value().plaintext.clone());
        Ok(buffered.into_response(Some(body), MiniProgramOpened { sealed, opened }))
    }
}
