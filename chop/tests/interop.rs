//! Interop with implementations chop did not write, installed by
//! `scripts/setup-interop`: Python `cryptography`, seed 000's Python
//! reference, the official Alipay Node SDK, and the `openssl` CLI. Each test
//! fails, never skips, when its tool is missing.

#[path = "interop/alipay.rs"]
mod alipay;
#[path = "interop/miniprogram.rs"]
mod miniprogram;
#[path = "interop/wechatpay.rs"]
mod wechatpay;
