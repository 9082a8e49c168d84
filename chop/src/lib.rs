//! # chop — the seal for China's super-app platform APIs
//!
//! chop signs, verifies, encrypts and decrypts the traffic of **WeChat Pay API
//! v3**, **WeChat Mini Program server API security** and the **Alipay open
//! platform**, byte-exact with the platforms' documents, and tells you *why* a
//! signature fails.
//!
//! This crate is sans-I/O: it has no HTTP client, no server and no async
//! runtime. It takes bytes and `http` types and returns bytes and values, so it
//! fits any stack. Every intermediate (sign string, header, AAD) is a value you
//! can print exactly.
//!
//! ```
//! use chop::clock::{FixedClock, FixedNonce};
//! use chop::key::RsaPrivateKey;
//! use chop::wechatpay::RequestSigner;
//!
//! // The test key and values of WeChat Pay's "GET with an empty body" guide.
//! # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
//! let key = RsaPrivateKey::load(&pem, None)?;
//! let signer = RequestSigner::merchant("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", key)
//!     .with_clock(FixedClock(1554208460))
//!     .with_nonces(FixedNonce::new("593BEC0C930BF1AFEB40B4A08C8FB242"));
//! let mut req = http::Request::get("https://api.mch.weixin.qq.com/v3/certificates").body(Vec::new())?;
//! let signed = signer.sign_request(&req)?; // a pure function: the instructions to apply
//! assert_eq!(signed.sign_string.len(), 66);
//! signed.apply_to(&mut req);
//! let authorization = &req.headers()["authorization"];
//! assert!(authorization.to_str()?.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\""));
//! assert!(authorization.is_sensitive());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The three platforms share three shapes: one [`key::VerifyingKey`] checks
//! their signatures; signing returns [`instructions::SigningInstructions`]
//! (headers, credentials marked sensitive, and query parameters) with one
//! `apply_to(&mut http::Request)`; verification returns one
//! [`verified::Verified`] carrying the value, the exact sign string, the key
//! id and the timestamp.
//!
//! Modules, top down (each uses only those below it):
//! - [`diagnose`]: why a signature fails, as [`finding::Finding`]s for `chop doctor`.
//! - [`wechatpay`], [`miniprogram`], [`alipay`]: each platform's formats, signing, verification and encryption.
//! - [`instructions`], [`verified`]: what signing returns and what verification returns.
//! - [`key`]: every key kind (RSA and SM2, private and public, certificates, PKCS#12) and the one `VerifyingKey`.
//! - [`signer`]: the private-key operation as a trait (files, HSMs, KMSs).
//! - [`crypto`]: leaf wrappers over the audited crates (AEAD, CBC, digests, RSA encryption, SM).
//! - [`clock`]: time, nonces and the timestamp window as inputs; [`secret`]: zeroized, redacted secrets; [`finding`]: what a check found; [`error`]: an error with its causes, printed one way.

#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod alipay;
pub mod clock;
pub mod crypto;
pub mod diagnose;
pub mod error;
mod exact;
pub mod finding;
mod hex;
pub mod instructions;
pub mod key;
pub mod miniprogram;
pub mod secret;
pub mod signer;
pub mod verified;
pub mod wechatpay;

/// The README's Rust examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
