//! `chop miniprogram …`: WeChat Mini Program API security, open data, message push.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::Subcommand;

use chop::secret::SecretBytes;

use crate::error::{CliError, CmdResult};

mod data;
mod msg;
mod open;
mod seal;

/// WeChat Mini Program commands.
#[derive(Debug, Subcommand)]
pub(crate) enum MiniprogramCmd {
    /// Encrypt and sign an API request (API security): prints the body, the headers and every intermediate.
    Seal(seal::SealArgs),
    /// Verify and decrypt an API response (API security). Exit 1 when it does not verify.
    Open(open::OpenArgs),
    /// Decrypt open data (encryptedData) with the session_key, check the watermark.
    DecryptData(data::DecryptDataArgs),
    /// Message push (WXBizMsgCrypt): decrypt, encrypt, verify the server URL.
    #[command(subcommand)]
    Msg(msg::MsgCmd),
    /// Explain an API-security errcode (40230–40240): its meaning and what to fix.
    Errcode(ErrcodeArgs),
    /// Check the rawData signature sha1(rawData + session_key). Exit 1 when it does not match.
    CheckRawData(data::CheckRawDataArgs),
}

/// `chop miniprogram errcode`.
#[derive(Debug, clap::Args)]
pub(crate) struct ErrcodeArgs {
    /// The errcode the platform answered with.
    code: i64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn errcode(args: ErrcodeArgs) -> CmdResult {
    let code = chop::miniprogram::ApiSecurityErrorCode::from_code(args.code).ok_or_else(|| {
        CliError::input(format!("{} is not an API-security errcode", args.code))
            .hint("API security uses 40230–40240; other codes are documented with each API")
    })?;
    let mut out = crate::output::Output::new(args.json);
    out.field("errcode", serde_json::json!(code.code()), || {
        format!("{} {}", code.code(), code.name())
    });
    out.json_only("name", serde_json::json!(code.name()));
    out.field("meaning", serde_json::json!(code.meaning()), || {
        format!("meaning: {}", code.meaning())
    });
    out.field("fix", serde_json::json!(code.fix()), || {
        format!("what to do: {}", code.fix())
    });
    out.finish();
    Ok(crate::error::Outcome::Ok)
}

pub(crate) fn run(cmd: MiniprogramCmd) -> CmdResult {
    match cmd {
        MiniprogramCmd::Seal(a) => seal::run(a),
        MiniprogramCmd::Open(a) => open::run(a),
        MiniprogramCmd::DecryptData(a) => data::run(a),
        MiniprogramCmd::Msg(c) => msg::run(c),
        MiniprogramCmd::Errcode(a) => errcode(a),
        MiniprogramCmd::CheckRawData(a) => data::check_raw_data(a),
    }
}

/// Which suite is configured in the MP console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SuiteArg {
    /// AES256_GCM + RSAwithSHA256.
    Aes,
    /// SM4_GCM + SM2withSM3.
    Sm,
}

/// Decodes the base64 symmetric key from the MP console.
pub(crate) fn sym_key(b64: &str) -> Result<SecretBytes, CliError> {
    STANDARD
        .decode(b64.trim())
        .map(SecretBytes::new)
        .map_err(|_| {
            CliError::input("--sym-key is not valid base64").hint(
                "paste the API symmetric key (API对称密钥) exactly as the MP console shows it",
            )
        })
}

/// Reads a text value (`@FILE`, `@-` or literal) as UTF-8.
pub(crate) fn read_text(arg: &str, what: &str) -> Result<String, CliError> {
    let bytes = crate::input::read_value(arg)?;
    String::from_utf8(bytes).map_err(|_| CliError::input(format!("{what} is not UTF-8 text")))
}
