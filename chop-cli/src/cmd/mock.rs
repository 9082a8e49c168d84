//! `chop mock`: the offline gateways (TEST ONLY keys), served on loopback.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use crate::error::{CliError, CmdResult, Outcome};

/// `chop mock`.
#[derive(Debug, Args)]
pub(crate) struct MockArgs {
    /// Where to listen; loopback only (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// Keep the keys and certificates in DIR between runs (default: a new temp dir).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// Print one JSON line (url and merchant files) instead of text, then serve.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: MockArgs) -> CmdResult {
    if !args.addr.ip().is_loopback() {
        return Err(CliError::input(format!(
            "--addr {} is not a loopback address: chop mock only listens on 127.0.0.1 or ::1",
            args.addr
        )));
    }
    let dir = match args.state {
        Some(d) => d,
        None => std::env::temp_dir().join(format!(
            "chop-mock-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        )),
    };
    let state = chop_mock::MockState::load_or_create(&dir)
        .map_err(|e| CliError::from_err(format!("cannot use --state {}", dir.display()), &e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::from_err("cannot start the async runtime", &e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| CliError::from_err(format!("cannot listen on {}", args.addr), &e))?;
        let url = listener
            .local_addr()
            .map(|a| format!("http://{a}"))
            .map_err(|e| CliError::from_err("cannot read the bound address", &e))?;
        announce(&url, &dir, &state, args.json);
        chop_mock::serve(listener, state)
            .await
            .map_err(|e| CliError::from_err("the mock server stopped", &e))?;
        Ok(Outcome::Ok)
    })
}

fn announce(url: &str, dir: &std::path::Path, state: &chop_mock::MockState, json: bool) {
    let files = state.merchant_files();
    let merchant = dir.join(chop_mock::MERCHANT_FILE);
    let w = &files.wechatpay;
    let text = if json {
        serde_json::json!({ "url": url, "state_dir": dir, "merchant_file": merchant, "merchant": files })
            .to_string()
    } else {
        let path = |p: &Option<PathBuf>| {
            p.as_ref()
                .map_or(String::new(), |p| p.display().to_string())
        };
        format!(
            "chop mock: offline WeChat Pay v3, Mini Program and Alipay gateways on {url} (TEST ONLY keys)\n\
             state dir:        {}\n\
             merchant file:    {}\n\
             mchid:            {}\n\
             merchant serial:  {}\n\
             merchant key:     {}\n\
             platform cert:    {} (serial {})\n\
             platform pub key: {} ({})\n\
             APIv3 key:        in the merchant file\n\
             Mini Program:     appid {} at {url}/wxa/business/getuserphonenumber (keys in the merchant file)\n\
             Alipay:           app_id {} at {url}/gateway.do (keys in the merchant file)\n\
             controls:         POST {url}/mock/pay {{\"out_trade_no\":…}}, POST {url}/mock/rotate,\n\
             \x20                 POST {url}/mock/alipay/pay, POST {url}/mock/miniprogram/rotate\n\
             Ctrl-C to stop.",
            dir.display(),
            merchant.display(),
            w.mchid,
            w.merchant_serial,
            path(&w.merchant_key_path),
            path(&w.platform_cert_path),
            w.platform_serial,
            path(&w.public_key_path),
            w.public_key_id,
            files.miniprogram.appid,
            files.alipay.app_id,
        )
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}
