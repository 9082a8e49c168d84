//! Damaged inputs give an error or a value, never a panic: every loader is fed
//! thousands of deterministic mutations (bit flips, truncations, insertions) of
//! real key, certificate and PKCS#12 files.

use chop::key::{inspect, Certificate, RsaPrivateKey, RsaPublicKey};
use chop::secret::SecretString;
use chop::wechatpay::Authorization;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(4) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.truncate(rng.below(v.len() + 1)),
            2 => {
                let i = rng.below(v.len() + 1);
                v.insert(i, rng.next() as u8);
            }
            _ if !v.is_empty() => {
                let i = rng.below(v.len());
                v.remove(i);
            }
            _ => {}
        }
    }
    v
}

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../vectors/keys/{rel}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn loaders_survive_mutations() {
    let pw = SecretString::new("1900009191");
    let inputs = [
        "generated/key-pkcs8.pem",
        "generated/key-pkcs1.der",
        "generated/key-pkcs8.b64",
        "generated/key-encrypted-aes.pem",
        "generated/modern.p12",
        "generated/legacy-rc2-3des.p12",
        "generated/cert.der",
        "generated/cert.pem",
        "generated/pub-spki.der",
        "seed004/apiclient_test_key_corrupted.pem",
    ];
    let mut rng = Rng(0x5EED_2026_1123);
    for name in inputs {
        let original = file(name);
        let rounds = if name.ends_with(".p12") || name.contains("encrypted") {
            40
        } else {
            300
        };
        for _ in 0..rounds {
            let m = mutate(&mut rng, &original);
            let _ = RsaPrivateKey::load(&m, Some(&pw));
            let _ = RsaPublicKey::load(&m);
            let _ = Certificate::load_all(&m);
            let _ = inspect(&m, Some(&pw));
        }
    }
}

#[test]
fn authorization_parser_survives_mutations() {
    let header = r#"WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature="c2ln""#;
    let mut rng = Rng(7);
    for _ in 0..5000 {
        let m = mutate(&mut rng, header.as_bytes());
        let _ = Authorization::parse(&String::from_utf8_lossy(&m));
    }
}
