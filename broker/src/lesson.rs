//! A lesson's narration: what a workshop teacher says beside the running scenario. It is part
//! of the scenario file (`"lesson"`), read by the app and never by the simulation, so it
//! cannot change a run or its trace hash.
//!
//! ```text
//!   "lesson": { watch, try, fix,            ──▶ the app's narration panel
//!               points: [{at_ms?, node?, say}]  ──▶ a marker on the timeline or a node
//!               question: {ask, measure, key?, unit?} }
//!                                │
//!   Outcome ──answer(question, outcome)──▶ the true number, to compare with the learner's guess
//! ```
//!
//! A question is "predict, then run": the learner guesses a number before pressing play, and
//! the run's outcome gives the answer. A measure is one of the outcome's counters, or a sum
//! over the messages with one key (`effects` and `deliveries`: "how many times was order-42
//! charged?"). The limits below are checked by `validate`.

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;

/// The most characters in `watch`, `try` and `fix`.
pub const MAX_PARAGRAPH: usize = 600;
/// The most characters in a point's `say` and a question's `ask`.
pub const MAX_SENTENCE: usize = 300;
/// The most characters in a question's `unit`.
pub const MAX_UNIT: usize = 40;
/// The most points in a lesson.
pub const MAX_POINTS: usize = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// What to watch while it runs.
    pub watch: String,
    /// What to change in the inspector, and what will happen then.
    #[serde(rename = "try")]
    pub try_this: String,
    /// The fix, and the real RabbitMQ or Kafka setting behind it.
    pub fix: String,
    /// Moments and nodes the narration points at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Point>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
}

/// A remark tied to a moment on the timeline, a node, or both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub say: String,
}

/// "Predict, then run": a question whose answer is a number the outcome holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    pub measure: Measure,
    /// The message key a keyed measure counts over, e.g. "order-42".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Printed after the number, e.g. "times" or "messages".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// What a question counts. All but the keyed two are fields of [`Outcome`] with the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Published,
    ProcessedOnce,
    ProcessedMoreThanOnce,
    DeadLettered,
    Dropped,
    Lost,
    InFlight,
    DuplicateEffects,
    OutOfOrder,
    Retries,
    Redeliveries,
    /// Business effects applied for the messages with the question's key.
    Effects,
    /// Deliveries to consumers of the messages with the question's key.
    Deliveries,
}

impl Measure {
    pub const ALL: [Measure; 13] = [
        Measure::Published,
        Measure::ProcessedOnce,
        Measure::ProcessedMoreThanOnce,
        Measure::DeadLettered,
        Measure::Dropped,
        Measure::Lost,
        Measure::InFlight,
        Measure::DuplicateEffects,
        Measure::OutOfOrder,
        Measure::Retries,
        Measure::Redeliveries,
        Measure::Effects,
        Measure::Deliveries,
    ];

    /// The name the scenario file uses.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Published => "published",
            Measure::ProcessedOnce => "processed_once",
            Measure::ProcessedMoreThanOnce => "processed_more_than_once",
            Measure::DeadLettered => "dead_lettered",
            Measure::Dropped => "dropped",
            Measure::Lost => "lost",
            Measure::InFlight => "in_flight",
            Measure::DuplicateEffects => "duplicate_effects",
            Measure::OutOfOrder => "out_of_order",
            Measure::Retries => "retries",
            Measure::Redeliveries => "redeliveries",
            Measure::Effects => "effects",
            Measure::Deliveries => "deliveries",
        }
    }

    /// Whether it counts over the messages of one key, and so needs the question's `key`.
    pub fn is_keyed(self) -> bool {
        matches!(self, Measure::Effects | Measure::Deliveries)
    }

    /// What the number counts, in words, for a learner.
    pub fn human(self) -> &'static str {
        match self {
            Measure::Published => "messages published",
            Measure::ProcessedOnce => "messages processed exactly once",
            Measure::ProcessedMoreThanOnce => "messages processed more than once",
            Measure::DeadLettered => "messages dead-lettered",
            Measure::Dropped => "messages dropped",
            Measure::Lost => "messages lost",
            Measure::InFlight => "messages still in flight",
            Measure::DuplicateEffects => "duplicate side effects",
            Measure::OutOfOrder => "events applied out of order",
            Measure::Retries => "retries",
            Measure::Redeliveries => "redeliveries",
            Measure::Effects => "side effects applied",
            Measure::Deliveries => "deliveries",
        }
    }
}

/// The true answer to `q` in outcome `o`. A keyed measure without a key (which `validate`
/// refuses) counts nothing.
pub fn answer(q: &Question, o: &Outcome) -> u64 {
    let keyed = |per_message: fn(&crate::outcome::MessageOutcome) -> u32| -> u64 {
        let Some(key) = q.key.as_deref() else { return 0 };
        o.messages.iter().filter(|m| m.key.as_deref() == Some(key)).map(|m| u64::from(per_message(m))).sum()
    };
    match q.measure {
        Measure::Published => o.published,
        Measure::ProcessedOnce => o.processed_once,
        Measure::ProcessedMoreThanOnce => o.processed_more_than_once,
        Measure::DeadLettered => o.dead_lettered,
        Measure::Dropped => o.dropped,
        Measure::Lost => o.lost,
        Measure::InFlight => o.in_flight,
        Measure::DuplicateEffects => o.duplicate_effects,
        Measure::OutOfOrder => o.out_of_order,
        Measure::Retries => o.retries,
        Measure::Redeliveries => o.redeliveries,
        Measure::Effects => keyed(|m| m.effects),
        Measure::Deliveries => keyed(|m| m.deliveries),
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
        assert_eq!(answer(&question(Measure::ProcessedOnce, None), &o), 6);
        for m in Measure::ALL.into_iter().filter(|m| !m.is_keyed()) {
            let want = serde_json::to_value(&o).unwrap()[m.name()].as_u64().unwrap();
            assert_eq!(answer(&question(m, None), &o), want, "{}", m.name());
        }
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
    fn names_match_the_file_format() {
        for m in Measure::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
        let q: Question = serde_json::from_str(r#"{"ask":"?","measure":"dead_lettered"}"#).unwrap();
        assert_eq!(q.measure, Measure::DeadLettered);
        assert!(serde_json::from_str::<Question>(r#"{"ask":"?","measure":"lost","keey":"k"}"#).is_err());
        let l: Lesson = serde_json::from_str(r#"{"watch":"w","try":"t","fix":"f"}"#).unwrap();
        assert_eq!(l.try_this, "t");
        assert_eq!(serde_json::to_string(&l).unwrap(), r#"{"watch":"w","try":"t","fix":"f"}"#);
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
        let q = question(Measure::DeadLettered, None);
        assert_eq!(answer_words(&q, 15), "The run's answer: 15 (messages dead-lettered).");
    }
}
