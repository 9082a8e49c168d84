//! `chop wechatpay notify`: verify a callback and print its decrypted resource.

use clap::Args;
use serde_json::{json, Value};

use chop::clock::{Clock, FixedClock, SystemClock};
use chop::wechatpay::{
    ApiV3Key, NotificationHandler, NotifyError, ResponseVerifier, SignatureHeaders,
};

use super::keys::PlatformKeyArgs;
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop wechatpay notify`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct NotifyArgs {
    /// The callback's headers, one `Name: value` per line (names in any case): text or @FILE.
    #[arg(long)]
    headers: String,
    /// The raw callback body exactly as received: @FILE (@- for stdin) or text.
    #[arg(long)]
    body: String,
    /// The APIv3 key (32 characters, 商户平台 → API安全 → APIv3密钥).
    #[arg(long, env = "CHOP_APIV3_KEY", hide_env_values = true)]
    apiv3_key: String,
    /// Accept a 16-byte key too (only for the official SDKs' test vectors; real keys are 32 bytes).
    #[arg(long, hide = true)]
    danger_accept_16_byte_test_key: bool,
    #[command(flatten)]
    keys: PlatformKeyArgs,
    /// Check the timestamp against this unix time instead of now (to re-check an old callback).
    #[arg(long)]
    now: Option<i64>,
    /// Timestamp window in seconds, past and future.
    #[arg(long, default_value_t = chop::wechatpay::DEFAULT_WINDOW_SECS)]
    window: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: NotifyArgs) -> CmdResult {
    let key = if args.danger_accept_16_byte_test_key {
        ApiV3Key::danger_accept_16_byte_test_key(args.apiv3_key.trim())
    } else {
        ApiV3Key::new(&args.apiv3_key)
    }
    .map_err(|e| CliError::from_err("cannot use the APIv3 key", &e))?;
    let keys = args.keys.load()?;
    let headers_text = String::from_utf8(input::read_value(&args.headers)?)
        .map_err(|_| CliError::input("the headers are not UTF-8 text"))?;
    let body = input::read_value(&args.body)?;
    let headers = SignatureHeaders::from_text(&headers_text)
        .map_err(|e| CliError::from_err("cannot read the callback headers", &e))?;
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    let verifier = ResponseVerifier::new(keys)
        .with_clock(FixedClock(now))
        .with_window(args.window);
    let handler = NotificationHandler::new(verifier.clone(), key);
    let mut out = Output::new(args.json);
    match handler.handle(&headers, &body) {
        Ok(n) => {
            let (n, proof) = n.into_parts();
            let by = proof.key_id().unwrap_or_default();
            super::verify::report(
                &mut out,
                &verifier,
                &headers,
                &body,
                Ok((proof.sign_string(), by)),
            );
            let e = &n.envelope;
            out.field("id", json!(e.id), || format!("id: {}", e.id));
            out.field("event_type", json!(e.event_type), || {
                format!("event_type: {}", e.event_type)
            });
            out.field("create_time", json!(e.create_time), || {
                format!("create_time: {}", e.create_time)
            });
            out.field("summary", json!(e.summary), || {
                format!("summary: {}", e.summary)
            });
            out.json_only("resource_type", json!(e.resource_type));
            out.json_only("algorithm", json!(e.resource.algorithm));
            out.json_only("associated_data", json!(e.resource.associated_data));
            out.json_only("original_type", json!(e.resource.original_type));
            let text = String::from_utf8_lossy(&n.plaintext).into_owned();
            out.json_only("plaintext", json!(text));
            let parsed: Option<Value> = serde_json::from_slice(&n.plaintext).ok();
            out.field("resource", parsed.clone().unwrap_or(Value::Null), || {
                format!("resource (decrypted):\n  {text}")
            });
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(NotifyError::Verify(e)) => {
            super::verify::report(&mut out, &verifier, &headers, &body, Err(&e));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e) => Err(CliError::from_err(
            "the callback verified but cannot be read",
            &e,
        )),
    }
}
