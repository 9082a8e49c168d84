//! WeChat Pay API v3 against the vectors in `vectors/wechatpay/`: request
//! signing, response and callback verification, platform certificates,
//! sensitive fields, and the 国密 suite.

#[path = "wechatpay/certs_vectors.rs"]
mod certs_vectors;
#[path = "wechatpay/notify_vectors.rs"]
mod notify_vectors;
#[path = "wechatpay/sensitive_vectors.rs"]
mod sensitive_vectors;
#[path = "wechatpay/sign_vectors.rs"]
mod sign_vectors;
#[path = "wechatpay/sm_vectors.rs"]
mod sm_vectors;
#[path = "wechatpay/verify_vectors.rs"]
mod verify_vectors;
