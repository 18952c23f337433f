//! Expectations: what a scenario says its outcome must be (`"expect"` at its top level), so
//! that `brokerlab test` can run it in a course's CI and say which held. An expectation is one
//! of
//!
//! - a count: one of the measures a lesson question may ask (`"measure": "lost"`, with `"key"`
//!   for a keyed one), and `equals`, `at_least` or `at_most` a number;
//! - a message's fate: `{"message": "orders-17", "fate": "dead_lettered"}`;
//! - words in the verdict: `{"verdict": "order-20"}`, or a list of texts one line must hold
//!   together;
//! - the delivery guarantees: `{"guarantees": "hold"}` or `"broken"`.
//!
//! The scenario reader keeps the list as it is written (the app carries it, and a link leaves
//! it out when a lesson's are unchanged); it is read here, by the command line and the tests,
//! so the page does not carry this reader. `report.rs` writes the results as TAP and JUnit XML.

pub mod report;

use serde_json::Value;

use crate::report::answer::answer;
use crate::report::outcome::Outcome;
use crate::scenario::fate::Fate;
use crate::scenario::lesson::{Measure, Question};
use crate::scenario::problem::Problem;
use crate::scenario::read::{choice, list, string, At, Fields, Read};

/// One expectation, as read.
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    Count {
        measure: Measure,
        key: Option<String>,
        compare: Compare,
        value: u64,
    },
    Fate {
        message: String,
        fate: Fate,
    },
    /// One verdict line holds every one of these texts.
    Verdict(Vec<String>),
    /// Whether the run breaks no delivery guarantee.
    Guarantees {
        hold: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    Equals,
    AtLeast,
    AtMost,
}

impl Compare {
    const NAMES: [&'static str; 3] = ["equals", "at_least", "at_most"];
    const ALL: [Compare; 3] = [Compare::Equals, Compare::AtLeast, Compare::AtMost];

    fn holds(self, have: u64, want: u64) -> bool {
        match self {
            Compare::Equals => have == want,
            Compare::AtLeast => have >= want,
            Compare::AtMost => have <= want,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Compare::Equals => "",
            Compare::AtLeast => "at least ",
            Compare::AtMost => "at most ",
        }
    }
}

/// What checking one expectation against a run found.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The expectation in words: "lost equals 0".
    pub name: String,
    pub passed: bool,
    /// What the run had instead, when it failed.
    pub detail: String,
}

/// Reads a scenario's `expect` list; every problem is at its path (`expect[2].at_most`).
pub fn read(items: &[Value]) -> Result<Vec<Expectation>, Vec<Problem>> {
    let at = At::base("expect");
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, v) in items.iter().enumerate() {
        match one(v, &at.index(i)) {
            Ok(e) => out.push(e),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

const WANTED: &str = "an expectation like {\"measure\": \"lost\", \"equals\": 0}, {\"message\": \"orders-17\", \"fate\": \"dead_lettered\"}, {\"verdict\": \"order-20\"} or {\"guarantees\": \"hold\"}";

fn one(v: &Value, at: &At) -> Read<Expectation> {
    let Some(map) = v.as_object() else { return Err(at.wrong(WANTED, v)) };
    if map.contains_key("measure") {
        let f = Fields::new(v, at, &["measure", "key", "equals", "at_least", "at_most"], WANTED)?;
        let measure = f.req("measure", Measure::read)?;
        let key = f.opt("key", string)?;
        if measure.is_keyed() != key.is_some() {
            let why = if key.is_some() {
                format!("only effects and deliveries count by key; {} does not", measure.name())
            } else {
                format!("{} counts the messages of one key: add \"key\"", measure.name())
            };
            return Err(at.key(if key.is_some() { "key" } else { "measure" }).bad(why));
        }
        let given: Vec<usize> =
            Compare::NAMES.iter().enumerate().filter(|(_, n)| map.contains_key(**n)).map(|(i, _)| i).collect();
        let [i] = given[..] else {
            return Err(at.bad("needs exactly one of \"equals\", \"at_least\" or \"at_most\", with a whole number"));
        };
        let value = f.req(Compare::NAMES[i], crate::scenario::read::uint)?;
        return Ok(Expectation::Count { measure, key, compare: Compare::ALL[i], value });
    }
    if map.contains_key("message") {
        let f = Fields::new(v, at, &["message", "fate"], WANTED)?;
        let fate = f.req("fate", |v, at| choice(v, at, &Fate::ALL.map(Fate::name), &Fate::ALL))?;
        return Ok(Expectation::Fate { message: f.req("message", string)?, fate });
    }
    if map.contains_key("verdict") {
        let f = Fields::new(v, at, &["verdict"], WANTED)?;
        let texts = f.req("verdict", |v, at| match v {
            Value::String(s) => Ok(vec![s.clone()]),
            _ => list(v, at, string),
        })?;
        if texts.is_empty() || texts.iter().any(|t| t.trim().is_empty()) {
            return Err(at.key("verdict").bad("needs some words to look for"));
        }
        return Ok(Expectation::Verdict(texts));
    }
    if map.contains_key("guarantees") {
        let f = Fields::new(v, at, &["guarantees"], WANTED)?;
        let hold = f.req("guarantees", |v, at| choice(v, at, &["hold", "broken"], &[true, false]))?;
        return Ok(Expectation::Guarantees { hold });
    }
    Err(at.wrong(WANTED, v))
}

impl Expectation {
    /// The expectation in words, for a test's name.
    pub fn name(&self) -> String {
        match self {
            Expectation::Count { measure, key, compare, value } => {
                let of = key.as_ref().map_or(String::new(), |k| format!(" of {k}"));
                format!("{}{of} is {}{value}", measure.name(), compare.words())
            }
            Expectation::Fate { message, fate } => format!("{message} is {}", fate.name()),
            Expectation::Verdict(texts) => format!("the verdict says {}", quoted(texts)),
            Expectation::Guarantees { hold: true } => "no delivery guarantee is broken".into(),
            Expectation::Guarantees { hold: false } => "a delivery guarantee is broken".into(),
        }
    }

    /// Checks the expectation against a run's outcome, with how many delivery guarantees it
    /// broke.
    pub fn check(&self, o: &Outcome, broken: usize) -> Checked {
        let (passed, detail) = match self {
            Expectation::Count { measure, key, compare, value } => {
                let q = Question { ask: String::new(), measure: *measure, key: key.clone(), unit: None };
                let have = answer(&q, o);
                (compare.holds(have, *value), format!("it is {have}"))
            }
            Expectation::Fate { message, fate } => match o.messages.iter().find(|m| m.id.to_string() == *message) {
                Some(m) => (m.fate == *fate, format!("it is {}", m.fate.name())),
                None => (false, format!("no message is called {message}; the run published {}", o.published)),
            },
            Expectation::Verdict(texts) => {
                let held = o.verdict.iter().any(|line| texts.iter().all(|t| line.contains(t.as_str())));
                (held, format!("the verdict is: {}", o.verdict.join(" | ")))
            }
            Expectation::Guarantees { hold } => (
                (broken == 0) == *hold,
                format!("{broken} event{} broke a guarantee", if broken == 1 { "" } else { "s" }),
            ),
        };
        Checked { name: self.name(), passed, detail: if passed { String::new() } else { detail } }
    }
}

fn quoted(texts: &[String]) -> String {
    texts.iter().map(|t| crate::scenario::quoted::quote(t)).collect::<Vec<_>>().join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_one(v: Value) -> Result<Expectation, String> {
        read(&[v]).map(|mut e| e.remove(0)).map_err(|p| p[0].to_string())
    }

    #[test]
    fn each_kind_reads_and_says_itself() {
        let e = read_one(json!({"measure": "lost", "equals": 0})).unwrap();
        assert_eq!(e.name(), "lost is 0");
        let e = read_one(json!({"measure": "effects", "key": "order-7", "at_most": 2})).unwrap();
        assert_eq!(e.name(), "effects of order-7 is at most 2");
        assert_eq!(read_one(json!({"message": "orders-17", "fate": "lost"})).unwrap().name(), "orders-17 is lost");
        assert_eq!(read_one(json!({"verdict": ["a", "b"]})).unwrap().name(), "the verdict says \"a\" and \"b\"");
        assert_eq!(read_one(json!({"guarantees": "hold"})).unwrap(), Expectation::Guarantees { hold: true });
    }

    #[test]
    fn a_damaged_expectation_is_refused_at_its_path() {
        for (v, want) in [
            (json!({"measure": "lost"}), "expect[0]: needs exactly one of"),
            (json!({"measure": "lost", "equals": 1, "at_most": 2}), "expect[0]: needs exactly one of"),
            (json!({"measure": "lost", "equals": -1}), "expect[0].equals"),
            (json!({"measure": "charged", "equals": 1}), "expect[0].measure"),
            (json!({"measure": "effects", "equals": 1}), "expect[0].measure: effects counts the messages of one key"),
            (json!({"measure": "lost", "key": "k", "equals": 1}), "expect[0].key"),
            (json!({"message": "orders-1", "fate": "eaten"}), "expect[0].fate"),
            (json!({"verdict": ""}), "expect[0].verdict: needs some words"),
            (json!({"guarantees": "maybe"}), "expect[0].guarantees"),
            (json!({"measure": "lost", "equals": 0, "extra": 1}), "expect[0].extra"),
            (json!(["lost"]), "expect[0]"),
            (json!({"nothing": 1}), "expect[0]"),
        ] {
            let got = read_one(v.clone()).unwrap_err();
            assert!(got.starts_with(want), "{v}: {got}");
        }
    }

    #[test]
    fn expectations_are_checked_against_the_outcome() {
        let mut sim = crate::load(
            r#"{"version":1,"duration_ms":2000,"nodes":[{"id":"p","kind":"producer","count":4,"keys":["order-1","order-2"]},
               {"id":"q","kind":"queue"},{"id":"c","kind":"consumer"}],"wires":[["p","q"],["q","c"]]}"#,
        )
        .unwrap();
        sim.run_to_end();
        let o = sim.outcome();
        let check = |v: Value| read_one(v).unwrap().check(&o, 0);
        assert!(check(json!({"measure": "published", "equals": 4})).passed);
        let failed = check(json!({"measure": "published", "at_least": 5}));
        assert_eq!((failed.passed, failed.detail.as_str()), (false, "it is 4"));
        assert!(check(json!({"measure": "effects", "key": "order-2", "equals": 2})).passed);
        assert!(check(json!({"message": "p-3", "fate": "processed_once"})).passed);
        assert!(!check(json!({"message": "p-9", "fate": "processed_once"})).passed);
        assert!(check(json!({"verdict": ["All 4 messages", "exactly once"]})).passed);
        assert!(!check(json!({"verdict": "lost"})).passed);
        assert!(check(json!({"guarantees": "hold"})).passed);
        assert!(!read_one(json!({"guarantees": "hold"})).unwrap().check(&o, 2).passed);
    }
}
