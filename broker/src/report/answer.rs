//! A lesson question's answer: the true number, read off a run's outcome, to set beside the
//! learner's guess ("predict, then run"), and the sentence that says it.
//!
//! ```text
//!   Outcome ──answer(question, outcome)──▶ the true number ──answer_words──▶ "The run's answer: 2 times."
//! ```

use crate::report::outcome::{MessageOutcome, Outcome};
use crate::scenario::lesson::{Measure, Question};
#[cfg(test)]
use crate::sim::fate::Fate;

/// The true answer to `q` in outcome `o`. A keyed measure without a key (which `validate`
/// refuses) counts nothing.
pub fn answer(q: &Question, o: &Outcome) -> u64 {
    let keyed = |per_message: fn(&MessageOutcome) -> u32| -> u64 {
        let Some(key) = q.key.as_deref() else { return 0 };
        o.messages.iter().filter(|m| m.key.as_deref() == Some(key)).map(|m| u64::from(per_message(&m))).sum()
    };
    match q.measure {
        Measure::Published => o.published,
        Measure::Fate(f) => o.count(f),
        Measure::DuplicateEffects => o.duplicate_effects,
        Measure::OutOfOrder => o.out_of_order,
        Measure::MissedReads => o.missed_reads,
        Measure::RowsBehind => o.rows_behind,
        Measure::Unreadable => o.unreadable,
        Measure::DeploysRefused => o.deploys_refused,
        Measure::AbortedEffects => o.aborted_effects,
        Measure::MissedDeletes => o.missed_deletes,
        Measure::Retries => o.retries,
        Measure::Redeliveries => o.redeliveries,
        Measure::Effects => keyed(|m| m.effects),
        Measure::Deliveries => keyed(|m| m.deliveries),
        Measure::Flow(s) => o.flows.as_ref().map_or(0, |f| f.count(s)),
    }
}

/// The answer phrased for a learner: "The run's answer: 2 times." With no unit the measure
/// says what was counted: "The run's answer: 15 (messages dead-lettered)."
pub fn answer_words(q: &Question, answer: u64) -> String {
    match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(unit) if answer == 1 => format!("The run's answer: 1 {}.", singular(unit)),
        Some(unit) => format!("The run's answer: {answer} {unit}."),
        None => match (q.measure.is_keyed(), q.key.as_deref()) {
            (true, Some(key)) => format!("The run's answer: {answer} ({} for {key}).", q.measure.human()),
            _ => format!("The run's answer: {answer} ({}).", q.measure.human()),
        },
    }
}

/// "times" → "time", "retries" → "retry"; a short unit ("ms") or one that does not end in a
/// plain plural "s" stays as written.
fn singular(unit: &str) -> String {
    if unit.chars().count() <= 3 {
        unit.to_string()
    } else if let Some(stem) = unit.strip_suffix("ies") {
        format!("{stem}y")
    } else if unit.ends_with('s') && !unit.ends_with("ss") {
        unit[..unit.len() - 1].to_string()
    } else {
        unit.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome_of(json: &str) -> Outcome {
        let mut sim = crate::load(json).expect("valid");
        sim.run_to_end();
        sim.outcome()
    }

    fn question(measure: Measure, key: Option<&str>) -> Question {
        Question { ask: "How many?".into(), measure, key: key.map(str::to_string), unit: None }
    }

    /// Three orders, each processed once, no faults.
    const CLEAN: &str = r#"{"version":1,"duration_ms":2000,
        "nodes":[{"id":"p","kind":"producer","count":6,"keys":["order-1","order-2","order-3"]},
                 {"id":"q","kind":"queue"},{"id":"c","kind":"consumer","effect":"charge card"}],
        "wires":[["p","q"],["q","c"]]}"#;

    #[test]
    fn counters_come_straight_from_the_outcome() {
        let o = outcome_of(CLEAN);
        assert_eq!(answer(&question(Measure::Published, None), &o), 6);
        assert_eq!(answer(&question(Measure::Fate(Fate::ProcessedOnce), None), &o), 6);
        for m in Measure::ALL.into_iter().filter(|m| !m.is_keyed() && !matches!(m, Measure::Flow(_))) {
            let want = serde_json::to_value(&o).unwrap()[m.name()].as_u64().unwrap();
            assert_eq!(answer(&question(m, None), &o), want, "{}", m.name());
        }
        // Flows are counted only where the scenario names them; here it does not.
        assert_eq!(answer(&question(Measure::Flow(crate::scenario::FlowState::Stuck), None), &o), 0);
    }

    #[test]
    fn flow_measures_count_the_flows_that_ended_that_way() {
        let o = outcome_of(&CLEAN.replacen("{", r#"{"flows":{"completed":"Event"},"#, 1));
        for s in crate::scenario::FlowState::ALL {
            let want = serde_json::to_value(&o).unwrap()["flows"][s.name()].as_u64().unwrap();
            assert_eq!(answer(&question(Measure::Flow(s), None), &o), want, "{}", s.name());
        }
        assert_eq!(answer(&question(Measure::Flow(crate::scenario::FlowState::Completed), None), &o), 6);
    }

    #[test]
    fn keyed_measures_sum_over_the_messages_with_that_key() {
        let o = outcome_of(CLEAN);
        // Round-robin keys: order-2 is the key of the 2nd and 5th message.
        assert_eq!(answer(&question(Measure::Effects, Some("order-2")), &o), 2);
        assert_eq!(answer(&question(Measure::Deliveries, Some("order-2")), &o), 2);
        assert_eq!(answer(&question(Measure::Effects, Some("order-9")), &o), 0);
        assert_eq!(answer(&question(Measure::Effects, None), &o), 0, "no key, nothing to count");
    }

    #[test]
    fn answers_read_as_a_sentence() {
        let mut q = question(Measure::Effects, Some("order-42"));
        assert_eq!(answer_words(&q, 2), "The run's answer: 2 (side effects applied for order-42).");
        q.unit = Some("times".into());
        assert_eq!(answer_words(&q, 2), "The run's answer: 2 times.");
        assert_eq!(answer_words(&q, 1), "The run's answer: 1 time.");
        q.unit = Some("retries".into());
        assert_eq!(answer_words(&q, 1), "The run's answer: 1 retry.");
        q.unit = Some("ms".into());
        assert_eq!(answer_words(&q, 1), "The run's answer: 1 ms.");
        let q = question(Measure::Fate(Fate::DeadLettered), None);
        assert_eq!(answer_words(&q, 15), "The run's answer: 15 (messages dead-lettered).");
    }
}
