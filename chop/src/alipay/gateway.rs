//! One app's calls to the Alipay v2 gateway (`gateway.do`): the rules for
//! preparing a request (which parameters to add and sign, content
//! encryption) and for opening its response (verify, then decrypt).
//!
//! Sans-I/O: [`Gateway::prepare`] turns the query string and form body an app
//! wrote into a [`GatewayRequest`] to send, and [`Gateway::open_response`]
//! turns the bytes that came back into a [`GatewayResponse`].
//!
//! ```
//! use chop::alipay::{AlipayPublicKey, Gateway, SignType};
//! use chop::key::RsaPrivateKey;
//! # let app_key = std::fs::read("../vectors/keys/generated/key-pkcs8.b64").unwrap();
//! # let alipay_pem = std::fs::read("../vectors/keys/generated/pub-spki.pem").unwrap();
//! let gateway = Gateway::new(RsaPrivateKey::load(&app_key, None)?, SignType::Rsa2,
//!     AlipayPublicKey::load(&alipay_pem)?);
//! let mut req = http::Request::post("https://openapi.alipay.com/gateway.do?charset=utf-8")
//!     .body("app_id=2021000122671080&method=alipay.trade.query&biz_content=%7B%7D".to_string())?;
//! let prepared = gateway.prepare_request(&req)?;
//! assert_eq!(prepared.method, "alipay.trade.query");
//! assert!(prepared.sign_content.as_str().contains("&sign_type=RSA2"));
//! prepared.apply_to(&mut req);
//! assert!(req.uri().query().unwrap().contains("&sign="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use super::verify::verify_response;
use super::{
    decrypt_content, encrypt_content, sign_params, AesError, AesKey, AlipayPublicKey, Params,
    ParamsError, SignContent, SignRequestError, SignType, SignedResponse, Verified, VerifyError,
};
use crate::instructions::{SetMode, SigningInstructions};
use crate::signer::Signer;

/// The `Content-Type` of a gateway form body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=utf-8";

/// An app's gateway settings: its private key and sign type, the Alipay
/// public key, and optionally certificate mode and content encryption.
/// Build it once and share it.
#[derive(Debug, Clone)]
pub struct Gateway {
    signer: Arc<dyn Signer>,
    sign_type: SignType,
    alipay_key: AlipayPublicKey,
    aes: Option<AesKey>,
    cert_sns: Option<(String, String)>,
}

/// A prepared gateway request: what was signed and what to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GatewayRequest {
    /// The API, e.g. `alipay.trade.query` (its response is `alipay_trade_query_response`).
    pub method: String,
    /// The exact content signed: every parameter of the query and the form but `sign`.
    pub sign_content: SignContent,
    /// The query parameters to send, `sign` last.
    pub query: Params,
    /// The form parameters to send (`biz_content` encrypted with content
    /// encryption); empty when the request has no form body.
    pub form: Params,
    instructions: SigningInstructions,
}

/// A verified gateway response, decrypted when its content was encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GatewayResponse {
    /// The parts of the response as received.
    pub response: SignedResponse,
    /// For encrypted content, the body an app reads instead of the one
    /// received: `{"<method>_response":<decrypted JSON>}`.
    pub decrypted_body: Option<String>,
}

/// Why a gateway request could not be prepared or its response opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The request names no `method`.
    #[error("the Alipay request has no `method` parameter: put method=alipay.trade.query (or the API you call) in the query string or the form body")]
    NoMethod,
    /// The query string cannot be read as parameters.
    #[error("the Alipay request's query string cannot be read as gateway parameters")]
    Query(#[source] ParamsError),
    /// The body is not a form.
    #[error("the Alipay request body is not application/x-www-form-urlencoded: send the gateway parameters as a form or in the query string")]
    Form(#[source] ParamsError),
    /// `biz_content` could not be encrypted.
    #[error("cannot encrypt biz_content")]
    Encrypt(#[source] AesError),
    /// The request could not be signed.
    #[error("cannot sign the Alipay request")]
    Sign(#[source] SignRequestError),
    /// The response did not verify.
    #[error("the Alipay response did not verify")]
    Verify(#[source] VerifyError),
    /// The encrypted content is not a JSON string.
    #[error("the encrypted Alipay response content is not a JSON string ({reason})")]
    Content {
        /// The parser's complaint.
        reason: String,
    },
    /// The encrypted content does not decrypt.
    #[error("cannot decrypt the Alipay response content")]
    Decrypt(#[source] AesError),
}

impl Gateway {
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
            cert_sns: None,
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
        self.cert_sns = Some((app_cert_sn, alipay_root_cert_sn));
        self
    }

    /// The sign type requests are signed and responses verified with.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// Prepares a request from its query string and form body as written.
    ///
    /// Adds `sign_type` (and `app_cert_sn` / `alipay_root_cert_sn` in
    /// certificate mode) to the query when neither place has it, encrypts
    /// `biz_content` and adds `encrypt_type=AES` with content encryption,
    /// signs every parameter of both places ([`SignContent::for_request`]) and
    /// appends `sign` to the query.
    ///
    /// # Errors
    /// [`GatewayError`] for unreadable parameters, no `method`, or a failed
    /// encryption or signer.
    pub fn prepare(
        &self,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<GatewayRequest, GatewayError> {
        let mut query =
            Params::from_form(query.unwrap_or_default().as_bytes()).map_err(GatewayError::Query)?;
        let mut form = Params::from_form(body).map_err(GatewayError::Form)?;
        let has = |k: &str, q: &Params, f: &Params| q.get(k).is_some() || f.get(k).is_some();
        if !has("sign_type", &query, &form) {
            query.set("sign_type", self.sign_type.to_string());
        }
        if let Some((app, root)) = &self.cert_sns {
            if !has("app_cert_sn", &query, &form) {
                query.set("app_cert_sn", app.clone());
                query.set("alipay_root_cert_sn", root.clone());
            }
        }
        if let Some(aes) = &self.aes {
            for p in [&mut query, &mut form] {
                if let Some(content) = p.get("biz_content").map(str::to_string) {
                    let encrypted =
                        encrypt_content(aes, content.as_bytes()).map_err(GatewayError::Encrypt)?;
                    p.set("biz_content", encrypted);
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
            .ok_or(GatewayError::NoMethod)?;
        let mut all = query.clone();
        for (k, v) in form.iter() {
            all.set(k, v);
        }
        let signed =
            sign_params(&all, self.sign_type, self.signer.as_ref()).map_err(GatewayError::Sign)?;
        query.set("sign", signed.sign);
        let mut instructions = SigningInstructions::default();
        instructions.set_query(pairs(&query));
        if !form.is_empty() {
            // A constant value: it always fits a header.
            let _ =
                instructions.set_header("content-type", FORM_CONTENT_TYPE, SetMode::Replace, false);
        }
        Ok(GatewayRequest {
            method,
            sign_content: signed.sign_content,
            query,
            form,
            instructions,
        })
    }

    /// [`Gateway::prepare`] for an `http::Request`: its URI's query and its body.
    ///
    /// # Errors
    /// As [`Gateway::prepare`].
    pub fn prepare_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<GatewayRequest, GatewayError> {
        self.prepare(request.uri().query(), request.body().as_ref())
    }

    /// Verifies the response to a request for `method` over its raw bytes
    /// and, with content encryption, decrypts encrypted content.
    ///
    /// # Errors
    /// [`GatewayError::Verify`] when it does not verify (an unsigned gateway
    /// error is [`VerifyError::MissingSign`]); [`GatewayError::Content`] or
    /// [`GatewayError::Decrypt`] when encrypted content cannot be decrypted.
    pub fn open_response(
        &self,
        raw: &[u8],
        method: &str,
    ) -> Result<Verified<GatewayResponse>, GatewayError> {
        let verified = verify_response(raw, Some(method), Some(self.sign_type), &self.alipay_key)
            .map_err(GatewayError::Verify)?;
        let aes = self.aes.as_ref();
        verified.try_map(|response| {
            let decrypted_body = match aes.filter(|_| response.encrypted) {
                Some(aes) => {
                    let ciphertext: String = serde_json::from_str(response.sign_content.as_str())
                        .map_err(|e| GatewayError::Content {
                        reason: e.to_string(),
                    })?;
                    let plain = decrypt_content(aes, &ciphertext).map_err(GatewayError::Decrypt)?;
                    Some(format!("{{\"{}\":{}}}", response.response_key, plain))
                }
                None => None,
            };
            Ok(GatewayResponse {
                response,
                decrypted_body,
            })
        })
    }
}

impl GatewayRequest {
    /// What to set: the query string (with `sign`) and, for a form body,
    /// `Content-Type`.
    pub fn instructions(&self) -> &SigningInstructions {
        &self.instructions
    }

    /// The form body to send, form-encoded; `None` when there is no form.
    pub fn body(&self) -> Option<String> {
        if self.form.is_empty() {
            return None;
        }
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.form.iter() {
            s.append_pair(k, v);
        }
        Some(s.finish())
    }

    /// Sets the query string, the headers and the form body on `request`.
    pub fn apply_to<B: From<String>>(&self, request: &mut http::Request<B>) {
        self.instructions.apply_to(request);
        if let Some(body) = self.body() {
            *request.body_mut() = B::from(body);
        }
    }
}

fn pairs(params: &Params) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::RsaPrivateKey;

    fn gateway() -> Gateway {
        let key = include_bytes!("../../../vectors/keys/generated/key-pkcs8.pem");
        let public = include_bytes!("../../../vectors/keys/generated/pub-spki.pem");
        Gateway::new(
            RsaPrivateKey::load(key, None).unwrap(),
            SignType::Rsa2,
            AlipayPublicKey::load(public).unwrap(),
        )
    }

    #[test]
    fn query_and_form_are_signed_together() {
        let g = gateway()
            .with_cert_sns("app".into(), "root".into())
            .with_content_encryption(AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").unwrap());
        let r = g
            .prepare(Some("app_id=1&method=a.b"), b"biz_content=%7B%7D")
            .unwrap();
        assert_eq!(r.method, "a.b");
        let aes = AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").unwrap();
        let encrypted = r.form.get("biz_content").unwrap();
        assert_eq!(decrypt_content(&aes, encrypted).unwrap(), "{}");
        for k in [
            "sign_type",
            "app_cert_sn",
            "alipay_root_cert_sn",
            "encrypt_type",
            "sign",
        ] {
            assert!(r.query.get(k).is_some(), "{k}");
        }
        assert!(r.sign_content.as_str().contains("biz_content="));
        assert!(!r.sign_content.as_str().contains("sign="));
        assert_eq!(
            r.instructions().header("content-type").unwrap(),
            FORM_CONTENT_TYPE
        );
    }

    #[test]
    fn bad_requests_are_typed_errors() {
        let g = gateway();
        assert_eq!(
            g.prepare(Some("app_id=1"), b"").unwrap_err(),
            GatewayError::NoMethod
        );
        assert!(matches!(
            g.prepare(Some("method=a.b"), b"a=%zz"),
            Err(GatewayError::Form(ParamsError::BadPercentEncoding { .. }))
        ));
        assert!(matches!(
            g.prepare(Some("method=a.b&method=c"), b""),
            Err(GatewayError::Query(ParamsError::RepeatedKey { .. }))
        ));
        assert!(matches!(
            g.prepare(Some("method=a.b&sign_type=RSA"), b""),
            Err(GatewayError::Sign(
                SignRequestError::SignTypeMismatch { .. }
            ))
        ));
    }

    #[test]
    fn an_unsigned_response_does_not_open() {
        let e = gateway()
            .open_response(br#"{"error_response":{"code":"40002"}}"#, "a.b")
            .unwrap_err();
        assert!(matches!(
            e,
            GatewayError::Verify(VerifyError::MissingSign { .. })
        ));
    }
}
