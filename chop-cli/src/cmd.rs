//! The subcommands.

pub(crate) mod alipay;
pub(crate) mod key;
pub(crate) mod wechatpay;
