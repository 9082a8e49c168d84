//! Keeping the platform certificates fresh: one download in flight at a time,
//! shared by every request; the last good set kept when a download fails.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chop::clock::{Clock, SystemClock};
use chop::wechatpay::{
    verify_download, ApiV3Key, Bootstrap, CertificatesResponse, CertsError, PlatformKeyStore,
    RefreshPolicy, RequestError, RequestSigner, ResponseVerifier, SignatureHeaders, Trust,
    UnknownSerialAction, VerifyError,
};

/// The production `/v3/certificates` URL.
const DEFAULT_URL: &str = "https://api.mch.weixin.qq.com/v3/certificates";

/// Why a download of the platform certificates failed. The store keeps the
/// keys it had.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RefreshError {
    /// The download request could not be signed.
    #[error("cannot sign the /v3/certificates request")]
    Sign(#[source] RequestError),
    /// The request did not reach WeChat Pay or its answer could not be read.
    #[error("cannot download the platform certificates from {url} ({reason}): check the network and the URL")]
    Http {
        /// The URL.
        url: String,
        /// The transport's complaint.
        reason: String,
    },
    /// The answer is not a usable certificate list (or did not verify).
    #[error("the /v3/certificates answer cannot be used")]
    Certs(#[source] CertsError),
    /// The answer's signature headers are missing.
    #[error("the /v3/certificates answer is not signed")]
    Headers(#[source] VerifyError),
}

/// What a successful download changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshReport {
    /// The serials downloaded.
    pub serials: Vec<String>,
    /// The expired certificates removed from the store.
    pub removed: Vec<String>,
    /// The key whose signature on the download verified.
    pub verified_by: String,
    /// Whether the download was trusted by its own signature.
    pub trust_on_first_use: bool,
}

/// Downloads `/v3/certificates` into a [`PlatformKeyStore`] following the
/// core's [`RefreshPolicy`]: when due (every 12 hours by default) and once per
/// unknown serial. One download runs at a time; requests that need one while
/// it runs wait for it and share its result. A failed download leaves the
/// store as it was and is not retried for [`CertificateRefresher::with_retry_after`]
/// seconds (60 by default) unless a request needs it.
///
/// ```
/// use std::sync::Arc;
/// use chop::key::RsaPrivateKey;
/// use chop::wechatpay::{ApiV3Key, MemoryKeyStore, RequestSigner, ResponseVerifier};
/// use chop_reqwest::{CertificateRefresher, WechatPayMiddleware};
/// # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
/// let signer = RequestSigner::merchant("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", RsaPrivateKey::load(&pem, None)?);
/// let store = Arc::new(MemoryKeyStore::new());
/// let refresher = Arc::new(CertificateRefresher::new(
///     signer.clone(), ApiV3Key::new("0123456789abcdef0123456789abcdef")?, store.clone()));
/// let middleware = WechatPayMiddleware::new(signer, ResponseVerifier::with_store(store))
///     .with_refresher(refresher);
/// # let _ = middleware;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CertificateRefresher {
    url: String,
    client: reqwest::Client,
    signer: RequestSigner,
    key: ApiV3Key,
    store: Arc<dyn PlatformKeyStore>,
    clock: Arc<dyn Clock>,
    bootstrap: Bootstrap,
    retry_after: i64,
    state: Mutex<State>,
    in_flight: tokio::sync::Mutex<()>,
    attempts: AtomicU64,
    spawned: AtomicBool,
}

#[derive(Debug)]
struct State {
    policy: RefreshPolicy,
    last_failure: Option<i64>,
    last_result: Option<Result<RefreshReport, RefreshError>>,
}

impl CertificateRefresher {
    /// Downloads with `signer` (the merchant's), decrypts with `key`, and
    /// writes into `store` (the one the verifier reads).
    pub fn new(signer: RequestSigner, key: ApiV3Key, store: Arc<dyn PlatformKeyStore>) -> Self {
        Self {
            url: DEFAULT_URL.to_string(),
            client: reqwest::Client::new(),
            signer,
            key,
            store,
            clock: Arc::new(SystemClock),
            bootstrap: Bootstrap::default(),
            retry_after: 60,
            state: Mutex::new(State {
                policy: RefreshPolicy::new(),
                last_failure: None,
                last_result: None,
            }),
            in_flight: tokio::sync::Mutex::new(()),
            attempts: AtomicU64::new(0),
            spawned: AtomicBool::new(false),
        }
    }

    /// Downloads from `url` (default `https://api.mch.weixin.qq.com/v3/certificates`).
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Uses `client` for downloads (default `reqwest::Client::new()`).
    pub fn with_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// Uses `clock` (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Uses `policy` (default [`RefreshPolicy::new`]: every 12 hours).
    pub fn with_policy(self, policy: RefreshPolicy) -> Self {
        self.with_state(|s| s.policy = policy);
        self
    }

    /// How the first download is trusted (default [`Bootstrap::TrustOnFirstUse`]).
    pub fn with_bootstrap(mut self, bootstrap: Bootstrap) -> Self {
        self.bootstrap = bootstrap;
        self
    }

    /// Waits `secs` after a failed scheduled download before the next one.
    pub fn with_retry_after(mut self, secs: i64) -> Self {
        self.retry_after = secs;
        self
    }

    /// The store written to.
    pub fn store(&self) -> &Arc<dyn PlatformKeyStore> {
        &self.store
    }

    /// The result of the last download, if one was made.
    pub fn last_result(&self) -> Option<Result<RefreshReport, RefreshError>> {
        self.with_state(|s| s.last_result.clone())
    }

    /// Whether a scheduled download is due now (and not held back after a failure).
    pub fn is_due(&self) -> bool {
        let now = self.clock.now_unix();
        self.with_state(|s| {
            s.policy.is_due(now)
                && s.last_failure
                    .is_none_or(|f| now < f || now - f >= self.retry_after)
        })
    }

    /// Downloads now, or waits for the download in flight and shares its result.
    ///
    /// # Errors
    /// [`RefreshError`] saying why; the store keeps its keys.
    pub async fn refresh(&self) -> Result<RefreshReport, RefreshError> {
        let seen = self.attempts.load(Ordering::Acquire);
        let _guard = self.in_flight.lock().await;
        if self.attempts.load(Ordering::Acquire) != seen {
            if let Some(r) = self.last_result() {
                return r;
            }
        }
        self.refresh_locked().await
    }

    /// Downloads; the caller holds `in_flight`.
    async fn refresh_locked(&self) -> Result<RefreshReport, RefreshError> {
        let result = self.download().await;
        let now = self.clock.now_unix();
        self.with_state(|s| {
            match &result {
                Ok(_) => {
                    s.policy.refreshed(now);
                    s.last_failure = None;
                }
                Err(e) => {
                    tracing::warn!(error = %chop::error::Report::new(e), "chop: platform certificate download failed; keeping the keys held");
                    s.last_failure = Some(now);
                }
            }
            s.last_result = Some(result.clone());
        });
        self.attempts.fetch_add(1, Ordering::AcqRel);
        result
    }

    /// Starts a download in the background (on the current tokio runtime)
    /// when one is due and none is running; returns at once.
    pub fn refresh_in_background_if_due(self: &Arc<Self>) {
        if !self.is_due() || self.spawned.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.spawned.store(false, Ordering::Release);
            return;
        };
        let this = Arc::clone(self);
        handle.spawn(async move {
            let _ = this.refresh().await;
            this.spawned.store(false, Ordering::Release);
        });
    }

    /// A response named `serial`, which no key has: downloads (or joins the
    /// download in flight) once per serial, as the policy says. Returns
    /// whether the store now has a key for `serial`.
    pub async fn refresh_for_unknown_serial(&self, serial: &str) -> bool {
        if self.store.find(serial).is_some() {
            return true;
        }
        // Queue behind the download in flight: it may bring this serial.
        let _guard = self.in_flight.lock().await;
        if self.store.find(serial).is_some() {
            return true;
        }
        let now = self.clock.now_unix();
        let action = self.with_state(|s| s.policy.on_unknown_serial(serial, now));
        if action == UnknownSerialAction::GiveUp {
            return false;
        }
        let _ = self.refresh_locked().await;
        self.store.find(serial).is_some()
    }

    async fn download(&self) -> Result<RefreshReport, RefreshError> {
        let http_err = |e: reqwest::Error| RefreshError::Http {
            url: self.url.clone(),
            reason: e.without_url().to_string(),
        };
        let url = reqwest::Url::parse(&self.url).map_err(|e| RefreshError::Http {
            url: self.url.clone(),
            reason: e.to_string(),
        })?;
        let signed = self
            .signer
            .sign("GET", &crate::body::path_and_query(&url), b"")
            .map_err(RefreshError::Sign)?;
        let mut request = self.client.get(url).build().map_err(http_err)?;
        signed
            .instructions()
            .apply_to_headers(request.headers_mut());
        let response = self.client.execute(request).await.map_err(http_err)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(http_err)?;
        let certs = CertificatesResponse::parse(status, &body)
            .and_then(|r| r.decrypt(&self.key))
            .map_err(RefreshError::Certs)?;
        let sig = SignatureHeaders::from_header_map(&headers).map_err(RefreshError::Headers)?;
        let verifier =
            ResponseVerifier::with_store(self.store.clone()).with_clock(self.clock.clone());
        let trust = Trust::Bootstrap(&verifier, self.bootstrap);
        let download = verify_download(certs, &sig, &body, trust).map_err(RefreshError::Certs)?;
        let removed = download.apply_to(self.store.as_ref(), self.clock.now_unix());
        Ok(RefreshReport {
            serials: download
                .certificates
                .iter()
                .map(|c| c.serial_no.clone())
                .collect(),
            removed,
            verified_by: download.verified_by,
            trust_on_first_use: download.trust_on_first_use,
        })
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut g = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut g)
    }
}
