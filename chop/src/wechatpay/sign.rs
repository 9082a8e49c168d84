//! Signing WeChat Pay v3 requests.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::authorization::{check_field, Authorization, Schema};
use super::{RequestError, SignString};
use crate::clock::{Clock, NonceSource, RandomNonce, SystemClock};
use crate::instructions::{InvalidHeader, SetMode, SigningInstructions};
use crate::signer::{SignatureScheme, Signer};

/// The `User-Agent` chop sends when the request has none.
pub const USER_AGENT_VALUE: &str = concat!(
    "chop/",
    env!("CARGO_PKG_VERSION"),
    " (+https://crates.io/crates/chop)"
);

/// Who signs: a merchant or partner (`mchid`), or a brand (`brand_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// A merchant (直连商户) or partner (服务商, whose own `sp_mchid` goes here).
    Merchant {
        /// The merchant id (商户号).
        mchid: String,
    },
    /// A brand (品牌), for the brand API.
    Brand {
        /// The brand id (品牌ID).
        brand_id: String,
    },
}

impl Identity {
    fn schema(&self) -> Schema {
        match self {
            Identity::Merchant { .. } => Schema::Merchant,
            Identity::Brand { .. } => Schema::Brand,
        }
    }

    fn id(&self) -> &str {
        match self {
            Identity::Merchant { mchid } => mchid,
            Identity::Brand { brand_id } => brand_id,
        }
    }
}

/// Signs WeChat Pay v3 requests for one merchant (or brand) and certificate.
///
/// Build it once at start-up and share it; it holds the parsed key.
///
/// ```
/// use chop::clock::{FixedClock, FixedNonce};
/// use chop::key::RsaPrivateKey;
/// use chop::wechatpay::RequestSigner;
///
/// # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
/// let key = RsaPrivateKey::load(&pem, None)?;
/// let signer = RequestSigner::merchant("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", key)
///     .with_clock(FixedClock(1554208460))
///     .with_nonces(FixedNonce::new("593BEC0C930BF1AFEB40B4A08C8FB242"));
/// let signed = signer.sign("GET", "https://api.mch.weixin.qq.com/v3/certificates", b"")?;
/// assert!(signed.signature.starts_with("JNEITrKv8DWEtBJGZtxG9ARa"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestSigner {
    identity: Identity,
    scheme: SignatureScheme,
    serial_no: String,
    signer: Arc<dyn Signer>,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
}

/// The result of signing one request: every intermediate, printable exactly,
/// and the headers to set ([`SignedRequest::instructions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The exact bytes that were signed.
    pub sign_string: SignString,
    /// Base64 of the signature.
    pub signature: String,
    /// The `Authorization` header.
    pub authorization: Authorization,
    instructions: SigningInstructions,
}

impl SignedRequest {
    /// The `Authorization` header value.
    pub fn authorization_header(&self) -> String {
        self.authorization.to_string()
    }

    /// The headers to set: `Authorization` (marked sensitive), and, when the
    /// request has none, `Accept: application/json`, a `User-Agent`, for a
    /// non-empty body `Content-Type: application/json`, and `Wechatpay-Serial`
    /// when [`SignedRequest::set_wechatpay_serial`] added it.
    pub fn instructions(&self) -> &SigningInstructions {
        &self.instructions
    }

    /// Also sends `Wechatpay-Serial: serial` (the platform certificate serial
    /// or `PUB_KEY_ID_…` that sensitive fields were encrypted for) unless the
    /// request names one itself.
    ///
    /// # Errors
    /// [`RequestError::Field`] when `serial` cannot go into the header; the
    /// instructions are then unchanged.
    pub fn set_wechatpay_serial(&mut self, serial: &str) -> Result<(), RequestError> {
        check_field("Wechatpay-Serial", serial)?;
        self.instructions
            .set_header("wechatpay-serial", serial, SetMode::IfAbsent, false)
            .map_err(header_error)
    }

    /// Sets the headers on `request` (see [`SignedRequest::instructions`]).
    pub fn apply_to<B>(&self, request: &mut http::Request<B>) {
        self.instructions.apply_to(request);
    }
}

impl RequestSigner {
    /// A signer for merchant and partner APIs (`WECHATPAY2-SHA256-RSA2048`).
    ///
    /// `serial_no` is the merchant API certificate's serial (not a platform
    /// certificate's); `key` is its private key, or any [`Signer`] (HSM, KMS).
    pub fn merchant(
        mchid: impl Into<String>,
        serial_no: impl Into<String>,
        key: impl Signer + 'static,
    ) -> Self {
        Self::new(
            Identity::Merchant {
                mchid: mchid.into(),
            },
            serial_no,
            key,
        )
    }

    /// A signer for the brand API (`WECHATPAY-BRAND-SHA256-RSA2048`).
    pub fn brand(
        brand_id: impl Into<String>,
        serial_no: impl Into<String>,
        key: impl Signer + 'static,
    ) -> Self {
        Self::new(
            Identity::Brand {
                brand_id: brand_id.into(),
            },
            serial_no,
            key,
        )
    }

    /// A 国密 signer for merchant and partner APIs (`WECHATPAY2-SM2-WITH-SM3`):
    /// SM2 with SM3, user ID `1234567812345678`, DER signature. `key` is an
    /// SM2 private key (`chop::key::Sm2PrivateKey`) or any [`Signer`]
    /// that signs [`SignatureScheme::Sm2Sm3`].
    ///
    /// ```
    /// # #[cfg(feature = "sm")] {
    /// use chop::key::Sm2PrivateKey;
    /// use chop::wechatpay::RequestSigner;
    /// # let pem = std::fs::read("../vectors/keys/upstream/java_shangmi_sm2_merchant_private_key.pem").unwrap();
    /// let signer = RequestSigner::merchant_sm2("1900009191", "54E7F59ED8DF4570CFB14780EA8152D45A675EE6", Sm2PrivateKey::load(&pem).unwrap());
    /// let signed = signer.sign("GET", "/v3/certificates", b"").unwrap();
    /// assert!(signed.authorization_header().starts_with("WECHATPAY2-SM2-WITH-SM3 mchid=\"1900009191\""));
    /// # }
    /// ```
    pub fn merchant_sm2(
        mchid: impl Into<String>,
        serial_no: impl Into<String>,
        key: impl Signer + 'static,
    ) -> Self {
        let mut s = Self::merchant(mchid, serial_no, key);
        s.scheme = SignatureScheme::Sm2Sm3;
        s
    }

    /// A signer for `identity`.
    pub fn new(
        identity: Identity,
        serial_no: impl Into<String>,
        key: impl Signer + 'static,
    ) -> Self {
        Self {
            identity,
            scheme: SignatureScheme::RsaPkcs1Sha256,
            serial_no: serial_no.into(),
            signer: Arc::new(key),
            clock: Arc::new(SystemClock),
            nonces: Arc::new(RandomNonce),
        }
    }

    /// Uses `clock` for timestamps (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Uses `nonces` for nonces (default: 32 uppercase hex characters from the CSPRNG).
    pub fn with_nonces(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Who signs.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Signs a request with the current time and a fresh nonce.
    ///
    /// `url` is a full URL or a path with its query, exactly as it will be sent;
    /// `body` is the exact body bytes that will be sent (empty for GET).
    ///
    /// # Errors
    /// [`RequestError`] for a malformed method, URL or field, or a failed signer.
    pub fn sign(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
    ) -> Result<SignedRequest, RequestError> {
        let nonce = self.nonces.nonce()?;
        self.sign_at(method, url, body, self.clock.now_unix(), &nonce)
    }

    /// Signs with a given timestamp and nonce (to reproduce a vector).
    ///
    /// # Errors
    /// As [`RequestSigner::sign`].
    pub fn sign_at(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
        timestamp: i64,
        nonce: &str,
    ) -> Result<SignedRequest, RequestError> {
        let schema = match (self.scheme, &self.identity) {
            (SignatureScheme::Sm2Sm3, Identity::Merchant { .. }) => Schema::MerchantSm2,
            _ => self.identity.schema(),
        };
        check_field(schema.id_field(), self.identity.id())?;
        check_field("serial_no", &self.serial_no)?;
        let sign_string = SignString::request(method, url, timestamp, nonce, body)?;
        let raw = self.signer.sign(self.scheme, sign_string.as_bytes())?;
        let signature = STANDARD.encode(raw);
        let authorization = Authorization {
            schema,
            id: self.identity.id().to_string(),
            nonce_str: nonce.to_string(),
            timestamp: timestamp.to_string(),
            serial_no: self.serial_no.clone(),
            signature: signature.clone(),
        };
        let mut instructions = SigningInstructions::default();
        let json = "application/json";
        let mut set = |name, value: &str, mode, sensitive| {
            instructions
                .set_header(name, value, mode, sensitive)
                .map_err(header_error)
        };
        set(
            "authorization",
            &authorization.to_string(),
            SetMode::Replace,
            true,
        )?;
        set("accept", json, SetMode::IfAbsent, false)?;
        set("user-agent", USER_AGENT_VALUE, SetMode::IfAbsent, false)?;
        if !body.is_empty() {
            set("content-type", json, SetMode::IfAbsent, false)?;
        }
        Ok(SignedRequest {
            sign_string,
            signature,
            authorization,
            instructions,
        })
    }

    /// Signs an `http::Request` as it will be sent: the signed URL is the
    /// request URI's path and query, the signed body its body bytes. Set the
    /// headers with [`SignedRequest::apply_to`].
    ///
    /// ```
    /// # use chop::{clock::*, key::RsaPrivateKey, wechatpay::RequestSigner};
    /// # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
    /// # let signer = RequestSigner::merchant("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", RsaPrivateKey::load(&pem, None)?);
    /// let mut req = http::Request::get("https://api.mch.weixin.qq.com/v3/certificates").body(Vec::new())?;
    /// let signed = signer.sign_request(&req)?;
    /// signed.apply_to(&mut req);
    /// let auth = &req.headers()["authorization"];
    /// assert!(auth.to_str()?.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\""));
    /// assert!(auth.is_sensitive());
    /// assert_eq!(req.headers()["accept"], "application/json");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`RequestSigner::sign`].
    pub fn sign_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<SignedRequest, RequestError> {
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        self.sign(request.method().as_str(), target, request.body().as_ref())
    }
}

fn header_error(e: InvalidHeader) -> RequestError {
    RequestError::Field {
        field: "header",
        reason: e.to_string(),
    }
}
