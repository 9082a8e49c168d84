//! The `chop` command end to end, one module per command group: the exit
//! codes, the human output and the `--json` object, against the vectors.

#[path = "cli/alipay.rs"]
mod alipay;
#[path = "cli/doctor_alipay.rs"]
mod doctor_alipay;
#[path = "cli/doctor_key.rs"]
mod doctor_key;
#[path = "cli/doctor_wechatpay.rs"]
mod doctor_wechatpay;
#[path = "cli/key.rs"]
mod key;
#[path = "cli/miniprogram.rs"]
mod miniprogram;
#[path = "cli/wechatpay_crypt.rs"]
mod wechatpay_crypt;
#[path = "cli/wechatpay_sign.rs"]
mod wechatpay_sign;
#[path = "cli/wechatpay_verify.rs"]
mod wechatpay_verify;
