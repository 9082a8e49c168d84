//! `chop miniprogram msg …`: message push (WXBizMsgCrypt).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::{Args, Subcommand};
use serde_json::json;

use chop::miniprogram::{extract_encrypt, verify_plain_signature, MsgCrypt, MsgCryptError};
use chop::secret::SecretString;

use super::read_text;
use crate::error::{CliError, CmdResult, Outcome};
use crate::output::Output;

/// Message-push commands.
#[derive(Debug, Subcommand)]
pub(crate) enum MsgCmd {
    /// Check msg_signature and decrypt a pushed message's Encrypt. Exit 1 when it does not verify.
    Decrypt(DecryptArgs),
    /// Encrypt a reply and compute its MsgSignature.
    Encrypt(EncryptArgs),
    /// Verify the server URL: safe mode (--aes-key, --msg-signature) decrypts echostr; plain mode checks --signature.
    VerifyUrl(VerifyUrlArgs),
}

/// What every message command needs.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// The Token configured for message push.
    #[arg(long, env = "CHOP_MP_TOKEN", hide_env_values = true)]
    token: String,
    /// The 43-character EncodingAESKey (safe mode).
    #[arg(long, env = "CHOP_MP_AES_KEY", hide_env_values = true)]
    aes_key: Option<String>,
    /// The appid (or corpid) messages are addressed to; empty: not checked.
    #[arg(long, default_value = "")]
    receive_id: String,
    /// The `timestamp` query parameter.
    #[arg(long)]
    timestamp: String,
    /// The `nonce` query parameter.
    #[arg(long)]
    nonce: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop miniprogram msg decrypt`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["encrypt", "body"])))]
pub(crate) struct DecryptArgs {
    #[command(flatten)]
    common: Common,
    /// The `msg_signature` query parameter.
    #[arg(long)]
    msg_signature: String,
    /// The Encrypt field: text, @FILE or @- (stdin).
    #[arg(long)]
    encrypt: Option<String>,
    /// Or the whole POST body (XML or JSON) to take Encrypt from: text, @FILE or @-.
    #[arg(long)]
    body: Option<String>,
}

/// `chop miniprogram msg encrypt`.
#[derive(Debug, Args)]
pub(crate) struct EncryptArgs {
    #[command(flatten)]
    common: Common,
    /// The message to encrypt: text, @FILE or @- (stdin).
    #[arg(long)]
    msg: String,
    /// The 16-byte random prefix as base64, instead of a random one.
    #[arg(long)]
    random: Option<String>,
}

/// `chop miniprogram msg verify-url`.
#[derive(Debug, Args)]
pub(crate) struct VerifyUrlArgs {
    #[command(flatten)]
    common: Common,
    /// Safe mode: the `msg_signature` query parameter.
    #[arg(long)]
    msg_signature: Option<String>,
    /// Plain mode: the `signature` query parameter.
    #[arg(long)]
    signature: Option<String>,
    /// The `echostr` query parameter.
    #[arg(long)]
    echostr: String,
}

pub(crate) fn run(cmd: MsgCmd) -> CmdResult {
    match cmd {
        MsgCmd::Decrypt(a) => decrypt(a),
        MsgCmd::Encrypt(a) => encrypt(a),
        MsgCmd::VerifyUrl(a) => verify_url(a),
    }
}

fn crypt(c: &Common) -> Result<MsgCrypt, CliError> {
    let key = c.aes_key.as_deref().ok_or_else(|| {
        CliError::input("--aes-key is required")
            .hint("give the 43-character EncodingAESKey of the message push settings")
    })?;
    MsgCrypt::new(&c.token, key, &c.receive_id)
        .map_err(|e| CliError::from_err("cannot use the EncodingAESKey", &e))
}

fn decrypt(a: DecryptArgs) -> CmdResult {
    let c = crypt(&a.common)?;
    let encrypt = match (&a.encrypt, &a.body) {
        (Some(e), _) => read_text(e, "--encrypt")?,
        (None, Some(b)) => {
            let body = crate::input::read_value(b)?;
            extract_encrypt(&body)
                .map_err(|e| CliError::from_err("cannot read the message body", &e))?
        }
        (None, None) => return Err(CliError::input("give --encrypt or --body")),
    };
    let result = c
        .decrypt(
            &a.msg_signature,
            &a.common.timestamp,
            &a.common.nonce,
            encrypt.trim(),
        )
        .map(|v| v.into_value());
    report(a.common.json, "message", result)
}

fn encrypt(a: EncryptArgs) -> CmdResult {
    let c = crypt(&a.common)?;
    let msg = crate::input::read_value(&a.msg)?;
    let e = match &a.random {
        Some(b64) => {
            let r: [u8; 16] = STANDARD
                .decode(b64.trim())
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| CliError::input("--random must be base64 of 16 bytes"))?;
            c.encrypt_with(&msg, &a.common.timestamp, &a.common.nonce, r)
        }
        None => c
            .encrypt(&msg, &a.common.timestamp, &a.common.nonce)
            .map_err(|e| CliError::from_err("cannot encrypt", &e))?,
    };
    let mut out = Output::new(a.common.json);
    out.field("encrypt", json!(e.encrypt), || {
        format!("Encrypt:\n  {}", e.encrypt)
    });
    out.field("msg_signature", json!(e.msg_signature), || {
        format!("MsgSignature:\n  {}", e.msg_signature)
    });
    out.json_only("timestamp", json!(e.timestamp));
    out.json_only("nonce", json!(e.nonce));
    out.field("reply_xml", json!(e.to_xml()), || {
        format!("reply (XML):\n{}", e.to_xml())
    });
    out.json_only("reply_json", json!(e.to_json()));
    out.finish();
    Ok(Outcome::Ok)
}

fn verify_url(a: VerifyUrlArgs) -> CmdResult {
    let c = &a.common;
    match (&a.msg_signature, &a.signature) {
        (Some(sig), _) => {
            let crypt = crypt(c)?;
            let r = crypt
                .verify_url(sig, &c.timestamp, &c.nonce, &a.echostr)
                .map(|v| v.into_value());
            report(c.json, "echostr", r)
        }
        (None, Some(sig)) => {
            let token = SecretString::new(c.token.as_str());
            let r = verify_plain_signature(&token, &c.timestamp, &c.nonce, sig)
                .map(|_| a.echostr.clone());
            report(c.json, "echostr", r)
        }
        (None, None) => Err(CliError::input(
            "give --msg-signature (safe mode) or --signature (plain mode)",
        )),
    }
}

fn report(json_mode: bool, field: &str, result: Result<String, MsgCryptError>) -> CmdResult {
    let mut out = Output::new(json_mode);
    match result {
        Ok(text) => {
            out.field("verified", json!(true), || "signature verified".into());
            out.field(field, json!(text), || format!("{field}:\n  {text}"));
            out.finish();
            Ok(Outcome::Ok)
        }
        Err(
            e @ (MsgCryptError::Signature
            | MsgCryptError::ReceiveId { .. }
            | MsgCryptError::Decrypt { .. }
            | MsgCryptError::Layout { .. }),
        ) => {
            out.field("verified", json!(false), || "NOT verified".into());
            out.field("error", json!(e.to_string()), || format!("error: {e}"));
            out.finish();
            Ok(Outcome::CheckFailed)
        }
        Err(e) => Err(CliError::from_err("cannot process the message", &e)),
    }
}
