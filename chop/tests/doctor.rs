//! `chop::diagnose`: each case starts from a correct input, breaks one thing,
//! and checks that exactly that cause is named.

#[path = "doctor/alipay.rs"]
mod alipay;
#[path = "doctor/key.rs"]
mod key;
#[path = "doctor/miniprogram.rs"]
mod miniprogram;
#[path = "doctor/wechatpay.rs"]
mod wechatpay;
