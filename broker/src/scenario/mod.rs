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
//! This file holds `Scenario`, the `Node` that names each node's kind, and the reading of the
//! top level (nodes, wires, actions, lesson, the rest), one problem per bad part. Each node
//! kind's types, with their readers, have a file of their own: `producer.rs`, `queue.rs`
//! (queues, exchanges and dead-letter queues), `topic.rs` and `consumer.rs`; then `wire.rs`,
//! `action.rs` (the action script) and `view.rs`. All of them are re-exported here, so every
//! type keeps its path `crate::scenario::X`. The reading's parts (paths, scalars, objects,
//! choices) are in `read.rs`; its problems are in the format's words, never naming a Rust
//! type. serde writes a scenario back out (`to_json_pretty`, the command line's `--json`).

pub mod fate;
mod flows;
pub mod json;
mod json_number;
pub mod lesson;
pub mod limits;
pub mod link;
pub mod problem;
pub(crate) mod quoted;
pub(crate) mod read;

mod action;
mod broker;
mod consumer;
pub(crate) mod exchange;
mod producer;
mod queue;
mod read_model;
mod request;
mod saga;
mod schemas;
mod service;
mod topic;
mod view;
mod wire;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::scenario::json::JsonError;
use crate::scenario::read::{int, string, uint, At, Fields, Read};

use crate::scenario::lesson::Lesson;
use crate::scenario::problem::Problem;
pub use limits::MAX_SCENARIO_BYTES;

pub use action::{Action, ActionKind, ResetTo};
pub use broker::{BrokerCrash, BrokerSpec};
pub use consumer::{
    AssignmentStrategy, CommitMode, ConsumerFault, ConsumerSpec, CrashPoint, GiveUp, IsolationLevel, Jitter,
    OffsetReset, PoisonSpec, Processing, RetryPolicy, RetrySpec, Semantics,
};
pub use flows::{FlowState, FlowsSpec};
pub use producer::{
    Acks, Arrivals, EventTypes, KeyChoice, Keys, PartitionBy, ProducerFault, ProducerSpec, PublishSpec, TombstoneSpec,
    TransactionSpec, WriteOrder, WriteSpec,
};
pub use queue::{DeadLetterQueueSpec, ExchangeSpec, ExchangeType, Overflow, QueueSpec, QueueType};
pub use read_model::{ReadModelSpec, ReadersSpec};
pub use request::{RequestSpec, DIRECT_REPLY_TO};
pub use saga::{SagaSpec, SagaStepSpec};
pub use schemas::{RegistrySpec, SchemaSpec};
pub use service::{PublishMode, PublishRule};
pub use topic::{CleanupPolicy, TopicSpec};
pub use view::View;
pub use wire::Wire;

pub const CURRENT_VERSION: i64 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub version: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The narration the app shows beside the run; it never changes the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
    pub seed: u64,
    pub duration_ms: i64,
    pub nodes: Vec<Node>,
    pub wires: Vec<Wire>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    /// What ends a flow, for the outcome's account of each one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flows: Option<FlowsSpec>,
    /// What the outcome must be, for `brokerlab test`: kept as written, read by
    /// `crate::expect` (the page carries no reader for it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Value>,
    /// Each event type's schema versions, by event type.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "SchemaSpec::write_all")]
    pub schemas: Vec<(String, SchemaSpec)>,
    /// A schema registry that checks each producer's deploy of a new version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistrySpec>,
}

pub fn default_seed() -> u64 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Producer(ProducerSpec),
    Exchange(ExchangeSpec),
    Queue(QueueSpec),
    Topic(TopicSpec),
    Consumer(ConsumerSpec),
    DeadLetterQueue(DeadLetterQueueSpec),
    ReadModel(ReadModelSpec),
    Broker(BrokerSpec),
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
            Node::ReadModel(n) => &n.id,
            Node::Broker(n) => &n.id,
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
            Node::ReadModel(_) => "read model",
            Node::Broker(_) => "broker",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Shared by several node kinds: what the writer leaves out, and the default downtime

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}
pub(crate) fn is_false(v: &bool) -> bool {
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
        match json::read(text) {
            Ok(value) => Scenario::from_value(value),
            Err(JsonError::WrittenTwice(path)) => {
                Err(vec![Problem::new(path, "is written twice in the same object; keep one")])
            }
            Err(e) => Err(vec![Problem::new("", format!("not valid JSON: {e}"))]),
        }
    }

    /// Reads a scenario from parsed JSON, collecting one problem per bad part (a node, a wire,
    /// an action, the lesson, the rest) rather than stopping at the first.
    pub fn from_value(value: Value) -> Result<Scenario, Vec<Problem>> {
        let Value::Object(top) = &value else {
            return Err(vec![Problem::new("", "a scenario is a JSON object")]);
        };
        match top.get("version") {
            None => return Err(vec![Problem::new("version", "missing; this build reads \"version\": 1")]),
            Some(v) => match v.as_i64() {
                Some(CURRENT_VERSION) => {}
                Some(n) if n > CURRENT_VERSION => {
                    return Err(vec![Problem::new(
                        "version",
                        format!("this scenario is from a newer Brokerlab (version {n}); this build reads version {CURRENT_VERSION}"),
                    )])
                }
                _ => return Err(vec![Problem::new("version", format!("must be {CURRENT_VERSION}"))]),
            },
        }

        let mut problems = Vec::new();
        let root = At::base("");
        let node_values = items_at(
            top,
            "nodes",
            Some("missing; a scenario lists its nodes (an empty list is allowed)"),
            &mut problems,
        );
        let wire_values = items_at(top, "wires", None, &mut problems);
        let action_values = items_at(top, "actions", None, &mut problems);
        let nodes = read_items(node_values, &root.key("nodes"), read_node, &mut problems);
        let wires = read_items(wire_values, &root.key("wires"), read_wire, &mut problems);
        let actions = read_items(action_values, &root.key("actions"), read_action, &mut problems);
        let expect = items_at(top, "expect", None, &mut problems).to_vec();
        let lesson = match top.get("lesson") {
            None | Some(Value::Null) => None,
            Some(v) if !v.is_object() => {
                problems
                    .push(Problem::new("lesson", "must be an object: {\"watch\": ..., \"try\": ..., \"fix\": ...}"));
                None
            }
            Some(v) => Lesson::read(v, &root.key("lesson")).map_err(|p| problems.push(p)).ok(),
        };

        let schemas = match top.get("schemas") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => SchemaSpec::read_all(v, &root.key("schemas")).unwrap_or_else(|p| {
                problems.push(p);
                Vec::new()
            }),
        };
        let registry = match top.get("registry") {
            None | Some(Value::Null) => None,
            Some(v) => RegistrySpec::read(v, &root.key("registry")).map_err(|p| problems.push(p)).ok(),
        };

        // The flat part of the scenario.
        let head = read_head(top, &root).map_err(|p| problems.push(p)).ok();
        if !problems.is_empty() {
            return Err(problems);
        }
        let (title, description, seed, duration_ms, view, flows) = head.expect("no problems means the head was read");
        Ok(Scenario {
            version: CURRENT_VERSION,
            title,
            description,
            lesson,
            seed,
            duration_ms,
            nodes,
            wires,
            actions,
            view,
            flows,
            expect,
            schemas,
            registry,
        })
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }
}

/// The list at `key` of the scenario's top level; a problem, and no items, when it is not a
/// list, or when it is absent and `missing` says it must be there.
fn items_at<'v>(
    top: &'v Map<String, Value>,
    key: &str,
    missing: Option<&str>,
    problems: &mut Vec<Problem>,
) -> &'v [Value] {
    match top.get(key) {
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(Problem::new(key, format!("must be a list of {key}")));
            &[]
        }
        None => {
            problems.extend(missing.map(|m| Problem::new(key, m)));
            &[]
        }
    }
}

/// Each item of a list read at its index: one problem per bad item, the good ones kept.
fn read_items<T>(items: &[Value], at: &At, read: fn(&Value, &At) -> Read<T>, problems: &mut Vec<Problem>) -> Vec<T> {
    items.iter().enumerate().filter_map(|(i, v)| read(v, &at.index(i)).map_err(|p| problems.push(p)).ok()).collect()
}

/// Every key a scenario's top level may hold.
const TOP_FIELDS: [&str; 14] = [
    "version",
    "title",
    "description",
    "lesson",
    "seed",
    "duration_ms",
    "nodes",
    "wires",
    "actions",
    "view",
    "flows",
    "expect",
    "schemas",
    "registry",
];

/// The title, description, seed, duration, view and flows.
#[allow(clippy::type_complexity)]
fn read_head(top: &Map<String, Value>, at: &At) -> Read<(String, String, u64, i64, Option<View>, Option<FlowsSpec>)> {
    let f = Fields::of(top, at, &TOP_FIELDS)?;
    let title = f.or("title", string, String::new())?;
    let description = f.or("description", string, String::new())?;
    let seed = f.or("seed", uint, default_seed())?;
    let view = f.opt("view", View::read)?;
    let flows = f.opt("flows", FlowsSpec::read)?;
    let Some(duration_ms) = f.opt("duration_ms", int)? else {
        return Err(Problem::new(
            "duration_ms",
            "missing; every scenario says how long it runs, in milliseconds of virtual time",
        ));
    };
    Ok((title, description, seed, duration_ms, view, flows))
}

const NODE_KINDS: &str = "producer, exchange, queue, topic, consumer, dead_letter_queue, read_model, broker";

fn read_node(value: &Value, at: &At) -> Read<Node> {
    let Value::Object(map) = value else {
        return Err(at.bad("a node is a JSON object with an \"id\" and a \"kind\""));
    };
    let kind_at = at.key("kind");
    let kind = match map.get("kind") {
        Some(Value::String(k)) => k.as_str(),
        Some(_) => return Err(kind_at.bad(format!("must be one of {NODE_KINDS}"))),
        None => return Err(kind_at.bad(format!("missing; one of {NODE_KINDS}"))),
    };
    // The kind is read; the kind's reader sees the rest.
    let mut body = map.clone();
    body.remove("kind");
    let body = Value::Object(body);
    Ok(match kind {
        "producer" => Node::Producer(ProducerSpec::read(&body, at)?),
        "exchange" => Node::Exchange(ExchangeSpec::read(&body, at)?),
        "queue" => Node::Queue(QueueSpec::read(&body, at)?),
        "consumer" => Node::Consumer(ConsumerSpec::read(&body, at)?),
        "dead_letter_queue" | "dlq" => Node::DeadLetterQueue(DeadLetterQueueSpec::read(&body, at)?),
        "topic" => Node::Topic(TopicSpec::read(&body, at)?),
        "read_model" => Node::ReadModel(ReadModelSpec::read(&body, at)?),
        "broker" => Node::Broker(BrokerSpec::read(&body, at)?),
        other => return Err(kind_at.bad(format!("unknown kind \"{other}\"; one of {NODE_KINDS}"))),
    })
}

/// A wire is `["from", "to"]` or `{"from": ..., "to": ..., ...}`.
fn read_wire(value: &Value, at: &At) -> Read<Wire> {
    match value {
        Value::Array(items) => {
            let ends: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if items.len() != 2 || ends.len() != 2 {
                return Err(at.bad("a short wire is a pair of node ids: [\"from\", \"to\"]"));
            }
            Ok(Wire {
                from: ends[0].to_string(),
                to: ends[1].to_string(),
                binding_key: None,
                delay_ms: 0.0,
                jitter_ms: 0.0,
            })
        }
        Value::Object(_) => Wire::read(value, at),
        _ => Err(at.bad("a wire is [\"from\", \"to\"] or {\"from\": ..., \"to\": ...}")),
    }
}

/// An action is `{"at_ms": T, "<kind>": {...}}` with exactly one kind.
fn read_action(value: &Value, at: &At) -> Read<Action> {
    let kinds = ActionKind::NAMES.join(", ");
    let Value::Object(map) = value else {
        return Err(at.bad("an action is {\"at_ms\": T, \"crash\": {...}}"));
    };
    let at_ms = match map.get("at_ms") {
        Some(v) => v.as_i64().ok_or_else(|| at.key("at_ms").bad("must be a whole number of milliseconds"))?,
        None => return Err(at.key("at_ms").bad("missing; when the action happens, in ms")),
    };
    let mut what = map.clone();
    what.remove("at_ms");
    if what.len() != 1 {
        return Err(at.bad(format!("needs exactly one of {kinds} beside at_ms")));
    }
    let what = ActionKind::read(&Value::Object(what), at).map_err(|p| {
        if p.message.starts_with("unknown variant") && p.path == at.path() {
            Problem::new(p.path, format!("unknown action; one of {kinds}"))
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
