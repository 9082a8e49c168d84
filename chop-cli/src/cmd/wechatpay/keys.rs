//! Platform key arguments shared by `verify`, `notify` and `encrypt`.

use clap::Args;

use chop::key::{Certificate, VerifyingKey};
use chop::wechatpay::PlatformKey;

use crate::error::CliError;
use crate::input;

/// `--cert FILE…` and/or `--public-key FILE --public-key-id ID`.
#[derive(Debug, Args)]
pub(crate) struct PlatformKeyArgs {
    /// Platform certificate file (PEM or DER); repeat it during a rotation.
    #[arg(long = "cert", value_name = "FILE")]
    pub(crate) certs: Vec<String>,
    /// WeChat Pay public key file (RSA or SM2; PEM, DER or bare base64), with --public-key-id.
    #[arg(long, value_name = "FILE", requires = "public_key_id")]
    public_key: Option<String>,
    /// The public key's id, `PUB_KEY_ID_…`, exactly as shown in the merchant platform.
    #[arg(long, value_name = "ID", requires = "public_key")]
    public_key_id: Option<String>,
}

impl PlatformKeyArgs {
    /// Loads every key given; at least one is required.
    pub(crate) fn load(&self) -> Result<Vec<PlatformKey>, CliError> {
        let keys = self.load_optional()?;
        if keys.is_empty() {
            return Err(CliError::input("no WeChat Pay key given").hint(
                "give --cert FILE (platform certificate; repeat during a rotation) or --public-key FILE --public-key-id PUB_KEY_ID_… (public-key mode), or both during a migration",
            ));
        }
        Ok(keys)
    }

    /// Loads every key given (possibly none).
    pub(crate) fn load_optional(&self) -> Result<Vec<PlatformKey>, CliError> {
        let mut keys = Vec::new();
        for path in &self.certs {
            let bytes = input::read_path(path)?;
            let cert = Certificate::load(&bytes).map_err(|e| input::key_error(path, &e))?;
            keys.push(PlatformKey::certificate(cert).map_err(|e| input::key_error(path, &e))?);
        }
        if let (Some(path), Some(id)) = (&self.public_key, &self.public_key_id) {
            let bytes = input::read_path(path)?;
            // RSA, or a 国密 WeChat Pay public key (SM2).
            let key = VerifyingKey::load(&bytes).map_err(|e| input::key_error(path, &e))?;
            keys.push(PlatformKey::public_key(id.trim(), key));
        }
        Ok(keys)
    }
}
