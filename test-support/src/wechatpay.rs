//! Readers of the WeChat Pay cases' `context.json` (`keys`, `now`, `window`,
//! `apiv3_key`) and the fixed-validity platform certificates of the vectors.

use chop::clock::FixedClock;
use chop::wechatpay::{ApiV3Key, PlatformKey, ResponseVerifier};
use serde_json::Value;

use crate::keys;

/// The platform keys listed in a context's `keys`: each a `certificate` file,
/// or an `id` with a `public_key` file.
///
/// ```
/// let ctx = test_support::vectors::json("wechatpay/verify/pubkey_migration/context.json");
/// let keys = test_support::wechatpay::platform_keys(&ctx);
/// assert!(keys.iter().any(|k| k.id().starts_with("PUB_KEY_ID_")));
/// ```
pub fn platform_keys(ctx: &Value) -> Vec<PlatformKey> {
    let list = ctx["keys"].as_array().expect("context has `keys`");
    list.iter()
        .map(|k| match k["certificate"].as_str() {
            Some(c) => PlatformKey::certificate(keys::certificate(c)).expect("an RSA certificate"),
            None => PlatformKey::public_key(
                k["id"].as_str().expect("a public key's `id`"),
                keys::public_key(k["public_key"].as_str().expect("`public_key` file")),
            ),
        })
        .collect()
}

/// A verifier for a context: its `keys`, at its fixed `now`, with its `window` if any.
///
/// ```
/// let case = test_support::vectors::Case::new("wechatpay/verify/rotation_old_cert");
/// let verifier = test_support::wechatpay::verifier(&case.context());
/// let headers = chop::wechatpay::SignatureHeaders::from_text(&case.text("headers.txt")).unwrap();
/// verifier.verify(&headers, &case.read("body.txt")).unwrap();
/// ```
pub fn verifier(ctx: &Value) -> ResponseVerifier {
    let now = ctx["now"].as_i64().expect("context has `now`");
    let v = ResponseVerifier::new(platform_keys(ctx)).with_clock(FixedClock(now));
    match ctx["window"].as_u64() {
        Some(w) => v.with_window(u32::try_from(w).expect("a window in seconds")),
        None => v,
    }
}

/// The APIv3 key `k`; the upstream Go/Java cases use 16-byte keys (really
/// AES-128-GCM), accepted here as test keys.
///
/// ```
/// test_support::wechatpay::apiv3_key("testMchAPIv3Key0");
/// test_support::wechatpay::apiv3_key("chopTestApiV3Key0123456789abcdef");
/// ```
pub fn apiv3_key(k: &str) -> ApiV3Key {
    ApiV3Key::new(k).unwrap_or_else(|_| {
        ApiV3Key::danger_accept_16_byte_test_key(k).unwrap_or_else(|e| panic!("{k}: {e}"))
    })
}

/// The test platform certificate `platform-<name>-cert.pem` (`old` or `new`)
/// as a platform key. These have fixed validities: use them with a fixed clock.
///
/// ```
/// let old = test_support::wechatpay::platform_key("old");
/// assert_eq!(old.id(), test_support::wechatpay::OLD_SERIAL);
/// ```
pub fn platform_key(name: &str) -> PlatformKey {
    let cert = keys::certificate(&format!("keys/wechatpay-platform/platform-{name}-cert.pem"));
    PlatformKey::certificate(cert).expect("an RSA certificate")
}

/// The serial of `platform-old-cert.pem`.
pub const OLD_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
/// The serial of `platform-new-cert.pem` (it starts with a zero nibble).
pub const NEW_SERIAL: &str = "0A2B3C4D5E6F708192A3B4C5D6E7F80910213243";
