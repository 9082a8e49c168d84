//! Exact-byte values: sign strings whose bytes are signed exactly as they are.
//!
//! Each platform has its own sign-string type (their layouts differ); they share
//! the accessors and the printing generated here, so every one of them can be
//! shown the same way: `as_bytes()` exact, `Display` as text, `escaped()` on one
//! line with `\n` visible, `Debug` with the length.

/// Shows `\n`, `\r`, `\t`, `\\`, other control characters and invalid UTF-8 as escapes.
pub(crate) fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Each part followed by `\n` (the layout of WeChat Pay and Alipay v3 sign strings).
pub(crate) fn lines(parts: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        v.extend_from_slice(p);
        v.push(b'\n');
    }
    v
}

/// Implements the accessors and printing of a `struct $name(Vec<u8>)` sign string.
macro_rules! exact_bytes {
    ($name:ident) => {
        impl $name {
            /// The exact bytes that are signed.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }

            /// Length in bytes.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether it is empty (never, once built).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// One line: each `\n` shown as the two characters `\n`, other control
            /// characters and invalid UTF-8 escaped; fit for logs and terminals.
            pub fn escaped(&self) -> String {
                $crate::exact::escape(&self.0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&String::from_utf8_lossy(&self.0))
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(
                    f,
                    "{}(\"{}\", {} bytes)",
                    stringify!($name),
                    self.escaped(),
                    self.0.len()
                )
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }
    };
}

pub(crate) use exact_bytes;
