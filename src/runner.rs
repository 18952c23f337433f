//! Runs a preset to its end in the broker core and returns the outcome. Pure computation:
//! no DOM, no clock, so the reducer can call it and native tests can too.

use broker::{Outcome, Simulation};

/// Loads `json`, re-seeds it with `seed`, runs it to the end and returns the outcome, or the
/// core's problems in its own words ("path: message").
pub fn run(json: &str, seed: u64) -> Result<Outcome, Vec<String>> {
    let model =
        broker::load_model(json).map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let mut sim = Simulation::with_seed(model, seed);
    // The shell shows only the outcome: hash the trace, do not keep it.
    sim.set_keep_trace(false);
    sim.run_to_end();
    Ok(sim.outcome())
}

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

    #[test]
    fn a_broken_scenario_gives_problems_not_a_panic() {
        assert!(run("{", 1).is_err());
        assert!(run("{}", 1).is_err());
    }
}
