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

use serde::Serialize;
use serde_json::Value;

use crate::scenario::fate::Fate;
use crate::scenario::flows::FlowState;
use crate::scenario::read::{choice, int, list, string, At, Fields, Read};

/// The most characters in `watch`, `try` and `fix`.
pub const MAX_PARAGRAPH: usize = 600;
/// The most characters in a point's `say` and a question's `ask`.
pub const MAX_SENTENCE: usize = 300;
/// The most characters in a question's `unit`.
pub const MAX_UNIT: usize = 40;
/// The most points in a lesson.
pub const MAX_POINTS: usize = 8;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lesson {
    /// What to watch while it runs.
    pub watch: String,
    /// What to change in the inspector, and what will happen then.
    #[serde(rename = "try")]
    pub try_this: String,
    /// The fix, and the real RabbitMQ or Kafka setting behind it.
    pub fix: String,
    /// Moments and nodes the narration points at.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Point>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
}

/// A remark tied to a moment on the timeline, a node, or both.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub say: String,
}

/// "Predict, then run": a question whose answer is a number the outcome holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Question {
    pub ask: String,
    pub measure: Measure,
    /// The message key a keyed measure counts over, e.g. "order-42".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Printed after the number, e.g. "times" or "messages".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// What a question counts: how many messages met a fate, or one of the outcome's counters
/// (each a field of the outcome with the same name), or a sum over the messages with one key.
/// In the file it is one name: a fate's name (`"lost"`) or a counter's (`"retries"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum Measure {
    /// How many messages met this fate.
    Fate(Fate),
    Published,
    DuplicateEffects,
    OutOfOrder,
    Retries,
    Redeliveries,
    /// Reads of read models that did not find the write they followed.
    MissedReads,
    /// Read-model rows behind the write side at the end.
    RowsBehind,
    /// Messages a consumer could not read with its reader schema.
    Unreadable,
    /// Deploys the schema registry refused.
    DeploysRefused,
    /// Messages of aborted Kafka transactions whose effect a consumer applied.
    AbortedEffects,
    /// Deletes on compacted topics a consumer group never read (the tombstone was compacted
    /// away first), key by key.
    MissedDeletes,
    /// Business effects applied for the messages with the question's key.
    Effects,
    /// Deliveries to consumers of the messages with the question's key.
    Deliveries,
    /// How many flows ended this way (a scenario that names its flows).
    Flow(FlowState),
}

/// The measures that are not fates, with their names in the file and in words.
const COUNTERS: [(Measure, &str, &str); 13] = [
    (Measure::Published, "published", "messages published"),
    (Measure::DuplicateEffects, "duplicate_effects", "duplicate side effects"),
    (Measure::OutOfOrder, "out_of_order", "events applied out of order"),
    (Measure::Retries, "retries", "retries"),
    (Measure::Redeliveries, "redeliveries", "redeliveries"),
    (Measure::MissedReads, "missed_reads", "reads that did not find the write they followed"),
    (Measure::RowsBehind, "rows_behind", "read-model rows behind the write side"),
    (Measure::Unreadable, "unreadable", "messages a consumer's schema could not read"),
    (Measure::DeploysRefused, "deploys_refused", "deploys the schema registry refused"),
    (Measure::AbortedEffects, "aborted_effects", "effects of aborted transactions' records"),
    (Measure::MissedDeletes, "missed_deletes", "deletes a consumer group never read"),
    (Measure::Effects, "effects", "side effects applied"),
    (Measure::Deliveries, "deliveries", "deliveries"),
];

/// The flow measures' names in the file, in `FlowState::ALL` order.
const FLOW_NAMES: [&str; 6] = [
    "flows_completed",
    "flows_compensated",
    "flows_in_flight",
    "flows_stuck",
    "flows_inconsistent",
    "flows_needing_a_person",
];

impl Measure {
    /// Every measure: `published`, the six fates, then the other counters.
    pub const ALL: [Measure; 25] = {
        let mut all = [Measure::Published; 25];
        let mut i = 0;
        while i < Fate::ALL.len() {
            all[1 + i] = Measure::Fate(Fate::ALL[i]);
            i += 1;
        }
        let mut j = 1;
        while j < COUNTERS.len() {
            all[Fate::ALL.len() + j] = COUNTERS[j].0;
            j += 1;
        }
        let mut k = 0;
        while k < FlowState::ALL.len() {
            all[Fate::ALL.len() + COUNTERS.len() + k] = Measure::Flow(FlowState::ALL[k]);
            k += 1;
        }
        all
    };

    /// The name the scenario file uses.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Fate(f) => f.name(),
            Measure::Flow(s) => FLOW_NAMES[s as usize],
            other => COUNTERS.iter().find(|(m, _, _)| *m == other).map_or("", |(_, name, _)| name),
        }
    }

    /// Whether it counts over the messages of one key, and so needs the question's `key`.
    pub fn is_keyed(self) -> bool {
        matches!(self, Measure::Effects | Measure::Deliveries)
    }

    /// What the number counts, in words, for a learner.
    pub fn human(self) -> String {
        match self {
            Measure::Fate(f) => format!("messages {}", f.human()),
            Measure::Flow(s) => format!("flows {}", s.human()),
            other => COUNTERS.iter().find(|(m, _, _)| *m == other).map_or("", |(_, _, words)| words).to_string(),
        }
    }
}

impl From<Measure> for &'static str {
    fn from(m: Measure) -> &'static str {
        m.name()
    }
}

// ---------------------------------------------------------------------------------------
// Reading

impl Lesson {
    /// Reads a lesson, already known to be an object.
    pub(crate) fn read(v: &Value, at: &At) -> Read<Lesson> {
        let wanted = "a lesson like {\"watch\": \"...\", \"try\": \"...\", \"fix\": \"...\"}";
        let f = Fields::new(v, at, &["watch", "try", "fix", "points", "question"], wanted)?;
        Ok(Lesson {
            watch: f.req("watch", string)?,
            try_this: f.req("try", string)?,
            fix: f.req("fix", string)?,
            points: f.or("points", |v, at| list(v, at, Point::read), Vec::new())?,
            question: f.opt("question", Question::read)?,
        })
    }
}

impl Point {
    fn read(v: &Value, at: &At) -> Read<Point> {
        let wanted = "a point like {\"at_ms\": 6000, \"say\": \"...\"}";
        let f = Fields::new(v, at, &["at_ms", "node", "say"], wanted)?;
        Ok(Point { at_ms: f.opt("at_ms", int)?, node: f.opt("node", string)?, say: f.req("say", string)? })
    }
}

impl Question {
    /// Reads a question (the app reads one out of a lesson it shows).
    fn read(v: &Value, at: &At) -> Read<Question> {
        let wanted = "a question like {\"ask\": \"...\", \"measure\": \"lost\"}";
        let f = Fields::new(v, at, &["ask", "measure", "key", "unit"], wanted)?;
        Ok(Question {
            ask: f.req("ask", string)?,
            measure: f.req("measure", Measure::read)?,
            key: f.opt("key", string)?,
            unit: f.opt("unit", string)?,
        })
    }

    /// The question in a lesson's JSON, if it is one.
    pub fn from_value(v: &Value) -> Option<Question> {
        Question::read(v, &At::base("")).ok()
    }
}

impl Measure {
    pub(crate) fn read(v: &Value, at: &At) -> Read<Measure> {
        choice(v, at, &Measure::ALL.map(Measure::name), &Measure::ALL)
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
        let read = |text: &str| Question::read(&serde_json::from_str(text).unwrap(), &At::base("q"));
        let q = read(r#"{"ask":"?","measure":"dead_lettered"}"#).unwrap();
        assert_eq!(q.measure, Measure::Fate(Fate::DeadLettered));
        assert!(read(r#"{"ask":"?","measure":"lost","keey":"k"}"#).is_err());
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(names.len(), 25);
        assert!(names.iter().all(|n| !n.is_empty()), "every measure has a name: {names:?}");
        let unknown = read(r#"{"ask":"?","measure":"charged"}"#).unwrap_err().to_string();
        assert!(
            unknown.contains("unknown variant `charged`, expected one of `published`, `processed_once`"),
            "{unknown}"
        );
        let text = r#"{"watch":"w","try":"t","fix":"f"}"#;
        let l = Lesson::read(&serde_json::from_str(text).unwrap(), &At::base("lesson")).unwrap();
        assert_eq!(l.try_this, "t");
        assert_eq!(serde_json::to_string(&l).unwrap(), text);
    }
}
