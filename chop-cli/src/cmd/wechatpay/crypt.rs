//! `chop wechatpay encrypt|decrypt`: sensitive fields (RSA-OAEP SHA-1).

use clap::Args;
use serde_json::json;

use chop::clock::{Clock, SystemClock};
use chop::wechatpay::{
    decrypt_sensitive_with, encrypt_sensitive_with_store, MemoryKeyStore, RsaPadding,
};

use super::keys::PlatformKeyArgs;
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop wechatpay encrypt`.
#[derive(Debug, Args)]
pub(crate) struct EncryptArgs {
    /// The field's value: text, or @FILE (@- for stdin).
    plaintext: String,
    #[command(flatten)]
    keys: PlatformKeyArgs,
    /// Pick the key valid at this unix time instead of now.
    #[arg(long)]
    now: Option<i64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop wechatpay decrypt`.
#[derive(Debug, Args)]
pub(crate) struct DecryptArgs {
    /// The base64 ciphertext: text, or @FILE (@- for stdin).
    ciphertext: String,
    /// The merchant private key (apiclient_key.pem, or apiclient_cert.p12 with --key-password).
    #[arg(long)]
    key: String,
    /// Password of an encrypted key or a .p12 (for apiclient_cert.p12: the merchant id).
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    key_password: Option<String>,
    /// Decrypt legacy RSAES-PKCS1-v1_5 instead of OAEP.
    #[arg(long)]
    pkcs1: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn encrypt(args: EncryptArgs) -> CmdResult {
    let store = MemoryKeyStore::with_keys(args.keys.load()?);
    let plain = String::from_utf8(input::read_value(&args.plaintext)?)
        .map_err(|_| CliError::input("the plaintext is not UTF-8 text"))?;
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    let f = encrypt_sensitive_with_store(&store, now, &plain)
        .map_err(|e| CliError::from_err("cannot encrypt the field", &e))?;
    let mut out = Output::new(args.json);
    out.field("ciphertext", json!(f.ciphertext), || {
        format!("ciphertext (RSA-OAEP SHA-1, base64):\n  {}", f.ciphertext)
    });
    out.field("wechatpay_serial", json!(f.serial), || {
        format!(
            "send this request header:\n  Wechatpay-Serial: {}",
            f.serial
        )
    });
    out.finish();
    Ok(Outcome::Ok)
}

pub(crate) fn decrypt(args: DecryptArgs) -> CmdResult {
    let key = input::load_private_key(&args.key, args.key_password.as_deref())?;
    let ct = String::from_utf8(input::read_value(&args.ciphertext)?)
        .map_err(|_| CliError::input("the ciphertext is not base64 text"))?;
    let padding = if args.pkcs1 {
        RsaPadding::Pkcs1v15
    } else {
        RsaPadding::OaepSha1
    };
    let plain = decrypt_sensitive_with(&key, &ct, padding)
        .map_err(|e| CliError::from_err("cannot decrypt the field", &e))?;
    let mut out = Output::new(args.json);
    out.field("plaintext", json!(plain.expose()), || {
        plain.expose().to_string()
    });
    out.finish();
    Ok(Outcome::Ok)
}
