//! Payment-success callbacks: the order marked paid, the `TRANSACTION.SUCCESS`
//! envelope encrypted with the APIv3 key, sent through the shared delivery
//! queue with each attempt signed afresh.

use std::sync::Arc;

use chop::wechatpay::{EncryptedResource, AEAD_AES_256_GCM};
use serde_json::json;

use super::respond::sign_headers;
use super::state::WechatPay;
use crate::delivery::{check_loopback, Kind, Notification, Sign};
use crate::gateway::Gateway;
use crate::random::{random_alnum, random_hex, random_uuid};
use crate::time::rfc3339;
use crate::MockError;

/// Marks the order `no` paid and sends its callback to `url` (or the order's
/// own `notify_url`); returns the notification id.
pub(crate) fn pay(
    gw: &Gateway<WechatPay>,
    no: &str,
    url: Option<&str>,
) -> Result<String, MockError> {
    let unknown = || MockError::UnknownOrder(no.to_string());
    let mut orders = gw.inner.orders.lock().map_err(|_| unknown())?;
    let tx = orders.get_mut(no).ok_or_else(unknown)?;
    let url = url
        .map(str::to_string)
        .or_else(|| tx["notify_url"].as_str().map(str::to_string))
        .ok_or_else(unknown)?;
    check_loopback(&url)?;
    if tx["trade_state"] != "SUCCESS" {
        tx["trade_state"] = json!("SUCCESS");
        tx["trade_state_desc"] = json!("支付成功");
        tx["transaction_id"] = json!(format!("4200{}", &random_hex(12)?[..24]));
        tx["bank_type"] = json!("OTHERS");
        tx["success_time"] = json!(rfc3339(gw.now()));
        let total = tx["amount"]["total"].clone();
        tx["amount"]["payer_total"] = total;
        tx["amount"]["payer_currency"] = json!("CNY");
    }
    let mut payload = tx.clone();
    if let Some(o) = payload.as_object_mut() {
        o.remove("notify_url");
    }
    drop(orders);
    let id = random_uuid()?;
    let body = envelope(gw, &id, &payload)?;
    let n = Notification {
        id,
        url,
        kind: Kind::WechatPay,
        body,
    };
    gw.queue.send(n, Some(signer(gw)))
}

/// Signs each callback attempt (new timestamp and nonce, same body) with the
/// key in force at that attempt, as the platform does.
pub(crate) fn signer(gw: &Gateway<WechatPay>) -> Sign {
    let (wp, clock) = (Arc::clone(&gw.inner), Arc::clone(&gw.clock));
    Arc::new(move |body| sign_headers(&wp, &*clock, body))
}

/// The envelope body for `transaction`, encrypted with the APIv3 key.
fn envelope(
    gw: &Gateway<WechatPay>,
    id: &str,
    transaction: &serde_json::Value,
) -> Result<Vec<u8>, MockError> {
    let nonce = random_alnum(12)?;
    let plaintext = transaction.to_string();
    let resource = EncryptedResource::encrypt(
        &gw.inner.api_v3_key,
        AEAD_AES_256_GCM,
        "transaction",
        &nonce,
        plaintext.as_bytes(),
    )
    .map_err(|_| MockError::KeyGen("callback encryption"))?;
    let body = json!({
        "id": id,
        "create_time": rfc3339(gw.now()),
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": {
            "original_type": "transaction",
            "algorithm": resource.algorithm,
            "ciphertext": resource.ciphertext,
            "associated_data": resource.associated_data,
            "nonce": resource.nonce,
        }
    });
    Ok(body.to_string().into_bytes())
}
