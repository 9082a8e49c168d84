//! `chop alipay v3-sign|v3-verify`: the v3 API's Authorization header and response signature.

use clap::Args;
use serde_json::json;

use chop::alipay::{verify_v3_response, V3RequestSigner, V3ResponseHeaders, VerifyError};
use chop::clock::{Clock, NonceSource, RandomNonce, SystemClock};

use super::load_alipay_key;
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop alipay v3-sign`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct V3SignArgs {
    /// The app id.
    #[arg(long)]
    app_id: String,
    /// App private key file (应用私钥): bare base64, PEM or DER.
    #[arg(long)]
    key: String,
    /// Password of an encrypted key file.
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    key_password: Option<String>,
    /// app_cert_sn, in certificate mode (see `chop alipay cert-sn`).
    #[arg(long)]
    app_cert_sn: Option<String>,
    /// HTTP method as sent (signed in uppercase).
    #[arg(long)]
    method: String,
    /// URL as sent: the full https URL (openapi.alipay.com/v3/…) or the path with its query.
    #[arg(long)]
    url: String,
    /// Request body exactly as sent: text or @FILE. Empty by default.
    #[arg(long, default_value = "")]
    body: String,
    /// app_auth_token (third-party apps), also sent in the alipay-app-auth-token header.
    #[arg(long)]
    app_auth_token: Option<String>,
    /// Timestamp in milliseconds instead of now (to reproduce a signature).
    #[arg(long)]
    timestamp: Option<String>,
    /// Nonce instead of a random one (to reproduce a signature).
    #[arg(long)]
    nonce: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop alipay v3-verify`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct V3VerifyArgs {
    /// Alipay public key file (支付宝公钥).
    #[arg(long)]
    public_key: Option<String>,
    /// Alipay public key certificate, certificate mode (checks alipay-sn).
    #[arg(long, conflicts_with = "public_key")]
    cert: Option<String>,
    /// The response body exactly as received: text or @FILE.
    #[arg(long)]
    body: String,
    /// The alipay-timestamp header.
    #[arg(long)]
    timestamp: String,
    /// The alipay-nonce header.
    #[arg(long)]
    nonce: String,
    /// The alipay-signature header.
    #[arg(long)]
    signature: String,
    /// The alipay-sn header, if any.
    #[arg(long)]
    sn: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn sign(args: V3SignArgs) -> CmdResult {
    let key = input::load_private_key(&args.key, args.key_password.as_deref())?;
    let mut signer = V3RequestSigner::new(&args.app_id, key);
    if let Some(sn) = &args.app_cert_sn {
        signer = signer.with_app_cert_sn(sn);
    }
    let body = input::read_value(&args.body)?;
    let timestamp = args
        .timestamp
        .unwrap_or_else(|| SystemClock.now_unix().saturating_mul(1000).to_string());
    let nonce = match args.nonce {
        Some(n) => n,
        None => RandomNonce
            .nonce()
            .map_err(|e| CliError::from_err("cannot make a nonce", &e))?,
    };
    let method = args.method.to_ascii_uppercase();
    let signed = signer
        .sign_at(
            &method,
            &args.url,
            &body,
            args.app_auth_token.as_deref(),
            &timestamp,
            &nonce,
        )
        .map_err(|e| CliError::from_err("cannot sign the request", &e))?;
    let mut out = Output::new(args.json);
    out.field("sign_string", json!(signed.sign_string.to_string()), || {
        format!(
            "sign string ({} bytes):\n  {}",
            signed.sign_string.len(),
            signed.sign_string.escaped()
        )
    });
    out.json_only("sign_string_escaped", json!(signed.sign_string.escaped()));
    out.field("sign", json!(signed.authorization.sign), || {
        format!("sign:\n  {}", signed.authorization.sign)
    });
    let header = signed.authorization.to_string();
    out.field("authorization", json!(header), || {
        format!("Authorization:\n  {header}")
    });
    out.finish();
    Ok(Outcome::Ok)
}

pub(crate) fn verify(args: V3VerifyArgs) -> CmdResult {
    let key = load_alipay_key(args.public_key.as_deref(), args.cert.as_deref())?;
    let body = input::read_value(&args.body)?;
    let headers = V3ResponseHeaders {
        timestamp: Some(args.timestamp),
        nonce: Some(args.nonce),
        signature: Some(args.signature),
        sn: args.sn,
    };
    let mut out = Output::new(args.json);
    match verify_v3_response(&headers, &body, &key) {
        Ok(v) => {
            out.field("verified", json!(true), || "response verified".into());
            out.field("sign_string", json!(v.sign_string().to_string()), || {
                format!("sign string:\n  {}", v.sign_string().escaped())
            });
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(e @ (VerifyError::Mismatch { .. } | VerifyError::CertSnMismatch { .. })) => {
            out.field("verified", json!(false), || {
                "response does NOT verify".into()
            });
            out.field("error", json!(e.to_string()), || format!("why: {e}"));
            if let VerifyError::Mismatch { tried, .. } = &e {
                let t: Vec<&str> = tried.iter().map(|c| c.as_str()).collect();
                out.field("tried", json!(t), || {
                    let escaped: Vec<String> = t.iter().map(|s| s.replace('\n', "\\n")).collect();
                    format!("sign string checked:\n  {}", escaped.join("\n  "))
                });
            }
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e) => Err(CliError::from_err("cannot verify the response", &e)),
    }
}
