//! Reading inputs: file paths, `-` for stdin, `@path` for bodies, literal text.

use std::io::Read;

use chop::key::{KeyError, RsaPrivateKey};
use chop::secret::SecretString;

use crate::error::CliError;

/// Reads a file given by path (`-` reads stdin).
pub(crate) fn read_path(path: &str) -> Result<Vec<u8>, CliError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::from_err("cannot read standard input", &e))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| {
        CliError::from_err(format!("cannot read `{path}`"), &e)
            .hint("check the path; relative paths are relative to the current directory")
    })
}

/// A value that is literal text, or `@path` to read a file (`@-` for stdin).
pub(crate) fn read_value(arg: &str) -> Result<Vec<u8>, CliError> {
    match arg.strip_prefix('@') {
        Some(path) => read_path(path),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

/// Loads a private key file, with a password when given.
pub(crate) fn load_private_key(
    path: &str,
    password: Option<&str>,
) -> Result<RsaPrivateKey, CliError> {
    let bytes = read_path(path)?;
    let password = password.map(SecretString::new);
    RsaPrivateKey::load(&bytes, password.as_ref()).map_err(|e| key_error(path, &e))
}

/// Turns a key error into a CLI error naming the file.
pub(crate) fn key_error(path: &str, err: &KeyError) -> CliError {
    CliError::from_err(format!("cannot use the key file `{path}`"), err)
}
