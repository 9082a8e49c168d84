//! `chop doctor alipay`: an Alipay sync response that does not verify, explained.

use clap::Args;
use serde_json::{json, Map};

use chop::alipay::AlipayPublicKey;
use chop::diagnose::{check_alipay_response, AlipayCheck};
use chop::key::{Certificate, RsaPublicKey};

use super::report_with;
use crate::error::{CliError, CmdResult};
use crate::input;

/// `chop doctor alipay`.
#[derive(Debug, Args)]
pub(crate) struct AlipayArgs {
    /// The response body exactly as received: @FILE or text.
    #[arg(long)]
    response: String,
    /// The method called (alipay.trade.query), to pick the `…_response` member.
    #[arg(long)]
    method: Option<String>,
    /// The Alipay public key you verify with (支付宝公钥; PEM or bare base64).
    #[arg(long, value_name = "FILE", conflicts_with = "alipay_cert")]
    alipay_public_key: Option<String>,
    /// Certificate mode: the Alipay public key certificate (alipayCertPublicKey_RSA2.crt).
    #[arg(long, value_name = "FILE")]
    alipay_cert: Option<String>,
    /// Your app public key (应用公钥), to detect it being used as the Alipay public key.
    #[arg(long, value_name = "FILE")]
    app_public_key: Option<String>,
    /// Your app public key certificate (appCertPublicKey_….crt), with --app-cert-sn.
    #[arg(long, value_name = "FILE", requires = "app_cert_sn")]
    app_cert: Option<String>,
    /// The app_cert_sn you send.
    #[arg(long, requires = "app_cert")]
    app_cert_sn: Option<String>,
    /// The Alipay root certificate file (alipayRootCert.crt), with --root-cert-sn.
    #[arg(long, value_name = "FILE", requires = "root_cert_sn")]
    root_cert: Option<String>,
    /// The alipay_root_cert_sn you send.
    #[arg(long, requires = "root_cert")]
    root_cert_sn: Option<String>,
    /// Print one JSON object (`findings` is the list) instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: AlipayArgs) -> CmdResult {
    let raw = input::read_value(&args.response)?;
    let key = match (&args.alipay_public_key, &args.alipay_cert) {
        (Some(p), _) => Some(
            AlipayPublicKey::load(&input::read_path(p)?).map_err(|e| input::key_error(p, &e))?,
        ),
        (None, Some(p)) => Some(
            AlipayPublicKey::from_certificate_file(&input::read_path(p)?).map_err(|e| {
                CliError::from_err(format!("cannot use the certificate file `{p}`"), &e)
            })?,
        ),
        (None, None) => None,
    };
    let app_key = match &args.app_public_key {
        Some(p) => {
            Some(RsaPublicKey::load(&input::read_path(p)?).map_err(|e| input::key_error(p, &e))?)
        }
        None => None,
    };
    let app_cert = match &args.app_cert {
        Some(p) => {
            Some(Certificate::load(&input::read_path(p)?).map_err(|e| input::key_error(p, &e))?)
        }
        None => None,
    };
    let root = match &args.root_cert {
        Some(p) => Some(input::read_path(p)?),
        None => None,
    };
    let report = check_alipay_response(
        &raw,
        &AlipayCheck {
            method: args.method.as_deref(),
            alipay_key: key.as_ref(),
            app_public_key: app_key.as_ref(),
            app_cert: app_cert.as_ref().zip(args.app_cert_sn.as_deref()),
            root_cert: root.as_deref().zip(args.root_cert_sn.as_deref()),
        },
    )
    .map_err(|e| CliError::from_err("cannot read --response", &e))?;
    let r = &report.response;
    let quote = if r.encrypted {
        "yes: the content is encrypted, its quotes are signed"
    } else {
        "no: the content is a JSON object, signed as its raw text"
    };
    let mut extra = Map::new();
    extra.insert("response_key".into(), json!(r.response_key));
    extra.insert("sign_content".into(), json!(r.sign_content.as_str()));
    extra.insert(
        "sign_content_length".into(),
        json!(r.sign_content.as_bytes().len()),
    );
    extra.insert("quote_rule".into(), json!(r.encrypted));
    let text = vec![
        format!(
            "signed content ({} bytes, from `{}`):",
            r.sign_content.as_bytes().len(),
            r.response_key
        ),
        format!("  {}", r.sign_content.as_str()),
        format!("quote rule applies: {quote}"),
    ];
    Ok(report_with(&report.findings, args.json, extra, &text))
}
