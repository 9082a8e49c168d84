//! WeChat Mini Program against the vectors in `vectors/miniprogram/`: API
//! security (seal and open), open data and message push, and the SM suite.

#[path = "miniprogram/api_security.rs"]
mod api_security;
#[path = "miniprogram/open_data_msg.rs"]
mod open_data_msg;
#[path = "miniprogram/sm.rs"]
mod sm;
