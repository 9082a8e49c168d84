//! `chop`: sign, verify, encrypt and decrypt WeChat Pay v3, WeChat Mini Program
//! and Alipay traffic from the command line, for any language.
//!
//! Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod error;
mod input;
mod output;

use error::{Outcome, EXIT_BAD_INPUT, EXIT_CHECK_FAILED};

/// chop — the seal for WeChat Pay v3, WeChat Mini Program and Alipay APIs.
///
/// Signs, verifies, encrypts and decrypts byte-exact with the platforms'
/// documents, and says why a signature fails.
/// Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input.
#[derive(Debug, Parser)]
#[command(name = "chop", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// WeChat Pay API v3 (微信支付 APIv3): sign, verify, callbacks, sensitive fields, certificates.
    #[command(subcommand)]
    Wechatpay(cmd::wechatpay::WechatpayCmd),
    /// Keys and certificates: inspect files, check that a key and a certificate pair.
    #[command(subcommand)]
    Key(cmd::key::KeyCmd),
    /// WeChat Mini Program: API security (seal/open), open data, message push.
    #[command(subcommand)]
    Miniprogram(cmd::miniprogram::MiniprogramCmd),
    /// Say exactly why a signature fails: findings with stable codes and fixes.
    #[command(subcommand)]
    Doctor(cmd::doctor::DoctorCmd),
    /// Alipay open platform (支付宝开放平台): sign, verify notifies and responses, AES content, phone number, certificate SNs.
    #[command(subcommand)]
    Alipay(cmd::alipay::AlipayCmd),
    /// Offline WeChat Pay v3, Mini Program and Alipay gateways on loopback, TEST ONLY keys (`--state DIR` keeps them).
    Mock(cmd::mock::MockArgs),
    /// Every flow end to end against the offline gateways, through chop-reqwest and chop-axum.
    Tour(cmd::tour::TourArgs),
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error in chop ({info}); please report it with the command you ran"
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(EXIT_BAD_INPUT),
            };
        }
    };
    let result = match cli.command {
        Command::Wechatpay(c) => cmd::wechatpay::run(c),
        Command::Key(c) => cmd::key::run(c),
        Command::Miniprogram(c) => cmd::miniprogram::run(c),
        Command::Doctor(c) => cmd::doctor::run(c),
        Command::Alipay(c) => cmd::alipay::run(c),
        Command::Mock(c) => cmd::mock::run(c),
        Command::Tour(c) => cmd::tour::run(c),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::CheckFailed) => ExitCode::from(EXIT_CHECK_FAILED),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.code)
        }
    }
}
