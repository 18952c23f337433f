//! Checks a [`Scenario`] and compiles it into a [`Model`]. Every problem found is reported,
//! each with the path of the field and what would be accepted, so that a person can fix them
//! all in one go. Limits on sizes and rates keep a hostile or mistaken file from making the
//! simulation run for ever or eat all memory.
//!
//! One `Checker` walks the scenario in a fixed order, collecting problems as it goes, so the
//! same file always gives the same problems in the same order:
//!
//! ```text
//!   Scenario ──validate──▶ Checker::compile
//!     1. duration, sizes, title, description, node ids  here, text.rs
//!     2. each node by its kind                          producer.rs, queue.rs, topic.rs, consumer.rs
//!     3. wires: which ends may join, what each carries  wire.rs
//!        sagas: each step's command reaches its queue   saga.rs
//!     4. queues' dead-letter targets                    queue.rs
//!     5. topic consumers: groups, commits, polling      consumer.rs
//!     6. producers whose settings need a topic          producer.rs
//!     7. the action script                              action.rs
//!        event schemas, and the versions named          schema.rs
//!     8. the lesson, the view, poison keys              lesson.rs, here, consumer.rs
//!   ──▶ Ok(Model), or Err(every Problem found)
//! ```
//!
//! This file holds the walk and the checks several parts share: whole numbers in a range,
//! milliseconds, probabilities, names, references to unknown node ids, slow-down factors, and
//! the wording of numbers and node kinds in messages. Text without control characters is
//! checked in `text.rs`.

mod action;
mod broker;
mod consumer;
mod flows;
mod lesson;
mod producer;
mod queue;
mod read_model;
mod saga;
mod schema;
#[cfg(test)]
mod tests;
mod text;
mod topic;
mod wire;

use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::problem::Problem;
use crate::scenario::quoted::key_path;
use crate::scenario::*;

pub use crate::scenario::limits::*;
pub use wire::wire_refusal;

/// Validates and compiles. `Err` holds every problem found, in file order.
pub fn validate(s: &Scenario) -> Result<Model, Vec<Problem>> {
    let mut v = Checker {
        problems: Vec::new(),
        duration_ms: 0,
        consumer_topic: Vec::new(),
        keys: 0,
        event_types: 0,
        names_flows: s.flows.is_some()
            || s.nodes
                .iter()
                .any(|n| matches!(n, Node::Consumer(c) if c.orchestrates.is_some() || c.requests.is_some())),
    };
    let model = v.compile(s);
    if v.problems.is_empty() {
        Ok(model)
    } else {
        Err(v.problems)
    }
}

struct Checker {
    problems: Vec<Problem>,
    duration_ms: u64,
    /// The topic each topic consumer reads, by the consumer's index.
    consumer_topic: Vec<Option<NodeId>>,
    /// Keys and event-type names of the producers read so far (see `MAX_TOTAL_KEYS` and
    /// `MAX_EVENT_TYPES`).
    keys: u64,
    event_types: u64,
    /// The scenario names its flows (a lesson may then ask about them).
    names_flows: bool,
}

/// Node ids by name, for the checks that follow a reference: every (name, node) sorted by
/// name, then node. A name written twice (a problem already reported) finds its last node, as a
/// map filled in file order would. A sorted list rather than a `BTreeMap<&str, NodeId>`: the
/// B-tree was a few kilobytes of wasm of its own for a table read by binary search anyway.
struct ByName<'a>(Vec<(&'a str, NodeId)>);

impl<'a> ByName<'a> {
    fn new(s: &'a Scenario) -> Self {
        let mut all: Vec<(&str, NodeId)> =
            s.nodes.iter().enumerate().map(|(i, n)| (n.id(), NodeId(i as u32))).collect();
        crate::sort::sort(&mut all);
        ByName(all)
    }

    /// Whether a node before `id` has the name `name`.
    fn repeats(&self, name: &str, id: NodeId) -> bool {
        let first = self.0.partition_point(|(n, _)| *n < name);
        self.0.get(first).is_some_and(|&(n, f)| n == name && f < id)
    }

    fn get(&self, name: &str) -> Option<&NodeId> {
        let end = self.0.partition_point(|(n, _)| *n <= name);
        let (n, id) = self.0.get(end.checked_sub(1)?)?;
        (*n == name).then_some(id)
    }

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// "a" or "an" before a node kind.
/// The path of `rest` (".field" or "[i]") under `base`. One plain function rather than a
/// `format!` at each of the checker's hundred call sites: each of those was its own copy of
/// the formatting machinery in the app's wasm.
#[inline(never)]
fn sub_path(base: &str, rest: &str) -> String {
    let mut path = String::with_capacity(base.len() + rest.len());
    path.push_str(base);
    path.push_str(rest);
    path
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    /// `base` and `rest` make the field's path (see `sub_path`), written out only for a problem.
    fn int_range(&mut self, base: &str, rest: &str, v: i64, lo: i64, hi: i64, unit: &str) -> u64 {
        if v < lo {
            let path = sub_path(base, rest);
            if lo == 1 {
                self.err(
                    path,
                    format!(
                        "must be at least 1{}",
                        unit.replace(" records", " record").replace(" messages", " message")
                    ),
                );
            } else if lo == 0 {
                self.err(path, format!("must not be negative (got {v})"));
            } else {
                self.err(path, format!("must be at least {lo}{unit}"));
            }
            lo.max(0) as u64
        } else if v > hi {
            self.err(sub_path(base, rest), format!("must be at most {hi}{unit} (got {v})"));
            hi as u64
        } else {
            v as u64
        }
    }

    fn prefetch(&mut self, base: &str, rest: &str, v: i64) -> u32 {
        if v == 0 {
            self.err(
                sub_path(base, rest),
                format!("must be at least 1 (RabbitMQ reads 0 as unlimited; write the limit you mean, up to {MAX_PREFETCH})"),
            );
            1
        } else {
            self.int_range(base, rest, v, 1, MAX_PREFETCH, "") as u32
        }
    }

    fn ms(&mut self, base: &str, rest: &str, v: f64, allow_zero: bool) -> f64 {
        if !v.is_finite() {
            self.err(sub_path(base, rest), "must be a number of milliseconds");
            0.0
        } else if v < 0.0 || (!allow_zero && v == 0.0) {
            self.err(sub_path(base, rest), if allow_zero { "must not be negative" } else { "must be more than 0 ms" });
            0.0
        } else if v > MAX_MS {
            self.err(sub_path(base, rest), format!("must be at most {} ms (one hour)", crate::decimal::plain(MAX_MS)));
            MAX_MS
        } else {
            v
        }
    }

    /// A whole number of milliseconds from 1 ms to a day, or `default` when absent.
    fn ms_setting(&mut self, base: &str, rest: &str, v: Option<i64>, default: i64) -> u64 {
        self.whole_ms(base, rest, v.unwrap_or(default), 1)
    }

    /// A whole number of milliseconds from `lo` (0 or 1) to a day.
    fn whole_ms(&mut self, base: &str, rest: &str, v: i64, lo: i64) -> u64 {
        self.int_range(base, rest, v, lo, MAX_DURATION_MS, " ms")
    }

    /// A reference to a node by an id that no node has.
    fn no_such_node(&mut self, path: impl Into<String>, id: &str) {
        self.err(path, format!("no node has the id \"{id}\""));
    }

    /// How many times slower a consumer works, from a fault or a `slow` action: 0.001 to 10000.
    fn slow_factor(&mut self, base: &str, rest: &str, factor: f64) -> Option<f64> {
        if !factor.is_finite() || !(0.001..=10_000.0).contains(&factor) {
            self.err(sub_path(base, rest), "must be between 0.001 and 10000");
            None
        } else {
            Some(factor)
        }
    }

    /// A name people read (an effect, a group, a business write): 1 to MAX_NAME_LEN characters,
    /// no control characters.
    fn name(&mut self, base: &str, rest: &str, name: &str) {
        if name.trim().is_empty() || name.chars().count() > MAX_NAME_LEN {
            self.err(sub_path(base, rest), format!("must be a name of 1 to {MAX_NAME_LEN} characters"));
        } else {
            self.no_control_characters(base, rest, name);
        }
    }

    fn probability(&mut self, base: &str, rest: &str, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) || p.is_nan() {
            self.err(sub_path(base, rest), "must be a probability between 0 and 1");
            0.0
        } else {
            p
        }
    }

    fn compile(&mut self, s: &Scenario) -> Model {
        let duration_ms = self.whole_ms("duration_ms", "", s.duration_ms, 1);
        self.duration_ms = duration_ms;
        self.no_control_characters("title", "", &s.title);
        self.no_control_characters("description", "", &s.description);
        if s.nodes.len() > MAX_NODES {
            self.err("nodes", format!("has {} nodes; the most is {MAX_NODES}", s.nodes.len()));
        }
        if s.wires.len() > MAX_WIRES {
            self.err("wires", format!("has {} wires; the most is {MAX_WIRES}", s.wires.len()));
        }
        if s.actions.len() > MAX_ACTIONS {
            self.err("actions", format!("has {} actions; the most is {MAX_ACTIONS}", s.actions.len()));
        }

        // Names first: everything else refers to nodes by id.
        let by_name = ByName::new(s);
        let mut repeated = false;
        for (i, n) in s.nodes.iter().enumerate() {
            let id = n.id();
            let path = format!("nodes[{i}].id");
            if id.is_empty() {
                self.err(&path, "must not be empty");
            } else if id.trim().is_empty() {
                self.err(&path, "must not be blank");
            } else if id.chars().count() > MAX_NAME_LEN {
                self.err(&path, format!("must be at most {MAX_NAME_LEN} characters"));
            } else {
                self.no_control_characters(&path, "", id);
            }
            if by_name.repeats(id, NodeId(i as u32)) {
                self.err(&path, format!("\"{id}\" is used by another node; ids must be unique"));
                repeated = true;
            }
        }

        let mut nodes: Vec<NodeModel> = s.nodes.iter().enumerate().map(|(i, n)| self.compile_node(i, n)).collect();
        // With an id two nodes have, a wire naming it could mean either: the repeated id is
        // the problem, not what the wires would join.
        if !repeated {
            self.compile_wires(s, &by_name, &mut nodes);
        }
        self.compile_replication(s, &mut nodes);
        self.check_saga_queues(s, &by_name, &mut nodes);
        self.compile_dead_letters(s, &by_name, &mut nodes);
        let groups = self.compile_log_consumers(s, &by_name, &mut nodes);
        self.check_read_models(s, &by_name, &mut nodes);
        self.check_producer_targets(s, &nodes);
        let actions = self.compile_actions(s, &by_name, duration_ms, &groups);
        let schemas = self.compile_schemas(s);
        self.check_schema_versions(s, &nodes, &schemas);
        if let Some(lesson) = &s.lesson {
            self.check_lesson(lesson, &by_name, &nodes, duration_ms);
        }
        if let Some(view) = &s.view {
            self.check_view(view, &by_name);
        }
        self.check_poison_keys(s);

        let flows = s.flows.as_ref().map(|f| self.compile_flows(f, &nodes));
        Model {
            groups,
            title: s.title.clone(),
            seed: s.seed,
            duration: Duration::from_ms(duration_ms),
            nodes,
            actions,
            flows,
            schemas,
        }
    }

    /// The editor's view of the file: its zoom and node positions. Like the lesson, it never
    /// reaches the model.
    fn check_view(&mut self, view: &View, by_name: &ByName) {
        if !(view.zoom.is_finite() && view.zoom >= 0.1 && view.zoom <= 10.0) {
            self.err("view.zoom", "must be between 0.1 and 10");
        }
        for (name, [x, y]) in &view.positions {
            let path = key_path("view.positions", name);
            if !by_name.contains_key(name.as_str()) {
                self.no_such_node(path, name);
            } else if !(x.is_finite() && y.is_finite() && x.abs() <= 1e6 && y.abs() <= 1e6) {
                self.err(path, "must be two numbers between -1000000 and 1000000");
            }
        }
    }

    /// One node by its kind; the checks for each kind live in that kind's file. An exchange
    /// has no settings of its own: its binding keys are on its wires.
    fn compile_node(&mut self, i: usize, n: &Node) -> NodeModel {
        let p = format!("nodes[{i}]");
        let kind = match n {
            Node::Producer(spec) => NodeKind::Producer(self.compile_producer(&p, spec)),
            Node::Exchange(spec) => {
                NodeKind::Exchange(ExchangeModel { exchange_type: spec.exchange_type, bindings: Vec::new() })
            }
            Node::Queue(spec) => NodeKind::Queue(self.compile_queue(&p, spec)),
            Node::Topic(spec) => NodeKind::Topic(self.compile_topic(&p, spec)),
            Node::Consumer(spec) => NodeKind::Consumer(self.compile_consumer(&p, spec)),
            Node::DeadLetterQueue(_) => NodeKind::DeadLetterQueue,
            Node::ReadModel(spec) => NodeKind::ReadModel(self.compile_read_model(&p, spec)),
            Node::Broker(spec) => NodeKind::Broker(self.compile_broker(&p, spec)),
        };
        NodeModel { name: n.id().to_string(), kind }
    }
}
