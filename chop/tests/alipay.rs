//! Alipay against the vectors in `vectors/alipay/`, and every bad-input case.

#[path = "alipay/errors.rs"]
mod errors;
#[path = "alipay/vectors.rs"]
mod vectors;
