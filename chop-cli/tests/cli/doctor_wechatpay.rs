//! End-to-end tests of `chop doctor wechatpay` and `chop doctor miniprogram`.

use predicates::prelude::*;
use test_support::cli::{chop, code_and_json, finding_codes, json, temp_file};
use test_support::vectors::{arg, at};

const SEED001: &str = r#"{"code":"SIGN_ERROR","message":"错误的签名,验签失败","detail":{"field":"signature","issue":"sign not match","location":"authorization","sign_information":{"method":"GET","url":"/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ","truncated_sign_message":"GET\n/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n\n","sign_message_length":157}}}"#;
const URL_OK: &str = "/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ";
const URL_REORDERED: &str = "/payscore/user-service-state?appid=wxeaf7bf1de621b0c2&service_id=500001&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ";

#[test]
fn sign_string_side_by_side_with_the_difference_marked() {
    let ours =
        format!("GET\\n{URL_REORDERED}\\n1559194069\\n18a427e78d2344e1a71156a2690cc4d6\\n\\n");
    let out = chop()
        .args([
            "doctor",
            "wechatpay",
            "--error",
            &temp_file("e1.json", SEED001.as_bytes()),
        ])
        .args(["--sign-string", &temp_file("s1.txt", ours.as_bytes())])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("sign strings differ at byte 33:"))
        .stdout(predicate::str::contains(
            "yours  (157 bytes): GET\\n/payscore/user-service-state?appid=",
        ))
        .stdout(predicate::str::contains(
            "WeChat (157 bytes): GET\\n/payscore/user-service-state?service_id=",
        ))
        .stdout(predicate::str::contains(
            "error [SIGN_URL_QUERY] the query string differs",
        ))
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let marker = lines.iter().position(|l| l.trim() == "^").unwrap();
    let caret = lines[marker].find('^').unwrap();
    // The caret sits under the first differing character of both strings.
    assert_eq!(&lines[marker - 2][caret..caret + 1], "a");
    assert_eq!(&lines[marker - 1][caret..caret + 1], "s");
}

#[test]
fn json_gives_one_object_with_findings_and_the_comparison() {
    let j = json(
        chop()
            .args([
                "doctor",
                "wechatpay",
                "--json",
                "--error",
                &temp_file("e2.json", SEED001.as_bytes()),
            ])
            .args([
                "--method",
                "get",
                "--url",
                &format!("https://api.mch.weixin.qq.com{URL_OK}"),
            ])
            .args([
                "--timestamp",
                "1559194069",
                "--nonce",
                "18a427e78d2344e1a71156a2690cc4d6",
            ]),
        1,
    );
    assert_eq!(finding_codes(&j), ["SIGN_METHOD_CASE"]);
    assert_eq!(j["ok"], false);
    assert_eq!(j["wechatpay_comparison"]["first_difference"], 0);
    assert_eq!(j["wechatpay_comparison"]["theirs_length"], 157);
    assert!(j["findings"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("uppercase"));
}

#[test]
fn sign_flags_missing_final_newline_and_empty_body_line() {
    // The sign flags always end lines; a sign string file shows the missing empty line.
    let ours = format!("GET\n{URL_OK}\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n");
    let j = json(
        chop()
            .args([
                "doctor",
                "wechatpay",
                "--json",
                "--error",
                &temp_file("e3.json", SEED001.as_bytes()),
            ])
            .args(["--sign-string", &temp_file("s3.txt", ours.as_bytes())]),
        1,
    );
    assert_eq!(finding_codes(&j), ["SIGN_EMPTY_BODY_LINE"]);
}

fn request(ts: &str, body: &str, signature: &str) -> Vec<u8> {
    format!("POST /v3/pay/transactions/jsapi HTTP/1.1\r\nHost: api.mch.weixin.qq.com\r\nAuthorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"N1\",timestamp=\"{ts}\",serial_no=\"408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB\",signature=\"{signature}\"\r\n\r\n{body}").into_bytes()
}

#[test]
fn request_with_another_timestamp_than_the_sign_string() {
    let ours = "POST\n/v3/pay/transactions/jsapi\n1700000000\nN1\n{\"a\":1}\n";
    let j = json(
        chop()
            .args(["doctor", "wechatpay", "--json"])
            .args([
                "--request",
                &temp_file("r4.http", &request("1700000001", "{\"a\":1}", "c2ln")),
            ])
            .args(["--sign-string", &temp_file("s4.txt", ours.as_bytes())]),
        1,
    );
    assert_eq!(finding_codes(&j), ["SIGN_TIMESTAMP_DIFFERS"]);
    assert!(j["request_comparison"]["first_difference"].is_number());
}

/// Signs with `chop wechatpay sign` and returns the signature.
fn signature(body: &str) -> String {
    let j = json(
        chop()
            .args(["wechatpay", "sign", "--json", "--mchid", "1230000109"])
            .args(["--serial", "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"])
            .args(["--key", &arg("keys/generated/key-pkcs8.pem")])
            .args(["--method", "POST", "--url", "/v3/pay/transactions/jsapi"])
            .args(["--body", body, "--timestamp", "1700000000", "--nonce", "N1"]),
        0,
    );
    j["signature"].as_str().unwrap().to_string()
}

#[test]
fn request_key_and_cert_checked() {
    let sig = signature("{\"a\":1}");
    let good = request("1700000000", "{\"a\":1}", &sig);
    let base = |req: &[u8], name: &str| {
        let mut c = chop();
        c.args(["doctor", "wechatpay", "--json", "--now", "1800000000"])
            .args(["--request", &temp_file(name, req)])
            .args(["--key", &arg("keys/generated/key-pkcs8.pem")])
            .args(["--cert", &arg("keys/generated/cert.pem")]);
        c
    };
    let j = json(&mut base(&good, "r5.http"), 0);
    assert!(finding_codes(&j).is_empty());
    // The body sent is not the body signed (serialized twice).
    let twice = request("1700000000", "{\"a\": 1}", &sig);
    let j = json(&mut base(&twice, "r6.http"), 1);
    assert_eq!(finding_codes(&j), ["SIGN_NOT_OVER_REQUEST"]);
    // Another certificate than the key's.
    let j = json(
        chop()
            .args(["doctor", "wechatpay", "--json", "--now", "1800000000"])
            .args(["--request", &temp_file("r7.http", &good)])
            .args(["--key", &arg("keys/generated/key-pkcs8.pem")])
            .args([
                "--cert",
                &arg("keys/upstream/go_test_cert_F5765756002FDD77.pem"),
            ]),
        1,
    );
    let c = finding_codes(&j);
    assert!(c.contains(&"SIGN_NOT_OVER_REQUEST".to_string()), "{c:?}");
}

#[test]
fn other_401_body_explained() {
    let body = r#"{"code":"UNAUTHORIZED","message":"商户证书序列号有误。"}"#;
    chop()
        .args([
            "doctor",
            "wechatpay",
            "--error",
            &temp_file("e8.json", body.as_bytes()),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[WECHATPAY_SERIAL_WRONG]"))
        .stdout(predicate::str::contains(
            "fix: send the serial of apiclient_cert.pem",
        ));
}

fn callback(case: &str, body: Option<&[u8]>, certs: &[&str]) -> (i32, Vec<String>) {
    let dir = format!("wechatpay/verify/{case}");
    let mut c = chop();
    c.args(["doctor", "wechatpay", "--json", "--now", "1795420800"])
        .args(["--headers", &at(&format!("{dir}/headers.txt"))]);
    match body {
        Some(b) => c.args(["--body", &temp_file(&format!("{case}.body"), b)]),
        None => c.args(["--body", &at(&format!("{dir}/body.txt"))]),
    };
    for cert in certs {
        c.args([
            "--cert",
            &arg(&format!("keys/wechatpay-platform/{cert}-cert.pem")),
        ]);
    }
    let (code, j) = code_and_json(&mut c);
    (code, finding_codes(&j))
}

#[test]
fn callbacks() {
    let both = ["platform-old", "platform-new"];
    assert_eq!(callback("rotation_old_cert", None, &both), (0, vec![]));
    assert_eq!(
        callback("rotation_old_cert", None, &["platform-new"]),
        (1, vec!["CALLBACK_UNKNOWN_SERIAL".to_string()])
    );
    assert_eq!(
        callback("missing_header", None, &both),
        (1, vec!["CALLBACK_HEADERS_MISSING".to_string()])
    );
    assert_eq!(
        callback("probe_signtest", None, &both),
        (0, vec!["CALLBACK_PROBE".to_string()])
    );
    assert_eq!(
        callback("stale_timestamp", None, &both).1[0],
        "CALLBACK_TIMESTAMP_OUTSIDE_WINDOW"
    );
    // The vector's body had spaces added; the compact original verifies.
    assert_eq!(
        callback("reserialized_json", None, &both),
        (1, vec!["CALLBACK_BODY_RESERIALIZED".to_string()])
    );
}

#[test]
fn callback_needs_a_body_and_bad_input_exits_2() {
    chop()
        .args(["doctor", "wechatpay", "--headers", "Wechatpay-Nonce: n"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("callback mode needs --body"));
    chop()
        .args(["doctor", "wechatpay", "--error", "<html>502</html>"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read --error"));
    chop()
        .args(["doctor", "wechatpay"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to diagnose"));
    chop()
        .args([
            "doctor",
            "wechatpay",
            "--request",
            "@/nonexistent/chop-request",
        ])
        .assert()
        .code(2);
}

const MP_HEADERS: &str = "Wechatmp-Appid: wxba6223c06417af7b\nWechatmp-TimeStamp: 1635927954\nWechatmp-Serial: fa05fe1e5bcc79b81ad5ad4b58acf787\nWechatmp-Signature: c2ln\n";

fn mp(errcode: &str, headers: &str, extra: &[&str]) -> (i32, Vec<String>, String) {
    let (code, j) = code_and_json(
        chop()
            .args([
                "doctor",
                "miniprogram",
                "--json",
                "--errcode",
                errcode,
                "--now",
                "1635928954",
            ])
            .args(["--headers", headers])
            .args(extra),
    );
    let msg = j["findings"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (code, finding_codes(&j), msg)
}

#[test]
fn miniprogram_errcodes_against_what_was_sent() {
    let without = |name: &str| -> String {
        MP_HEADERS
            .lines()
            .filter(|l| !l.starts_with(name))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let (code, c, msg) = mp("40230", &without("Wechatmp-Serial"), &[]);
    assert_eq!((code, c), (1, vec!["MP_HEADER_MISSING".to_string()]));
    assert!(msg.contains("Wechatmp-Serial"));
    let (_, c, _) = mp("40231", MP_HEADERS, &[]);
    assert_eq!(c, ["MP_HEADER_DROPPED"]);
    let (_, c, msg) = mp("40236", MP_HEADERS, &["--appid", "wx0000000000000000"]);
    assert_eq!(c, ["MP_APPID_MISMATCH"]);
    assert!(msg.contains("wxba6223c06417af7b"));
    let (_, c, _) = mp(
        "40237",
        MP_HEADERS,
        &["--token-appid", "wx0000000000000000"],
    );
    assert_eq!(c, ["MP_APPID_TOKEN_MISMATCH"]);
    let (_, c, msg) = mp("40234", MP_HEADERS, &["--asym-sn", "0000"]);
    assert_eq!(c, ["MP_SERIAL_MISMATCH"]);
    assert!(msg.contains("fa05fe1e5bcc79b81ad5ad4b58acf787"));
    let (_, c, msg) = mp("40240", MP_HEADERS, &[]);
    assert_eq!(c, ["MP_TIMESTAMP_EXPIRED"]);
    assert!(msg.contains("1000 s old"), "{msg}");
    assert_eq!(
        mp("40238", MP_HEADERS, &[]).1,
        ["MP_SYM_KEY_NOT_CONFIGURED"]
    );
    assert_eq!(
        mp("40239", MP_HEADERS, &[]).1,
        ["MP_ASYM_KEY_NOT_CONFIGURED"]
    );
    chop()
        .args(["doctor", "miniprogram", "--errcode", "40229"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an API-security errcode"));
}

#[test]
fn a_sign_string_alone_is_not_called_healthy() {
    chop()
        .args([
            "doctor",
            "wechatpay",
            "--sign-string",
            "GET\\n/v3/x\\n1\\nN\\n\\n",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning [NOTHING_COMPARED]"));
}
