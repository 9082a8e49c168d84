//! The subcommands.

pub(crate) mod key;
pub(crate) mod wechatpay;
