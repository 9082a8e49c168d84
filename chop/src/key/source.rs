//! Turning the bytes of a key or certificate file into DER blocks.
//!
//! Accepts PEM (any number of blocks, CRLF or LF, a UTF-8 BOM, indentation,
//! lines of any length), raw DER, and bare base64 with no header lines (the way
//! Alipay hands keys out). Nothing here interprets the DER.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use zeroize::Zeroizing;

use super::KeyError;

/// How the bytes were encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// PEM text (`-----BEGIN …-----`).
    Pem,
    /// Binary DER.
    Der,
    /// Base64 of DER with no header lines.
    Base64,
}

impl Encoding {
    /// `PEM`, `DER` or `base64`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Pem => "PEM",
            Encoding::Der => "DER",
            Encoding::Base64 => "bare base64",
        }
    }
}

/// One decoded block: its PEM label (if PEM) and its DER bytes.
pub(crate) struct Block {
    pub(crate) label: Option<String>,
    pub(crate) der: Zeroizing<Vec<u8>>,
    pub(crate) encoding: Encoding,
}

/// Base64 that tolerates missing or present padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes `input` into DER blocks. `what` names the expected content for errors.
pub(crate) fn decode(input: &[u8], what: &'static str) -> Result<Vec<Block>, KeyError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(KeyError::Empty { what });
    }
    if contains(input, b"-----BEGIN ") {
        return decode_pem(input);
    }
    if input.first() == Some(&0x30) {
        return Ok(vec![Block {
            label: None,
            der: Zeroizing::new(input.to_vec()),
            encoding: Encoding::Der,
        }]);
    }
    let text: Zeroizing<Vec<u8>> = Zeroizing::new(
        input
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect(),
    );
    let looks_base64 = text
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if !looks_base64 {
        if contains(input, b"-----END ") {
            return Err(KeyError::MalformedPem {
                label: "unknown".into(),
                reason: "an END line without a BEGIN line: the start of the file is missing".into(),
            });
        }
        return Err(KeyError::Unrecognized {
            what,
            detail: describe_unknown(input),
        });
    }
    let der = LENIENT
        .decode(&text[..])
        .map(Zeroizing::new)
        .map_err(|e| KeyError::BadBase64 {
            what,
            reason: e.to_string(),
        })?;
    if der.first() != Some(&0x30) {
        return Err(KeyError::Unrecognized {
            what,
            detail:
                "base64 text whose content is not DER (a key or certificate starts with byte 0x30)"
                    .into(),
        });
    }
    Ok(vec![Block {
        label: None,
        der,
        encoding: Encoding::Base64,
    }])
}

fn decode_pem(input: &[u8]) -> Result<Vec<Block>, KeyError> {
    let mut blocks = Vec::new();
    let mut rest = input;
    while let Some(start) = find(rest, b"-----BEGIN ") {
        let after = &rest[start + b"-----BEGIN ".len()..];
        let label_end = find(after, b"-----").ok_or_else(|| KeyError::MalformedPem {
            label: "unknown".into(),
            reason: "the BEGIN line is not closed with -----".into(),
        })?;
        let label = String::from_utf8_lossy(&after[..label_end])
            .trim()
            .to_string();
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let body_end = find(body_and_rest, end_marker.as_bytes()).ok_or_else(|| {
            KeyError::MalformedPem {
                label: label.clone(),
                reason: format!(
                    "no `{end_marker}` line: the file looks truncated; copy the whole key, including the END line"
                ),
            }
        })?;
        let body = &body_and_rest[..body_end];
        rest = &body_and_rest[body_end + end_marker.len()..];

        let mut b64: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(body.len()));
        for line in body.split(|&b| b == b'\n') {
            if line.contains(&b':') {
                // An RFC 1421 header such as `Proc-Type: 4,ENCRYPTED`.
                if contains(line, b"ENCRYPTED") {
                    return Err(KeyError::UnsupportedEncryption {
                        container: "PEM key",
                        detail: "legacy OpenSSL `Proc-Type: 4,ENCRYPTED` PEM encryption".into(),
                    });
                }
                continue;
            }
            b64.extend(line.iter().copied().filter(|b| !b.is_ascii_whitespace()));
        }
        if b64.is_empty() {
            return Err(KeyError::MalformedPem {
                label,
                reason: "the block between BEGIN and END is empty".into(),
            });
        }
        let der = LENIENT
            .decode(&b64[..])
            .map_err(|e| KeyError::MalformedPem {
                label: label.clone(),
                reason: format!(
                "its base64 does not decode ({e}): a character was changed or lost when copying"
            ),
            })?;
        blocks.push(Block {
            label: Some(label),
            der: Zeroizing::new(der),
            encoding: Encoding::Pem,
        });
    }
    Ok(blocks)
}

fn describe_unknown(input: &[u8]) -> String {
    let printable = input
        .iter()
        .take(64)
        .filter(|b| b.is_ascii_graphic() || **b == b' ')
        .count();
    if printable * 10 >= input.len().min(64) * 9 {
        "text that is neither PEM nor base64".into()
    } else {
        format!(
            "binary data that is not DER (first byte 0x{:02X}; DER starts with 0x30)",
            input[0]
        )
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_bom_and_long_lines_decode_alike() {
        let a = decode(b"-----BEGIN X-----\nMAMCAQA=\n-----END X-----\n", "x").unwrap();
        let b = decode(
            b"\xEF\xBB\xBF  -----BEGIN X-----\r\n  MAM\r\nCAQA\r\n-----END X-----\r\n",
            "x",
        )
        .unwrap();
        assert_eq!(&a[0].der[..], &b[0].der[..]);
        assert_eq!(&a[0].der[..], &[0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(a[0].label.as_deref(), Some("X"));
    }

    #[test]
    fn bare_base64_and_der() {
        let b = decode(b" MAMC\nAQA= \n", "x").unwrap();
        assert_eq!(b[0].encoding, Encoding::Base64);
        let d = decode(&[0x30, 0x03, 0x02, 0x01, 0x00], "x").unwrap();
        assert_eq!(d[0].encoding, Encoding::Der);
    }

    #[test]
    fn errors_are_distinct() {
        assert!(matches!(decode(b" \n", "x"), Err(KeyError::Empty { .. })));
        assert!(matches!(
            decode(b"-----BEGIN X-----\nMAMC", "x"),
            Err(KeyError::MalformedPem { .. })
        ));
        assert!(matches!(
            decode(b"-----BEGIN X-----\nMA*MC\n-----END X-----", "x"),
            Err(KeyError::MalformedPem { .. })
        ));
        assert!(matches!(
            decode(b"MAMCA", "x"),
            Err(KeyError::BadBase64 { .. })
        ));
        assert!(matches!(
            decode(&[0x9f, 0x01, 0xff, 0x00], "x"),
            Err(KeyError::Unrecognized { .. })
        ));
        assert!(matches!(
            decode(b"hello, world", "x"),
            Err(KeyError::Unrecognized { .. })
        ));
    }
}
