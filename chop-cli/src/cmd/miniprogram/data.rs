//! `chop miniprogram decrypt-data`.

use clap::Args;
use serde_json::json;

use chop::miniprogram::{decrypt_open_data, raw_data_signature, verify_raw_data, OpenDataError};
use chop::secret::SecretString;

use super::read_text;
use crate::error::{CliError, CmdResult, Outcome};
use crate::output::Output;

/// `chop miniprogram decrypt-data`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct DecryptDataArgs {
    /// The user's session_key from code2session (base64).
    #[arg(long, env = "CHOP_MP_SESSION_KEY", hide_env_values = true)]
    session_key: String,
    /// The iv sent with the data (base64).
    #[arg(long)]
    iv: String,
    /// The encryptedData (base64): text, @FILE or @- (stdin).
    #[arg(long)]
    data: String,
    /// Check that watermark.appid is this appid.
    #[arg(long)]
    appid: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: DecryptDataArgs) -> CmdResult {
    let data = read_text(&args.data, "--data")?;
    let key = SecretString::new(args.session_key.trim());
    let mut out = Output::new(args.json);
    match decrypt_open_data(&key, &args.iv, &data, args.appid.as_deref()) {
        Ok(d) => {
            if let Some(w) = &d.watermark {
                out.field(
                    "watermark",
                    json!({"appid": w.appid, "timestamp": w.timestamp}),
                    || {
                        format!(
                            "watermark: appid {} issued at {} ({})",
                            w.appid,
                            w.timestamp,
                            chop::key::format_utc(w.timestamp)
                        )
                    },
                );
            }
            out.field("plaintext", json!(d.plaintext), || {
                format!("plaintext:\n  {}", d.plaintext)
            });
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(
            e @ (OpenDataError::Decrypt { .. }
            | OpenDataError::NotJson { .. }
            | OpenDataError::WatermarkAppid { .. }),
        ) => {
            out.field("decrypted", json!(false), || "NOT decrypted".into());
            out.field("error", json!(e.to_string()), || format!("error: {e}"));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e) => Err(CliError::from_err("cannot decrypt the open data", &e)),
    }
}

/// `chop miniprogram check-raw-data`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct CheckRawDataArgs {
    /// The user's session_key from code2session (base64 text, as given).
    #[arg(long, env = "CHOP_MP_SESSION_KEY", hide_env_values = true)]
    session_key: String,
    /// rawData exactly as received: text, @FILE or @- (stdin).
    #[arg(long)]
    raw_data: String,
    /// The signature sent with it (hex).
    #[arg(long)]
    signature: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn check_raw_data(args: CheckRawDataArgs) -> CmdResult {
    let raw = crate::input::read_value(&args.raw_data)?;
    let key = SecretString::new(args.session_key.trim());
    let expected = raw_data_signature(&raw, &key);
    let mut out = Output::new(args.json);
    out.field("expected_signature", json!(expected), || {
        format!("sha1(rawData + session_key): {expected}")
    });
    match verify_raw_data(&raw, &args.signature, &key) {
        Ok(_) => {
            out.field("verified", json!(true), || "signature matches".into());
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(e) => {
            out.field("verified", json!(false), || "NOT verified".into());
            out.field("error", json!(e.to_string()), || format!("error: {e}"));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
    }
}
