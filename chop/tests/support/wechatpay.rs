//! Shared helpers for the WeChat Pay vector tests (included with `#[path]`).
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use chop::clock::FixedClock;
use chop::key::{Certificate, RsaPublicKey};
use chop::wechatpay::{PlatformKey, ResponseVerifier};
use serde_json::Value;

pub(crate) fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

pub(crate) fn read(rel: &str) -> Vec<u8> {
    std::fs::read(vectors().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub(crate) fn read_opt(rel: &str) -> Option<Vec<u8>> {
    std::fs::read(vectors().join(rel)).ok()
}

pub(crate) fn text(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap()
}

pub(crate) fn json(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The case folders of `vectors/wechatpay/<group>/`.
pub(crate) fn cases(group: &str) -> BTreeSet<String> {
    std::fs::read_dir(vectors().join("wechatpay").join(group))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The platform keys listed in a context's `keys`.
pub(crate) fn platform_keys(ctx: &Value) -> Vec<PlatformKey> {
    ctx["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            if let Some(c) = k["certificate"].as_str() {
                PlatformKey::certificate(Certificate::load(&read(c)).unwrap()).unwrap()
            } else {
                let p = k["public_key"].as_str().unwrap();
                PlatformKey::public_key(
                    k["id"].as_str().unwrap(),
                    RsaPublicKey::load(&read(p)).unwrap(),
                )
            }
        })
        .collect()
}

/// A verifier for a context (`keys`, `now`, optional `window`).
pub(crate) fn verifier(ctx: &Value) -> ResponseVerifier {
    let v = ResponseVerifier::new(platform_keys(ctx))
        .with_clock(FixedClock(ctx["now"].as_i64().unwrap()));
    match ctx["window"].as_u64() {
        Some(w) => v.with_window(w as u32),
        None => v,
    }
}
