//! The Alipay trade methods the gateway answers: `alipay.trade.precreate`
//! and `alipay.trade.query`.

use serde_json::{json, Value};

use super::state::Alipay;
use crate::random::random_hex;

/// The business answer of `method` for the decoded `biz_content`.
pub(crate) fn business(alipay: &Alipay, method: &str, biz: &Value) -> Value {
    let no = biz["out_trade_no"].as_str().unwrap_or("");
    let orders = &alipay.orders;
    match method {
        "alipay.trade.precreate" => {
            let amount = biz["total_amount"].as_str().unwrap_or("");
            if no.is_empty() || amount.is_empty() || biz["subject"].as_str().is_none() {
                return business_error("ACQ.INVALID_PARAMETER", "参数无效");
            }
            let trade_no = format!("2026{}", random_hex(12).unwrap_or_default());
            if let Ok(mut o) = orders.lock() {
                o.insert(
                    no.to_string(),
                    json!({"trade_no": trade_no, "out_trade_no": no,
                    "total_amount": amount, "trade_status": "WAIT_BUYER_PAY"}),
                );
            }
            json!({"code": "10000", "msg": "Success", "out_trade_no": no,
                   "qr_code": format!("https://qr.alipay.com/mock{}", &trade_no[4..14])})
        }
        "alipay.trade.query" => match orders.lock().ok().and_then(|o| o.get(no).cloned()) {
            Some(mut t) => {
                t["code"] = json!("10000");
                t["msg"] = json!("Success");
                t
            }
            None => business_error("ACQ.TRADE_NOT_EXIST", "交易不存在"),
        },
        _ => json!({"code": "40004", "msg": "Business Failed",
                    "sub_code": "isv.invalid-method", "sub_msg": "chop-mock 未实现该接口"}),
    }
}

fn business_error(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})
}
