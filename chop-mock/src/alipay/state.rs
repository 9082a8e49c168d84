//! Alipay's part of the mock: the app's and Alipay's keys, the AES content
//! key, the orders, and their form in the state file.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::alipay::{AesKey, AlipayPublicKey};
use chop::key::RsaPrivateKey;
use serde::{Deserialize, Serialize};

use crate::keys::{generate_rsa, public_key_pem};
use crate::random::{random_bytes, random_digits};
use crate::MockError;

/// The Alipay side of [`crate::MerchantFiles`] (TEST ONLY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlipayApp {
    /// The app id (`app_id`).
    pub app_id: String,
    /// The app private key (应用私钥), PKCS#8 PEM: signs requests (RSA2).
    pub app_private_key_pem: String,
    /// The Alipay public key (支付宝公钥), SPKI PEM: verifies answers and notifies.
    pub alipay_public_key_pem: String,
    /// The content encryption key (AES-128), base64.
    pub aes_key_b64: String,
}

/// Alipay's part of the state file (the `alipay` object; TEST ONLY keys, in clear).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Stored {
    app: AlipayApp,
    alipay_private_key_pem: String,
}

/// The Alipay gateway's state.
#[derive(Debug)]
pub(crate) struct Alipay {
    pub(crate) app: AlipayApp,
    pub(crate) app_public: AlipayPublicKey,
    pub(crate) alipay_key: RsaPrivateKey,
    pub(crate) aes: AesKey,
    /// The orders by `out_trade_no` (in memory only).
    pub(crate) orders: Mutex<HashMap<String, serde_json::Value>>,
}

impl Alipay {
    /// A new app, Alipay key pair and AES key.
    pub(crate) fn generate() -> Result<Stored, MockError> {
        let app = generate_rsa()?;
        let alipay = generate_rsa()?;
        Ok(Stored {
            app: AlipayApp {
                app_id: format!("90210{}", random_digits(11)?),
                app_private_key_pem: app.pem,
                alipay_public_key_pem: public_key_pem(&alipay.spki_der)?,
                aes_key_b64: STANDARD.encode(random_bytes::<16>()?),
            },
            alipay_private_key_pem: alipay.pem,
        })
    }

    /// Loads the stored material.
    pub(crate) fn load(s: Stored) -> Result<Self, MockError> {
        let app_key = RsaPrivateKey::load(s.app.app_private_key_pem.as_bytes(), None)?;
        let aes = AesKey::from_base64(&s.app.aes_key_b64)
            .map_err(|e| MockError::State(format!("Alipay AES key: {e}")))?;
        Ok(Self {
            app_public: AlipayPublicKey::rsa(app_key.public_key().clone()),
            alipay_key: RsaPrivateKey::load(s.alipay_private_key_pem.as_bytes(), None)?,
            app: s.app,
            aes,
            orders: Mutex::new(HashMap::new()),
        })
    }
}
