//! Where the platform keys live: a small trait with an in-memory default.
//!
//! During a certificate rotation WeChat Pay signs with the old or the new
//! certificate, so the store holds several keys, keyed by serial; during a
//! migration to the WeChat Pay public key it holds certificates and the public
//! key at once. Implement [`PlatformKeyStore`] to share keys through Redis or a
//! database; [`MemoryKeyStore`] is the default.

use std::fmt;
use std::sync::RwLock;

use super::platform::{self, PlatformKey};

/// A set of platform keys, keyed by serial (or public key id).
///
/// Implementations must be cheap to read: [`super::ResponseVerifier`] calls
/// [`PlatformKeyStore::find`] once per verification.
pub trait PlatformKeyStore: Send + Sync + fmt::Debug {
    /// Every key held, in any order.
    fn keys(&self) -> Vec<PlatformKey>;

    /// Adds `key`, replacing a key with the same id.
    fn insert(&self, key: PlatformKey);

    /// Removes the key with this exact id; returns whether one was removed.
    fn remove(&self, id: &str) -> bool;

    /// The key named by `serial` (see [`PlatformKey::matches`]).
    fn find(&self, serial: &str) -> Option<PlatformKey> {
        platform::find(&self.keys(), serial).cloned()
    }

    /// The ids of the keys held, sorted (for error messages).
    fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.keys().iter().map(|k| k.id().to_string()).collect();
        ids.sort();
        ids
    }

    /// The key to encrypt sensitive fields with at `now`: the WeChat Pay public
    /// key when there is one, else the valid platform certificate that became
    /// valid last (the newest).
    fn for_encryption(&self, now: i64) -> Option<PlatformKey> {
        newest_valid(&self.keys(), now)
    }
}

/// The default store: keys in memory, behind a lock.
///
/// ```
/// use chop::key::RsaPublicKey;
/// use chop::wechatpay::{MemoryKeyStore, PlatformKey, PlatformKeyStore};
/// # let pem = std::fs::read("../vectors/keys/upstream/java_core_wechat_pay_public_key.pem").unwrap();
/// let store = MemoryKeyStore::new();
/// store.insert(PlatformKey::public_key("PUB_KEY_ID_01", RsaPublicKey::load(&pem)?));
/// assert!(store.find("PUB_KEY_ID_01").is_some());
/// assert_eq!(store.ids(), ["PUB_KEY_ID_01"]);
/// # Ok::<(), chop::key::KeyError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    keys: RwLock<Vec<PlatformKey>>,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `keys`.
    pub fn with_keys(keys: impl IntoIterator<Item = PlatformKey>) -> Self {
        let store = Self::new();
        for k in keys {
            store.insert(k);
        }
        store
    }
}

impl PlatformKeyStore for MemoryKeyStore {
    fn keys(&self) -> Vec<PlatformKey> {
        match self.keys.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn insert(&self, key: PlatformKey) {
        let mut g = match self.keys.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        g.retain(|k| k.id() != key.id());
        g.push(key);
    }

    fn remove(&self, id: &str) -> bool {
        let mut g = match self.keys.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let before = g.len();
        g.retain(|k| k.id() != id);
        g.len() != before
    }

    fn find(&self, serial: &str) -> Option<PlatformKey> {
        let g = match self.keys.read() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        platform::find(&g, serial).cloned()
    }
}

/// The key for encryption among `keys` at `now` (see [`PlatformKeyStore::for_encryption`]).
pub(crate) fn newest_valid(keys: &[PlatformKey], now: i64) -> Option<PlatformKey> {
    if let Some(pk) = keys.iter().find(|k| k.validity().is_none()) {
        return Some(pk.clone());
    }
    keys.iter()
        .filter(|k| k.is_valid_at(now))
        .max_by_key(|k| k.validity().map_or(i64::MIN, |v| v.not_before))
        .cloned()
}
