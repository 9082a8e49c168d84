//! `chop alipay verify notify|response` and `chop alipay phone`.

use clap::{ArgGroup, Args, Subcommand};
use serde_json::json;

use chop::alipay::{
    phone_number, verify_notify, verify_notify_expecting, verify_response, AesKey, PhoneError,
    SignType, SignedResponse, VerifyError,
};

use super::{load_alipay_key, read_params, SignTypeArg};
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// What to verify.
#[derive(Debug, Subcommand)]
pub(crate) enum VerifyCmd {
    /// An async notify (异步通知): the POST body as received, or its parameters as JSON.
    Notify(NotifyArgs),
    /// A sync response (同步响应): the response body as received.
    Response(ResponseArgs),
}

/// Where the Alipay public key comes from.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("alipay_key").required(true).args(["public_key", "cert"])))]
pub(crate) struct KeyArgs {
    /// Alipay public key file (支付宝公钥): bare base64, PEM or DER.
    #[arg(long)]
    public_key: Option<String>,
    /// Alipay public key certificate (alipayCertPublicKey_RSA2.crt), certificate mode.
    #[arg(long)]
    cert: Option<String>,
}

/// `chop alipay verify notify`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct NotifyArgs {
    /// The notify: the form-encoded POST body exactly as received, or a JSON object; text or @FILE.
    #[arg(long)]
    params: String,
    #[command(flatten)]
    key: KeyArgs,
    /// Your app's sign type (接口加签方式): a notify claiming another one is refused. Default: the notify's sign_type.
    #[arg(long, value_enum)]
    sign_type: Option<SignTypeArg>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop alipay verify response`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct ResponseArgs {
    /// The response body exactly as received; text or @FILE.
    #[arg(long)]
    response: String,
    #[command(flatten)]
    key: KeyArgs,
    /// The API method (alipay.trade.query), to pick alipay_trade_query_response.
    #[arg(long)]
    method: Option<String>,
    /// Sign type (default RSA2, or SM2 for an SM2 key).
    #[arg(long, value_enum)]
    sign_type: Option<SignTypeArg>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop alipay phone`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct PhoneArgs {
    /// AES key of 接口内容加密方式, base64.
    #[arg(long, env = "CHOP_ALIPAY_AES_KEY", hide_env_values = true)]
    aes_key: String,
    /// Alipay public key file (支付宝公钥) of the mini program.
    #[arg(long)]
    public_key: Option<String>,
    /// Alipay public key certificate, certificate mode.
    #[arg(long, conflicts_with = "public_key")]
    cert: Option<String>,
    /// The `response` my.getPhoneNumber returned (the ciphertext); text or @FILE.
    #[arg(long)]
    response: String,
    /// The `sign` my.getPhoneNumber returned.
    #[arg(long)]
    sign: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: VerifyCmd) -> CmdResult {
    match cmd {
        VerifyCmd::Notify(args) => notify(args),
        VerifyCmd::Response(args) => response(args),
    }
}

fn notify(args: NotifyArgs) -> CmdResult {
    let params = read_params(&args.params)?;
    let key = load_alipay_key(args.key.public_key.as_deref(), args.key.cert.as_deref())?;
    let mut out = Output::new(args.json);
    let result = match args.sign_type {
        Some(t) => verify_notify_expecting(&params, &key, t.into()),
        None => verify_notify(&params, &key),
    };
    match result {
        Ok(v) => {
            out.field("verified", json!(true), || "notify verified".into());
            out.field("sign_type", json!(v.sign_type().as_str()), || {
                format!("sign type: {}", v.sign_type())
            });
            let with = v.value().rule == chop::alipay::SignTypeRule::Included;
            out.field("sign_type_signed", json!(with), || {
                format!(
                    "sign_type {} the signed content",
                    if with { "is part of" } else { "is not part of" }
                )
            });
            let kept = v.value().empty_values == chop::alipay::EmptyValues::Kept;
            out.field("empty_values_signed", json!(kept), || {
                format!(
                    "empty values {} the signed content",
                    if kept {
                        "are part of"
                    } else {
                        "are not part of"
                    }
                )
            });
            out.field("sign_content", json!(v.sign_string().as_str()), || {
                format!("signed content:\n  {}", v.sign_string())
            });
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(e) => failed(out, &e, "the notify"),
    }
}

fn response(args: ResponseArgs) -> CmdResult {
    let raw = input::read_value(&args.response)?;
    let key = load_alipay_key(args.key.public_key.as_deref(), args.key.cert.as_deref())?;
    let sign_type = args.sign_type.map(SignType::from);
    let mut out = Output::new(args.json);
    match verify_response(&raw, args.method.as_deref(), sign_type, &key) {
        Ok(v) => {
            out.field("verified", json!(true), || "response verified".into());
            describe_response(&mut out, v.value());
            out.field("sign_content", json!(v.sign_string().as_str()), || {
                format!("signed content:\n  {}", v.sign_string())
            });
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(e @ (VerifyError::Mismatch { .. } | VerifyError::CertSnMismatch { .. })) => {
            if let Ok(parts) = SignedResponse::parse(&raw, args.method.as_deref()) {
                describe_response(&mut out, &parts);
            }
            failed(out, &e, "the response")
        }
        Err(e) => Err(CliError::from_err("cannot verify the response", &e)),
    }
}

fn describe_response(out: &mut Output, r: &SignedResponse) {
    out.field("response_key", json!(r.response_key), || {
        format!("response key: {}", r.response_key)
    });
    out.field("encrypted", json!(r.encrypted), || {
        format!(
            "encrypted content: {}",
            if r.encrypted {
                "yes (the quotes are part of the signed content)"
            } else {
                "no"
            }
        )
    });
    if let Some(sn) = &r.alipay_cert_sn {
        out.field("alipay_cert_sn", json!(sn), || {
            format!("alipay_cert_sn: {sn}")
        });
    }
}

/// A check that ran and failed: print what was checked, exit 1. Errors that
/// are not a failed check (bad input) exit 2.
fn failed(mut out: Output, e: &VerifyError, what: &str) -> CmdResult {
    match e {
        VerifyError::Mismatch { tried, .. } => {
            out.field("verified", json!(false), || {
                format!("{what} does NOT verify")
            });
            out.field("error", json!(e.to_string()), || format!("why: {e}"));
            let texts: Vec<&str> = tried.iter().map(|c| c.as_str()).collect();
            out.field("tried", json!(texts), || {
                let mut s = String::from("content checked:");
                for t in &texts {
                    s.push_str("\n  ");
                    s.push_str(t);
                }
                s
            });
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        VerifyError::CertSnMismatch { .. } | VerifyError::UnexpectedSignType { .. } => {
            out.field("verified", json!(false), || {
                format!("{what} does NOT verify")
            });
            out.field("error", json!(e.to_string()), || format!("why: {e}"));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        other => Err(CliError::from_err(format!("cannot verify {what}"), other)),
    }
}

pub(crate) fn phone(args: PhoneArgs) -> CmdResult {
    let aes = AesKey::from_base64(&args.aes_key)
        .map_err(|e| CliError::from_err("cannot use the AES key", &e))?;
    let key = load_alipay_key(args.public_key.as_deref(), args.cert.as_deref())?;
    let response = String::from_utf8(input::read_value(&args.response)?)
        .map_err(|_| CliError::input("the response is not UTF-8 text"))?;
    let mut out = Output::new(args.json);
    match phone_number(&response, &args.sign, None, &key, &aes) {
        Ok(v) => {
            out.field("verified", json!(true), || "step 1: sign verified".into());
            out.field("sign_content", json!(v.sign_string().as_str()), || {
                format!("signed content:\n  {}", v.sign_string())
            });
            out.field("mobile", json!(v.value().mobile), || {
                format!("step 2: decrypted\nmobile: {}", v.value().mobile)
            });
            out.json_only("plaintext", json!(v.value().plaintext));
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(e @ PhoneError::Verify(VerifyError::Mismatch { .. })) => {
            out.field("verified", json!(false), || "step 1 failed".into());
            out.json_only("step", json!("verify"));
            out.field("error", json!(e.to_string()), || format!("why: {e}"));
            out.field(
                "sign_content",
                json!(format!("\"{}\"", response.trim())),
                || format!("content checked:\n  \"{}\"", response.trim()),
            );
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e @ PhoneError::Decrypt(_)) => {
            out.field("verified", json!(true), || "step 1: sign verified".into());
            out.field("step", json!("decrypt"), || "step 2 failed".into());
            out.field("error", json!(e.to_string()), || format!("why: {e}"));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e) => Err(CliError::from_err(
            "cannot check the phone number response",
            &e,
        )),
    }
}
