//! `chop miniprogram seal`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::Args;
use serde_json::{json, Map, Value};

use chop::clock::{Clock, SystemClock};
use chop::key::Sm2PrivateKey;
use chop::miniprogram::{RequestSealer, SealInputs};

use super::{read_text, sym_key, SuiteArg};
use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

/// `chop miniprogram seal`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct SealArgs {
    /// The Mini Program's appid.
    #[arg(long)]
    appid: String,
    /// The API URL as sent (https://…; the query with access_token is left out of urlpath).
    #[arg(long)]
    url: String,
    /// API symmetric key (API对称密钥), base64 as the MP console shows it.
    #[arg(long, env = "CHOP_MP_SYM_KEY", hide_env_values = true)]
    sym_key: String,
    /// The symmetric key's number (对称密钥编号, the `sn` of the AAD).
    #[arg(long)]
    sym_sn: String,
    /// The app's private key (API非对称密钥): RSA for --suite aes, SM2 for --suite sm.
    #[arg(long)]
    key: String,
    /// Password of an encrypted RSA key.
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    key_password: Option<String>,
    /// The asymmetric key's number (非对称密钥编号): sent as Wechatmp-Serial; required for --suite sm (it is the SM2 user ID).
    #[arg(long)]
    key_sn: Option<String>,
    /// The algorithms configured in the MP console.
    #[arg(long, value_enum, default_value = "aes")]
    suite: SuiteArg,
    /// Unix timestamp to use instead of now.
    #[arg(long)]
    timestamp: Option<i64>,
    /// The 12-byte IV as base64, instead of a random one.
    #[arg(long)]
    iv: Option<String>,
    /// The `_n` value, instead of a random one.
    #[arg(long)]
    nonce: Option<String>,
    /// The request's parameters as a JSON object: text, @FILE or @- (stdin).
    #[arg(long)]
    data: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: SealArgs) -> CmdResult {
    let sym = sym_key(&args.sym_key)?;
    let sealer = match args.suite {
        SuiteArg::Aes => {
            let key = input::load_private_key(&args.key, args.key_password.as_deref())?;
            let s = RequestSealer::new(&args.appid, sym, &args.sym_sn, key);
            match &args.key_sn {
                Some(sn) => s.with_asymmetric_sn(sn),
                None => s,
            }
        }
        SuiteArg::Sm => {
            let sn = args.key_sn.clone().ok_or_else(|| {
                CliError::input("--suite sm needs --key-sn").hint(
                    "give the asymmetric key's number (非对称密钥编号) from the MP console: it is the SM2 user ID",
                )
            })?;
            let bytes = input::read_path(&args.key)?;
            let key = Sm2PrivateKey::load(&bytes).map_err(|e| input::key_error(&args.key, &e))?;
            RequestSealer::new_sm(&args.appid, sym, &args.sym_sn, key, sn)
        }
    };
    let data = read_text(&args.data, "--data")?;
    let timestamp = args.timestamp.unwrap_or_else(|| SystemClock.now_unix());
    let mut inputs = SealInputs::random(timestamp)
        .map_err(|e| CliError::from_err("cannot make a random IV", &e))?;
    if let Some(b64) = &args.iv {
        inputs.iv = iv(b64)?;
    }
    if let Some(n) = &args.nonce {
        inputs.nonce.clone_from(n);
    }
    let sealed = sealer
        .seal_with(&args.url, data.as_bytes(), &inputs)
        .map_err(|e| CliError::from_err("cannot seal the request", &e))?;

    let mut headers = Map::new();
    for (k, v) in &sealed.headers {
        headers.insert((*k).to_string(), Value::String(v.clone()));
    }
    let mut out = Output::new(args.json);
    out.field("plaintext", json!(sealed.plaintext), || {
        format!("plaintext:\n  {}", sealed.plaintext)
    });
    out.field("aad", json!(sealed.aad.as_str()), || {
        format!("aad:\n  {}", sealed.aad)
    });
    out.field("body", json!(sealed.body), || {
        format!("body ({} bytes):\n  {}", sealed.body.len(), sealed.body)
    });
    out.field("sign_string", json!(sealed.sign_string.to_string()), || {
        format!(
            "sign string ({} bytes):\n  {}",
            sealed.sign_string.len(),
            sealed.sign_string.escaped()
        )
    });
    out.json_only("sign_string_escaped", json!(sealed.sign_string.escaped()));
    out.json_only("url_path", json!(sealed.url_path));
    out.json_only("timestamp", json!(sealed.timestamp));
    out.json_only("signature", json!(sealed.signature));
    out.json_only("suite", json!(sealer.suite().to_string()));
    out.field("headers", Value::Object(headers), || {
        let lines: Vec<String> = sealed
            .headers
            .iter()
            .map(|(k, v)| format!("  {k}: {v}"))
            .collect();
        format!("headers:\n{}", lines.join("\n"))
    });
    out.finish();
    Ok(Outcome::Ok)
}

fn iv(b64: &str) -> Result<[u8; 12], CliError> {
    let v = STANDARD
        .decode(b64.trim())
        .map_err(|_| CliError::input("--iv is not valid base64"))?;
    let n = v.len();
    v.try_into().map_err(|_| {
        CliError::input(format!(
            "--iv decodes to {n} bytes; the GCM IV is 12 bytes (16 base64 characters)"
        ))
    })
}
