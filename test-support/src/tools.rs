//! The interop tools that `scripts/setup-interop` installs from the package
//! registries: Python `cryptography` in `.tools/venv`, the Alipay Node SDK in
//! `.tools/npm`, the `openssl` CLI. A test that needs one fails (never skips)
//! when it is missing, naming the script that installs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The path of `rel` under the workspace's root.
///
/// ```
/// assert!(test_support::tools::workspace("Cargo.toml").exists());
/// ```
pub fn workspace(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(rel)
}

/// The venv's Python, which has `cryptography`; panics when it is missing.
pub fn python() -> PathBuf {
    let p = workspace(".tools/venv/bin/python");
    assert!(
        p.exists(),
        "interop test needs Python `cryptography` at {}: run ./scripts/setup-interop",
        p.display()
    );
    p
}

/// The npm prefix that holds the Alipay Node SDK; panics when it is missing.
pub fn npm_prefix() -> PathBuf {
    let npm = workspace(".tools/npm");
    assert!(
        npm.join("node_modules/alipay-sdk/package.json").exists(),
        "the Alipay Node SDK is missing from {}: run ./scripts/setup-interop (needs node and npm)",
        npm.display()
    );
    npm
}

/// Runs `cmd` with `stdin`, returns its stdout; panics with its stderr when
/// it fails, or with what to install when it cannot start.
///
/// ```
/// let out = test_support::tools::run(std::process::Command::new("cat").arg("-"), b"hi");
/// assert_eq!(out, b"hi");
/// ```
pub fn run(cmd: &mut Command, stdin: &[u8]) -> Vec<u8> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}): ./scripts/setup-interop installs it")
        });
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin)
        .unwrap_or_else(|e| panic!("writing to `{program}`: {e}"));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("`{program}`: {e}"));
    assert!(
        out.status.success(),
        "`{program}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A fresh, empty folder under the system's temporary folder, unique to this
/// process and call; the caller removes it.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("chop-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Whether the `openssl` CLI verifies the DER SM2 signature `sig` over `msg`
/// (SM3, SM2 user ID `id`) with the public key in `public_key_pem`; `Err`
/// holds what openssl said. Panics when openssl cannot run.
///
/// ```
/// let key = test_support::vectors::path("keys/upstream/skit_sm2_public_key.pem");
/// assert!(test_support::tools::openssl_sm2_verify(&key, "1234567812345678", b"m", b"0").is_err());
/// ```
pub fn openssl_sm2_verify(
    public_key_pem: &Path,
    id: &str,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let dir = temp_dir("sm2-verify");
    std::fs::write(dir.join("msg"), msg).expect("write the message");
    std::fs::write(dir.join("sig"), sig).expect("write the signature");
    let out = Command::new("openssl")
        .args([
            "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
        ])
        .arg(public_key_pem)
        .args(["-pkeyopt", &format!("distid:{id}"), "-in"])
        .arg(dir.join("msg"))
        .arg("-sigfile")
        .arg(dir.join("sig"))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `openssl` ({e}): ./scripts/setup-interop installs it")
        });
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
