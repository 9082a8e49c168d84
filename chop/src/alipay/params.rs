//! Alipay parameters: a request's or a notify's `key=value` pairs.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// Alipay parameters in the order they were given, each key at most once.
///
/// Build them from pairs, from a form-encoded body exactly as received (each
/// value is percent-decoded exactly once), or from a JSON object of strings. A
/// repeated key is refused: Alipay never sends one, and accepting one would let
/// the value a handler reads differ from the value that was verified.
///
/// ```
/// use chop::alipay::Params;
///
/// let p = Params::from_form(b"subject=%E8%AF%AD%E9%9B%80+500&total_amount=0.10")?;
/// assert_eq!(p.get("subject"), Some("语雀 500"));
/// let q = Params::from_json(br#"{"app_id":"2019","method":"alipay.trade.pay"}"#)?;
/// assert_eq!(q.get("method"), Some("alipay.trade.pay"));
/// assert!(Params::from_form(b"a=1&a=2").is_err());
/// # Ok::<(), chop::alipay::ParamsError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

/// Why parameters could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// The same key appears twice.
    #[error("the parameter `{key}` appears more than once: send each parameter once (a repeated key makes the signed value ambiguous)")]
    RepeatedKey {
        /// The repeated key.
        key: String,
    },
    /// A form field has an empty name.
    #[error("a form field has an empty name (at byte {offset}): pass the body exactly as received, `key=value&key=value`")]
    EmptyKey {
        /// Byte offset of the field in the body.
        offset: usize,
    },
    /// A `%` is not followed by two hex digits.
    #[error("bad percent-encoding in the form field `{field}`: `%` must be followed by two hex digits; pass the body exactly as received, decoded by nothing else")]
    BadPercentEncoding {
        /// The field's name as far as it could be read.
        field: String,
    },
    /// A decoded key or value is not UTF-8.
    #[error("the form field `{field}` is not UTF-8 after decoding: chop verifies UTF-8 content; set `charset=utf-8` in your requests so Alipay sends UTF-8")]
    NotUtf8 {
        /// The field's name as far as it could be read.
        field: String,
    },
    /// The JSON text does not parse or is not an object.
    #[error("the parameters are not a JSON object of strings: {reason}")]
    NotJsonObject {
        /// What the parser said.
        reason: String,
    },
    /// A JSON value is an object, array or fraction.
    #[error("the parameter `{key}` is a JSON {kind}: give it as a string exactly as it is sent (e.g. biz_content as an escaped JSON string)")]
    UnsupportedValue {
        /// The key.
        key: String,
        /// `object`, `array` or `fraction`.
        kind: &'static str,
    },
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// From `(key, value)` pairs.
    ///
    /// ```
    /// let p = chop::alipay::Params::from_pairs([("b", "2"), ("a", "1")])?;
    /// assert_eq!(p.len(), 2);
    /// # Ok::<(), chop::alipay::ParamsError>(())
    /// ```
    ///
    /// # Errors
    /// [`ParamsError::RepeatedKey`] when a key appears twice.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Self, ParamsError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut p = Self::new();
        for (k, v) in pairs {
            p.push(k.into(), v.into())?;
        }
        Ok(p)
    }

    /// From an `application/x-www-form-urlencoded` body exactly as received
    /// (an async notify's POST body). `+` is a space and `%XX` a byte; each
    /// key and value is decoded exactly once.
    ///
    /// # Errors
    /// [`ParamsError`] for a repeated key, an empty name, bad percent-encoding
    /// or non-UTF-8 text.
    pub fn from_form(body: &[u8]) -> Result<Self, ParamsError> {
        let body = trim_ascii(body);
        let mut p = Self::new();
        let mut offset = 0;
        for field in body.split(|&b| b == b'&') {
            let start = offset;
            offset += field.len() + 1;
            if field.is_empty() {
                continue;
            }
            let (raw_key, raw_value) = match field.iter().position(|&b| b == b'=') {
                Some(i) => (&field[..i], &field[i + 1..]),
                None => (field, &b""[..]),
            };
            let key = decode_component(raw_key, raw_key)?;
            if key.is_empty() {
                return Err(ParamsError::EmptyKey { offset: start });
            }
            let value = decode_component(raw_value, raw_key)?;
            p.push(key, value)?;
        }
        Ok(p)
    }

    /// From a JSON object whose values are strings (integers, booleans and
    /// `null` are taken as their text, `null` as empty).
    ///
    /// # Errors
    /// [`ParamsError`] when the text is not a JSON object, a key repeats, or a
    /// value is an object, array or fraction.
    pub fn from_json(json: &[u8]) -> Result<Self, ParamsError> {
        let mut de = serde_json::Deserializer::from_slice(json);
        let pairs = de
            .deserialize_map(PairsVisitor)
            .and_then(|p| de.end().map(|()| p))
            .map_err(|e| ParamsError::NotJsonObject {
                reason: e.to_string(),
            })?;
        let mut p = Self::new();
        for (key, value) in pairs {
            let text = match value {
                Value::String(s) => s,
                Value::Null => String::new(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
                Value::Number(_) => return Err(unsupported(key, "fraction")),
                Value::Array(_) => return Err(unsupported(key, "array")),
                Value::Object(_) => return Err(unsupported(key, "object")),
            };
            p.push(key, text)?;
        }
        Ok(p)
    }

    /// A JSON object when the text starts with `{`, a form body otherwise.
    ///
    /// # Errors
    /// As [`Params::from_json`] or [`Params::from_form`].
    pub fn parse(input: &[u8]) -> Result<Self, ParamsError> {
        match trim_ascii(input).first() {
            Some(b'{') => Self::from_json(input),
            _ => Self::from_form(input),
        }
    }

    /// Adds a parameter.
    ///
    /// # Errors
    /// [`ParamsError::RepeatedKey`] when the key is already present.
    pub fn push(&mut self, key: String, value: String) -> Result<(), ParamsError> {
        if self.get(&key).is_some() {
            return Err(ParamsError::RepeatedKey { key });
        }
        self.pairs.push((key, value));
        Ok(())
    }

    /// Sets a parameter, replacing any earlier value.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let (key, value) = (key.into(), value.into());
        match self.pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((key, value)),
        }
    }

    /// Removes a parameter, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let i = self.pairs.iter().position(|(k, _)| k == key)?;
        Some(self.pairs.remove(i).1)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

fn unsupported(key: String, kind: &'static str) -> ParamsError {
    ParamsError::UnsupportedValue { key, kind }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end.max(start)]
}

/// Decodes one form component: `+` → space, `%XX` → byte, then UTF-8.
fn decode_component(raw: &[u8], field: &[u8]) -> Result<String, ParamsError> {
    let name = || String::from_utf8_lossy(field).into_owned();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok())
                });
                match hex {
                    Some(b) if raw[i + 1].is_ascii_hexdigit() => out.push(b),
                    _ => return Err(ParamsError::BadPercentEncoding { field: name() }),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ParamsError::NotUtf8 { field: name() })
}

/// Collects a JSON object's members in order, keeping duplicates.
struct PairsVisitor;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Vec<(String, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            pairs.push((k, v));
        }
        Ok(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decodes_each_value_once() {
        let p = Params::from_form(b"a=%2541&b=x+y%2By&c=&d").unwrap();
        assert_eq!(p.get("a"), Some("%41"));
        assert_eq!(p.get("b"), Some("x y+y"));
        assert_eq!(p.get("c"), Some(""));
        assert_eq!(p.get("d"), Some(""));
    }

    #[test]
    fn form_errors() {
        assert_eq!(
            Params::from_form(b"a=1&a=2"),
            Err(ParamsError::RepeatedKey { key: "a".into() })
        );
        assert!(matches!(
            Params::from_form(b"a=%4"),
            Err(ParamsError::BadPercentEncoding { .. })
        ));
        assert!(matches!(
            Params::from_form(b"a=%+1"),
            Err(ParamsError::BadPercentEncoding { .. })
        ));
        assert!(matches!(
            Params::from_form(b"a=%FF"),
            Err(ParamsError::NotUtf8 { .. })
        ));
        assert_eq!(
            Params::from_form(b"a=1&=2"),
            Err(ParamsError::EmptyKey { offset: 4 })
        );
    }

    #[test]
    fn json_values() {
        let p = Params::from_json(br#"{"a":"x","b":1,"c":true,"d":null}"#).unwrap();
        assert_eq!(p.get("b"), Some("1"));
        assert_eq!(p.get("c"), Some("true"));
        assert_eq!(p.get("d"), Some(""));
        assert!(matches!(
            Params::from_json(br#"{"a":"x","a":"y"}"#),
            Err(ParamsError::RepeatedKey { .. })
        ));
        assert!(matches!(
            Params::from_json(br#"{"biz_content":{"a":1}}"#),
            Err(ParamsError::UnsupportedValue { kind: "object", .. })
        ));
        assert!(matches!(
            Params::from_json(b"[1]"),
            Err(ParamsError::NotJsonObject { .. })
        ));
        assert!(matches!(
            Params::from_json(br#"{"a":"x"} trailing"#),
            Err(ParamsError::NotJsonObject { .. })
        ));
    }

    #[test]
    fn set_and_remove() {
        let mut p = Params::new();
        p.set("a", "1");
        p.set("a", "2");
        assert_eq!(p.get("a"), Some("2"));
        assert_eq!(p.remove("a").as_deref(), Some("2"));
        assert!(p.is_empty());
    }
}
