//! Response and callback verification: every case in `vectors/wechatpay/verify/`.

use chop::wechatpay::{
    ResponseVerifier, SignString, SignatureHeaders, Skew, VerifyError, DEFAULT_WINDOW_SECS,
};
use test_support::vectors::{cases, json, read, read_opt, text};
use test_support::wechatpay::verifier;

#[test]
fn every_verify_vector_folder_is_run() {
    // Every folder is run by `each_verify_case`; this checks that the data-driven
    // loop sees them all and that each has the files it needs.
    for case in cases("wechatpay/verify") {
        let dir = format!("wechatpay/verify/{case}");
        let ctx = json(&format!("{dir}/context.json"));
        assert!(ctx["source"].is_string(), "{case}: no source");
        assert!(ctx["expect"].is_object(), "{case}: no expect");
        assert!(
            read_opt(&format!("{dir}/body.txt")).is_some(),
            "{case}: no body"
        );
    }
    assert_eq!(cases("wechatpay/verify").len(), 20);
}

fn run_case(case: &str) -> (Result<String, VerifyError>, serde_json::Value) {
    let dir = format!("wechatpay/verify/{case}");
    let ctx = json(&format!("{dir}/context.json"));
    let body = read(&format!("{dir}/body.txt"));
    let headers = read(&format!("{dir}/headers.txt"));
    let verifier = verifier(&ctx);
    let status = ctx["status"].as_u64().unwrap_or(200) as u16;
    // Through http::Response, the way an HTTP integration calls it.
    let mut builder = http::Response::builder().status(status);
    for line in String::from_utf8(headers.clone()).unwrap().lines() {
        let (k, v) = line.split_once(':').unwrap();
        builder = builder.header(k.trim(), v.trim());
    }
    let response = builder.body(body.clone()).unwrap();
    let via_http = verifier
        .verify_response(&response)
        .map(|v| v.key_id().unwrap_or_default().to_string());
    // And through the text form, which must agree.
    let via_text =
        SignatureHeaders::from_text(std::str::from_utf8(&headers).unwrap()).and_then(|h| {
            verifier
                .verify(&h, &body)
                .map(|v| v.key_id().unwrap_or_default().to_string())
        });
    if status == 200 {
        assert_eq!(via_http, via_text, "{case}: http and text paths disagree");
    }
    (via_http, ctx)
}

#[test]
fn each_verify_case() {
    for case in cases("wechatpay/verify") {
        let (result, ctx) = run_case(&case);
        let expect = &ctx["expect"];
        if let Some(serial) = expect["ok"].as_str() {
            assert_eq!(result.as_deref(), Ok(serial), "{case}");
            continue;
        }
        let err = result.expect_err(&case);
        let want = expect["error"].as_str().unwrap();
        let got = format!("{err:?}");
        assert!(got.starts_with(want), "{case}: expected {want}, got {got}");
        let msg = err.to_string();
        assert!(!msg.contains('\n'), "{case}: message is one line: {msg}");
        match &err {
            VerifyError::BadSignature { sign_string, .. } => {
                let message = read(&format!("wechatpay/verify/{case}/message.txt"));
                assert_eq!(sign_string.as_bytes(), &message[..], "{case}: sign string");
                // A re-serialized body gets the specific hint; any other, the general one.
                let want = if case == "reserialized_json" {
                    "whitespace between JSON tokens"
                } else {
                    "re-serializes JSON"
                };
                assert!(msg.contains(want), "{case}: {msg}");
            }
            VerifyError::UnknownSerial { known, .. } => {
                if let Some(k) = expect["known"].as_array() {
                    let k: Vec<&str> = k.iter().map(|s| s.as_str().unwrap()).collect();
                    assert_eq!(known, &k, "{case}");
                    for s in k {
                        assert!(msg.contains(s), "{case}: {msg}");
                    }
                }
            }
            VerifyError::Expired { skew, .. } => {
                let want = if expect["skew"] == "past" {
                    Skew::Past
                } else {
                    Skew::Future
                };
                assert_eq!(*skew, want, "{case}");
            }
            VerifyError::MissingHeaders { missing } => {
                assert_eq!(missing, &["Wechatpay-Signature"], "{case}");
                assert!(msg.contains("proxy or CDN"), "{case}: {msg}");
            }
            VerifyError::UnsignedErrorResponse { status, error } => {
                assert_eq!(*status, 401);
                let e = error.as_ref().unwrap();
                assert_eq!(e.code, expect["code"].as_str().unwrap());
                assert_eq!(e.sign_information().unwrap().sign_message_length, 157);
                assert!(msg.contains("without signature headers"), "{msg}");
                assert!(msg.contains("SIGN_ERROR"), "{msg}");
            }
            _ => {}
        }
    }
}

#[test]
fn successful_cases_build_the_documented_sign_string() {
    // The sign string is checked byte for byte against message.txt, independently
    // of the signature: TIMESTAMP\nNONCE\nBODY\n over the raw body.
    for case in cases("wechatpay/verify") {
        let dir = format!("wechatpay/verify/{case}");
        let Some(message) = read_opt(&format!("{dir}/message.txt")) else {
            continue;
        };
        let headers = text(&format!("{dir}/headers.txt"));
        let h = SignatureHeaders::from_text(&headers).unwrap();
        let body = read(&format!("{dir}/body.txt"));
        let s = SignString::response(&h.timestamp, &h.nonce, &body);
        assert_eq!(s.as_bytes(), &message[..], "{case}");
    }
    let empty = text("wechatpay/verify/empty_body/message.txt");
    assert!(empty.ends_with("\n\n"));
}

#[test]
fn boundary_is_inclusive_at_exactly_the_window() {
    assert_eq!(DEFAULT_WINDOW_SECS, 300);
    let (past, _) = run_case("window_boundary_past");
    let (future, _) = run_case("window_boundary_future");
    assert!(past.is_ok() && future.is_ok());
    let (stale, _) = run_case("stale_timestamp");
    assert!(matches!(
        stale,
        Err(VerifyError::Expired {
            off: 301,
            window: 300,
            ..
        })
    ));
}

#[test]
fn probe_never_panics_and_is_typed() {
    let (r, _) = run_case("probe_signtest");
    assert_eq!(r, Err(VerifyError::Probe));
    // Variants of the probe that are not even base64 are still a probe.
    let ctx = json("wechatpay/verify/probe_signtest/context.json");
    let v = verifier(&ctx);
    let h = SignatureHeaders {
        timestamp: "0".into(),
        nonce: "n".into(),
        signature: "WECHATPAY/SIGNTEST/!!".into(),
        serial: "X".into(),
        signature_type: None,
    };
    assert_eq!(v.verify(&h, b"").unwrap_err(), VerifyError::Probe);
}

#[test]
fn bad_header_values_are_typed_errors() {
    let ctx = json("wechatpay/verify/rotation_old_cert/context.json");
    let v = verifier(&ctx);
    let mut h =
        SignatureHeaders::from_text(&text("wechatpay/verify/rotation_old_cert/headers.txt"))
            .unwrap();
    h.timestamp = "16245xx".into();
    assert!(matches!(
        v.verify(&h, b"{}"),
        Err(VerifyError::BadTimestamp { .. })
    ));
    h.timestamp = "99999999999999999999999".into();
    assert!(matches!(
        v.verify(&h, b"{}"),
        Err(VerifyError::BadTimestamp { .. })
    ));
    h.timestamp = i64::MIN.to_string();
    assert!(matches!(
        v.verify(&h, b"{}"),
        Err(VerifyError::Expired {
            skew: Skew::Past,
            ..
        })
    ));
}

#[test]
fn empty_store_names_no_known_serials() {
    let v = ResponseVerifier::new([]);
    let h = SignatureHeaders {
        timestamp: chop::clock::Clock::now_unix(&chop::clock::SystemClock).to_string(),
        nonce: "n".into(),
        signature: "c2ln".into(),
        serial: "ABC".into(),
        signature_type: None,
    };
    let e = v.verify(&h, b"").unwrap_err();
    assert!(e.to_string().contains("(known: none)"), "{e}");
}

#[test]
fn signature_type_header_must_match_the_key() {
    let ctx = json("wechatpay/verify/rotation_old_cert/context.json");
    let v = verifier(&ctx);
    let body = read("wechatpay/verify/rotation_old_cert/body.txt");
    let mut h =
        SignatureHeaders::from_text(&text("wechatpay/verify/rotation_old_cert/headers.txt"))
            .unwrap();
    h.signature_type = Some("WECHATPAY2-SHA256-RSA2048".into());
    assert!(v.verify(&h, &body).is_ok());
    h.signature_type = Some("wechatpay2-sha256-rsa2048".into());
    assert!(v.verify(&h, &body).is_ok());
    h.signature_type = Some("WECHATPAY2-SM2-WITH-SM3".into());
    let e = v.verify(&h, &body).unwrap_err();
    assert!(matches!(e, VerifyError::SchemeMismatch { .. }), "{e:?}");
    assert!(e.to_string().contains("国密"), "{e}");
}
