//! The API-security error codes 40230–40240 the platform answers with.

use std::fmt;

/// An API-security error code from the platform (服务端API签名加密指南 §5),
/// with its meaning and what to fix.
///
/// ```
/// use chop::miniprogram::ApiSecurityErrorCode;
/// let code = ApiSecurityErrorCode::from_code(40234).unwrap();
/// assert_eq!(code, ApiSecurityErrorCode::InvalidSignature);
/// assert_eq!(code.name(), "API_Invalid_Signature");
/// assert!(code.fix().contains("sign string"));
/// assert_eq!(ApiSecurityErrorCode::from_code(40229), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiSecurityErrorCode {
    /// 40230 `API_Missing_Wechatmp_Serial`: no `Wechatmp-Serial` header.
    MissingSerial,
    /// 40231 `API_Missing_Wechatmp_Timestamp`: no `Wechatmp-TimeStamp` header.
    MissingTimestamp,
    /// 40232 `API_Missing_Wechatmp_Signature`: no `Wechatmp-Signature` header.
    MissingSignature,
    /// 40233 `API_Missing_Wechatmp_Appid`: no `Wechatmp-Appid` header.
    MissingAppid,
    /// 40234 `API_Invalid_Signature`: the request signature does not verify.
    InvalidSignature,
    /// 40235 `API_Invalid_Encrypt`: the request does not decrypt.
    InvalidEncrypt,
    /// 40236 `API_Invalid_Wechatmp_Appid`: the `Wechatmp-Appid` is not valid.
    InvalidAppid,
    /// 40237 `API_Invalid_Wechatmp_Appidmatch`: the appid and the access token disagree.
    AppidTokenMismatch,
    /// 40238 `API_NoExist_DevSecretSym`: no symmetric key configured.
    NoSymmetricKey,
    /// 40239 `API_NoExist_DevSecretAsym`: no public key configured.
    NoPublicKey,
    /// 40240 `API_Expired_Wechatmp_Timestamp`: the timestamp is too old.
    ExpiredTimestamp,
}

impl ApiSecurityErrorCode {
    /// Every code, in numeric order.
    pub const ALL: [Self; 11] = [
        Self::MissingSerial,
        Self::MissingTimestamp,
        Self::MissingSignature,
        Self::MissingAppid,
        Self::InvalidSignature,
        Self::InvalidEncrypt,
        Self::InvalidAppid,
        Self::AppidTokenMismatch,
        Self::NoSymmetricKey,
        Self::NoPublicKey,
        Self::ExpiredTimestamp,
    ];

    /// The code for a numeric `errcode`, if it is one of 40230–40240.
    pub fn from_code(code: i64) -> Option<Self> {
        let i = usize::try_from(code.checked_sub(40230)?).ok()?;
        Self::ALL.get(i).copied()
    }

    /// The numeric `errcode`.
    pub fn code(self) -> i64 {
        40230 + Self::ALL.iter().position(|c| *c == self).unwrap_or(0) as i64
    }

    /// The platform's name for it, e.g. `API_Invalid_Signature`.
    pub fn name(self) -> &'static str {
        match self {
            Self::MissingSerial => "API_Missing_Wechatmp_Serial",
            Self::MissingTimestamp => "API_Missing_Wechatmp_Timestamp",
            Self::MissingSignature => "API_Missing_Wechatmp_Signature",
            Self::MissingAppid => "API_Missing_Wechatmp_Appid",
            Self::InvalidSignature => "API_Invalid_Signature",
            Self::InvalidEncrypt => "API_Invalid_Encrypt",
            Self::InvalidAppid => "API_Invalid_Wechatmp_Appid",
            Self::AppidTokenMismatch => "API_Invalid_Wechatmp_Appidmatch",
            Self::NoSymmetricKey => "API_NoExist_DevSecretSym",
            Self::NoPublicKey => "API_NoExist_DevSecretAsym",
            Self::ExpiredTimestamp => "API_Expired_Wechatmp_Timestamp",
        }
    }

    /// What it means (seed 000's table, in English).
    pub fn meaning(self) -> &'static str {
        match self {
            Self::MissingSerial => "the request has no Wechatmp-Serial header",
            Self::MissingTimestamp => "the request has no Wechatmp-TimeStamp header",
            Self::MissingSignature => "the request has no Wechatmp-Signature header",
            Self::MissingAppid => "the request has no Wechatmp-Appid header",
            Self::InvalidSignature => "the request signature does not verify",
            Self::InvalidEncrypt => "the request body does not decrypt",
            Self::InvalidAppid => "the Wechatmp-Appid header is not a valid appid",
            Self::AppidTokenMismatch => {
                "Wechatmp-Appid and the access token belong to different apps"
            }
            Self::NoSymmetricKey => "the app has no symmetric key configured",
            Self::NoPublicKey => "the app has no public key configured",
            Self::ExpiredTimestamp => "the request timestamp is too old",
        }
    }

    /// What to fix.
    pub fn fix(self) -> &'static str {
        match self {
            Self::MissingSerial => "send Wechatmp-Serial with the number (SN) of your API asymmetric key from the MP console (开发 → 开发管理 → 开发设置 → API安全)",
            Self::MissingTimestamp => "send Wechatmp-TimeStamp with the unix seconds used in the AAD, in _timestamp and in the sign string",
            Self::MissingSignature => "send Wechatmp-Signature with the base64 signature of the sign string",
            Self::MissingAppid => "send Wechatmp-Appid with the Mini Program's appid",
            Self::InvalidSignature => "rebuild the sign string `urlpath\\nappid\\ntimestamp\\npostdata` (full https:// URL without the query, no trailing newline, postdata exactly the body sent) and sign it with the private key whose public key is configured (RSA: PSS, SHA-256, salt 32)",
            Self::InvalidEncrypt => "check the symmetric key and its number (sn) in the AAD `urlpath|appid|timestamp|sn`, a 12-byte iv, data without the tag, and _n/_appid/_timestamp inside the plaintext",
            Self::InvalidAppid => "send the appid of the Mini Program whose API security keys you use",
            Self::AppidTokenMismatch => "use an access token obtained for the same appid as Wechatmp-Appid",
            Self::NoSymmetricKey => "configure an API symmetric key in the MP console (开发 → 开发管理 → 开发设置 → API安全)",
            Self::NoPublicKey => "configure the API asymmetric public key in the MP console (开发 → 开发管理 → 开发设置 → API安全)",
            Self::ExpiredTimestamp => "sign with the current time: check the server clock (NTP) and do not reuse a sealed request",
        }
    }
}

impl fmt::Display for ApiSecurityErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code(), self.name(), self.meaning())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (i, c) in ApiSecurityErrorCode::ALL.iter().enumerate() {
            assert_eq!(c.code(), 40230 + i as i64);
            assert_eq!(ApiSecurityErrorCode::from_code(c.code()), Some(*c));
        }
        assert_eq!(ApiSecurityErrorCode::from_code(40241), None);
        assert_eq!(ApiSecurityErrorCode::from_code(0), None);
        assert_eq!(ApiSecurityErrorCode::from_code(i64::MIN), None);
        assert_eq!(
            ApiSecurityErrorCode::ExpiredTimestamp.to_string(),
            "40240 API_Expired_Wechatmp_Timestamp: the request timestamp is too old"
        );
    }
}
