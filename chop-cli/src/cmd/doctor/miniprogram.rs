//! `chop doctor miniprogram`: an API-security errcode explained against what was sent.

use clap::Args;
use serde_json::{json, Map};

use chop::clock::{Clock, SystemClock};
use chop::diagnose::{explain_errcode, MiniprogramRequest};

use super::report_with;
use crate::error::{CliError, CmdResult};
use crate::input;

/// `chop doctor miniprogram`.
#[derive(Debug, Args)]
pub(crate) struct MiniprogramArgs {
    /// The errcode the platform answered (40230–40240).
    #[arg(long)]
    errcode: i64,
    /// The request headers as sent (`Name: value` per line, e.g. from `chop miniprogram seal`): @FILE or text.
    #[arg(long)]
    headers: Option<String>,
    /// The Mini Program's appid (whose API security keys are configured).
    #[arg(long)]
    appid: Option<String>,
    /// The appid the access token was obtained for.
    #[arg(long)]
    token_appid: Option<String>,
    /// The number (SN) of the API asymmetric key in the MP console.
    #[arg(long)]
    asym_sn: Option<String>,
    /// Unix time to check at instead of now.
    #[arg(long)]
    now: Option<i64>,
    /// Print one JSON object (`findings` is the list) instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: MiniprogramArgs) -> CmdResult {
    let headers = match &args.headers {
        Some(h) => Some(
            String::from_utf8(input::read_value(h)?)
                .map_err(|_| CliError::input("--headers is not UTF-8 text"))?,
        ),
        None => None,
    };
    let sent = MiniprogramRequest {
        headers: headers.as_deref(),
        appid: args.appid.as_deref(),
        token_appid: args.token_appid.as_deref(),
        asym_sn: args.asym_sn.as_deref(),
        now: args.now.unwrap_or_else(|| SystemClock.now_unix()),
    };
    let findings = explain_errcode(args.errcode, &sent).ok_or_else(|| {
        CliError::input(format!("{} is not an API-security errcode", args.errcode))
            .hint("API security uses 40230–40240; other codes are documented with each API")
    })?;
    let mut extra = Map::new();
    extra.insert("errcode".into(), json!(args.errcode));
    Ok(report_with(&findings, args.json, extra, &[]))
}
