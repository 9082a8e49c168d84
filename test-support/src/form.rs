//! `application/x-www-form-urlencoded` bodies, as browsers and Alipay send them.

/// `pairs` as a form body: every byte outside `A-Za-z0-9*-._` percent-encoded,
/// spaces as `+` (the `form_urlencoded` crate's serializer).
///
/// ```
/// let body = test_support::form::encode([("subject", "测试 商品"), ("sign", "a+b/c=")]);
/// assert_eq!(body, "subject=%E6%B5%8B%E8%AF%95+%E5%95%86%E5%93%81&sign=a%2Bb%2Fc%3D");
/// ```
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}
