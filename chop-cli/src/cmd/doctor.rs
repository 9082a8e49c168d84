//! `chop doctor …`: say exactly why a signature fails.

mod alipay;
mod miniprogram;
mod wechatpay;

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use chop::clock::{Clock, SystemClock};
use chop::diagnose::{check_key, Finding, KeyCheck, Severity};
use chop::key::Certificate;
use chop::secret::SecretString;

use crate::error::{CliError, CmdResult, Outcome};
use crate::input;

/// Diagnosis commands.
#[derive(Debug, Subcommand)]
pub(crate) enum DoctorCmd {
    /// Check a private key (and its certificate and serial): damaged fields, pairing, validity.
    Key(KeyArgs),
    /// Why WeChat Pay answered 401 (--error with --sign-string, the sign flags or --request), or why a callback fails (--headers --body).
    Wechatpay(wechatpay::WechatpayArgs),
    /// Explain a Mini Program API-security errcode (40230–40240) against the request sent.
    Miniprogram(miniprogram::MiniprogramArgs),
    /// Why an Alipay response does not verify: the signed content cut from it, the key used, certificate SNs.
    Alipay(alipay::AlipayArgs),
}

/// `chop doctor key`.
#[derive(Debug, Args)]
pub(crate) struct KeyArgs {
    /// The private key file (PEM, DER, base64, encrypted PKCS#8, PKCS#12).
    file: String,
    /// The merchant certificate that should pair with the key (apiclient_cert.pem).
    #[arg(long)]
    cert: Option<String>,
    /// The serial you send as serial_no, to check against the certificate.
    #[arg(long)]
    serial: Option<String>,
    /// Password of an encrypted key or a .p12 (for apiclient_cert.p12: the merchant id).
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Unix time to check the certificate's validity at, instead of now.
    #[arg(long)]
    now: Option<i64>,
    /// Print one JSON object (`findings` is the list) instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: DoctorCmd) -> CmdResult {
    match cmd {
        DoctorCmd::Key(args) => key(args),
        DoctorCmd::Wechatpay(args) => wechatpay::run(args),
        DoctorCmd::Miniprogram(args) => miniprogram::run(args),
        DoctorCmd::Alipay(args) => alipay::run(args),
    }
}

fn key(args: KeyArgs) -> CmdResult {
    let bytes = input::read_path(&args.file)?;
    let cert = match &args.cert {
        Some(path) => Some(Certificate::load(&input::read_path(path)?).map_err(|e| {
            CliError::from_err(format!("cannot use the certificate file `{path}`"), &e)
        })?),
        None => None,
    };
    let password = args.password.as_deref().map(SecretString::new);
    let findings = check_key(
        &bytes,
        &KeyCheck {
            password: password.as_ref(),
            certificate: cert.as_ref(),
            serial: args.serial.as_deref(),
            now: args.now.unwrap_or_else(|| SystemClock.now_unix()),
        },
    );
    Ok(report(&findings, args.json))
}

/// Prints findings (text or JSON) and returns exit 1 when any is an error.
pub(crate) fn report(findings: &[Finding], as_json: bool) -> Outcome {
    report_with(findings, as_json, Map::new(), &[])
}

/// Prints findings after `text` (human) or with the `extra` fields (JSON),
/// and returns exit 1 when any finding is an error.
pub(crate) fn report_with(
    findings: &[Finding],
    as_json: bool,
    extra: Map<String, Value>,
    text: &[String],
) -> Outcome {
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    if as_json {
        let list: Vec<_> = findings
            .iter()
            .map(|f| json!({"code": f.code, "severity": f.severity.as_str(), "message": f.message, "fix": f.fix}))
            .collect();
        let mut obj = extra;
        obj.insert("ok".into(), json!(!failed));
        obj.insert("findings".into(), json!(list));
        println!("{}", Value::Object(obj));
    } else {
        for l in text {
            println!("{l}");
        }
        if findings.is_empty() {
            println!("no problems found");
        }
        for f in findings {
            println!("{} [{}] {}", f.severity.as_str(), f.code, f.message);
            println!("  fix: {}", f.fix);
        }
    }
    if failed {
        Outcome::CheckFailed
    } else {
        Outcome::Ok
    }
}
