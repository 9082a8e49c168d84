//! chop-mock over loopback, one module per platform: the core signs or seals
//! requests, the mock verifies them and answers as the platform does, its
//! callbacks reach a merchant endpoint on 127.0.0.1; and a mock restarted
//! with the same `--state DIR` resumes what it had not delivered.

#[path = "gateways/alipay.rs"]
mod alipay;
#[path = "gateways/miniprogram.rs"]
mod miniprogram;
#[path = "gateways/restart.rs"]
mod restart;
#[path = "gateways/wechatpay.rs"]
mod wechatpay;
