//! The middlewares over loopback: WeChat Pay's against a small stub signed by
//! the core (rotation, refresh, tampering), and every platform's against
//! chop-mock, including the failures a user meets.

#[path = "middleware/e2e_mock.rs"]
mod e2e_mock;
#[path = "middleware/wechatpay_stub.rs"]
mod wechatpay_stub;
