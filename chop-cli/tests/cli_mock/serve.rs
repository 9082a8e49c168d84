//! `chop mock`: starts on loopback, prints where the merchant files are, answers 401s.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn mock_refuses_a_non_loopback_address() {
    let _turn = crate::one_at_a_time();
    let out = Command::new(env!("CARGO_BIN_EXE_chop"))
        .args(["mock", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a loopback address"));
}

#[test]
fn mock_serves_with_state_and_prints_the_merchant_files() {
    let _turn = crate::one_at_a_time();
    let dir = std::env::temp_dir().join(format!("chop-cli-mock-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_chop"))
        .args(["mock", "--addr", "127.0.0.1:0", "--json", "--state"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(60));
    let result = std::panic::catch_unwind(|| {
        let line = line.expect("chop mock printed nothing in 60 s");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let url = v["url"].as_str().unwrap();
        let merchant_file = v["merchant_file"].as_str().unwrap();
        let files: serde_json::Value =
            serde_json::from_slice(&std::fs::read(merchant_file).unwrap()).unwrap();
        assert_eq!(files, v["merchant"]);
        let key_path = files["wechatpay"]["merchant_key_path"].as_str().unwrap();
        assert!(std::fs::read_to_string(key_path)
            .unwrap()
            .contains("BEGIN PRIVATE KEY"));

        let addr = url.strip_prefix("http://").unwrap();
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET /v3/certificates HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 401"), "{resp}");
        assert!(resp.contains("Http头Authorization值格式错误"), "{resp}");
    });
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result.unwrap();
}
