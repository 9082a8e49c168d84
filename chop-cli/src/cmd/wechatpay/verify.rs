//! `chop wechatpay verify`: check the signature of a response or callback.

use clap::Args;
use serde_json::json;

use chop::clock::{Clock, FixedClock, SystemClock};
use chop::wechatpay::{ResponseVerifier, SignString, SignatureHeaders, VerifyError};

use super::keys::PlatformKeyArgs;
use crate::error::{CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop wechatpay verify`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct VerifyArgs {
    /// `Wechatpay-Timestamp`.
    #[arg(long)]
    timestamp: String,
    /// `Wechatpay-Nonce`.
    #[arg(long)]
    nonce: String,
    /// `Wechatpay-Signature` (base64).
    #[arg(long)]
    signature: String,
    /// `Wechatpay-Serial`: platform certificate serial or PUB_KEY_ID_….
    #[arg(long)]
    serial: String,
    /// The raw body exactly as received: text, or @FILE (@- for stdin). Empty by default.
    #[arg(long, default_value = "")]
    body: String,
    #[command(flatten)]
    keys: PlatformKeyArgs,
    /// Check the timestamp against this unix time instead of now (to re-check an old message).
    #[arg(long)]
    now: Option<i64>,
    /// Timestamp window in seconds, past and future (a timestamp exactly this far off is accepted).
    #[arg(long, default_value_t = chop::wechatpay::DEFAULT_WINDOW_SECS)]
    window: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: VerifyArgs) -> CmdResult {
    let keys = args.keys.load()?;
    let body = input::read_value(&args.body)?;
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    let verifier = ResponseVerifier::new(keys)
        .with_clock(FixedClock(now))
        .with_window(args.window);
    let headers = SignatureHeaders {
        timestamp: args.timestamp,
        nonce: args.nonce,
        signature: args.signature,
        serial: args.serial,
        signature_type: None,
    };
    let sign_string = SignString::response(&headers.timestamp, &headers.nonce, &body);
    let result = verifier.verify(&headers, &body);
    let mut out = Output::new(args.json);
    report(
        &mut out,
        &sign_string,
        &verifier,
        &headers.serial,
        &result.as_ref().map(|v| v.serial().to_string()),
    );
    out.finish();
    Ok(if result.is_ok() {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}

/// Prints the sign string, the key and the result (shared with `notify`).
pub(crate) fn report(
    out: &mut Output,
    sign_string: &SignString,
    verifier: &ResponseVerifier,
    serial: &str,
    result: &Result<String, &VerifyError>,
) {
    out.field("sign_string", json!(sign_string.to_string()), || {
        format!(
            "sign string ({} bytes):\n  {}",
            sign_string.len(),
            sign_string.escaped()
        )
    });
    out.json_only("sign_string_escaped", json!(sign_string.escaped()));
    out.json_only("sign_string_length", json!(sign_string.len()));
    out.json_only("serial", json!(serial));
    out.json_only("known_serials", json!(verifier.store().ids()));
    match result {
        Ok(by) => {
            out.field("verified", json!(true), || {
                format!("signature: verified with {by}")
            });
            out.json_only("verified_by", json!(by));
        }
        Err(e) => {
            out.field("verified", json!(false), || {
                format!("signature: NOT verified: {e}")
            });
            out.json_only("error", json!(e.to_string()));
        }
    }
}
