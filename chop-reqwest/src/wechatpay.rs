//! WeChat Pay API v3: sign every request, verify every response, keep the
//! platform certificates fresh.

mod refresh;

use std::sync::Arc;

use bytes::Bytes;
use chop::clock::{Clock, SystemClock};
use chop::wechatpay::{RequestSigner, ResponseVerifier, SignedRequest, Verified, VerifyError};
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

pub use refresh::{CertificateRefresher, RefreshError, RefreshReport};

use crate::body::{path_and_query, request_body, Buffered};
use crate::{mw, Download};

/// Signs every WeChat Pay request and verifies every response.
///
/// Configured once with the merchant's [`RequestSigner`] (mchid, serial,
/// private key) and a [`ResponseVerifier`] over the platform keys (platform
/// certificates, the WeChat Pay public key, or both during a migration). With
/// [`WechatPayMiddleware::with_refresher`] it also downloads the platform
/// certificates when they are due and when a response names an unknown serial.
///
/// On the way out it sets `Authorization`, `Accept`, `User-Agent`,
/// `Content-Type` (for a body) and `Wechatpay-Serial` (the key sensitive
/// fields are encrypted for, unless the request sets it). On the way back it
/// buffers the body and verifies it; the response then carries
/// [`WechatPaySigned`] and [`WechatPayVerified`] in its extensions. A response
/// that does not verify is an error: the core's [`VerifyError`] (an unsigned
/// error response, such as a gateway's `401 SIGN_ERROR`, is
/// [`VerifyError::UnsignedErrorResponse`] with its parsed body).
///
/// ```
/// use chop::key::RsaPrivateKey;
/// use chop::wechatpay::{MemoryKeyStore, RequestSigner, ResponseVerifier};
/// use chop_reqwest::WechatPayMiddleware;
/// # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
/// let signer = RequestSigner::merchant("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", RsaPrivateKey::load(&pem, None)?);
/// let verifier = ResponseVerifier::with_store(std::sync::Arc::new(MemoryKeyStore::new()));
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(WechatPayMiddleware::new(signer, verifier))
///     .build();
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct WechatPayMiddleware {
    signer: RequestSigner,
    verifier: ResponseVerifier,
    refresher: Option<Arc<CertificateRefresher>>,
    clock: Arc<dyn Clock>,
}

/// A response extension: how its request was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatPaySigned(pub SignedRequest);

/// A response extension: the core's proof that the response verified — the
/// exact `TIMESTAMP\nNONCE\nBODY\n`, the serial (or `PUB_KEY_ID_…`) of the
/// key and `Wechatpay-Timestamp` (the body is the response's own).
pub type WechatPayVerified = Verified<()>;

impl WechatPayMiddleware {
    /// A middleware signing with `signer` and verifying with `verifier`.
    pub fn new(signer: RequestSigner, verifier: ResponseVerifier) -> Self {
        Self {
            signer,
            verifier,
            refresher: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Downloads the platform certificates with `refresher` when they are due
    /// (in the background) and when a response names a serial no key has
    /// (waiting for it, then verifying again). Give the refresher the
    /// verifier's store.
    pub fn with_refresher(mut self, refresher: Arc<CertificateRefresher>) -> Self {
        self.refresher = Some(refresher);
        self
    }

    /// Uses `clock` to choose the `Wechatpay-Serial` key (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The refresher, if any.
    pub fn refresher(&self) -> Option<&Arc<CertificateRefresher>> {
        self.refresher.as_ref()
    }

    fn sign(&self, req: &mut Request) -> Result<SignedRequest, reqwest_middleware::Error> {
        let body = request_body(req).map_err(mw)?;
        let target = path_and_query(req.url());
        let mut signed = self
            .signer
            .sign(req.method().as_str(), &target, &body)
            .map_err(mw)?;
        let now = self.clock.now_unix();
        if let Some(key) = self.verifier.store().for_encryption(now) {
            // A key id that cannot go into a header is not sent (as before signing).
            let _ = signed.set_wechatpay_serial(key.id());
        }
        signed.instructions().apply_to_headers(req.headers_mut());
        Ok(signed)
    }

    fn verify(&self, buffered: &Buffered) -> Result<WechatPayVerified, VerifyError> {
        let verified = self.verifier.verify_response(&buffered.response)?;
        Ok(verified.map(|_| ()))
    }
}

#[async_trait::async_trait]
impl Middleware for WechatPayMiddleware {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        if let Some(r) = &self.refresher {
            r.refresh_in_background_if_due();
        }
        let signed = self.sign(&mut req)?;
        let download = extensions.get::<Download>().is_some();
        let response = next.run(req, extensions).await?;
        if download && response.status().is_success() {
            let mut response = response;
            response.extensions_mut().insert(WechatPaySigned(signed));
            return Ok(response);
        }
        let buffered = Buffered::read(response).await?;
        let verified = match self.verify(&buffered) {
            Ok(v) => v,
            Err(VerifyError::UnknownSerial { serial, known }) => match &self.refresher {
                Some(r) if r.refresh_for_unknown_serial(&serial).await => {
                    self.verify(&buffered).map_err(mw)?
                }
                _ => return Err(mw(VerifyError::UnknownSerial { serial, known })),
            },
            Err(e) => return Err(mw(e)),
        };
        let mut response = buffered.into_response(None::<Bytes>, verified);
        response.extensions_mut().insert(WechatPaySigned(signed));
        Ok(response)
    }
}
