//! `chop alipay …`: the Alipay open platform.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use chop::alipay::{sign_params, AlipayPublicKey, Params, SignRequestError, SignType};
use chop::key::Sm2PrivateKey;
use chop::signer::Signer;

use crate::error::{CliError, CmdResult, Outcome};
use crate::input;
use crate::output::Output;

mod content;
mod v3;
mod verify;

/// Alipay commands.
#[derive(Debug, Subcommand)]
pub(crate) enum AlipayCmd {
    /// Sign request parameters: prints the sign content and the sign.
    Sign(SignArgs),
    /// Verify an async notify or a sync response (exit 1 when it does not verify).
    #[command(subcommand)]
    Verify(verify::VerifyCmd),
    /// Decrypt AES content (接口内容加密): AES-CBC, zero IV, PKCS#5, base64.
    Decrypt(content::DecryptArgs),
    /// Encrypt content with the AES key (接口内容加密).
    Encrypt(content::EncryptArgs),
    /// Mini program phone number: verify the sign over the response, then decrypt it.
    Phone(verify::PhoneArgs),
    /// Certificate SNs: app_cert_sn / alipay_cert_sn of a certificate, alipay_root_cert_sn of the root file.
    CertSn(content::CertSnArgs),
    /// v3 API: sign a request and print the sign string and the ALIPAY-SHA256withRSA Authorization header.
    V3Sign(v3::V3SignArgs),
    /// v3 API: verify a response's alipay-signature over alipay-timestamp, alipay-nonce and the body.
    V3Verify(v3::V3VerifyArgs),
}

/// The `--sign-type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignTypeArg {
    /// SHA256withRSA (recommended).
    #[value(name = "RSA2", alias = "rsa2")]
    Rsa2,
    /// SHA1withRSA (legacy).
    #[value(name = "RSA", alias = "rsa")]
    Rsa,
    /// SM3withSM2, ID 1234567812345678.
    #[value(name = "SM2", alias = "sm2")]
    Sm2,
}

impl From<SignTypeArg> for SignType {
    fn from(a: SignTypeArg) -> Self {
        match a {
            SignTypeArg::Rsa2 => SignType::Rsa2,
            SignTypeArg::Rsa => SignType::Rsa,
            SignTypeArg::Sm2 => SignType::Sm2,
        }
    }
}

/// `chop alipay sign`.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct SignArgs {
    /// App private key file (应用私钥): bare base64 as Alipay's key tool writes it, PEM or DER; an SM2 key for --sign-type SM2.
    #[arg(long)]
    key: String,
    /// Password of an encrypted key file.
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    key_password: Option<String>,
    /// Sign type (default: the params' sign_type, else RSA2).
    #[arg(long, value_enum)]
    sign_type: Option<SignTypeArg>,
    /// Parameters: a JSON object of strings or a form-encoded string; text or @FILE (@- for stdin).
    #[arg(long)]
    params: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: AlipayCmd) -> CmdResult {
    match cmd {
        AlipayCmd::Sign(args) => sign(args),
        AlipayCmd::Verify(c) => verify::run(c),
        AlipayCmd::Decrypt(args) => content::decrypt(args),
        AlipayCmd::Encrypt(args) => content::encrypt(args),
        AlipayCmd::Phone(args) => verify::phone(args),
        AlipayCmd::CertSn(args) => content::cert_sn(args),
        AlipayCmd::V3Sign(args) => v3::sign(args),
        AlipayCmd::V3Verify(args) => v3::verify(args),
    }
}

fn sign(args: SignArgs) -> CmdResult {
    let params = read_params(&args.params)?;
    let sign_type = match (args.sign_type, params.get("sign_type")) {
        (Some(t), _) => t.into(),
        (None, Some(t)) => t
            .parse()
            .map_err(|e| CliError::from_err("cannot read sign_type in the parameters", &e))?,
        (None, None) => SignType::Rsa2,
    };
    let signer: Box<dyn Signer> = if sign_type == SignType::Sm2 {
        let bytes = input::read_path(&args.key)?;
        Box::new(Sm2PrivateKey::load(&bytes).map_err(|e| input::key_error(&args.key, &e))?)
    } else {
        Box::new(input::load_private_key(
            &args.key,
            args.key_password.as_deref(),
        )?)
    };
    let signed = sign_params(&params, sign_type, signer.as_ref()).map_err(|e| {
        let err = CliError::from_err("cannot sign the parameters", &e);
        match e {
            SignRequestError::LegacyRsaUnsupported => {
                err.hint("use --sign-type RSA2 and sign_type=RSA2 (Alipay recommends RSA2)")
            }
            _ => err,
        }
    })?;
    let mut out = Output::new(args.json);
    out.field("sign_content", json!(signed.sign_content.as_str()), || {
        format!(
            "sign content ({} bytes):\n  {}",
            signed.sign_content.len(),
            signed.sign_content
        )
    });
    out.field("sign_type", json!(sign_type.as_str()), || {
        format!("sign type: {sign_type}")
    });
    out.field("sign", json!(signed.sign), || {
        format!("sign:\n  {}", signed.sign)
    });
    out.finish();
    Ok(Outcome::Ok)
}

/// Reads parameters given as text or @FILE (JSON object or form body).
pub(crate) fn read_params(arg: &str) -> Result<Params, CliError> {
    let bytes = input::read_value(arg)?;
    Params::parse(&bytes).map_err(|e| CliError::from_err("cannot read the parameters", &e))
}

/// Loads the Alipay public key from `--public-key` or `--cert`.
pub(crate) fn load_alipay_key(
    public_key: Option<&str>,
    cert: Option<&str>,
) -> Result<AlipayPublicKey, CliError> {
    match (public_key, cert) {
        (Some(path), _) => {
            let bytes = input::read_path(path)?;
            AlipayPublicKey::load(&bytes).map_err(|e| {
                input::key_error(path, &e)
                    .hint("give the Alipay public key (支付宝公钥) as shown in the open platform, or --cert alipayCertPublicKey_RSA2.crt")
            })
        }
        (None, Some(path)) => {
            let bytes = input::read_path(path)?;
            AlipayPublicKey::from_certificate_file(&bytes)
                .map_err(|e| CliError::from_err(format!("cannot use the certificate `{path}`"), &e))
        }
        (None, None) => Err(CliError::input(
            "give the Alipay public key with --public-key FILE or --cert FILE",
        )),
    }
}
