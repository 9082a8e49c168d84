//! Distinguished names in the RFC 2253 form Java's `X500Principal.getName()` prints.

use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::{Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// `CN=…,OU=…,O=…,C=…`: the most specific RDN first, `,` between RDNs, `+`
/// inside a multi-valued RDN, the keywords Java knows (CN, C, L, ST, O, OU,
/// STREET, DC, UID) and `OID=#hex` for any other attribute, RFC 2253 escaping.
pub(crate) fn rfc2253(name: &Name) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(atv).collect::<Vec<_>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn keyword(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

fn atv(a: &AttributeTypeAndValue) -> String {
    let oid = a.oid.to_string();
    match (keyword(&oid), string_value(a)) {
        (Some(k), Some(v)) => format!("{k}={}", escape(&v)),
        (k, _) => {
            let der = a.value.to_der().unwrap_or_default();
            format!("{}=#{}", k.unwrap_or(&oid), crate::hex::lower(&der))
        }
    }
}

fn string_value(a: &AttributeTypeAndValue) -> Option<String> {
    let v = &a.value;
    let bytes = v.value();
    Some(match v.tag() {
        Tag::Utf8String => Utf8StringRef::new(bytes).ok()?.as_str().to_string(),
        Tag::PrintableString => PrintableStringRef::new(bytes).ok()?.as_str().to_string(),
        Tag::Ia5String => Ia5StringRef::new(bytes).ok()?.as_str().to_string(),
        Tag::TeletexString => TeletexStringRef::new(bytes).ok()?.as_str().to_string(),
        Tag::BmpString => BmpString::from_ucs2(bytes).ok()?.to_string(),
        _ => return None,
    })
}

/// RFC 2253 §2.4 escaping.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn reverses_and_escapes() {
        let name = Name::from_str("CN=a\\,b+UID=x,O=Ant,C=CN").unwrap();
        // RFC 4514 text is most specific first; DER order is the reverse.
        assert_eq!(rfc2253(&name), "CN=a\\,b+UID=x,O=Ant,C=CN");
        assert_eq!(escape("#a "), "\\#a\\ ");
    }

    #[test]
    fn unknown_attribute_is_hex() {
        let name = Name::from_str("1.2.840.113549.1.9.1=a@b,CN=x").unwrap();
        let s = rfc2253(&name);
        assert!(s.starts_with("1.2.840.113549.1.9.1=#"), "{s}");
        assert!(s.ends_with(",CN=x"), "{s}");
    }
}
