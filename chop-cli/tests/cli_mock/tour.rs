//! `chop tour` end to end: every step passes against the in-process mock.

use predicates::str::contains;
use test_support::cli::chop;

#[test]
fn the_tour_passes_every_step() {
    let _turn = crate::one_at_a_time();
    chop()
        .arg("tour")
        .timeout(std::time::Duration::from_secs(150))
        .assert()
        .success()
        .stdout(contains("summary: all"))
        .stdout(contains("request sign string"))
        .stdout(contains("certificate rotation handled by the refresher"))
        .stdout(contains("a tampered callback is refused (401 FAIL)"))
        .stdout(contains("Alipay: async notify"))
        .stdout(contains("mobile 13800000000"));
}
