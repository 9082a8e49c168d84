//! The platforms' time format: RFC 3339 in Beijing time (UTC+8).

/// `YYYY-MM-DDTHH:MM:SS+08:00`, the platform's time format (Beijing time).
pub(crate) fn rfc3339(unix: i64) -> String {
    let utc = chop::key::format_utc(unix + 8 * 3600);
    utc.strip_suffix('Z')
        .map_or(utc.clone(), |s| format!("{s}+08:00"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_beijing_rfc3339() {
        assert_eq!(rfc3339(1554208460), "2019-04-02T20:34:20+08:00");
    }
}
