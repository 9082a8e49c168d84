//! Typed plaintexts of the common notifications.
//!
//! Fields that only some merchants receive (partner mode, promotions) are
//! optional; unknown fields are ignored, so new fields from WeChat Pay do not
//! break parsing.

use serde::{Deserialize, Serialize};

/// The plaintext of a payment-success notification (`TRANSACTION.SUCCESS`,
/// `resource.original_type` = `transaction`): the order as paid.
///
/// ```
/// use chop::wechatpay::Transaction;
/// let t: Transaction = serde_json::from_str(r#"{"mchid":"1900009191","appid":"wx1","out_trade_no":"o1",
///   "transaction_id":"4200","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功",
///   "success_time":"2026-11-23T16:00:00+08:00","payer":{"openid":"oU"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}"#).unwrap();
/// assert_eq!(t.amount.total, 100);
/// assert_eq!(t.payer.and_then(|p| p.openid).as_deref(), Some("oU"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Transaction {
    /// Merchant id (直连商户号). Absent in partner mode (see `sp_mchid`).
    pub mchid: Option<String>,
    /// App id. Absent in partner mode (see `sp_appid`).
    pub appid: Option<String>,
    /// Partner (服务商) merchant id.
    pub sp_mchid: Option<String>,
    /// Partner app id.
    pub sp_appid: Option<String>,
    /// Sub-merchant id.
    pub sub_mchid: Option<String>,
    /// Sub-merchant app id.
    pub sub_appid: Option<String>,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    pub transaction_id: Option<String>,
    /// `JSAPI`, `NATIVE`, `APP`, `MICROPAY`, `MWEB`, `FACEPAY`.
    pub trade_type: Option<String>,
    /// `SUCCESS`, `REFUND`, `NOTPAY`, `CLOSED`, `REVOKED`, `USERPAYING`, `PAYERROR`.
    pub trade_state: String,
    /// Description of the state.
    pub trade_state_desc: Option<String>,
    /// The paying bank (`OTHERS`, `CMC`, …).
    pub bank_type: Option<String>,
    /// The merchant's `attach` data, returned as given.
    pub attach: Option<String>,
    /// Payment time, RFC 3339 (`2026-11-23T16:00:00+08:00`).
    pub success_time: Option<String>,
    /// Who paid.
    pub payer: Option<Payer>,
    /// Amounts, in fen (分).
    pub amount: TransactionAmount,
    /// Scene information.
    pub scene_info: Option<serde_json::Value>,
    /// Promotions (优惠), as sent.
    pub promotion_detail: Option<Vec<serde_json::Value>>,
}

/// The payer of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payer {
    /// The payer's openid under `appid` (direct mode).
    pub openid: Option<String>,
    /// Under `sp_appid` (partner mode).
    pub sp_openid: Option<String>,
    /// Under `sub_appid` (partner mode).
    pub sub_openid: Option<String>,
}

/// Amounts of a transaction, in fen (分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransactionAmount {
    /// Order total.
    pub total: i64,
    /// What the payer paid (after promotions).
    pub payer_total: Option<i64>,
    /// `CNY`.
    pub currency: Option<String>,
    /// The payer's currency.
    pub payer_currency: Option<String>,
}

/// The plaintext of a refund notification (`REFUND.SUCCESS`, `REFUND.ABNORMAL`,
/// `REFUND.CLOSED`; `original_type` = `refund`).
///
/// ```
/// use chop::wechatpay::RefundNotification;
/// let r: RefundNotification = serde_json::from_str(r#"{"mchid":"1900009191","out_trade_no":"o1","transaction_id":"4200",
///   "out_refund_no":"r1","refund_id":"5000","refund_status":"SUCCESS","amount":{"total":100,"refund":100,"payer_total":100,"payer_refund":100}}"#).unwrap();
/// assert_eq!(r.refund_status, "SUCCESS");
/// assert_eq!(r.amount.refund, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefundNotification {
    /// Merchant id (direct mode).
    pub mchid: Option<String>,
    /// Partner merchant id.
    pub sp_mchid: Option<String>,
    /// Sub-merchant id.
    pub sub_mchid: Option<String>,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    pub transaction_id: Option<String>,
    /// The merchant's refund number.
    pub out_refund_no: String,
    /// WeChat Pay's refund number.
    pub refund_id: Option<String>,
    /// `SUCCESS`, `CLOSED`, `ABNORMAL`.
    pub refund_status: String,
    /// Refund time, RFC 3339.
    pub success_time: Option<String>,
    /// Where the money went (`招商银行信用卡0403`, `支付用户零钱`, …).
    pub user_received_account: Option<String>,
    /// Amounts, in fen.
    pub amount: RefundAmount,
}

/// Amounts of a refund, in fen (分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefundAmount {
    /// Order total.
    pub total: i64,
    /// Refunded.
    pub refund: i64,
    /// Paid by the payer.
    pub payer_total: Option<i64>,
    /// Refunded to the payer.
    pub payer_refund: Option<i64>,
}
