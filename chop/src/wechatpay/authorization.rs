//! The `Authorization` header of WeChat Pay v3 requests.
//!
//! `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`
//! for merchant and partner APIs, and `WECHATPAY-BRAND-SHA256-RSA2048 brand_id="…",…`
//! for the brand API. WeChat Pay accepts the five fields in any order; chop
//! writes them in the order above and parses any order.

use std::fmt;

use super::RequestError;

/// The authentication type, the first word of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Schema {
    /// `WECHATPAY2-SHA256-RSA2048`: merchant (直连商户) and partner (服务商) APIs.
    Merchant,
    /// `WECHATPAY-BRAND-SHA256-RSA2048`: the brand API (品牌API).
    Brand,
    /// `WECHATPAY2-SM2-WITH-SM3`: merchant and partner APIs with 国密 (SM2 with
    /// SM3, user ID `1234567812345678`, DER signature).
    MerchantSm2,
}

impl Schema {
    /// The header's first word.
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Merchant => "WECHATPAY2-SHA256-RSA2048",
            Schema::Brand => "WECHATPAY-BRAND-SHA256-RSA2048",
            Schema::MerchantSm2 => "WECHATPAY2-SM2-WITH-SM3",
        }
    }

    /// The name of the id field: `mchid` or `brand_id`.
    pub fn id_field(self) -> &'static str {
        match self {
            Schema::Merchant | Schema::MerchantSm2 => "mchid",
            Schema::Brand => "brand_id",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        [Schema::Merchant, Schema::Brand, Schema::MerchantSm2]
            .into_iter()
            .find(|s| s.as_str() == word)
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed or built `Authorization` header value.
///
/// ```
/// use chop::wechatpay::{Authorization, Schema};
/// let a = Authorization {
///     schema: Schema::Merchant,
///     id: "1900009191".into(),
///     nonce_str: "593BEC0C930BF1AFEB40B4A08C8FB242".into(),
///     timestamp: "1554208460".into(),
///     serial_no: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C".into(),
///     signature: "c2ln".into(),
/// };
/// let header = a.to_string();
/// assert_eq!(header, r#"WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature="c2ln""#);
/// assert_eq!(Authorization::parse(&header).unwrap(), a);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The authentication type.
    pub schema: Schema,
    /// `mchid` (merchant and partner APIs) or `brand_id` (brand API).
    pub id: String,
    /// `nonce_str`: the nonce in the sign string.
    pub nonce_str: String,
    /// `timestamp`: the timestamp in the sign string.
    pub timestamp: String,
    /// `serial_no`: the merchant (or brand) API certificate's serial.
    pub serial_no: String,
    /// `signature`: base64 of the signature.
    pub signature: String,
}

/// Why an `Authorization` header could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationParseError {
    /// Empty or missing.
    #[error("the Authorization header is missing or empty")]
    Missing,
    /// Unknown first word.
    #[error("unsupported authentication type `{0}`: use WECHATPAY2-SHA256-RSA2048 (merchant and partner APIs), WECHATPAY-BRAND-SHA256-RSA2048 (brand API) or WECHATPAY2-SM2-WITH-SM3 (国密)")]
    Schema(String),
    /// A field is badly formed (`key="value"` expected).
    #[error("malformed Authorization field `{0}`: each field must be key=\"value\", separated by commas")]
    Field(String),
    /// A required field is absent.
    #[error("the Authorization header has no `{0}` field")]
    MissingField(&'static str),
    /// A field appears twice.
    #[error("the Authorization header has the field `{0}` twice")]
    Duplicate(String),
}

impl Authorization {
    /// Parses a header value (fields in any order).
    ///
    /// # Errors
    /// [`AuthorizationParseError`] naming what is wrong.
    pub fn parse(value: &str) -> Result<Self, AuthorizationParseError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(AuthorizationParseError::Missing);
        }
        let (word, rest) = value.split_once(' ').unwrap_or((value, ""));
        let schema = Schema::from_word(word)
            .ok_or_else(|| AuthorizationParseError::Schema(word.to_string()))?;
        let mut fields: [Option<String>; 5] = Default::default();
        let names = [
            schema.id_field(),
            "nonce_str",
            "timestamp",
            "serial_no",
            "signature",
        ];
        for part in split_fields(rest) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| AuthorizationParseError::Field(part.to_string()))?;
            let v = v
                .trim()
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .ok_or_else(|| AuthorizationParseError::Field(part.to_string()))?;
            let k = k.trim();
            if let Some(i) = names.iter().position(|n| *n == k) {
                if fields[i].replace(v.to_string()).is_some() {
                    return Err(AuthorizationParseError::Duplicate(k.to_string()));
                }
            }
        }
        let mut take = |i: usize| {
            fields[i]
                .take()
                .ok_or(AuthorizationParseError::MissingField(names[i]))
        };
        Ok(Self {
            schema,
            id: take(0)?,
            nonce_str: take(1)?,
            timestamp: take(2)?,
            serial_no: take(3)?,
            signature: take(4)?,
        })
    }
}

/// Splits on commas outside double quotes.
fn split_fields(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            r#"{} {}="{}",nonce_str="{}",timestamp="{}",serial_no="{}",signature="{}""#,
            self.schema,
            self.schema.id_field(),
            self.id,
            self.nonce_str,
            self.timestamp,
            self.serial_no,
            self.signature
        )
    }
}

/// A value placed inside `"…"` in the header must be visible ASCII without `"` or `\`.
pub(crate) fn check_field(field: &'static str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::Field {
            field,
            reason: "it is empty".into(),
        });
    }
    if let Some(c) = value
        .chars()
        .find(|c| !c.is_ascii_graphic() || *c == '"' || *c == '\\')
    {
        return Err(RequestError::Field {
            field,
            reason: format!(
                "it contains {:?}, which cannot appear inside a quoted Authorization field",
                c
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_order_like_the_axios_example() {
        // wechatpay-axios-plugin formatter test: fields in another order.
        let a = Authorization::parse(
            r#"WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="5",timestamp="4",nonce_str="2",signature="3""#,
        )
        .unwrap();
        assert_eq!(
            (a.id.as_str(), a.nonce_str.as_str(), a.signature.as_str()),
            ("1", "2", "3")
        );
        assert_eq!((a.timestamp.as_str(), a.serial_no.as_str()), ("4", "5"));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            Authorization::parse(" "),
            Err(AuthorizationParseError::Missing)
        );
        assert!(matches!(
            Authorization::parse("Bearer x"),
            Err(AuthorizationParseError::Schema(_))
        ));
        assert_eq!(
            Authorization::parse(r#"WECHATPAY2-SHA256-RSA2048 mchid="1""#),
            Err(AuthorizationParseError::MissingField("nonce_str"))
        );
        assert!(matches!(
            Authorization::parse(r#"WECHATPAY2-SHA256-RSA2048 mchid=1"#),
            Err(AuthorizationParseError::Field(_))
        ));
        assert!(matches!(
            Authorization::parse(r#"WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2""#),
            Err(AuthorizationParseError::Duplicate(_))
        ));
    }

    #[test]
    fn sm2_schema_round_trips() {
        let h = r#"WECHATPAY2-SM2-WITH-SM3 mchid="1900009191",nonce_str="n",timestamp="1",serial_no="S",signature="c2ln""#;
        let a = Authorization::parse(h).unwrap();
        assert_eq!(a.schema, Schema::MerchantSm2);
        assert_eq!(a.schema.id_field(), "mchid");
        assert_eq!(a.to_string(), h);
    }

    #[test]
    fn brand_schema_uses_brand_id() {
        let a = Authorization::parse(
            r#"WECHATPAY-BRAND-SHA256-RSA2048 brand_id="100XX",nonce_str="n",signature="s",timestamp="1",serial_no="S""#,
        )
        .unwrap();
        assert_eq!(a.schema, Schema::Brand);
        assert_eq!(a.id, "100XX");
        assert!(a
            .to_string()
            .starts_with(r#"WECHATPAY-BRAND-SHA256-RSA2048 brand_id="100XX","#));
    }
}
