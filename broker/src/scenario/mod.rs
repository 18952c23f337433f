//! The scenario file, version 1: what a person or a course author writes, and what a shared
//! link will carry. These types mirror the JSON one to one (see `docs/scenario-format.md` and
//! `docs/scenario.schema.json`). Numbers are read as wide signed integers and floats on
//! purpose: a negative prefetch or a rate of 10^12 must reach `validate`, which names the
//! field and says what is allowed, instead of failing inside the JSON reader.
//!
//! ```text
//!   JSON text ──parse──▶ Scenario ──validate──▶ Model ──▶ Simulation
//!                  │                   │
//!                  └── Problem list ◀──┘   ("nodes[2].prefetch: must be at least 1")
//! ```
//!
//! This file holds `Scenario`, the `Node` that names each node's kind, the serde defaults
//! several kinds share, and the reading. Each node kind's types have a file of their own:
//! `producer.rs`, `queue.rs` (queues, exchanges and dead-letter queues), `topic.rs` and
//! `consumer.rs`; then `wire.rs`, `action.rs` (the action script) and `view.rs`. All of them
//! are re-exported here, so every type keeps its path `crate::scenario::X`. serde's messages
//! reach a person in the format's words (`serde_words.rs`), never naming a Rust type.

pub mod duplicate_keys;
pub mod fate;
pub mod lesson;
pub mod limits;
pub mod link;
pub mod problem;
pub(crate) mod quoted;
mod serde_words;

mod action;
mod consumer;
mod producer;
mod queue;
mod topic;
mod view;
mod wire;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::scenario::lesson::Lesson;
use crate::scenario::problem::Problem;
pub use limits::MAX_SCENARIO_BYTES;

pub use action::{Action, ActionKind, ResetTo};
pub use consumer::{
    AssignmentStrategy, CommitMode, ConsumerFault, ConsumerSpec, CrashPoint, GiveUp, Jitter, OffsetReset, PoisonSpec,
    Processing, RetryPolicy, RetrySpec, Semantics,
};
pub use producer::{
    Arrivals, EventTypes, KeyChoice, Keys, PartitionBy, ProducerFault, ProducerSpec, PublishSpec, WriteOrder, WriteSpec,
};
pub use queue::{DeadLetterQueueSpec, ExchangeSpec, ExchangeType, Overflow, QueueSpec, QueueType};
pub use topic::TopicSpec;
pub use view::View;
pub use wire::Wire;

pub const CURRENT_VERSION: i64 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub version: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The narration the app shows beside the run; it never changes the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub duration_ms: i64,
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub wires: Vec<Wire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
}

pub fn default_seed() -> u64 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Producer(ProducerSpec),
    Exchange(ExchangeSpec),
    Queue(QueueSpec),
    Topic(TopicSpec),
    Consumer(ConsumerSpec),
    DeadLetterQueue(DeadLetterQueueSpec),
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Producer(n) => &n.id,
            Node::Exchange(n) => &n.id,
            Node::Queue(n) => &n.id,
            Node::Topic(n) => &n.id,
            Node::Consumer(n) => &n.id,
            Node::DeadLetterQueue(n) => &n.id,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Producer(_) => "producer",
            Node::Exchange(_) => "exchange",
            Node::Queue(_) => "queue",
            Node::Topic(_) => "topic",
            Node::Consumer(_) => "consumer",
            Node::DeadLetterQueue(_) => "dead-letter queue",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Serde defaults shared by several node kinds

fn one_i64() -> i64 {
    1
}
fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}
fn is_false(v: &bool) -> bool {
    !*v
}

pub fn default_recover_ms() -> i64 {
    1_000
}

// ---------------------------------------------------------------------------------------
// Reading

impl Scenario {
    /// Reads scenario JSON. Every structural problem names the field's path; the result still
    /// has to pass the validator (`validate`) before it can run.
    pub fn from_json(text: &str) -> Result<Scenario, Vec<Problem>> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(vec![Problem::new(
                "",
                format!(
                    "the scenario is {} bytes; the most Brokerlab reads is {} bytes",
                    text.len(),
                    MAX_SCENARIO_BYTES
                ),
            )]);
        }
        let value: Value =
            serde_json::from_str(text).map_err(|e| vec![Problem::new("", format!("not valid JSON: {e}"))])?;
        if let Some(path) = crate::scenario::duplicate_keys::first_duplicate(text) {
            return Err(vec![Problem::new(path, "is written twice in the same object; keep one")]);
        }
        Scenario::from_value(value)
    }

    /// Reads a scenario from parsed JSON, collecting one problem per bad part rather than
    /// stopping at the first.
    pub fn from_value(value: Value) -> Result<Scenario, Vec<Problem>> {
        let mut problems = Vec::new();
        let Value::Object(mut top) = value else {
            return Err(vec![Problem::new("", "a scenario is a JSON object")]);
        };

        match top.get("version") {
            None => problems.push(Problem::new("version", "missing; this build reads \"version\": 1")),
            Some(v) => match v.as_i64() {
                Some(CURRENT_VERSION) => {}
                Some(n) if n > CURRENT_VERSION => problems.push(Problem::new(
                    "version",
                    format!("this scenario is from a newer Brokerlab (version {n}); this build reads version {CURRENT_VERSION}"),
                )),
                _ => problems.push(Problem::new("version", format!("must be {CURRENT_VERSION}"))),
            },
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let nodes = match top.remove("nodes") {
            Some(Value::Array(items)) => {
                let mut nodes = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match read_node(item, &format!("nodes[{i}]")) {
                        Ok(n) => nodes.push(n),
                        Err(p) => problems.push(p),
                    }
                }
                nodes
            }
            Some(_) => {
                problems.push(Problem::new("nodes", "must be a list of nodes"));
                Vec::new()
            }
            None => {
                problems.push(Problem::new("nodes", "missing; a scenario lists its nodes (an empty list is allowed)"));
                Vec::new()
            }
        };

        let wires = match top.remove("wires") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut wires = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match read_wire(item, &format!("wires[{i}]")) {
                        Ok(w) => wires.push(w),
                        Err(p) => problems.push(p),
                    }
                }
                wires
            }
            Some(_) => {
                problems.push(Problem::new("wires", "must be a list of wires"));
                Vec::new()
            }
        };

        let actions = match top.remove("actions") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut actions = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match read_action(item, &format!("actions[{i}]")) {
                        Ok(a) => actions.push(a),
                        Err(p) => problems.push(p),
                    }
                }
                actions
            }
            Some(_) => {
                problems.push(Problem::new("actions", "must be a list of actions"));
                Vec::new()
            }
        };

        let lesson = match top.remove("lesson") {
            None | Some(Value::Null) => None,
            Some(value) if !value.is_object() => {
                problems
                    .push(Problem::new("lesson", "must be an object: {\"watch\": ..., \"try\": ..., \"fix\": ...}"));
                None
            }
            Some(value) => match read_typed::<Lesson>(value, "lesson") {
                Ok(l) => Some(l),
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
        };

        // What is left is the flat part of the scenario.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Head {
            #[allow(dead_code)]
            version: i64,
            #[serde(default)]
            title: String,
            #[serde(default)]
            description: String,
            #[serde(default = "default_seed")]
            seed: u64,
            duration_ms: Option<i64>,
            #[serde(default)]
            view: Option<View>,
        }
        let head: Option<Head> = match read_typed::<Head>(Value::Object(top), "") {
            Ok(h) => Some(h),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        if let Some(h) = &head {
            if h.duration_ms.is_none() {
                problems.push(Problem::new(
                    "duration_ms",
                    "missing; every scenario says how long it runs, in milliseconds of virtual time",
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let head = head.expect("no problems means the head was read");
        Ok(Scenario {
            version: CURRENT_VERSION,
            title: head.title,
            description: head.description,
            lesson,
            seed: head.seed,
            duration_ms: head.duration_ms.unwrap_or_default(),
            nodes,
            wires,
            actions,
            view: head.view,
        })
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }
}

/// Deserializes `value` as `T`, and on failure names the deepest field that was wrong,
/// prefixed with `base`. A key that is not a plain word is quoted in the path.
#[cfg(feature = "field-paths")]
fn read_typed<T: serde::de::DeserializeOwned>(value: Value, base: &str) -> Result<T, Problem> {
    use serde_path_to_error::Segment;
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut path = base.to_string();
        for segment in e.path() {
            path = match segment {
                Segment::Seq { index } => format!("{path}[{index}]"),
                Segment::Map { key } | Segment::Enum { variant: key } => quoted::key_path(&path, key),
                Segment::Unknown => quoted::key_path(&path, "?"),
            };
        }
        Problem::new(path, serde_words::humanize(&e.inner().to_string()))
    })
}

/// Deserializes `value` as `T`; a failure is reported at `base` (the node, wire or action),
/// with serde's message naming what was wrong.
#[cfg(not(feature = "field-paths"))]
fn read_typed<T: serde::de::DeserializeOwned>(value: Value, base: &str) -> Result<T, Problem> {
    serde_json::from_value::<T>(value).map_err(|e| Problem::new(base, serde_words::humanize(&e.to_string())))
}

const NODE_KINDS: &str = "producer, exchange, queue, topic, consumer, dead_letter_queue";

fn read_node(value: Value, path: &str) -> Result<Node, Problem> {
    let Value::Object(mut map) = value else {
        return Err(Problem::new(path, "a node is a JSON object with an \"id\" and a \"kind\""));
    };
    let kind = match map.remove("kind") {
        Some(Value::String(k)) => k,
        Some(_) => return Err(Problem::new(format!("{path}.kind"), format!("must be one of {NODE_KINDS}"))),
        None => return Err(Problem::new(format!("{path}.kind"), format!("missing; one of {NODE_KINDS}"))),
    };
    let body = Value::Object(map);
    Ok(match kind.as_str() {
        "producer" => Node::Producer(read_typed(body, path)?),
        "exchange" => Node::Exchange(read_typed(body, path)?),
        "queue" => Node::Queue(read_typed(body, path)?),
        "consumer" => Node::Consumer(read_typed(body, path)?),
        "dead_letter_queue" | "dlq" => Node::DeadLetterQueue(read_typed(body, path)?),
        "topic" => Node::Topic(read_typed(body, path)?),
        other => {
            return Err(Problem::new(format!("{path}.kind"), format!("unknown kind {other:?}; one of {NODE_KINDS}")))
        }
    })
}

/// A wire is `["from", "to"]` or `{"from": ..., "to": ..., ...}`.
fn read_wire(value: Value, path: &str) -> Result<Wire, Problem> {
    match value {
        Value::Array(items) => {
            let ends: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if items.len() != 2 || ends.len() != 2 {
                return Err(Problem::new(path, "a short wire is a pair of node ids: [\"from\", \"to\"]"));
            }
            Ok(Wire {
                from: ends[0].to_string(),
                to: ends[1].to_string(),
                binding_key: None,
                delay_ms: 0.0,
                jitter_ms: 0.0,
            })
        }
        Value::Object(_) => read_typed(value, path),
        _ => Err(Problem::new(path, "a wire is [\"from\", \"to\"] or {\"from\": ..., \"to\": ...}")),
    }
}

const ACTION_KINDS: &str = "crash, recover, outage, redrive, slow, leave, join, reset_offsets";

/// An action is `{"at_ms": T, "<kind>": {...}}` with exactly one kind.
fn read_action(value: Value, path: &str) -> Result<Action, Problem> {
    let Value::Object(mut map) = value else {
        return Err(Problem::new(path, "an action is {\"at_ms\": T, \"crash\": {...}}"));
    };
    let at_ms = match map.remove("at_ms") {
        Some(v) => {
            v.as_i64().ok_or_else(|| Problem::new(format!("{path}.at_ms"), "must be a whole number of milliseconds"))?
        }
        None => return Err(Problem::new(format!("{path}.at_ms"), "missing; when the action happens, in ms")),
    };
    if map.len() != 1 {
        return Err(Problem::new(path, format!("needs exactly one of {ACTION_KINDS} beside at_ms")));
    }
    let what: ActionKind = read_typed(Value::Object(map), path).map_err(|p| {
        if p.message.starts_with("unknown variant") && p.path == path {
            Problem::new(p.path, format!("unknown action; one of {ACTION_KINDS}"))
        } else {
            p
        }
    })?;
    Ok(Action { at_ms, what })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        Scenario::from_json(text).unwrap_err().iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn reads_the_sketch_from_the_spec() {
        let s = Scenario::from_json(
            r#"{
              "version": 1, "title": "Poison", "seed": 42, "duration_ms": 20000,
              "nodes": [
                {"id": "orders", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": 8}},
                 "count": 100, "event_type": "OrderPlaced", "keys": "order-1..order-20"},
                {"id": "work", "kind": "queue", "prefetch": 1, "delivery_limit": 3,
                 "queue_type": "quorum", "dead_letter": "dlq"},
                {"id": "billing", "kind": "consumer", "semantics": "at-least-once",
                 "processing": {"exponential": {"mean_ms": 100}}, "effect": "charge card",
                 "faults": [{"poison": {"every_nth": 7}}]},
                {"id": "dlq", "kind": "dead_letter_queue"}
              ],
              "wires": [["orders", "work"], ["work", "billing"]],
              "actions": [{"at_ms": 5000, "crash": {"consumer": "billing", "recover_after_ms": 2000}}],
              "view": {"positions": {"orders": [80, 120]}, "zoom": 1.0}
            }"#,
        )
        .unwrap();
        assert_eq!(s.nodes.len(), 4);
        assert_eq!(s.wires[1].to, "billing");
        assert!(matches!(s.actions[0].what, ActionKind::Crash { .. }));
    }

    #[test]
    fn problems_name_the_field() {
        let p = problems(r#"{"version":1,"duration_ms":10,"nodes":[{"id":"q","kind":"queue","prefetchh":1}]}"#);
        assert!(p[0].starts_with("nodes[0].prefetchh: unknown field `prefetchh`"), "{p:?}");
        let p = problems(
            r#"{"version":1,"duration_ms":10,"nodes":[{"id":"c","kind":"consumer","processing":{"fixed":{"ms":"ten"}}}]}"#,
        );
        assert_eq!(p, ["nodes[0].processing.fixed.ms: must be a number, not string \"ten\""]);
    }

    #[test]
    fn every_bad_part_is_reported() {
        let p = problems(
            r#"{"version":1,"duration_ms":10,"nodes":[{"id":"a","kind":"blob"},{"id":"b"}],"wires":[["a"]],"actions":[{"at_ms":1,"explode":{}}]}"#,
        );
        assert_eq!(p.len(), 4, "{p:?}");
    }

    #[test]
    fn newer_versions_are_named() {
        let p = problems(r#"{"version":7,"duration_ms":10,"nodes":[]}"#);
        assert!(p[0].contains("newer Brokerlab"), "{p:?}");
    }

    #[test]
    fn not_json_is_one_clear_line() {
        let p = problems("{\"version\": 1,");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("not valid JSON"), "{p:?}");
    }

    #[test]
    fn a_scenario_survives_a_round_trip() {
        let text = r#"{"version":1,"duration_ms":1000,"seed":9,
          "nodes":[{"id":"p","kind":"producer","count":3},{"id":"q","kind":"queue"},{"id":"c","kind":"consumer"}],
          "wires":[["p","q"],{"from":"q","to":"c"}],
          "actions":[{"at_ms":10,"crash":{"consumer":"c"}}]}"#;
        let s = Scenario::from_json(text).unwrap();
        let again = Scenario::from_json(&s.to_json_pretty()).unwrap();
        assert_eq!(s, again);
    }
}
