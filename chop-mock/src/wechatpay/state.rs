//! WeChat Pay's part of the mock: the merchant's and the platform's keys, the
//! APIv3 key, the orders, and their form in the state file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use chop::key::{Certificate, RsaPrivateKey, RsaPublicKey};
use chop::wechatpay::ApiV3Key;
use serde::{Deserialize, Serialize};

use crate::keys::{generate_certified, generate_rsa, public_key_pem, spki_der};
use crate::random::{random_alnum, random_digits, random_hex};
use crate::MockError;

/// The WeChat Pay v3 merchant configuration (TEST ONLY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WechatPayMerchant {
    /// The merchant id (`mchid`).
    pub mchid: String,
    /// The merchant API certificate's serial (`serial_no` in Authorization).
    pub merchant_serial: String,
    /// The merchant private key, PKCS#8 PEM.
    pub merchant_key_pem: String,
    /// Where the merchant private key was written, if on disk.
    pub merchant_key_path: Option<PathBuf>,
    /// The merchant API certificate, PEM.
    pub merchant_cert_pem: String,
    /// The APIv3 key (32 ASCII characters).
    pub api_v3_key: String,
    /// The platform certificate in force at start-up, PEM.
    pub platform_cert_pem: String,
    /// Where the platform certificate was written, if on disk.
    pub platform_cert_path: Option<PathBuf>,
    /// Its serial (the `Wechatpay-Serial` of responses in certificate mode).
    pub platform_serial: String,
    /// The platform public key (public-key mode), SPKI PEM.
    pub public_key_pem: String,
    /// Where the platform public key was written, if on disk.
    pub public_key_path: Option<PathBuf>,
    /// Its id, `PUB_KEY_ID_…`.
    pub public_key_id: String,
}

impl WechatPayMerchant {
    /// Writes the merchant-side PEM files with `write(name, text)` (which
    /// returns where it wrote) and records their paths.
    pub(crate) fn write_files(
        &mut self,
        mut write: impl FnMut(&str, &str) -> Result<PathBuf, MockError>,
    ) -> Result<(), MockError> {
        self.merchant_key_path = Some(write(
            "apiclient_key.TEST-ONLY.pem",
            &self.merchant_key_pem,
        )?);
        write("apiclient_cert.TEST-ONLY.pem", &self.merchant_cert_pem)?;
        self.platform_cert_path = Some(write(
            "wechatpay_platform_cert.TEST-ONLY.pem",
            &self.platform_cert_pem,
        )?);
        self.public_key_path = Some(write(
            "wechatpay_public_key.TEST-ONLY.pem",
            &self.public_key_pem,
        )?);
        Ok(())
    }
}

/// WeChat Pay's part of the state file (TEST ONLY keys, in clear); its
/// fields sit at the top level of the file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Stored {
    mchid: String,
    merchant_serial: String,
    merchant_key_pem: String,
    merchant_cert_pem: String,
    api_v3_key: String,
    platform_key_pems: Vec<String>,
    platform_cert_pems: Vec<String>,
    public_key_id: String,
    public_key_private_pem: String,
}

/// The WeChat Pay gateway's state.
#[derive(Debug)]
pub(crate) struct WechatPay {
    pub(crate) merchant: WechatPayMerchant,
    pub(crate) merchant_public: RsaPublicKey,
    pub(crate) api_v3_key: ApiV3Key,
    /// `[0]` the certificate at start-up, `[1]` the one rotation switches to.
    platforms: Vec<PlatformCert>,
    active: AtomicUsize,
    public_key: (String, RsaPrivateKey),
    public_key_mode: AtomicBool,
    /// The orders by `out_trade_no` (in memory only).
    pub(crate) orders: Mutex<HashMap<String, serde_json::Value>>,
}

/// A platform certificate with its key.
#[derive(Debug)]
pub(crate) struct PlatformCert {
    pub(crate) key: RsaPrivateKey,
    pub(crate) pem: String,
    pub(crate) cert: Certificate,
}

impl WechatPay {
    /// New merchant, platform and public-key material (about half a second).
    pub(crate) fn generate() -> Result<Stored, MockError> {
        let merchant_serial = random_hex(20)?;
        let (merchant, merchant_cert_pem) =
            generate_certified(&merchant_serial, "1900000109 TEST ONLY merchant", 365)?;
        let mut platform_key_pems = Vec::new();
        let mut platform_cert_pems = Vec::new();
        for n in 1..=2 {
            let cn = format!("TEST ONLY WeChat Pay platform {n}");
            let (key, pem) = generate_certified(&random_hex(20)?, &cn, 365 * n)?;
            platform_key_pems.push(key.pem);
            platform_cert_pems.push(pem);
        }
        Ok(Stored {
            mchid: "1900000109".into(),
            merchant_serial,
            merchant_key_pem: merchant.pem,
            merchant_cert_pem,
            api_v3_key: random_alnum(32)?,
            platform_key_pems,
            platform_cert_pems,
            public_key_id: format!("PUB_KEY_ID_0119{}", random_digits(18)?),
            public_key_private_pem: generate_rsa()?.pem,
        })
    }

    /// Loads the stored material (the merchant's file paths are left empty).
    pub(crate) fn load(s: Stored) -> Result<Self, MockError> {
        let merchant_key = RsaPrivateKey::load(s.merchant_key_pem.as_bytes(), None)?;
        let mut platforms = Vec::new();
        for (k, c) in s.platform_key_pems.iter().zip(&s.platform_cert_pems) {
            platforms.push(PlatformCert {
                key: RsaPrivateKey::load(k.as_bytes(), None)?,
                pem: c.clone(),
                cert: Certificate::load(c.as_bytes())?,
            });
        }
        if platforms.len() != 2 {
            return Err(MockError::State(
                "two platform certificates expected".into(),
            ));
        }
        let pk = RsaPrivateKey::load(s.public_key_private_pem.as_bytes(), None)?;
        let api_v3_key = ApiV3Key::new(&s.api_v3_key)
            .map_err(|e| MockError::State(format!("APIv3 key: {e}")))?;
        let merchant = WechatPayMerchant {
            mchid: s.mchid,
            merchant_serial: s.merchant_serial,
            merchant_key_pem: s.merchant_key_pem,
            merchant_key_path: None,
            merchant_cert_pem: s.merchant_cert_pem,
            api_v3_key: s.api_v3_key,
            platform_cert_pem: platforms[0].pem.clone(),
            platform_cert_path: None,
            platform_serial: platforms[0].cert.serial_hex(),
            public_key_pem: public_key_pem(&spki_der(pk.public_key())?)?,
            public_key_path: None,
            public_key_id: s.public_key_id.clone(),
        };
        Ok(Self {
            merchant,
            merchant_public: merchant_key.public_key().clone(),
            api_v3_key,
            platforms,
            active: AtomicUsize::new(0),
            public_key: (s.public_key_id, pk),
            public_key_mode: AtomicBool::new(false),
            orders: Mutex::new(HashMap::new()),
        })
    }

    /// Switches to the second platform certificate.
    pub(crate) fn rotate(&self) {
        self.active.store(1, Ordering::SeqCst);
    }

    /// Signs with the platform public key (or, `false`, a certificate's key).
    pub(crate) fn set_public_key_mode(&self, on: bool) {
        self.public_key_mode.store(on, Ordering::SeqCst);
    }

    /// The certificates `/v3/certificates` lists: the first, and the second after a rotation.
    pub(crate) fn certificates(&self) -> &[PlatformCert] {
        &self.platforms[..self.active_index() + 1]
    }

    /// The certificate responses are signed with in certificate mode.
    pub(crate) fn active_certificate(&self) -> &PlatformCert {
        &self.platforms[self.active_index()]
    }

    /// The `Wechatpay-Serial` and the key responses and callbacks are signed with now.
    pub(crate) fn signing_key(&self) -> (String, &RsaPrivateKey) {
        if self.public_key_mode.load(Ordering::SeqCst) {
            (self.public_key.0.clone(), &self.public_key.1)
        } else {
            let p = self.active_certificate();
            (p.cert.serial_hex(), &p.key)
        }
    }

    fn active_index(&self) -> usize {
        self.active.load(Ordering::SeqCst).min(1)
    }
}
