//! The subcommands.

pub(crate) mod alipay;
pub(crate) mod doctor;
pub(crate) mod key;
pub(crate) mod miniprogram;
pub(crate) mod mock;
pub(crate) mod tour;
pub(crate) mod wechatpay;
