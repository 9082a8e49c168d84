//! The Mini Program's part of the mock: the app's keys, the API symmetric
//! key, the platform keys (current and next) and their form in the state file.

use std::sync::atomic::{AtomicBool, Ordering};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::key::{Certificate, RsaPrivateKey, RsaPublicKey};
use chop::secret::SecretBytes;
use serde::{Deserialize, Serialize};

use crate::keys::{generate_certified, generate_rsa};
use crate::random::{random_alnum, random_bytes, random_hex};
use crate::MockError;

/// The Mini Program side of [`crate::MerchantFiles`] (TEST ONLY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MiniProgramApp {
    /// The appid (`Wechatmp-Appid`).
    pub appid: String,
    /// The access token the mock accepts (`?access_token=`).
    pub access_token: String,
    /// The API symmetric key (AES-256-GCM), base64.
    pub sym_key_b64: String,
    /// The symmetric key's number (sn), in the AAD.
    pub sym_sn: String,
    /// The app's API signature private key (RSA, PSS), PKCS#8 PEM.
    pub app_key_pem: String,
    /// The app key's number (sn), for `Wechatmp-Serial` if you send it.
    pub app_key_sn: String,
    /// The platform certificate in force at start-up, PEM.
    pub platform_cert_pem: String,
    /// Its number (证书编号), the `Wechatmp-Serial` of answers.
    pub platform_cert_number: String,
    /// The certificate a rotation switches to, PEM.
    pub next_platform_cert_pem: String,
    /// Its number.
    pub next_platform_cert_number: String,
}

/// The Mini Program's part of the state file (the `miniprogram` object;
/// TEST ONLY keys, in clear).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Stored {
    app: MiniProgramApp,
    platform_key_pems: Vec<String>,
}

/// The Mini Program gateway's state.
#[derive(Debug)]
pub(crate) struct MiniProgram {
    pub(crate) app: MiniProgramApp,
    pub(crate) sym_key: SecretBytes,
    pub(crate) app_public: RsaPublicKey,
    /// `[0]` signs answers at start-up, `[1]` after a rotation.
    pub(crate) platform_keys: Vec<RsaPrivateKey>,
    rotated: AtomicBool,
}

impl MiniProgram {
    /// A new app key, symmetric key and two platform certificates.
    pub(crate) fn generate() -> Result<Stored, MockError> {
        let app = generate_rsa()?;
        let mut keys = Vec::new();
        let mut certs = Vec::new();
        for n in 1..=2 {
            let cn = format!("TEST ONLY Mini Program platform {n}");
            let (key, pem) = generate_certified(&random_hex(16)?, &cn, 365)?;
            keys.push(key.pem);
            certs.push((random_hex(16)?.to_lowercase(), pem));
        }
        let appid = format!("wx{}", random_hex(8)?.to_lowercase());
        Ok(Stored {
            app: MiniProgramApp {
                access_token: format!("TEST_ONLY_{}", random_alnum(40)?),
                appid,
                sym_key_b64: STANDARD.encode(random_bytes::<32>()?),
                sym_sn: random_hex(16)?.to_lowercase(),
                app_key_pem: app.pem,
                app_key_sn: random_hex(16)?.to_lowercase(),
                platform_cert_number: certs[0].0.clone(),
                platform_cert_pem: certs[0].1.clone(),
                next_platform_cert_number: certs[1].0.clone(),
                next_platform_cert_pem: certs[1].1.clone(),
            },
            platform_key_pems: keys,
        })
    }

    /// Loads the stored material.
    pub(crate) fn load(s: Stored) -> Result<Self, MockError> {
        let sym_key = STANDARD
            .decode(&s.app.sym_key_b64)
            .map_err(|_| MockError::State("Mini Program symmetric key is not base64".into()))?;
        let app_key = RsaPrivateKey::load(s.app.app_key_pem.as_bytes(), None)?;
        Certificate::load(s.app.platform_cert_pem.as_bytes())?;
        let platform_keys = s
            .platform_key_pems
            .iter()
            .map(|p| RsaPrivateKey::load(p.as_bytes(), None))
            .collect::<Result<Vec<_>, _>>()?;
        if platform_keys.len() != 2 {
            return Err(MockError::State(
                "two Mini Program platform keys expected".into(),
            ));
        }
        Ok(Self {
            app: s.app,
            sym_key: SecretBytes::new(sym_key),
            app_public: app_key.public_key().clone(),
            platform_keys,
            rotated: AtomicBool::new(false),
        })
    }

    /// Answers are signed with the next certificate from now on, and with the
    /// old one in the `-Deprecated` pair.
    pub(crate) fn rotate(&self) {
        self.rotated.store(true, Ordering::SeqCst);
    }

    /// Whether [`MiniProgram::rotate`] was called.
    pub(crate) fn rotated(&self) -> bool {
        self.rotated.load(Ordering::SeqCst)
    }
}
