//! The seed a person types: a whole number from 0 to 2^64-1. The same scenario and seed give
//! the same run, so a seed is worth being strict about and clear when it is refused.

/// Reads the seed field: a whole number from 0 to `u64::MAX`, spaces around it allowed.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("Enter a seed: a whole number from 0 to {}.", u64::MAX));
    }
    t.parse::<u64>().map_err(|_| {
        let shown: String = t.chars().take(24).collect();
        let more = if t.chars().count() > 24 { "…" } else { "" };
        format!("\"{shown}{more}\" is not a seed. Use a whole number from 0 to {}.", u64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse_or_explain() {
        assert_eq!(parse_seed(" 42 "), Ok(42));
        assert_eq!(parse_seed("18446744073709551615"), Ok(u64::MAX));
        for bad in ["", "  ", "-1", "1.5", "abc", "18446744073709551616", "1e3", "0x10"] {
            let msg = parse_seed(bad).unwrap_err();
            assert!(msg.contains("whole number"), "{bad:?}: {msg}");
        }
    }
}
