//! A lesson's narration: what a workshop teacher says beside the running scenario. It is part
//! of the scenario file (`"lesson"`), read by the app and never by the simulation, so it
//! cannot change a run or its trace hash.
//!
//! ```text
//!   "lesson": { watch, try, fix,            ──▶ the app's narration panel
//!               points: [{at_ms?, node?, say}]  ──▶ a marker on the timeline or a node
//!               question: {ask, measure, key?, unit?} }
//! ```
//!
//! The answer to a question is read off a run's outcome, on the read side
//! (`report::answer`).
//!
//! A question is "predict, then run": the learner guesses a number before pressing play, and
//! the run's outcome gives the answer. A measure is one of the outcome's counters, or a sum
//! over the messages with one key (`effects` and `deliveries`: "how many times was order-42
//! charged?"). The limits below are checked by `validate`.

use serde::{Deserialize, Serialize};

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

/// What a question counts. All but the keyed two are fields of the outcome with the same name.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
