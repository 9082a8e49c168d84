//! `chop tour`: every flow end to end against the offline gateways, in-process
//! on a free loopback port, through chop-reqwest (client) and chop-axum
//! (callbacks). Prints each step with its sign string; exit 0 only if every
//! step passed.

mod alipay;
mod merchant;
mod miniprogram;
mod wechatpay;

use std::io::Write as _;
use std::time::Duration;

use clap::Args;

use crate::error::{CliError, CmdResult, Outcome};

/// `chop tour`.
#[derive(Debug, Args)]
pub(crate) struct TourArgs {}

pub(crate) fn run(_args: TourArgs) -> CmdResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::from_err("cannot start the async runtime", &e))?;
    let report = runtime.block_on(async {
        // Every step is bounded; the whole tour too.
        tokio::time::timeout(Duration::from_secs(120), tour()).await
    });
    let report = report.map_err(|_| CliError::input("the tour did not finish in 120 s"))??;
    Ok(report.finish())
}

async fn tour() -> Result<Report, CliError> {
    let dir = std::env::temp_dir().join(format!(
        "chop-tour-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let state = chop_mock::MockState::load_or_create(&dir)
        .map_err(|e| CliError::from_err("cannot generate the mock's keys", &e))?;
    let report = run_steps(state, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    report
}

async fn run_steps(state: chop_mock::MockState, dir: &std::path::Path) -> Result<Report, CliError> {
    let mut r = Report::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| CliError::from_err("cannot listen on 127.0.0.1", &e))?;
    let base = listener
        .local_addr()
        .map(|a| format!("http://{a}"))
        .map_err(|e| CliError::from_err("cannot read the bound address", &e))?;
    tokio::spawn(chop_mock::serve(listener, state.clone()));
    let merchant = merchant::Merchant::start(&state).await?;
    r.say(&format!(
        "chop tour: offline gateways (TEST ONLY keys) on {base}, merchant callbacks on {}\n",
        merchant.base
    ));
    wechatpay::run(&mut r, &base, &state, &merchant).await;
    miniprogram::run(&mut r, &base, &state).await;
    alipay::run(&mut r, &base, &state, &merchant, dir).await;
    Ok(r)
}

/// A plain HTTP client for the mock's controls (loopback only, no proxy).
pub(super) fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
}

/// The steps run and how they went.
#[derive(Debug, Default)]
pub(super) struct Report {
    passed: usize,
    failed: Vec<String>,
}

impl Report {
    /// Records one step: its title and either what it showed or why it failed.
    pub(super) fn step(&mut self, title: &str, result: Result<Vec<String>, String>) {
        let n = self.passed + self.failed.len() + 1;
        match result {
            Ok(lines) => {
                self.passed += 1;
                self.say(&format!("{n:>2}. ok    {title}"));
                for l in lines {
                    self.say(&format!("          {l}"));
                }
            }
            Err(why) => {
                self.failed.push(title.to_string());
                self.say(&format!("{n:>2}. FAIL  {title}\n          {why}"));
            }
        }
    }

    pub(super) fn say(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    fn finish(self) -> Outcome {
        let total = self.passed + self.failed.len();
        if self.failed.is_empty() {
            self.say(&format!(
                "\nsummary: all {total} steps passed — signing, verification, callbacks, encryption and rotation work end to end"
            ));
            Outcome::Ok
        } else {
            self.say(&format!(
                "\nsummary: {} of {total} steps passed; failed: {}",
                self.passed,
                self.failed.join("; ")
            ));
            Outcome::CheckFailed
        }
    }
}

/// An error and its causes on one line (the core's printer).
pub(super) use chop::error::chain;

/// A request error, with the core's typed error when there is one.
pub(super) fn req_err(e: &reqwest_middleware::Error) -> String {
    match e {
        reqwest_middleware::Error::Middleware(a) => chain(a.as_ref()),
        reqwest_middleware::Error::Reqwest(e) => chain(e),
    }
}
