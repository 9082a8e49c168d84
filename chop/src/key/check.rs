//! Consistency checks on RSA private-key components.
//!
//! A key copied from a web page or a chat window can lose or change a character
//! and still parse. Seed 004's published key is such a key: `n = p·q` and `dP`,
//! `dQ` are right, but `d` and `qInv` are not, so every signature made with it is
//! invalid. Each component is checked on its own, so the report names exactly
//! which ones are wrong.
//!
//! The arithmetic uses `num-bigint-dig` and only *checks* relations; no signing
//! or decryption happens here. Every copy of a secret component is zeroized.

use std::fmt;

use num_bigint_dig::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use zeroize::Zeroizing;

/// An RSA private-key component (PKCS#1 `RSAPrivateKey` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// The modulus `n`.
    N,
    /// The public exponent `e`.
    E,
    /// The private exponent `d`.
    D,
    /// The first prime `p`.
    P,
    /// The second prime `q`.
    Q,
    /// `d mod (p-1)`.
    DP,
    /// `d mod (q-1)`.
    DQ,
    /// `q⁻¹ mod p`.
    QInv,
}

impl Component {
    /// All components in PKCS#1 order.
    pub const ALL: [Component; 8] = [
        Component::N,
        Component::P,
        Component::Q,
        Component::E,
        Component::D,
        Component::DP,
        Component::DQ,
        Component::QInv,
    ];

    /// The conventional name (`n`, `d`, `dP`, `qInv`, …).
    pub fn name(self) -> &'static str {
        match self {
            Component::N => "n",
            Component::E => "e",
            Component::D => "d",
            Component::P => "p",
            Component::Q => "q",
            Component::DP => "dP",
            Component::DQ => "dQ",
            Component::QInv => "qInv",
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    pub(crate) fn join(list: &[Component]) -> String {
        match list {
            [] => String::new(),
            [one] => one.name().to_string(),
            [init @ .., last] => format!(
                "{} and {}",
                init.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
                last.name()
            ),
        }
    }

    /// `a, b, c`.
    pub(crate) fn join_comma(list: &[Component]) -> String {
        list.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Checks the relations between the components of a PKCS#1 private key and
/// returns the components that are wrong (empty when the key is consistent).
///
/// - `n = p·q` (if not, `n` is reported: which of the three changed cannot be told)
/// - `e·dP ≡ 1 (mod p−1)`, `e·dQ ≡ 1 (mod q−1)`
/// - `d·e ≡ 1 (mod λ(n))`, λ(n) = lcm(p−1, q−1)
/// - `q·qInv ≡ 1 (mod p)`
pub(crate) fn check(key: &pkcs1::RsaPrivateKeyRef<'_>) -> Vec<Component> {
    let n = int(key.modulus.as_bytes());
    let e = int(key.public_exponent.as_bytes());
    let d = int(key.private_exponent.as_bytes());
    let p = int(key.prime1.as_bytes());
    let q = int(key.prime2.as_bytes());
    let dp = int(key.exponent1.as_bytes());
    let dq = int(key.exponent2.as_bytes());
    let qinv = int(key.coefficient.as_bytes());

    let one = BigUint::one();
    let mut wrong = Vec::new();
    if p.is_zero() || q.is_zero() || *p <= one || *q <= one {
        wrong.extend([Component::P, Component::Q]);
        return wrong;
    }
    if e.is_zero() || e.bits() < 2 {
        wrong.push(Component::E);
        return wrong;
    }
    let pq = Zeroizing::new(&*p * &*q);
    if *pq != *n {
        wrong.push(Component::N);
    }
    let p1 = Zeroizing::new(&*p - &one);
    let q1 = Zeroizing::new(&*q - &one);
    if !is_inverse(&e, &dp, &p1) {
        wrong.push(Component::DP);
    }
    if !is_inverse(&e, &dq, &q1) {
        wrong.push(Component::DQ);
    }
    let lambda = Zeroizing::new(lcm(&p1, &q1));
    if !is_inverse(&e, &d, &lambda) {
        wrong.push(Component::D);
    }
    if !is_inverse(&q, &qinv, &p) {
        wrong.push(Component::QInv);
    }
    wrong.sort();
    wrong
}

/// Whether `a·b ≡ 1 (mod m)`.
fn is_inverse(a: &BigUint, b: &BigUint, m: &BigUint) -> bool {
    if m.is_zero() {
        return false;
    }
    let prod = Zeroizing::new((a * b) % m);
    let one = BigUint::one() % m;
    *prod == one
}

fn lcm(a: &BigUint, b: &BigUint) -> BigUint {
    a.lcm(b)
}

fn int(bytes: &[u8]) -> Zeroizing<BigUint> {
    Zeroizing::new(BigUint::from_bytes_be(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_reads_naturally() {
        assert_eq!(Component::join(&[Component::D]), "d");
        assert_eq!(
            Component::join(&[Component::D, Component::QInv]),
            "d and qInv"
        );
        assert_eq!(
            Component::join(&[Component::N, Component::D, Component::QInv]),
            "n, d and qInv"
        );
    }
}
