//! `chop key …`: inspect key and certificate files, check that a key and a certificate pair.

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use chop::clock::{Clock, SystemClock};
use chop::finding::Finding;
use chop::key::{format_utc, inspect, Certificate, Inspection, Item, RsaPublicKey};
use chop::secret::SecretString;

use crate::error::{CliError, CmdResult, Outcome};
use crate::input;

/// Key and certificate commands.
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCmd {
    /// Show what a key, certificate or PKCS#12 file holds, and any problem with it.
    Inspect(InspectArgs),
    /// Check that a private key and a certificate belong together (same modulus).
    Match(MatchArgs),
}

/// `chop key inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The file (PEM, DER, bare base64, PKCS#12).
    file: String,
    /// Password of an encrypted key or a .p12 (for apiclient_cert.p12: the merchant id).
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Unix time to count a certificate's days left from, instead of now.
    #[arg(long)]
    now: Option<i64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `chop key match`.
#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// The private key file.
    key: String,
    /// The certificate file.
    cert: String,
    /// Password of the key file, if encrypted.
    #[arg(long, env = "CHOP_KEY_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: KeyCmd) -> CmdResult {
    match cmd {
        KeyCmd::Inspect(args) => inspect_cmd(args),
        KeyCmd::Match(args) => match_cmd(args),
    }
}

fn inspect_file(path: &str, password: Option<&str>) -> Result<Inspection, CliError> {
    let bytes = input::read_path(path)?;
    let password = password.map(SecretString::new);
    inspect(&bytes, password.as_ref()).map_err(|e| input::key_error(path, &e))
}

fn inspect_cmd(args: InspectArgs) -> CmdResult {
    let report = inspect_file(&args.file, args.password.as_deref())?;
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    let items: Vec<Value> = report.items.iter().map(|i| item_json(i, now)).collect();
    let problems = report.items.iter().flat_map(findings).count();
    if args.json {
        let mut obj = serde_json::Map::new();
        obj.insert("file".into(), json!(args.file));
        obj.insert("encoding".into(), json!(report.encoding.name()));
        if let Some(Value::Object(first)) = items.first() {
            for (k, v) in first {
                obj.insert(k.clone(), v.clone());
            }
        }
        obj.insert("items".into(), Value::Array(items));
        println!("{}", Value::Object(obj));
    } else {
        println!("{} ({})", args.file, report.encoding.name());
        for item in &report.items {
            print_item(item, now, "");
        }
    }
    Ok(if problems == 0 {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}

fn findings(item: &Item) -> Vec<&Finding> {
    match item {
        Item::PrivateKey { findings, .. } => findings.iter().collect(),
        Item::Pkcs12 { key: Some(k), .. } => findings(k),
        _ => Vec::new(),
    }
}

fn key_json(key: &RsaPublicKey) -> Value {
    json!({
        "bits": key.bits(),
        "modulus_fingerprint": key.fingerprint(),
        "modulus": key.modulus_hex(),
    })
}

fn cert_json(c: &Certificate, now: i64) -> Value {
    let v = c.validity();
    let mut obj = json!({
        "type": "certificate",
        "serial": c.serial_hex(),
        "subject": c.subject(),
        "issuer": c.issuer(),
        "not_before": format_utc(v.not_before),
        "not_after": format_utc(v.not_after),
        "days_left": v.days_left(now),
        "valid_now": v.contains(now),
        "key_algorithm": c.key_algorithm(),
    });
    if let (Some(k), Value::Object(o)) = (c.rsa_public_key(), &mut obj) {
        o.insert("modulus_fingerprint".into(), json!(k.fingerprint()));
    }
    obj
}

fn item_json(item: &Item, now: i64) -> Value {
    match item {
        Item::PrivateKey {
            format,
            public,
            findings,
        } => {
            let mut v = key_json(public);
            let o = v.as_object_mut().expect("object");
            o.insert("type".into(), json!("private_key"));
            o.insert("format".into(), json!(format.to_string()));
            o.insert("problems".into(), findings_json(findings));
            v
        }
        Item::PublicKey { container, key } => {
            let mut v = key_json(key);
            let o = v.as_object_mut().expect("object");
            o.insert("type".into(), json!("public_key"));
            o.insert("format".into(), json!(container));
            v
        }
        Item::Certificate(c) => cert_json(c, now),
        Item::Pkcs12 { key, certificates } => json!({
            "type": "pkcs12",
            "private_key": key.as_ref().map(|k| item_json(k, now)),
            "certificates": certificates.iter().map(|c| cert_json(c, now)).collect::<Vec<_>>(),
        }),
        _ => json!({"type": "unknown"}),
    }
}

fn findings_json(findings: &[Finding]) -> Value {
    Value::Array(
        findings
            .iter()
            .map(|f| json!({"code": f.code, "message": f.message, "fix": f.fix}))
            .collect(),
    )
}

fn print_item(item: &Item, now: i64, indent: &str) {
    match item {
        Item::PrivateKey {
            format,
            public,
            findings,
        } => {
            println!("{indent}private key: RSA {} bits, {format}", public.bits());
            println!("{indent}  modulus fingerprint: {}", public.fingerprint());
            if findings.is_empty() {
                println!("{indent}  consistency: ok (n = p·q, d, dP, dQ, qInv checked)");
            }
            for f in findings {
                println!("{indent}  PROBLEM [{}]: {}", f.code, f.message);
                println!("{indent}    fix: {}", f.fix);
            }
        }
        Item::PublicKey { container, key } => {
            println!("{indent}public key: RSA {} bits ({container})", key.bits());
            println!("{indent}  modulus fingerprint: {}", key.fingerprint());
        }
        Item::Certificate(c) => print_cert(c, now, indent),
        Item::Pkcs12 { key, certificates } => {
            println!("{indent}PKCS#12 file");
            match key {
                Some(k) => print_item(k, now, &format!("{indent}  ")),
                None => println!("{indent}  (no private key)"),
            }
            for c in certificates {
                print_cert(c, now, &format!("{indent}  "));
            }
        }
        _ => println!("{indent}(unknown item)"),
    }
}

fn print_cert(c: &Certificate, now: i64, indent: &str) {
    let v = c.validity();
    println!("{indent}certificate");
    println!("{indent}  serial:     {}", c.serial_hex());
    println!("{indent}  subject:    {}", c.subject());
    println!("{indent}  issuer:     {}", c.issuer());
    println!("{indent}  not before: {}", format_utc(v.not_before));
    let state = if now > v.not_after {
        format!("EXPIRED {} days ago", -v.days_left(now))
    } else if now < v.not_before {
        "not valid yet".to_string()
    } else {
        format!("{} days left", v.days_left(now))
    };
    println!(
        "{indent}  not after:  {} ({state})",
        format_utc(v.not_after)
    );
    match c.rsa_public_key() {
        Some(k) => println!(
            "{indent}  key:        RSA {} bits, {}",
            k.bits(),
            k.fingerprint()
        ),
        None => println!("{indent}  key:        {}", c.key_algorithm()),
    }
}

fn public_of(report: &Inspection) -> Option<RsaPublicKey> {
    report.items.iter().find_map(|i| match i {
        Item::PrivateKey { public, .. } => Some(public.clone()),
        Item::Pkcs12 { key: Some(k), .. } => match k.as_ref() {
            Item::PrivateKey { public, .. } => Some(public.clone()),
            _ => None,
        },
        _ => None,
    })
}

fn match_cmd(args: MatchArgs) -> CmdResult {
    let key_report = inspect_file(&args.key, args.password.as_deref())?;
    let key = public_of(&key_report).ok_or_else(|| {
        CliError::input(format!("`{}` holds no private key", args.key))
            .hint("the first argument is the private key (apiclient_key.pem), the second the certificate (apiclient_cert.pem)")
    })?;
    let cert_bytes = input::read_path(&args.cert)?;
    let cert = Certificate::load(&cert_bytes).map_err(|e| {
        CliError::from_err(
            format!("cannot use the certificate file `{}`", args.cert),
            &e,
        )
    })?;
    let cert_key = cert.rsa_public_key().ok_or_else(|| {
        CliError::input(format!(
            "the certificate `{}` does not hold an RSA key ({})",
            args.cert,
            cert.key_algorithm()
        ))
    })?;
    let matches = cert_key.modulus() == key.modulus();
    if args.json {
        println!(
            "{}",
            json!({
                "match": matches,
                "key_modulus_fingerprint": key.fingerprint(),
                "cert_modulus_fingerprint": cert_key.fingerprint(),
                "cert_serial": cert.serial_hex(),
            })
        );
    } else if matches {
        println!(
            "match: the key and the certificate (serial {}) share the modulus {}",
            cert.serial_hex(),
            key.fingerprint()
        );
    } else {
        println!(
            "NO MATCH: the key and the certificate (serial {}) have different moduli",
            cert.serial_hex()
        );
        println!("  key:         {}", key.fingerprint());
        println!("  certificate: {}", cert_key.fingerprint());
        println!("  fix: use the apiclient_key.pem generated together with this certificate, or the certificate of this key (check the serial in the merchant platform)");
    }
    Ok(if matches {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}
