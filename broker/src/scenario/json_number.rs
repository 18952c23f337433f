//! A decimal number written in JSON, read as the nearest `f64` (ties to even), as Rust's
//! own parser and serde_json's `float_roundtrip` read it. A scenario that goes through a file
//! or a link must come back bit for bit, so nearly right is not enough.
//!
//! Written here because both of those parsers carry tables of powers (11 KB for Rust's,
//! most of 8 KB gzip'd for serde_json's) that the app's wasm cannot afford, for numbers that
//! are almost all short. Two paths: a number of at most 15 significant digits and a power of
//! ten up to 22 is one exact integer times or divided by one exact power, rounded once by the
//! hardware (Clinger's fast path); anything else is divided out exactly in big integers,
//! which is slow but rare (a probability written with 17 digits, a number near the ends of
//! the range).

/// The most significant digits kept; beyond them a non-zero digit only marks the number as
/// a little above what was kept, which is all rounding needs (767 digits decide any `f64`).
const MOST_DIGITS: usize = 800;

/// The number `0.` nothing, `whole` digits, then `fraction` digits, times ten to the
/// `exponent`, as the nearest `f64`; `None` when that is beyond the largest `f64`.
pub fn to_f64(whole: &[u8], fraction: &[u8], exponent: i64) -> Option<f64> {
    // The significant digits, with the power of ten their last one stands for.
    let mut digits: Vec<u8> = whole.iter().chain(fraction).map(|d| d - b'0').skip_while(|&d| d == 0).collect();
    let mut power = exponent - fraction.len() as i64;
    while digits.last() == Some(&0) {
        digits.pop();
        power += 1;
    }
    if digits.is_empty() {
        return Some(0.0);
    }
    if digits.len() > MOST_DIGITS {
        let dropped = digits.len() - MOST_DIGITS;
        digits.truncate(MOST_DIGITS);
        // The dropped digits hold a non-zero one (trailing zeros are gone): a sticky 1.
        digits.push(1);
        power += dropped as i64 - 1;
    }
    // The number is below 10^(len + power) and at least 10^(len + power - 1).
    let magnitude = digits.len() as i64 + power;
    if magnitude > 310 {
        return None;
    }
    if magnitude < -324 {
        return Some(0.0);
    }
    if digits.len() <= 15 && power.abs() <= 22 {
        let n = digits.iter().fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
        let ten = (0..power.abs()).fold(1.0_f64, |p, _| p * 10.0);
        return Some(if power >= 0 { n * ten } else { n / ten });
    }
    let x = exact(&digits, power);
    x.is_finite().then_some(x)
}

/// `digits` times ten to `power`, rounded to the nearest `f64` by exact division.
fn exact(digits: &[u8], power: i64) -> f64 {
    let mut num = Big::from_digits(digits);
    let mut den = Big::one();
    if power >= 0 {
        num.mul_pow10(power as u32);
    } else {
        den.mul_pow10(power.unsigned_abs() as u32);
    }
    // Scale so that 2^53 <= num / den < 2^54; the number is then quotient * 2^-shift.
    let mut shift: i64 = 53 - (num.bits() as i64 - den.bits() as i64);
    if shift >= 0 {
        num.shl(shift as u32);
    } else {
        den.shl(shift.unsigned_abs() as u32);
    }
    let mut low = den.clone();
    low.shl(53);
    if num.cmp(&low) == std::cmp::Ordering::Less {
        num.shl(1);
        shift += 1;
    }
    let mut high = den.clone();
    high.shl(54);
    if num.cmp(&high) != std::cmp::Ordering::Less {
        den.shl(1);
        shift -= 1;
    }
    // Long division, one bit of the quotient at a time.
    let mut step = den;
    step.shl(53);
    let mut quotient: u64 = 0;
    for bit in (0..54).rev() {
        if num.cmp(&step) != std::cmp::Ordering::Less {
            num.sub(&step);
            quotient |= 1 << bit;
        }
        step.shr1();
    }
    round(quotient, -shift, !num.is_zero())
}

/// The nearest `f64` to `(quotient + a little) * 2^exponent`, where `quotient` has 54 bits
/// and `sticky` says whether the little is more than nothing.
fn round(quotient: u64, exponent: i64, sticky: bool) -> f64 {
    // 53 bits of significand, times 2^e; the smallest e an f64 has is -1074.
    let e = exponent + 1;
    let drop = 1 + (-1074 - e).max(0);
    if drop > 55 {
        return 0.0;
    }
    let e = e + drop - 1;
    let mut m = quotient >> drop;
    let half = (quotient >> (drop - 1)) & 1 == 1;
    let rest = sticky || quotient & ((1u64 << (drop - 1)) - 1) != 0;
    if half && (rest || m & 1 == 1) {
        m += 1;
    }
    let (m, e) = if m == 1 << 53 { (1 << 52, e + 1) } else { (m, e) };
    if e > 971 {
        return f64::INFINITY;
    }
    if m < 1 << 52 {
        // Below the smallest normal number: stored as is, with a zero exponent field.
        return f64::from_bits(m);
    }
    f64::from_bits((((e + 1075) as u64) << 52) | (m - (1 << 52)))
}

/// An unsigned integer of any size, little-endian in 32-bit limbs, with the few operations
/// the division above needs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut n = Big(Vec::new());
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0u32, |v, &d| v * 10 + u32::from(d));
            n.mul_add(10u32.pow(chunk.len() as u32), value);
        }
        n
    }

    /// self = self * by + add.
    fn mul_add(&mut self, by: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(by) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut power: u32) {
        while power > 0 {
            let step = power.min(9);
            self.mul_add(10u32.pow(step), 0);
            power -= step;
        }
    }

    fn bits(&self) -> u32 {
        match self.0.iter().rposition(|&l| l != 0) {
            None => 0,
            Some(i) => 32 * i as u32 + (32 - self.0[i].leading_zeros()),
        }
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    fn shl(&mut self, by: u32) {
        let (limbs, bits) = ((by / 32) as usize, by % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let v = (*limb >> 1) | carry;
            carry = *limb << 31;
            *limb = v;
        }
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        let len = self.0.len().max(other.0.len());
        let limb = |n: &Big, i: usize| n.0.get(i).copied().unwrap_or(0);
        (0..len)
            .rev()
            .map(|i| limb(self, i).cmp(&limb(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }

    /// self -= other, for other <= self.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The number in `text` (JSON's grammar) read here, for comparing with Rust's parser.
    fn ours(text: &str) -> Option<f64> {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i64>().unwrap()),
            None => (text, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        to_f64(whole.as_bytes(), fraction.as_bytes(), exponent)
    }

    fn agrees(text: &str) {
        let want: f64 = text.parse().unwrap();
        let got = ours(text);
        if want.is_finite() {
            assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{text}: {got:?}, want {want:e}");
        } else {
            assert_eq!(got, None, "{text}");
        }
    }

    #[test]
    fn hard_cases_round_as_rust_does() {
        for text in [
            "0",
            "0.0",
            "1",
            "0.1",
            "0.3",
            "2.5",
            "123456789012345678901234567890",
            "9007199254740993",
            "9007199254740992.5",
            "1e23",
            "8.98846567431158e307",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1.8e308",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e400",
            "0.000000000000000000000000000001",
            "7.038531e-26",
            "2.225073858507201136057409796709131975934819546351645648e-308",
            "4.35917e-323",
            "1448997445238699",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "0.5e-323",
            "123.456e-5",
        ] {
            agrees(text);
        }
        // A thousand digits: the ones past the 800th still decide a tie.
        let tie = format!("1.00000000000000011102230246251565404236316680908203125{}1", "0".repeat(1000));
        agrees(&tie);
        agrees(&format!("0.{}1e10", "0".repeat(900)));
    }

    proptest! {
        #[test]
        fn every_f64_written_shortest_or_long_comes_back(bits in any::<u64>()) {
            let x = f64::from_bits(bits).abs();
            prop_assume!(x.is_finite());
            agrees(&format!("{x:e}"));
            agrees(&format!("{x:.20e}"));
            agrees(&format!("{x:.40e}"));
        }

        /// A number exactly halfway between two neighbouring `f64`s (or a hair either side of
        /// it), written out in full: `(2m + 1) * 5^k * 10^-k`, which is `(2m + 1) / 2^k`.
        #[test]
        fn halfway_numbers_round_to_even(m in 1u64 << 52..1 << 53, k in 1u32..1130, nudge in 0usize..3) {
            // The decimal digits of (2m + 1) * 5^k, least significant first.
            let mut digits: Vec<u8> = (2 * m + 1).to_string().bytes().rev().map(|d| d - b'0').collect();
            for _ in 0..k {
                let mut carry = 0;
                for d in &mut digits {
                    let v = *d * 5 + carry;
                    *d = v % 10;
                    carry = v / 10;
                }
                if carry > 0 {
                    digits.push(carry);
                }
            }
            let mut text: String = digits.iter().rev().map(|d| char::from(b'0' + d)).collect();
            match nudge {
                0 => {}
                1 => text.push('1'),
                // The last digit is a 5 (an odd number times 5): ...5 becomes ...49.
                _ => {
                    text.pop();
                    text.push_str("49");
                }
            }
            let k = i64::from(k) + i64::from(nudge > 0);
            agrees(&format!("{text}e-{k}"));
        }

        #[test]
        fn any_digits_and_power_round_as_rust_does(digits in "[0-9]{1,40}", point in 0usize..40, power in -360i64..360) {
            let point = point.min(digits.len());
            agrees(&format!("0{}.{}0e{power}", &digits[..point], &digits[point..]));
        }
    }
}
