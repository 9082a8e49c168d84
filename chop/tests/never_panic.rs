//! Damaged inputs give a typed error (or, rarely, a value), never a panic:
//! thousands of deterministic mutations of real vectors.

#[path = "never_panic/keys.rs"]
mod keys;
#[path = "never_panic/wechatpay.rs"]
mod wechatpay;
