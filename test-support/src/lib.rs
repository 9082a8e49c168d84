//! TEST ONLY helpers shared by the workspace's integration tests, benches and
//! doctests (`publish = false`).
//!
//! - [`vectors`]: paths and bytes of the files under `vectors/`, case folders,
//!   and the guard that every case folder is run.
//! - [`keys`]: keys and certificates from the vector files; [`wechatpay`]:
//!   readers of the WeChat Pay cases' contexts; [`miniprogram`]: a sealed
//!   request read back as a response; [`form`]: form bodies.
//! - [`mutate`]: deterministic mutations for the never-panic tests.
//! - [`tools`]: the interop tools (Python `cryptography`, the Alipay Node SDK,
//!   `openssl`) and running them.
//! - feature `mock`: `mock`, the in-process mock on loopback and a callback
//!   receiver; `platform`, the WeChat Pay platform test certificates
//!   re-issued at test time with a validity relative to now, for tests that
//!   use the wall clock. The fixed-validity files in `vectors/keys/` are
//!   vectors: a test may use them only with a fixed clock (see
//!   `vectors/keys/*/README.md`).
//! - feature `cli`: `cli`, running the `chop` binary and reading `--json`.
//!
//! This crate depends on `chop`, so only integration tests, benches and
//! doctests may use it; a `#[cfg(test)]` module inside a library would see a
//! second, different `chop`.
//!
//! ```
//! use test_support::vectors::Case;
//! let case = Case::new("wechatpay/seed002_get_certificates");
//! let key = test_support::keys::private_key(case.context()["private_key_file"].as_str().unwrap());
//! let sig = chop::signer::Signer::sign(&key, chop::signer::SignatureScheme::RsaPkcs1Sha256, &case.read("message.txt")).unwrap();
//! assert_eq!(base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sig), case.text("signature.b64"));
//! ```

pub mod form;
pub mod keys;
pub mod miniprogram;
pub mod mutate;
pub mod tools;
pub mod vectors;
pub mod wechatpay;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "mock")]
pub mod platform;
