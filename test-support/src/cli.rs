//! Running the `chop` binary (crate chop-cli) in tests, and reading its
//! `--json` output (feature `cli`).
//!
//! The binary is found next to the running test executable, as
//! `assert_cmd` finds it: use this from chop-cli's own integration tests,
//! which cargo builds after the binary.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

/// A `chop` command.
pub fn chop() -> Command {
    Command::cargo_bin("chop").expect("the chop binary (build chop-cli)")
}

/// Runs `cmd`, checks its exit code is `code`, and returns the one JSON
/// object it printed on stdout, on one line (what `--json` promises, on
/// failure too).
pub fn json(cmd: &mut Command, code: i32) -> Value {
    let out = cmd.assert().code(code).get_output().stdout.clone();
    let s = String::from_utf8(out).expect("stdout is UTF-8");
    assert_eq!(s.lines().count(), 1, "one JSON object on one line: {s}");
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// [`json`] of `chop <args>`.
pub fn json_of(args: &[&str], code: i32) -> Value {
    json(chop().args(args), code)
}

/// Runs `cmd` whatever its exit code; returns the code and its `--json` output.
pub fn code_and_json(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().expect("run chop");
    let code = out.status.code().expect("an exit code");
    let s = String::from_utf8_lossy(&out.stdout);
    let j = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
    (code, j)
}

/// The `code` of each finding in a `chop doctor … --json` answer.
pub fn finding_codes(j: &Value) -> Vec<String> {
    j["findings"]
        .as_array()
        .expect("`findings`")
        .iter()
        .map(|f| f["code"].as_str().expect("a finding's `code`").to_string())
        .collect()
}

/// Writes `bytes` to `name` in a temporary folder of this test process and
/// returns `@path`, the CLI's spelling for "the contents of this file".
pub fn temp_file(name: &str, bytes: &[u8]) -> String {
    let dir: PathBuf = std::env::temp_dir().join(format!("chop-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write a temporary file");
    format!("@{}", p.display())
}
