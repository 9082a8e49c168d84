//! The plaintext JSON: adding `_n`, `_appid`, `_timestamp` to a request and
//! checking them in a response.

use serde_json::Value;

/// The three security fields the platform requires inside the plaintext.
pub const SECURITY_FIELDS: [&str; 3] = ["_n", "_appid", "_timestamp"];

/// What is wrong with a JSON plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PlaintextProblem {
    NotJson(String),
    NotObject(&'static str),
    Reserved(&'static str),
}

/// Inserts `"_n":…,"_appid":…,"_timestamp":…` right after the opening `{` of
/// the JSON object `json`, leaving every other byte as given (the layout of
/// the official example).
pub(crate) fn add_security_fields(
    json: &[u8],
    nonce: &str,
    appid: &str,
    timestamp: i64,
) -> Result<String, PlaintextProblem> {
    let text = std::str::from_utf8(json)
        .map_err(|e| PlaintextProblem::NotJson(format!("not UTF-8: {e}")))?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| PlaintextProblem::NotJson(e.to_string()))?;
    let obj = value
        .as_object()
        .ok_or_else(|| PlaintextProblem::NotObject(kind(&value)))?;
    if let Some(f) = SECURITY_FIELDS.iter().find(|f| obj.contains_key(**f)) {
        return Err(PlaintextProblem::Reserved(f));
    }
    // A parsed object starts with `{` after optional whitespace.
    let open = text.find('{').unwrap_or(0);
    let (head, rest) = text.split_at(open + 1);
    let fields = format!(
        "\"_n\":{},\"_appid\":{},\"_timestamp\":{timestamp}",
        quote(nonce),
        quote(appid)
    );
    let sep = if obj.is_empty() { "" } else { "," };
    Ok(format!("{head}{fields}{sep}{rest}"))
}

/// The response's `_appid` and `_timestamp`, read from a JSON plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecurityFields {
    pub(crate) appid: Option<String>,
    pub(crate) timestamp: Option<i64>,
}

pub(crate) fn read_security_fields(plaintext: &str) -> Result<SecurityFields, PlaintextProblem> {
    let value: Value =
        serde_json::from_str(plaintext).map_err(|e| PlaintextProblem::NotJson(e.to_string()))?;
    let obj = value
        .as_object()
        .ok_or_else(|| PlaintextProblem::NotObject(kind(&value)))?;
    Ok(SecurityFields {
        appid: obj
            .get("_appid")
            .and_then(Value::as_str)
            .map(str::to_string),
        timestamp: obj.get("_timestamp").and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        }),
    })
}

fn quote(s: &str) -> String {
    // Serialising a string cannot fail.
    serde_json::to_string(s).unwrap_or_default()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_example_layout() {
        let out = add_security_fields(
            br#"{"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}"#,
            "o89QaPVsRu1yppIZzvSZc4",
            "wxba6223c06417af7b",
            1635927954,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"_n":"o89QaPVsRu1yppIZzvSZc4","_appid":"wxba6223c06417af7b","_timestamp":1635927954,"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}"#
        );
    }

    #[test]
    fn empty_object_and_whitespace_kept() {
        assert_eq!(
            add_security_fields(b" { } ", "n", "a", 1).unwrap(),
            r#" {"_n":"n","_appid":"a","_timestamp":1 } "#
        );
        assert_eq!(
            add_security_fields(b"{\n \"k\": \"\xe4\xb8\xad\"\n}", "n\"", "a", 2).unwrap(),
            "{\"_n\":\"n\\\"\",\"_appid\":\"a\",\"_timestamp\":2,\n \"k\": \"中\"\n}"
        );
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            add_security_fields(b"[1]", "n", "a", 1),
            Err(PlaintextProblem::NotObject("an array"))
        ));
        assert!(matches!(
            add_security_fields(b"{", "n", "a", 1),
            Err(PlaintextProblem::NotJson(_))
        ));
        assert!(matches!(
            add_security_fields(b"\xff", "n", "a", 1),
            Err(PlaintextProblem::NotJson(_))
        ));
        assert_eq!(
            add_security_fields(br#"{"_appid":"x"}"#, "n", "a", 1),
            Err(PlaintextProblem::Reserved("_appid"))
        );
    }

    #[test]
    fn reads_fields() {
        let f = read_security_fields(r#"{"_appid":"wx","_timestamp":5,"x":1}"#).unwrap();
        assert_eq!(f.appid.as_deref(), Some("wx"));
        assert_eq!(f.timestamp, Some(5));
        assert!(read_security_fields("1").is_err());
    }
}
