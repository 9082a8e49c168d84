//! The Alipay sign content (待签名字符串 / 待验签内容): the exact bytes signed.

use std::fmt;

use super::Params;

/// The exact bytes Alipay signs or verifies.
///
/// For requests and notifies: the parameters sorted by key (byte order),
/// without `sign` and without empty values, joined as `k=v&k=v` on the raw,
/// not URL-encoded, values. For a sync response: the raw text of the
/// `…_response` value cut from the response. `as_bytes()` is what was signed;
/// `Display` prints the same text.
///
/// ```
/// use chop::alipay::{Params, SignContent};
/// let p = Params::from_pairs([("sign", "x"), ("b", "2 3"), ("a", "1"), ("c", "")])?;
/// assert_eq!(SignContent::for_request(&p).as_str(), "a=1&b=2 3");
/// # Ok::<(), chop::alipay::ParamsError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SignContent(String);

/// Whether `sign_type` is part of a notify's signed content.
///
/// Alipay's own SDKs differ: `rsaCheckV1` removes `sign_type` before
/// verifying (most trade notifies), `rsaCheckV2` keeps it (some service
/// notifies). chop tries without it first, then with it, and says which one
/// verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignTypeRule {
    /// `sign_type` removed (rsaCheckV1).
    Excluded,
    /// `sign_type` kept (rsaCheckV2).
    Included,
}

/// Whether empty values are part of a notify's signed content.
///
/// Request signing always drops them. For notifies the SDKs differ: Alipay's
/// Java (`getSignCheckContentV1/V2`) and Node SDKs keep `key=` for an empty
/// value, the PHP SDK and gopay drop it. chop tries dropping first and, only
/// when an empty value is present, keeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmptyValues {
    /// Empty values left out.
    Dropped,
    /// Empty values kept as `key=`.
    Kept,
}

impl SignContent {
    /// The content of a request's parameters: everything but `sign` and empty
    /// values (`sign_type` included), sorted, joined.
    pub fn for_request(params: &Params) -> Self {
        Self::join(params, false, |k| k == "sign")
    }

    /// The content of a notify's parameters under `rule`.
    ///
    /// ```
    /// use chop::alipay::{Params, SignContent, SignTypeRule};
    /// let p = Params::from_pairs([("sign", "x"), ("sign_type", "RSA2"), ("a", "1")])?;
    /// assert_eq!(SignContent::for_notify(&p, SignTypeRule::Excluded).as_str(), "a=1");
    /// assert_eq!(SignContent::for_notify(&p, SignTypeRule::Included).as_str(), "a=1&sign_type=RSA2");
    /// # Ok::<(), chop::alipay::ParamsError>(())
    /// ```
    pub fn for_notify(params: &Params, rule: SignTypeRule) -> Self {
        Self::for_notify_with(params, rule, EmptyValues::Dropped)
    }

    /// The content of a notify's parameters under `rule` and `empty`.
    ///
    /// ```
    /// use chop::alipay::{EmptyValues, Params, SignContent, SignTypeRule};
    /// let p = Params::from_pairs([("b", ""), ("a", "1")])?;
    /// let kept = SignContent::for_notify_with(&p, SignTypeRule::Excluded, EmptyValues::Kept);
    /// assert_eq!(kept.as_str(), "a=1&b=");
    /// # Ok::<(), chop::alipay::ParamsError>(())
    /// ```
    pub fn for_notify_with(params: &Params, rule: SignTypeRule, empty: EmptyValues) -> Self {
        let keep_empty = empty == EmptyValues::Kept;
        match rule {
            SignTypeRule::Excluded => {
                Self::join(params, keep_empty, |k| k == "sign" || k == "sign_type")
            }
            SignTypeRule::Included => Self::join(params, keep_empty, |k| k == "sign"),
        }
    }

    /// The content as given (a response value, a quoted ciphertext).
    pub fn raw(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The mini program rule: an encrypted response (a base64 string) is
    /// verified with double quotes around it, `"` + response + `"`, as it
    /// appears in a sync response.
    ///
    /// ```
    /// assert_eq!(chop::alipay::SignContent::quoted("abc=").as_str(), "\"abc=\"");
    /// ```
    pub fn quoted(ciphertext: &str) -> Self {
        Self(format!("\"{ciphertext}\""))
    }

    /// The exact bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The exact text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn join(params: &Params, keep_empty: bool, skip: impl Fn(&str) -> bool) -> Self {
        let mut pairs: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, v)| !skip(k) && (keep_empty || !v.is_empty()))
            .collect();
        pairs.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut s = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                s.push('&');
            }
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        Self(s)
    }
}

impl fmt::Display for SignContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SignContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignContent({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_bytes_and_keeps_raw_values() {
        let p = Params::from_pairs([
            ("b", "a&b=c"),
            ("B", "upper"),
            ("a_b", "1"),
            ("a", "中文"),
            ("empty", ""),
        ])
        .unwrap();
        assert_eq!(
            SignContent::for_request(&p).as_str(),
            "B=upper&a=中文&a_b=1&b=a&b=c"
        );
    }

    #[test]
    fn empty_params_give_empty_content() {
        let c = SignContent::for_request(&Params::new());
        assert!(c.is_empty());
        assert_eq!(c.len(), 0);
    }
}
