//! `chop alipay decrypt|encrypt|cert-sn`.

use clap::{ArgGroup, Args};
use serde_json::json;

use chop::alipay::{
    cert_sn as compute_cert_sn, decrypt_content, encrypt_content, root_cert_sn, AesKey,
};
use chop::key::Certificate;

use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop alipay decrypt`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct DecryptArgs {
    /// AES key of 接口内容加密方式, base64.
    #[arg(long, env = "CHOP_ALIPAY_AES_KEY", hide_env_values = true)]
    aes_key: String,
    /// The encrypted content, base64 (without JSON quotes); text or @FILE.
    #[arg(long)]
    data: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop alipay encrypt`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct EncryptArgs {
    /// AES key of 接口内容加密方式, base64.
    #[arg(long, env = "CHOP_ALIPAY_AES_KEY", hide_env_values = true)]
    aes_key: String,
    /// The plaintext (e.g. biz_content); text or @FILE.
    #[arg(long)]
    data: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop alipay cert-sn`.
#[derive(Debug, Args)]
#[command(args_override_self = true, group(ArgGroup::new("which").required(true).args(["cert", "root_cert"])))]
pub(crate) struct CertSnArgs {
    /// A certificate (appCertPublicKey_….crt or alipayCertPublicKey_RSA2.crt): prints its app_cert_sn / alipay_cert_sn.
    #[arg(long)]
    cert: Option<String>,
    /// The root certificate file (alipayRootCert.crt): prints alipay_root_cert_sn.
    #[arg(long)]
    root_cert: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn aes_key(b64: &str) -> Result<AesKey, CliError> {
    AesKey::from_base64(b64).map_err(|e| CliError::from_err("cannot use the AES key", &e))
}

pub(crate) fn decrypt(args: DecryptArgs) -> CmdResult {
    let key = aes_key(&args.aes_key)?;
    let data = String::from_utf8(input::read_value(&args.data)?)
        .map_err(|_| CliError::input("the encrypted content is not base64 text"))?;
    let plain = decrypt_content(&key, data.trim().trim_matches('"'))
        .map_err(|e| CliError::from_err("cannot decrypt", &e))?;
    let mut out = Output::new(args.json);
    out.field("plaintext", json!(plain), || plain.clone());
    out.json_only("aes_bits", json!(key.bits()));
    out.finish();
    Ok(Outcome::Ok)
}

pub(crate) fn encrypt(args: EncryptArgs) -> CmdResult {
    let key = aes_key(&args.aes_key)?;
    let data = input::read_value(&args.data)?;
    let ct = encrypt_content(&key, &data).map_err(|e| CliError::from_err("cannot encrypt", &e))?;
    let mut out = Output::new(args.json);
    out.field("ciphertext", json!(ct), || ct.clone());
    out.json_only("aes_bits", json!(key.bits()));
    out.finish();
    Ok(Outcome::Ok)
}

pub(crate) fn cert_sn(args: CertSnArgs) -> CmdResult {
    let mut out = Output::new(args.json);
    if let Some(path) = &args.cert {
        let bytes = input::read_path(path)?;
        let cert = Certificate::load(&bytes).map_err(|e| input::key_error(path, &e))?;
        let sn = compute_cert_sn(&cert)
            .map_err(|e| CliError::from_err(format!("cannot compute the SN of `{path}`"), &e))?;
        out.field("sn", json!(sn.sn), || format!("cert_sn: {}", sn.sn));
        out.field("issuer", json!(sn.issuer), || {
            format!("issuer: {}", sn.issuer)
        });
        out.field("serial", json!(sn.serial), || {
            format!("serial (decimal): {}", sn.serial)
        });
        out.field("md5_input", json!(sn.md5_input()), || {
            format!("md5 input: {}", sn.md5_input())
        });
    } else if let Some(path) = &args.root_cert {
        let bytes = input::read_path(path)?;
        let root = root_cert_sn(&bytes).map_err(|e| {
            CliError::from_err(format!("cannot compute the root SN of `{path}`"), &e)
        })?;
        out.field("sn", json!(root.sn), || {
            format!("alipay_root_cert_sn: {}", root.sn)
        });
        let entries: Vec<_> = root
            .entries
            .iter()
            .map(|e| {
                json!({
                    "subject": e.subject,
                    "signature_algorithm": e.signature_algorithm,
                    "sn": e.sn.as_ref().map(|s| s.sn.clone()),
                    "included": e.included,
                    "skipped": e.skipped,
                })
            })
            .collect();
        out.field("certificates", json!(entries), || {
            let mut s = String::from("certificates:");
            for e in &root.entries {
                let line = match (&e.subject, &e.sn, &e.skipped) {
                    (Some(subject), Some(sn), _) => format!(
                        "{} {} ({}; {})",
                        if e.included { "+" } else { "-" },
                        sn.sn,
                        subject,
                        e.signature_algorithm.as_deref().unwrap_or("?")
                    ),
                    (_, _, Some(why)) => format!("- skipped: {why}"),
                    _ => "- skipped".into(),
                };
                s.push_str("\n  ");
                s.push_str(&line);
            }
            s
        });
    }
    out.finish();
    Ok(Outcome::Ok)
}
