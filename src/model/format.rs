//! Numbers and times as the page writes them: virtual time as "12.35 s" or "2:05.10", one
//! decimal, thousands separated by commas, latencies in ms. Integer arithmetic where it can:
//! fixed-precision float formatting would add its own few KB to the wasm.

/// A virtual time as "12.35 s" (under a minute) or "2:05.10", by integer arithmetic.
pub fn format_time(us: u64) -> String {
    let cs = (us + 5_000) / 10_000;
    if cs < 6_000 {
        format!("{}.{:02} s", cs / 100, cs % 100)
    } else {
        format!("{}:{:02}.{:02}", cs / 6_000, cs / 100 % 60, cs % 100)
    }
}

/// `x` with one decimal, "12.3", by integer arithmetic (see [`format_time`]).
pub fn one_decimal(x: f64) -> String {
    let tenths = (x.abs() * 10.0).round() as u64;
    format!("{}{}.{}", if x < 0.0 && tenths > 0 { "-" } else { "" }, tenths / 10, tenths % 10)
}

/// 1234567 → "1,234,567", as the core's verdict writes it.
pub use broker::thousands;

/// A latency figure; "none" when no message was processed.
pub fn millis(ms: f64, samples: u64) -> String {
    if samples == 0 || !ms.is_finite() {
        "none".to_owned()
    } else if ms >= 100.0 {
        format!("{} ms", thousands(ms.round() as u64))
    } else {
        format!("{} ms", one_decimal(ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_well() {
        assert_eq!(format_time(12_345_678), "12.35 s");
        assert_eq!(format_time(0), "0.00 s");
        assert_eq!(format_time(30_000_000), "30.00 s");
        assert_eq!(format_time(125_100_000), "2:05.10");
        assert_eq!(one_decimal(12.34), "12.3");
        assert_eq!(one_decimal(0.05), "0.1");
        assert_eq!(one_decimal(-2.0), "-2.0");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(millis(12.345, 3), "12.3 ms");
        assert_eq!(millis(1234.4, 3), "1,234 ms");
        assert_eq!(millis(0.0, 0), "none");
    }
}
