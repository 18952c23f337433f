//! Numbers written for people and files: the shortest decimal digits that read back as the
//! same `f64`, written plainly (`0.05`, `3600000`) as Rust's `{}` writes them, or in
//! scientific notation (`1.5e-7`) as `{:e}` does. The digits come from zmij (the shortest
//! round-trip algorithm serde_json already carries); writing floats with Rust's own
//! formatter instead would bring its Grisu and Dragon tables into the app's wasm a second
//! time (about 5 KB gzip'd). The tests hold both forms to Rust's, bit pattern by bit pattern
//! (where two shortest digit strings are equally near, either may be written: both read back).

/// The shortest digits of a finite, non-zero `x` and where the decimal point goes: `x` is
/// `0.d1d2d3… × 10^point`, with no zero at either end of `digits`.
fn digits(x: f64) -> (Vec<u8>, i32) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(x.abs());
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut point = int.len() as i32 + exp;
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    while digits.first() == Some(&b'0') {
        digits.remove(0);
        point -= 1;
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, point)
}

/// What both forms write for what has no digits: zero, infinities and NaN.
fn special(x: f64, zero: &str) -> Option<String> {
    let sign = if x.is_sign_negative() && !x.is_nan() { "-" } else { "" };
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(format!("{sign}inf"))
    } else if x == 0.0 {
        Some(format!("{sign}{zero}"))
    } else {
        None
    }
}

/// `x` as `format!("{x}")` writes it: `0.05`, `1500`, `-0.000001`.
pub fn plain(x: f64) -> String {
    if let Some(s) = special(x, "0") {
        return s;
    }
    let (digits, point) = digits(x);
    let mut out = String::with_capacity(digits.len() + 4);
    if x < 0.0 {
        out.push('-');
    }
    let len = digits.len() as i32;
    let text = |d: &[u8]| String::from_utf8_lossy(d).into_owned();
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&text(&digits));
    } else if point >= len {
        out.push_str(&text(&digits));
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        out.push_str(&text(&digits[..point as usize]));
        out.push('.');
        out.push_str(&text(&digits[point as usize..]));
    }
    out
}

/// `x` as `format!("{x:e}")` writes it: `1e300`, `1.5e-7`, `0e0`.
pub fn scientific(x: f64) -> String {
    if let Some(s) = special(x, "0e0") {
        return s;
    }
    let (digits, point) = digits(x);
    let mut out = String::with_capacity(digits.len() + 8);
    if x < 0.0 {
        out.push('-');
    }
    out.push(digits[0] as char);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&String::from_utf8_lossy(&digits[1..]));
    }
    out.push('e');
    out.push_str(&(point - 1).to_string());
    out
}

/// `x` in `format!` as [`plain`] writes it: `format!("translate({} {})", Plain(x), Plain(y))`.
#[derive(Clone, Copy, Debug)]
pub struct Plain(pub f64);

impl std::fmt::Display for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&plain(self.0))
    }
}

/// A number for a message: huge or tiny values in scientific notation, the rest plainly.
pub fn compact(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e9 || x.abs() < 1e-3) {
        scientific(x)
    } else {
        plain(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Rust's forms exactly, except that where two shortest digit strings are equally near
    /// (617710007527443.25: .2 or .3) zmij may take the other one: then the text still reads
    /// back as `x` and is as short.
    fn same_as_rust(x: f64) {
        for (ours, rust) in [(plain(x), format!("{x}")), (scientific(x), format!("{x:e}"))] {
            if ours != rust {
                assert_eq!(ours.parse::<f64>().ok(), Some(x), "{ours} for {rust}");
                assert_eq!(ours.len(), rust.len(), "{ours} for {rust}");
            }
        }
    }

    #[test]
    fn writes_what_rust_writes() {
        assert_eq!(plain(0.05), "0.05");
        assert_eq!(plain(3_600_000.0), "3600000");
        assert_eq!(plain(-0.0), "-0");
        assert_eq!(scientific(1.5e-7), "1.5e-7");
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.05,
            0.1 + 0.2,
            1500.0,
            3_600_000.0,
            1e-7,
            1.5e-7,
            123.456,
            1e21,
            1e22,
            1e300,
            -2.5e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            9_007_199_254_740_993.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            same_as_rust(x);
        }
        assert_eq!(compact(1e12), "1e12");
        assert_eq!(compact(0.5), "0.5");
        assert_eq!(compact(0.0001), "1e-4");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn every_bit_pattern_is_written_as_rust_writes_it(bits in any::<u64>()) {
            same_as_rust(f64::from_bits(bits));
        }

        #[test]
        fn short_decimals_are_written_as_rust_writes_them(n in -1_000_000_000i64..1_000_000_000, scale in 0u32..12) {
            same_as_rust(n as f64 / 10f64.powi(scale as i32));
        }
    }
}
