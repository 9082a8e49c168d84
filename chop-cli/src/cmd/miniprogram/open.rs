//! `chop miniprogram open`.

use clap::Args;
use serde_json::json;

use chop::clock::FixedClock;
use chop::key::Certificate;
use chop::miniprogram::{
    OpenError, PlatformCertificates, ResponseHeaders, ResponseOpener, Suite, DEFAULT_WINDOW_SECS,
};

use super::{sym_key, SuiteArg};
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop miniprogram open`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct OpenArgs {
    /// The Mini Program's appid.
    #[arg(long)]
    appid: String,
    /// The URL the request was sent to.
    #[arg(long)]
    url: String,
    /// API symmetric key (API对称密钥), base64.
    #[arg(long, env = "CHOP_MP_SYM_KEY", hide_env_values = true)]
    sym_key: String,
    /// The symmetric key's number (对称密钥编号).
    #[arg(long)]
    sym_sn: String,
    /// The platform certificate file downloaded from the MP console.
    #[arg(long)]
    cert: String,
    /// That certificate's number in the MP console (not its X.509 serial).
    #[arg(long)]
    cert_sn: String,
    /// The algorithms configured in the MP console.
    #[arg(long, value_enum, default_value = "aes")]
    suite: SuiteArg,
    /// Response header Wechatmp-Appid (default: --appid).
    #[arg(long)]
    header_appid: Option<String>,
    /// Response header Wechatmp-TimeStamp.
    #[arg(long)]
    timestamp: Option<String>,
    /// Response header Wechatmp-Signature.
    #[arg(long)]
    signature: Option<String>,
    /// Response header Wechatmp-Serial.
    #[arg(long)]
    serial: Option<String>,
    /// Response header Wechatmp-Serial-Deprecated (certificate rotation only).
    #[arg(long)]
    deprecated_serial: Option<String>,
    /// Response header Wechatmp-Signature-Deprecated (certificate rotation only).
    #[arg(long)]
    deprecated_signature: Option<String>,
    /// The response body exactly as received: text, @FILE or @- (stdin).
    #[arg(long)]
    body: String,
    /// Unix time to check the timestamp against, instead of now (to replay a saved response).
    #[arg(long)]
    now: Option<i64>,
    /// Seconds the timestamp may be away from now.
    #[arg(long, default_value_t = DEFAULT_WINDOW_SECS)]
    window: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: OpenArgs) -> CmdResult {
    let sym = sym_key(&args.sym_key)?;
    let cert_bytes = input::read_path(&args.cert)?;
    let cert = Certificate::load(&cert_bytes).map_err(|e| input::key_error(&args.cert, &e))?;
    let mut certs = PlatformCertificates::default();
    certs
        .insert(&args.cert_sn, &cert)
        .map_err(|e| input::key_error(&args.cert, &e))?;
    let suite = match args.suite {
        SuiteArg::Aes => Suite::AesGcmRsa,
        SuiteArg::Sm => Suite::sm(),
    };
    let mut opener = ResponseOpener::new(&args.appid, sym, &args.sym_sn, certs)
        .with_suite(suite)
        .with_window(args.window);
    if let Some(now) = args.now {
        opener = opener.with_clock(FixedClock(now));
    }
    let body = input::read_value(&args.body)?;
    let headers = ResponseHeaders {
        appid: Some(
            args.header_appid
                .clone()
                .unwrap_or_else(|| args.appid.clone()),
        ),
        timestamp: args.timestamp.clone(),
        serial: args.serial.clone(),
        signature: args.signature.clone(),
        deprecated_serial: args.deprecated_serial.clone(),
        deprecated_signature: args.deprecated_signature.clone(),
    };
    let mut out = Output::new(args.json);
    match opener.open(&args.url, &headers, &body) {
        Ok(verified) => {
            let serial = verified.key_id().unwrap_or_default();
            let sign_string = verified.sign_string();
            let opened = verified.value();
            out.field("verified", json!(true), || {
                format!("verified with platform certificate {serial}")
            });
            if let Some(r) = &opened.rotation {
                out.field("warning", json!(r.to_string()), || format!("warning: {r}"));
                if args.json {
                    eprintln!("warning: {r}");
                }
            }
            out.field("sign_string", json!(sign_string.to_string()), || {
                format!(
                    "sign string ({} bytes):\n  {}",
                    sign_string.len(),
                    sign_string.escaped()
                )
            });
            out.field("aad", json!(opened.aad.as_str()), || {
                format!("aad:\n  {}", opened.aad)
            });
            out.json_only("serial", json!(serial));
            out.json_only("timestamp", json!(verified.timestamp()));
            out.field("plaintext", json!(opened.plaintext), || {
                format!("plaintext:\n  {}", opened.plaintext)
            });
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(e) if is_check_failure(&e) => {
            out.field("verified", json!(false), || "NOT verified".to_string());
            if let OpenError::Unverified(u) = &e {
                out.json_only("unverified_errcode", json!(u.errcode));
                out.json_only("unverified_errmsg", json!(u.errmsg));
            }
            if let OpenError::SignatureMismatch { sign_string, .. } = &e {
                out.field("sign_string", json!(sign_string.to_string()), || {
                    format!(
                        "sign string checked ({} bytes):\n  {}",
                        sign_string.len(),
                        sign_string.escaped()
                    )
                });
            }
            out.field("error", json!(e.to_string()), || format!("error: {e}"));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e) => Err(CliError::from_err("cannot open the response", &e)),
    }
}

/// Failures of a check (exit 1), as opposed to unusable input (exit 2).
fn is_check_failure(e: &OpenError) -> bool {
    matches!(
        e,
        OpenError::Unverified(_)
            | OpenError::SignatureMismatch { .. }
            | OpenError::Stale { .. }
            | OpenError::Decrypt { .. }
            | OpenError::AppidMismatch { .. }
            | OpenError::PlaintextAppid { .. }
            | OpenError::PlaintextTimestamp { .. }
    )
}
