//! `chop wechatpay certs decrypt`: decrypt a `/v3/certificates` response.

use std::path::Path;

use clap::{Args, Subcommand};
use serde_json::json;

use chop::clock::{Clock, FixedClock, SystemClock};
use chop::key::{format_utc, Certificate};
use chop::wechatpay::{
    verify_chain, verify_download, ApiV3Key, CertificatesResponse, SignatureHeaders, Trust,
};

use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop wechatpay certs …`.
#[derive(Debug, Subcommand)]
pub(crate) enum CertsCmd {
    /// Decrypt the certificates of a /v3/certificates response and save each as SERIAL.pem.
    Decrypt(DecryptArgs),
}

/// `chop wechatpay certs decrypt`.
#[derive(Debug, Args)]
pub(crate) struct DecryptArgs {
    /// The APIv3 key (32 characters).
    #[arg(long, env = "CHOP_APIV3_KEY", hide_env_values = true)]
    apiv3_key: String,
    /// Accept a 16-byte key too (only for the official SDKs' test vectors).
    #[arg(long, hide = true)]
    danger_accept_16_byte_test_key: bool,
    /// The response body: @FILE (@- for stdin) or text.
    #[arg(long)]
    response: String,
    /// HTTP status of the response (404 RESOURCE_NOT_EXISTS means public-key mode).
    #[arg(long, default_value_t = 200)]
    status: u16,
    /// The response headers (`Name: value` lines, text or @FILE): verify the
    /// response signature with the downloaded certificates (trust on first use).
    #[arg(long)]
    headers: Option<String>,
    /// Tenpay.com Root CA certificate file: check that each certificate chains to it.
    #[arg(long)]
    root: Option<String>,
    /// Directory to write `<serial>.pem` files into (created if absent).
    #[arg(long)]
    out: String,
    /// Check times against this unix time instead of now.
    #[arg(long)]
    now: Option<i64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: CertsCmd) -> CmdResult {
    match cmd {
        CertsCmd::Decrypt(args) => decrypt(args),
    }
}

fn decrypt(args: DecryptArgs) -> CmdResult {
    let key = if args.danger_accept_16_byte_test_key {
        ApiV3Key::danger_accept_16_byte_test_key(args.apiv3_key.trim())
    } else {
        ApiV3Key::new(&args.apiv3_key)
    }
    .map_err(|e| CliError::from_err("cannot use the APIv3 key", &e))?;
    let body = input::read_value(&args.response)?;
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    let response = CertificatesResponse::parse(args.status, &body)
        .map_err(|e| CliError::from_err("cannot use the /v3/certificates response", &e))?;
    let certs = response
        .decrypt(&key)
        .map_err(|e| CliError::from_err("cannot decrypt the platform certificates", &e))?;
    let mut out = Output::new(args.json);
    let mut failed = false;
    if let Some(h) = &args.headers {
        let text = String::from_utf8(input::read_value(h)?)
            .map_err(|_| CliError::input("the headers are not UTF-8 text"))?;
        let headers = SignatureHeaders::from_text(&text)
            .map_err(|e| CliError::from_err("cannot read the response headers", &e))?;
        let clock = FixedClock(now);
        match verify_download(certs.clone(), &headers, &body, Trust::FirstUse(&clock)) {
            Ok(d) => out.field("signature", json!({"verified": true, "verified_by": d.verified_by, "trust_on_first_use": true}), || {
                format!("signature: verified with {} (trust on first use: the certificate vouches for itself; check the chain with --root)", d.verified_by)
            }),
            Err(e) => {
                failed = true;
                out.field("signature", json!({"verified": false, "error": e.to_string()}), || {
                    format!("signature: NOT verified: {e}")
                });
            }
        }
    }
    let root = match &args.root {
        Some(p) => {
            Some(Certificate::load(&input::read_path(p)?).map_err(|e| input::key_error(p, &e))?)
        }
        None => None,
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::from_err(format!("cannot create `{}`", args.out), &e))?;
    let mut list = Vec::new();
    let mut lines = Vec::new();
    for c in &certs {
        let path = Path::new(&args.out).join(format!("{}.pem", c.certificate.serial_hex()));
        std::fs::write(&path, c.pem.as_bytes())
            .map_err(|e| CliError::from_err(format!("cannot write `{}`", path.display()), &e))?;
        let v = c.certificate.validity();
        let chain = root.as_ref().map(|r| verify_chain(&c.certificate, r, now));
        if matches!(chain, Some(Err(_))) {
            failed = true;
        }
        let chain_text = match &chain {
            None => "not checked (give --root)".to_string(),
            Some(Ok(())) => "chains to the root".to_string(),
            Some(Err(e)) => format!("does NOT chain: {e}"),
        };
        lines.push(format!(
            "{}  valid {} to {}  {}\n  saved {}\n  chain: {chain_text}",
            c.certificate.serial_hex(),
            format_utc(v.not_before),
            format_utc(v.not_after),
            c.certificate.subject(),
            path.display()
        ));
        list.push(json!({
            "serial_no": c.certificate.serial_hex(),
            "subject": c.certificate.subject(),
            "not_before": format_utc(v.not_before),
            "not_after": format_utc(v.not_after),
            "file": path.display().to_string(),
            "chain": chain.map(|r| r.map_or_else(|e| json!({"ok": false, "error": e.to_string()}), |()| json!({"ok": true}))),
        }));
    }
    out.field("certificates", json!(list), || {
        format!(
            "platform certificates ({}):\n{}",
            lines.len(),
            lines.join("\n")
        )
    });
    out.finish();
    Ok(if failed {
        Outcome::CheckFailed
    } else {
        Outcome::Ok
    })
}
