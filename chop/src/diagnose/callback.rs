//! Why a WeChat Pay callback (or response) does not verify: stripped headers,
//! unknown serials, clock skew, re-serialized bodies, probes.

use serde_json::Value;

use crate::clock::FixedClock;
use crate::wechatpay::{
    reserialized_hint, PlatformKey, ResponseVerifier, SignatureHeaders, VerifyError,
    PUBLIC_KEY_ID_PREFIX,
};

use super::Finding;

/// What to check a callback against.
#[derive(Debug, Clone, Copy)]
pub struct CallbackCheck<'a> {
    /// The platform certificates and WeChat Pay public keys you have.
    pub keys: &'a [PlatformKey],
    /// Now, in unix seconds.
    pub now: i64,
    /// The timestamp window in seconds (300 in the SDKs).
    pub window: u32,
}

/// Checks a callback's headers (a text block, `Name: value` per line) and
/// body, and returns every finding; an empty list means it verifies.
///
/// ```
/// use chop::diagnose::{check_callback, CallbackCheck};
/// let f = check_callback("Wechatpay-Nonce: n\n", b"{}", &CallbackCheck { keys: &[], now: 0, window: 300 });
/// assert_eq!(f[0].code, "CALLBACK_HEADERS_MISSING");
/// assert!(f[0].message.contains("Wechatpay-Timestamp, Wechatpay-Signature, Wechatpay-Serial"));
/// ```
pub fn check_callback(headers: &str, body: &[u8], check: &CallbackCheck<'_>) -> Vec<Finding> {
    let headers = match SignatureHeaders::from_text(headers) {
        Ok(h) => h,
        Err(e) => return vec![finding(&e, check)],
    };
    let verifier = |window| {
        ResponseVerifier::new(check.keys.to_vec())
            .with_clock(FixedClock(check.now))
            .with_window(window)
    };
    let mut findings = Vec::new();
    let mut result = verifier(check.window).verify(&headers, body).map(|_| ());
    if let Err(e @ VerifyError::Expired { .. }) = &result {
        findings.push(finding(e, check));
        // Go on past the window, to find what else is wrong.
        result = verifier(u32::MAX).verify(&headers, body).map(|_| ());
    }
    match result {
        Ok(()) => {}
        Err(VerifyError::BadSignature { .. }) => {
            findings.push(bad_signature(&headers, body, &verifier(u32::MAX)))
        }
        Err(e) => findings.push(finding(&e, check)),
    }
    if check.keys.is_empty() && findings.iter().all(|f| f.code != "CALLBACK_PROBE") {
        if let Some(hint) = reserialized_hint(body) {
            findings.push(Finding::error(
                "CALLBACK_BODY_RESERIALIZED",
                hint.into(),
                RAW_BODY_FIX.into(),
            ));
        }
    }
    findings
}

const RAW_BODY_FIX: &str = "verify the raw request body bytes as received, before any JSON parsing (read the body as bytes or a string, not as a parsed object)";

fn finding(e: &VerifyError, check: &CallbackCheck<'_>) -> Finding {
    match e {
        VerifyError::MissingHeaders { missing } => Finding::error(
            "CALLBACK_HEADERS_MISSING",
            format!("the signature header(s) {} are missing: WeChat Pay always sends them, so a proxy, gateway or CDN in front of the server stripped them", missing.join(", ")),
            "let Wechatpay-* headers through every proxy, gateway and CDN in front of the server (check header allow-lists), and log the headers as the application receives them".into(),
        ),
        VerifyError::Probe => Finding::warning(
            "CALLBACK_PROBE",
            "this is a WeChat Pay signature probe (Wechatpay-Signature starts with WECHATPAY/SIGNTEST/): it never verifies, on purpose".into(),
            "nothing to fix: answer it as any failed verification (a 4xx/5xx status), which is what WeChat Pay checks".into(),
        ),
        VerifyError::BadTimestamp { value } => Finding::error(
            "CALLBACK_BAD_TIMESTAMP",
            format!("Wechatpay-Timestamp `{value}` is not unix seconds"),
            "pass the Wechatpay-Timestamp header value unchanged".into(),
        ),
        VerifyError::Expired { timestamp, now, off, window, skew } => Finding::error(
            "CALLBACK_TIMESTAMP_OUTSIDE_WINDOW",
            format!("Wechatpay-Timestamp {timestamp} is {off} s in the {skew} of now ({now}), outside the {window} s window (skew {}{off} s)", if *timestamp > *now { "+" } else { "-" }),
            "check this server's clock (NTP); a message older than the window is a replay or was queued: do not accept it".into(),
        ),
        VerifyError::UnknownSerial { serial, known } if serial.starts_with(PUBLIC_KEY_ID_PREFIX) => Finding::error(
            "CALLBACK_PUBLIC_KEY_NEEDED",
            format!("the message is signed with the WeChat Pay public key `{serial}` (public-key mode), which is not among the keys given ({})", list(known)),
            "download the WeChat Pay public key (商户平台 → API安全 → 微信支付公钥) and verify with it (--public-key FILE --public-key-id PUB_KEY_ID_…)".into(),
        ),
        VerifyError::UnknownSerial { .. } if check.keys.is_empty() => Finding::warning(
            "CALLBACK_SIGNATURE_UNCHECKED",
            "no platform certificate or public key was given, so the signature was not checked".into(),
            "give the platform certificate (--cert) or the WeChat Pay public key (--public-key)".into(),
        ),
        VerifyError::UnknownSerial { serial, known } => Finding::error(
            "CALLBACK_UNKNOWN_SERIAL",
            format!("no platform certificate given has the serial `{serial}` (known: {}): it was never downloaded, or WeChat Pay rotated its certificate", list(known)),
            "download the platform certificates again (chop wechatpay certs download, GET /v3/certificates) and keep all the valid ones".into(),
        ),
        VerifyError::SchemeMismatch { .. } => Finding::error("CALLBACK_SCHEME_MISMATCH", e.to_string(), "verify 国密 (SM2) callbacks with the SM2 platform certificate and RSA ones with the RSA one".into()),
        VerifyError::CertificateExpired { .. } => Finding::error("CALLBACK_CERT_EXPIRED", e.to_string(), "download the platform certificates again to get the current one".into()),
        VerifyError::SignatureEncoding { .. } => Finding::error("CALLBACK_SIGNATURE_ENCODING", e.to_string(), "pass the Wechatpay-Signature header value unchanged (base64)".into()),
        other => Finding::error("CALLBACK_NOT_VERIFIED", other.to_string(), RAW_BODY_FIX.into()),
    }
}

fn list(known: &[String]) -> String {
    if known.is_empty() {
        "none".into()
    } else {
        known.join(", ")
    }
}

/// The signature does not verify: find a canonical re-serialization that does.
fn bad_signature(headers: &SignatureHeaders, body: &[u8], verifier: &ResponseVerifier) -> Finding {
    for (what, candidate) in canonical_forms(body) {
        if candidate != body && verifier.verify(headers, &candidate).is_ok() {
            return Finding::error(
                "CALLBACK_BODY_RESERIALIZED",
                format!("the body is not the raw body WeChat Pay sent: {what}; the original ({} bytes, not {}) verifies", candidate.len(), body.len()),
                RAW_BODY_FIX.into(),
            );
        }
    }
    if let Some(hint) = reserialized_hint(body) {
        return Finding::error(
            "CALLBACK_BODY_RESERIALIZED",
            hint.into(),
            RAW_BODY_FIX.into(),
        );
    }
    Finding::error(
        "CALLBACK_SIGNATURE_MISMATCH",
        format!("the signature does not verify with the key `{}` over the {} byte body, and no re-serialization of the body verifies either", headers.serial, body.len()),
        "check that the body is the raw body (not decoded, trimmed or re-encoded) and that the key is WeChat Pay's platform certificate or public key, not your merchant certificate".into(),
    )
}

/// Key order of WeChat Pay callback bodies.
const ORDER: [&str; 11] = [
    "id",
    "create_time",
    "resource_type",
    "event_type",
    "summary",
    "resource",
    "original_type",
    "algorithm",
    "ciphertext",
    "associated_data",
    "nonce",
];

/// Compact forms of `body`, each with what was undone.
fn canonical_forms(body: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut out = vec![(
        "whitespace was added between JSON tokens",
        strip_whitespace(body),
    )];
    let mut unescaped = Vec::new();
    if rewrite_strings(body, &mut unescaped) {
        out.push((
            "whitespace or \\u escapes were added (WeChat Pay sends compact JSON with raw UTF-8)",
            unescaped,
        ));
    }
    let mut ordered = String::new();
    write_ordered(&value, &mut ordered);
    out.push((
        "the keys were reordered (and the JSON re-serialized)",
        ordered.into_bytes(),
    ));
    out
}

/// Removes whitespace outside strings.
fn strip_whitespace(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b.is_ascii_whitespace() {
            continue;
        }
        out.push(b);
    }
    out
}

/// Compacts `body` and writes each string token as serde_json writes it (raw
/// UTF-8); `false` when a token does not decode.
fn rewrite_strings(body: &[u8], out: &mut Vec<u8>) -> bool {
    let compact = strip_whitespace(body);
    let mut i = 0;
    while i < compact.len() {
        if compact[i] != b'"' {
            out.push(compact[i]);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < compact.len() && compact[j] != b'"' {
            j += if compact[j] == b'\\' { 2 } else { 1 };
        }
        let Some(token) = compact.get(i..=j) else {
            return false;
        };
        match serde_json::from_slice::<String>(token).and_then(|s| serde_json::to_vec(&s)) {
            Ok(s) => out.extend_from_slice(&s),
            Err(_) => return false,
        }
        i = j + 1;
    }
    true
}

/// Compact JSON with object keys in WeChat Pay's order, unknown keys after.
fn write_ordered(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
            out.push('{');
            for (n, k) in keys.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(x) = map.get(*k) {
                    write_ordered(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, x) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_ordered(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_forms() {
        assert_eq!(strip_whitespace(b"{ \"a b\" : 1 }"), b"{\"a b\":1}");
        let mut out = Vec::new();
        assert!(rewrite_strings(br#"{"s": "\u652f\u4ed8"}"#, &mut out));
        assert_eq!(out, "{\"s\":\"支付\"}".as_bytes());
        let mut s = String::new();
        write_ordered(
            &serde_json::from_str(r#"{"summary":"x","id":"1","zz":[1,{"b":2,"a":1}]}"#).unwrap(),
            &mut s,
        );
        assert_eq!(s, r#"{"id":"1","summary":"x","zz":[1,{"a":1,"b":2}]}"#);
    }
}
