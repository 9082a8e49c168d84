//! `chop wechatpay …`: WeChat Pay API v3.

mod certs;
mod crypt;
pub(crate) mod keys;
mod notify;
mod verify;

use clap::{ArgGroup, Args, Subcommand};
use serde_json::json;

use chop::clock::{Clock, NonceSource, RandomNonce, SystemClock};
use chop::wechatpay::{Identity, RequestSigner};

use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// WeChat Pay API v3 commands.
#[derive(Debug, Subcommand)]
pub(crate) enum WechatpayCmd {
    /// Sign a request: prints the sign string, its length, the signature and the Authorization header.
    Sign(SignArgs),
    /// Verify a response or callback signature: prints the sign string; exit 1 when it does not verify.
    Verify(verify::VerifyArgs),
    /// Verify a callback and print its decrypted resource.
    Notify(notify::NotifyArgs),
    /// Encrypt a sensitive field (RSA-OAEP SHA-1) with the platform certificate or public key.
    Encrypt(crypt::EncryptArgs),
    /// Decrypt a sensitive field with the merchant private key.
    Decrypt(crypt::DecryptArgs),
    /// Platform certificates (/v3/certificates).
    #[command(subcommand)]
    Certs(certs::CertsCmd),
}

/// `chop wechatpay sign`.
#[derive(Debug, Args)]
#[command(args_override_self = true, group(ArgGroup::new("who").required(true).args(["mchid", "brand_id"])))]
pub(crate) struct SignArgs {
    /// Merchant id (商户号), for merchant and partner APIs (WECHATPAY2-SHA256-RSA2048).
    #[arg(long)]
    mchid: Option<String>,
    /// Brand id (品牌ID), for the brand API (WECHATPAY-BRAND-SHA256-RSA2048).
    #[arg(long)]
    brand_id: Option<String>,
    /// Serial of the merchant (or brand) API certificate — not a platform certificate's.
    #[arg(long)]
    serial: String,
    /// Private key file: PEM, DER, bare base64, encrypted PKCS#8 or PKCS#12 (apiclient_key.pem / apiclient_cert.p12).
    #[arg(long)]
    key: String,
    /// Password of an encrypted key or a .p12 (for apiclient_cert.p12: the merchant id).
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    key_password: Option<String>,
    /// HTTP method as sent (GET, POST, …; written in any case here, signed in uppercase).
    #[arg(long)]
    method: String,
    /// URL as sent: a full https:// URL or a path, with its query string.
    #[arg(long)]
    url: String,
    /// Request body exactly as sent: text, or @FILE to read it from a file (@- for stdin). Empty by default.
    #[arg(long, default_value = "")]
    body: String,
    /// Unix timestamp to use instead of now (to reproduce a signature).
    #[arg(long)]
    timestamp: Option<i64>,
    /// Nonce to use instead of a random one (to reproduce a signature).
    #[arg(long)]
    nonce: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: WechatpayCmd) -> CmdResult {
    match cmd {
        WechatpayCmd::Sign(args) => sign(args),
        WechatpayCmd::Verify(args) => verify::run(args),
        WechatpayCmd::Notify(args) => notify::run(args),
        WechatpayCmd::Encrypt(args) => crypt::encrypt(args),
        WechatpayCmd::Decrypt(args) => crypt::decrypt(args),
        WechatpayCmd::Certs(cmd) => certs::run(cmd),
    }
}

fn sign(args: SignArgs) -> CmdResult {
    let key = input::load_private_key(&args.key, args.key_password.as_deref())?;
    let identity = match (args.mchid, args.brand_id) {
        (Some(mchid), _) => Identity::Merchant { mchid },
        (None, Some(brand_id)) => Identity::Brand { brand_id },
        (None, None) => return Err(CliError::input("give --mchid or --brand-id")),
    };
    let body = input::read_value(&args.body)?;
    let timestamp = args.timestamp.unwrap_or_else(|| SystemClock.now_unix());
    let nonce = match args.nonce {
        Some(n) => n,
        None => RandomNonce
            .nonce()
            .map_err(|e| CliError::from_err("cannot make a nonce", &e))?,
    };
    let method = args.method.to_ascii_uppercase();
    let signer = RequestSigner::new(identity, &args.serial, key);
    let signed = signer
        .sign_at(&method, &args.url, &body, timestamp, &nonce)
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
    out.json_only("sign_string_length", json!(signed.sign_string.len()));
    out.json_only("method", json!(method));
    out.json_only(
        "url",
        json!(chop::wechatpay::request_target(&args.url)
            .map(|t| t.into_owned())
            .unwrap_or_default()),
    );
    out.json_only("timestamp", json!(timestamp));
    out.json_only("nonce", json!(nonce));
    out.field("signature", json!(signed.signature), || {
        format!("signature:\n  {}", signed.signature)
    });
    out.field(
        "authorization",
        json!(signed.authorization_header()),
        || format!("Authorization:\n  {}", signed.authorization_header()),
    );
    out.finish();
    Ok(Outcome::Ok)
}
