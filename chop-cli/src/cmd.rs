//! The subcommands.

pub(crate) mod key;
pub(crate) mod miniprogram;
pub(crate) mod wechatpay;
