//! `diagnose::explain_errcode`: each API-security errcode from a correct request
//! with one thing broken, naming that thing and only it.

use chop::diagnose::{explain_errcode, MiniprogramRequest};

const HEADERS: &str = "Wechatmp-Appid: wxba6223c06417af7b\nWechatmp-TimeStamp: 1635927954\nWechatmp-Serial: fa05fe1e5bcc79b81ad5ad4b58acf787\nWechatmp-Signature: c2ln\n";

fn without(name: &str) -> String {
    HEADERS
        .lines()
        .filter(|l| !l.starts_with(name))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn explain(code: i64, sent: &MiniprogramRequest<'_>) -> (Vec<&'static str>, String) {
    let f = explain_errcode(code, sent).unwrap();
    (f.iter().map(|f| f.code).collect(), f[0].message.clone())
}

#[test]
fn each_missing_header_is_named() {
    for (code, name) in [
        (40230, "Wechatmp-Serial"),
        (40231, "Wechatmp-TimeStamp"),
        (40232, "Wechatmp-Signature"),
        (40233, "Wechatmp-Appid"),
    ] {
        let h = without(name);
        let sent = MiniprogramRequest {
            headers: Some(&h),
            ..Default::default()
        };
        let (codes, msg) = explain(code, &sent);
        assert_eq!(codes, ["MP_HEADER_MISSING"], "{code}");
        assert!(
            msg.contains(name) && msg.contains(&code.to_string()),
            "{msg}"
        );
        // Present in what was given: something in between dropped it.
        let sent = MiniprogramRequest {
            headers: Some(HEADERS),
            ..Default::default()
        };
        assert_eq!(explain(code, &sent).0, ["MP_HEADER_DROPPED"]);
    }
}

#[test]
fn mismatches_and_age() {
    let base = MiniprogramRequest {
        headers: Some(HEADERS),
        appid: Some("wxba6223c06417af7b"),
        token_appid: Some("wxba6223c06417af7b"),
        asym_sn: Some("fa05fe1e5bcc79b81ad5ad4b58acf787"),
        now: 1635927954 + 1000,
    };
    // Nothing mismatches: the generic explanation.
    assert_eq!(explain(40236, &base).0, ["MP_APPID_INVALID"]);
    assert_eq!(explain(40234, &base).0, ["MP_SIGNATURE_INVALID"]);
    let bad = MiniprogramRequest {
        appid: Some("wx0000000000000000"),
        ..base.clone()
    };
    assert_eq!(explain(40236, &bad).0, ["MP_APPID_MISMATCH"]);
    let bad = MiniprogramRequest {
        token_appid: Some("wx0000000000000000"),
        ..base.clone()
    };
    let (c, msg) = explain(40237, &bad);
    assert_eq!(c, ["MP_APPID_TOKEN_MISMATCH"]);
    assert!(msg.contains("wx0000000000000000"));
    let bad = MiniprogramRequest {
        asym_sn: Some("0000"),
        ..base.clone()
    };
    assert_eq!(explain(40234, &bad).0, ["MP_SERIAL_MISMATCH"]);
    let (c, msg) = explain(40240, &base);
    assert_eq!(c, ["MP_TIMESTAMP_EXPIRED"]);
    assert!(msg.contains("1000 s old"));
    assert_eq!(explain(40238, &base).0, ["MP_SYM_KEY_NOT_CONFIGURED"]);
    assert_eq!(explain(40239, &base).0, ["MP_ASYM_KEY_NOT_CONFIGURED"]);
    assert_eq!(explain(40235, &base).0, ["MP_ENCRYPT_INVALID"]);
    assert!(explain_errcode(40229, &base).is_none());
    assert!(explain_errcode(40241, &base).is_none());
}
