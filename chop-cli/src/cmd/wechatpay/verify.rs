//! `chop wechatpay verify`: check the signature of a response or callback.

use clap::Args;
use serde_json::json;

use chop::clock::{Clock, FixedClock, SystemClock};
use chop::wechatpay::{headers, ResponseVerifier, SignString, SignatureHeaders, VerifyError};

use super::keys::PlatformKeyArgs;
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop wechatpay verify`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct VerifyArgs {
    /// `Wechatpay-Timestamp`.
    #[arg(long)]
    timestamp: Option<String>,
    /// `Wechatpay-Nonce`.
    #[arg(long)]
    nonce: Option<String>,
    /// `Wechatpay-Signature` (base64).
    #[arg(long)]
    signature: Option<String>,
    /// `Wechatpay-Serial`: platform certificate serial or PUB_KEY_ID_….
    #[arg(long)]
    serial: Option<String>,
    /// Instead of the four flags: the response headers, one `Name: value` per
    /// line (text or @FILE); the flags above override single values.
    #[arg(long)]
    headers: Option<String>,
    /// HTTP status of the response: an error status without signature headers
    /// is reported as an unsigned error response (with its error body).
    #[arg(long, default_value_t = 200)]
    status: u16,
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
    let text = match &args.headers {
        Some(h) => String::from_utf8(input::read_value(h)?)
            .map_err(|_| CliError::input("the headers are not UTF-8 text"))?,
        None => String::new(),
    };
    let mut pairs: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    for (name, value) in [
        (headers::TIMESTAMP, args.timestamp),
        (headers::NONCE, args.nonce),
        (headers::SIGNATURE, args.signature),
        (headers::SERIAL, args.serial),
    ] {
        if let Some(v) = value {
            pairs.push((name.to_string(), v));
        }
    }
    let headers = match SignatureHeaders::of_response(args.status, pairs, &body) {
        Ok(h) => h,
        Err(e @ VerifyError::UnsignedErrorResponse { .. }) => {
            let mut out = Output::new(args.json);
            out.field("verified", json!(false), || {
                format!("signature: NOT verified: {e}")
            });
            out.json_only("error", json!(e.to_string()));
            out.finish();
            return Ok(Outcome::CheckFailed);
        }
        Err(e) => {
            return Err(
                CliError::from_err("the signature headers are incomplete", &e).hint(
                    "give --timestamp, --nonce, --signature and --serial, or --headers @FILE",
                ),
            )
        }
    };
    let result = verifier.verify(&headers, &body);
    let mut out = Output::new(args.json);
    let outcome = match &result {
        Ok(v) => Ok((v.sign_string(), v.key_id().unwrap_or_default())),
        Err(e) => Err(e),
    };
    report(&mut out, &verifier, &headers, &body, outcome);
    out.finish();
    Ok(if result.is_ok() {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}

/// Prints the sign string, the key and the result (shared with `notify`):
/// on success the sign string and key that verified, on failure the sign
/// string the headers claim to sign.
pub(crate) fn report(
    out: &mut Output,
    verifier: &ResponseVerifier,
    headers: &SignatureHeaders,
    body: &[u8],
    result: Result<(&SignString, &str), &VerifyError>,
) {
    let claimed;
    let sign_string = match result {
        Ok((s, _)) => s,
        Err(VerifyError::BadSignature { sign_string, .. }) => sign_string,
        Err(_) => {
            claimed = headers.sign_string(body);
            &claimed
        }
    };
    let serial = &headers.serial;
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
        Ok((_, by)) => {
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
