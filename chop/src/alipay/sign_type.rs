//! Alipay sign types: `RSA2`, `RSA`, `SM2`.

use std::fmt;
use std::str::FromStr;

use crate::signer::SignatureScheme;

/// The `sign_type` of an Alipay request, notify or response.
///
/// ```
/// use chop::alipay::SignType;
/// let t: SignType = "rsa2".parse()?;
/// assert_eq!(t, SignType::Rsa2);
/// assert_eq!(t.to_string(), "RSA2");
/// # Ok::<(), chop::alipay::UnknownSignType>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignType {
    /// `RSA2`: SHA256withRSA (PKCS#1 v1.5). What Alipay recommends.
    Rsa2,
    /// `RSA`: SHA1withRSA (PKCS#1 v1.5). Legacy; Alipay recommends RSA2.
    Rsa,
    /// `SM2`: SM3withSM2, user ID `1234567812345678`, DER signature.
    Sm2,
}

/// A `sign_type` that is not `RSA2`, `RSA` or `SM2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown sign_type `{got}`: Alipay uses RSA2 (recommended), RSA or SM2")]
pub struct UnknownSignType {
    /// What was given.
    pub got: String,
}

impl SignType {
    /// The name Alipay uses in `sign_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignType::Rsa2 => "RSA2",
            SignType::Rsa => "RSA",
            SignType::Sm2 => "SM2",
        }
    }

    /// The signature scheme behind it.
    pub fn scheme(self) -> SignatureScheme {
        match self {
            SignType::Rsa2 => SignatureScheme::RsaPkcs1Sha256,
            SignType::Rsa => SignatureScheme::RsaPkcs1Sha1,
            SignType::Sm2 => SignatureScheme::Sm2Sm3,
        }
    }
}

impl fmt::Display for SignType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignType {
    type Err = UnknownSignType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "RSA2" => Ok(SignType::Rsa2),
            "RSA" => Ok(SignType::Rsa),
            "SM2" => Ok(SignType::Sm2),
            _ => Err(UnknownSignType { got: s.to_string() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for t in [SignType::Rsa2, SignType::Rsa, SignType::Sm2] {
            assert_eq!(t.as_str().parse::<SignType>().unwrap(), t);
        }
        assert_eq!("Sm2".parse::<SignType>().unwrap(), SignType::Sm2);
        let e = "MD5".parse::<SignType>().unwrap_err();
        assert_eq!(e.got, "MD5");
        assert_eq!(SignType::Rsa.scheme(), SignatureScheme::RsaPkcs1Sha1);
    }
}
