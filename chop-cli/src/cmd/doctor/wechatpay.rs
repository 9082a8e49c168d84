//! `chop doctor wechatpay`: a `401` answer or a failing callback, explained.

use clap::Args;
use serde_json::{json, Map, Value};

use chop::clock::{Clock, SystemClock};
use chop::diagnose::{
    check_callback, check_key, check_request_signature, compare_sign_strings, explain_error,
    CallbackCheck, Comparison, Finding, KeyCheck, RawRequest,
};
use chop::key::Certificate;
use chop::secret::SecretString;
use chop::wechatpay::{request_target, ErrorBody, SignString};

use super::report_with;
use crate::cmd::wechatpay::keys::PlatformKeyArgs;
use crate::error::{CliError, CmdResult};
use crate::input;

/// `chop doctor wechatpay`.
#[derive(Debug, Args)]
#[command(mut_arg("certs", |a| a.help("With --error/--request: the merchant certificate (apiclient_cert.pem). With --headers: the platform certificate(s); repeat during a rotation")))]
pub(crate) struct WechatpayArgs {
    /// The error response body WeChat Pay answered (SIGN_ERROR or another 401): @FILE or text.
    #[arg(long)]
    error: Option<String>,
    /// The sign string you signed, as your code logged it (real newlines or `\n`): @FILE or text.
    #[arg(long)]
    sign_string: Option<String>,
    /// The request as sent, raw HTTP (request line, headers, empty line, body): @FILE.
    #[arg(long)]
    request: Option<String>,
    /// Callback mode: the callback's headers (`Name: value` per line): @FILE or text.
    #[arg(long)]
    headers: Option<String>,
    /// The request body you signed (with the sign flags), or the callback's raw body: @FILE or text.
    #[arg(long)]
    body: Option<String>,
    /// Sign flags (as `chop wechatpay sign`): the method you signed, as your code wrote it.
    #[arg(long, requires_all = ["url", "timestamp", "nonce"])]
    method: Option<String>,
    /// Sign flags: the URL you signed.
    #[arg(long, requires = "method")]
    url: Option<String>,
    /// Sign flags: the timestamp you signed.
    #[arg(long, requires = "method")]
    timestamp: Option<String>,
    /// Sign flags: the nonce you signed.
    #[arg(long, requires = "method")]
    nonce: Option<String>,
    /// Sign flags: merchant id (accepted for symmetry with `chop wechatpay sign`; not signed).
    #[arg(long)]
    mchid: Option<String>,
    /// The merchant private key (apiclient_key.pem) to check against --cert and the serial.
    #[arg(long)]
    key: Option<String>,
    /// Password of an encrypted key or a .p12.
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    key_password: Option<String>,
    /// The serial you send as serial_no (default: the one in --request's Authorization).
    #[arg(long)]
    serial: Option<String>,
    /// With --error: the merchant certificate (apiclient_cert.pem). Callback mode: platform
    /// certificates; --public-key/--public-key-id: the WeChat Pay public key.
    #[command(flatten)]
    keys: PlatformKeyArgs,
    /// Unix time to check at instead of now.
    #[arg(long)]
    now: Option<i64>,
    /// Callback timestamp window in seconds.
    #[arg(long, default_value_t = chop::clock::DEFAULT_WINDOW_SECS)]
    window: u32,
    /// Print one JSON object (`findings` is the list) instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: WechatpayArgs) -> CmdResult {
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    if let Some(headers) = &args.headers {
        return callback(&args, headers, now);
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut extra = Map::new();
    let mut text = Vec::new();
    let request = match &args.request {
        Some(v) => {
            let r = RawRequest::parse(&input::read_value(v)?)
                .map_err(|e| CliError::from_err("cannot read the --request capture", &e))?;
            let auth = r
                .authorization()
                .map_err(|e| CliError::from_err("cannot use the --request capture", &e))?;
            Some((r, auth))
        }
        None => None,
    };
    let ours: Option<Vec<u8>> = match (&args.sign_string, &args.method) {
        (Some(v), _) => Some(sign_string_value(&input::read_value(v)?)),
        (None, Some(method)) => {
            let url = args.url.as_deref().unwrap_or_default();
            let target =
                request_target(url).map_err(|e| CliError::from_err("cannot use --url", &e))?;
            let body = match &args.body {
                Some(b) => input::read_value(b)?,
                None => Vec::new(),
            };
            let ours = SignString::received(
                method,
                &target,
                args.timestamp.as_deref().unwrap_or_default(),
                args.nonce.as_deref().unwrap_or_default(),
                &body,
            );
            Some(ours.as_bytes().to_vec())
        }
        (None, None) => None,
    };
    if args.error.is_none() && request.is_none() && ours.is_none() {
        return Err(CliError::input("nothing to diagnose").hint(
            "give --error @FILE (the 401 body) with --sign-string @FILE, the sign flags or --request @FILE; or --headers @FILE --body @FILE for a callback",
        ));
    }
    // What you signed vs the request as sent (timestamp and nonce of the Authorization header).
    if let (Some(ours), Some((r, auth))) = (&ours, &request) {
        let sent = r.sign_string(auth);
        let c = compare_sign_strings(
            ours,
            &String::from_utf8_lossy(sent.as_bytes()),
            Some(sent.len()),
        );
        side_by_side(&mut text, &mut extra, "request", ours, &c, "sent");
        findings.extend(c.causes.iter().map(Finding::from));
    }
    if let Some(v) = &args.error {
        let body = ErrorBody::parse(&input::read_value(v)?)
            .map_err(|e| CliError::from_err("cannot read --error", &e))?;
        let signed = ours.clone().or_else(|| {
            request
                .as_ref()
                .map(|(r, a)| r.sign_string(a).as_bytes().to_vec())
        });
        let report = explain_error(&body, signed.as_deref());
        if let (Some(c), Some(s)) = (&report.comparison, &signed) {
            side_by_side(&mut text, &mut extra, "wechatpay", s, c, "WeChat");
        }
        findings.extend(report.findings);
    }
    let cert = match args.keys.certs.first() {
        Some(path) => Some(
            Certificate::load(&input::read_path(path)?).map_err(|e| input::key_error(path, &e))?,
        ),
        None => None,
    };
    if let (Some((r, auth)), Some(cert)) = (&request, &cert) {
        if let Some(pk) = cert.rsa_public_key() {
            if let Some(f) = check_request_signature(r, auth, pk) {
                findings.retain(|f| f.code != "SIGN_WRONG_KEY");
                findings.push(f);
            }
        }
    }
    if let Some(key) = &args.key {
        let password = args.key_password.as_deref().map(SecretString::new);
        let serial = args
            .serial
            .clone()
            .or_else(|| request.as_ref().map(|(_, a)| a.serial_no.clone()));
        findings.extend(check_key(
            &input::read_path(key)?,
            &KeyCheck {
                password: password.as_ref(),
                certificate: cert.as_ref(),
                serial: serial.as_deref(),
                now,
            },
        ));
    }
    let compared = args.error.is_some()
        || (ours.is_some() && request.is_some())
        || (request.is_some() && cert.is_some())
        || args.key.is_some();
    if !compared {
        findings.push(Finding::warning(
            "NOTHING_COMPARED",
            "nothing was compared: a sign string or a request alone cannot show what is wrong".into(),
            "add --error @FILE (WeChat Pay's 401 body), or --request @FILE with --sign-string, or --cert to check the request's signature".into(),
        ));
    }
    dedupe(&mut findings);
    Ok(report_with(&findings, args.json, extra, &text))
}

fn callback(args: &WechatpayArgs, headers: &str, now: i64) -> CmdResult {
    let headers = String::from_utf8(input::read_value(headers)?)
        .map_err(|_| CliError::input("--headers is not UTF-8 text"))?;
    let body = match &args.body {
        Some(b) => input::read_value(b)?,
        None => {
            return Err(CliError::input("callback mode needs --body")
                .hint("give the raw body exactly as received: --body @FILE"))
        }
    };
    let keys = args.keys.load_optional()?;
    let findings = check_callback(
        &headers,
        &body,
        &CallbackCheck {
            keys: &keys,
            now,
            window: args.window,
        },
    );
    let mut extra = Map::new();
    extra.insert("now".into(), json!(now));
    Ok(report_with(&findings, args.json, extra, &[]))
}

/// A sign string as logged: real newlines, or `\n` written out.
fn sign_string_value(raw: &[u8]) -> Vec<u8> {
    let t = raw.strip_suffix(b"\n").unwrap_or(raw);
    let t = t.strip_suffix(b"\r").unwrap_or(t);
    match std::str::from_utf8(t) {
        Ok(s) if s.contains("\\n") && !s.contains('\n') => {
            chop::wechatpay::unescape_sign_message(s)
        }
        _ => raw.to_vec(),
    }
}

/// Both sign strings, escaped, with the first differing byte marked.
fn side_by_side(
    text: &mut Vec<String>,
    extra: &mut Map<String, Value>,
    key: &str,
    ours: &[u8],
    c: &Comparison,
    label: &str,
) {
    let esc = |b: &[u8]| SignString::from_bytes(b.to_vec()).escaped();
    let theirs_len = c.theirs_len.unwrap_or(c.theirs.len());
    extra.insert(
        format!("{key}_comparison"),
        json!({
            "yours": esc(ours),
            "yours_length": ours.len(),
            "theirs": esc(&c.theirs),
            "theirs_shown_length": c.theirs.len(),
            "theirs_length": theirs_len,
            "theirs_truncated": c.theirs_truncated,
            "first_difference": c.first_difference,
        }),
    );
    let head = match c.first_difference {
        Some(i) => format!("sign strings differ at byte {i}:"),
        None => "sign strings agree:".to_string(),
    };
    text.push(head);
    let l1 = format!("  yours  ({} bytes): ", ours.len());
    let l2 = format!(
        "  {label:<6} ({theirs_len} bytes{}): ",
        if c.theirs_truncated { ", body cut" } else { "" }
    );
    let w = l1.chars().count().max(l2.chars().count());
    text.push(format!("{l1:<w$}{}", esc(ours)));
    text.push(format!("{l2:<w$}{}", esc(&c.theirs)));
    if let Some(i) = c.first_difference {
        let at = esc(&ours[..i.min(ours.len())]).chars().count();
        text.push(format!("{}^", " ".repeat(w + at)));
    }
}

fn dedupe(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert(f.code));
}
