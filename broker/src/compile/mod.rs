//! Checks a [`Scenario`] and compiles it into a [`Model`]. Every problem found is reported,
//! each with the path of the field and what would be accepted, so that a person can fix them
//! all in one go. Limits on sizes and rates keep a hostile or mistaken file from making the
//! simulation run for ever or eat all memory.

use std::collections::BTreeMap;

use crate::model::command::{Command, ResetTarget};
use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::lesson::{self, Lesson};
use crate::scenario::problem::Problem;
use crate::scenario::*;

pub use crate::scenario::limits::*;

/// Validates and compiles. `Err` holds every problem found, in file order.
pub fn validate(s: &Scenario) -> Result<Model, Vec<Problem>> {
    let mut v = Checker { problems: Vec::new(), duration_ms: 0, consumer_topic: BTreeMap::new() };
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
    /// The topic each topic consumer reads.
    consumer_topic: BTreeMap<NodeId, NodeId>,
}

/// A number for a message: huge or tiny values in scientific notation.
fn compact(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-3) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// "a" or "an" before a node kind.
fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// What a wire's two ends may be, and why not otherwise.
///
/// `from` and `to` are node kinds as the scenario writes them (`"producer"`, `"exchange"`,
/// `"queue"`, `"topic"`, `"consumer"`, `"dead_letter_queue"`); the editor asks before it
/// draws a wire, and the validator asks again of every wire in a file.
pub fn wire_refusal(from: &str, to: &str) -> Option<String> {
    let kind = |k: &str| match k {
        "producer" => Producer,
        "exchange" => Exchange,
        "queue" => Queue,
        "topic" => Topic,
        "consumer" => Consumer,
        _ => DeadLetterQueue,
    };
    let (from, to) = (kind(from), kind(to));
    let ok = matches!(
        (from, to),
        (Producer, Exchange)
            | (Producer, Queue)
            | (Producer, Topic)
            | (Exchange, Queue)
            | (Queue, Consumer)
            | (Topic, Consumer)
    );
    if ok {
        return None;
    }
    let (a, b) = (from.name(), to.name());
    let why = match (from, to) {
        (DeadLetterQueue, _) => {
            "a dead-letter queue only collects dead letters; send them back with a redrive action".to_string()
        }
        (_, DeadLetterQueue) => {
            "dead letters reach a dead-letter queue through a queue's \"dead_letter\" setting, not a wire".to_string()
        }
        (_, Producer) => format!("{} {a} cannot publish to a producer", article(a)),
        (Consumer, _) => {
            format!("a consumer cannot send to {} {b}; it only reads from a queue or a topic", article(b))
        }
        (Producer, Consumer) => {
            "a producer publishes to an exchange, a queue or a topic, and consumers read from the queue or topic"
                .to_string()
        }
        (Exchange, Consumer) => {
            "an exchange routes to queues; put a queue between the exchange and the consumer".to_string()
        }
        (Queue, Queue) | (Queue, Exchange) => {
            "a queue delivers only to consumers; use its \"dead_letter\" setting to move messages on".to_string()
        }
        (Exchange, Exchange) => {
            "exchange-to-exchange bindings are not supported; bind the queues to the first exchange".to_string()
        }
        (Exchange, Topic) => "an exchange routes to queues; wire the producer straight to the topic".to_string(),
        (Topic, _) => {
            "a topic is read by consumers; use a consumer's \"dead_letter\" setting to move records on".to_string()
        }
        (Queue, Topic) => "a queue delivers only to consumers; a producer publishes to a topic".to_string(),
        _ => format!("{} {a} cannot be wired to {} {b}", article(a), article(b)),
    };
    Some(why)
}

#[derive(Clone, Copy)]
enum WireEnd {
    Producer,
    Exchange,
    Queue,
    Topic,
    Consumer,
    DeadLetterQueue,
}
use WireEnd::*;

impl WireEnd {
    fn name(self) -> &'static str {
        match self {
            Producer => "producer",
            Exchange => "exchange",
            Queue => "queue",
            Topic => "topic",
            Consumer => "consumer",
            DeadLetterQueue => "dead-letter queue",
        }
    }
}

/// A node's kind as the scenario writes it.
fn json_kind(n: &Node) -> &'static str {
    match n {
        Node::Producer(_) => "producer",
        Node::Exchange(_) => "exchange",
        Node::Queue(_) => "queue",
        Node::Topic(_) => "topic",
        Node::Consumer(_) => "consumer",
        Node::DeadLetterQueue(_) => "dead_letter_queue",
    }
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    fn int_range(&mut self, path: &str, v: i64, lo: i64, hi: i64, unit: &str) -> u64 {
        if v < lo {
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
            self.err(path, format!("must be at most {hi}{unit} (got {v})"));
            hi as u64
        } else {
            v as u64
        }
    }

    fn prefetch(&mut self, path: &str, v: i64) -> u32 {
        if v == 0 {
            self.err(
                path,
                format!("must be at least 1 (RabbitMQ reads 0 as unlimited; write the limit you mean, up to {MAX_PREFETCH})"),
            );
            1
        } else {
            self.int_range(path, v, 1, MAX_PREFETCH, "") as u32
        }
    }

    fn ms(&mut self, path: &str, v: f64, allow_zero: bool) -> f64 {
        if !v.is_finite() {
            self.err(path, "must be a number of milliseconds");
            0.0
        } else if v < 0.0 || (!allow_zero && v == 0.0) {
            self.err(path, if allow_zero { "must not be negative" } else { "must be more than 0 ms" });
            0.0
        } else if v > MAX_MS {
            self.err(path, format!("must be at most {MAX_MS} ms (one hour)"));
            MAX_MS
        } else {
            v
        }
    }

    /// A wire from a queue or topic (`source`) to a consumer: it has no delay, jitter or
    /// binding key, and the consumer must not read from anything else yet. Returns whether the
    /// consumer can take this source.
    fn consumer_wire(&mut self, p: &str, w: &Wire, source: &str, consumer: &NodeKind, id: NodeId) -> bool {
        if w.delay_ms != 0.0 || w.jitter_ms != 0.0 || w.binding_key.is_some() {
            self.err(p, format!("a wire from a {source} to a consumer has no delay, jitter or binding key"));
        }
        let reads_queue = matches!(consumer, NodeKind::Consumer(cm) if cm.queue.is_some());
        if reads_queue || self.consumer_topic.contains_key(&id) {
            self.err(p, format!("consumer {:?} already reads from a queue or topic; a consumer reads from one", w.to));
            return false;
        }
        true
    }

    /// A whole number of milliseconds from 1 ms to a day, or `default` when absent.
    fn ms_setting(&mut self, path: &str, v: Option<i64>, default: i64) -> u64 {
        self.int_range(path, v.unwrap_or(default), 1, MAX_DURATION_MS, " ms")
    }

    /// A name people read (an effect, a group, a business write): 1 to MAX_NAME_LEN characters.
    fn name(&mut self, path: &str, name: &str) {
        if name.trim().is_empty() || name.chars().count() > MAX_NAME_LEN {
            self.err(path, format!("must be a name of 1 to {MAX_NAME_LEN} characters"));
        }
    }

    fn probability(&mut self, path: &str, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) || p.is_nan() {
            self.err(path, "must be a probability between 0 and 1");
            0.0
        } else {
            p
        }
    }

    fn compile(&mut self, s: &Scenario) -> Model {
        let duration_ms = self.int_range("duration_ms", s.duration_ms, 1, MAX_DURATION_MS, " ms");
        self.duration_ms = duration_ms;
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
        let mut by_name: BTreeMap<&str, NodeId> = BTreeMap::new();
        for (i, n) in s.nodes.iter().enumerate() {
            let id = n.id();
            let path = format!("nodes[{i}].id");
            if id.is_empty() {
                self.err(&path, "must not be empty");
            } else if id.trim().is_empty() {
                self.err(&path, "must not be blank");
            } else if id.chars().count() > MAX_NAME_LEN {
                self.err(&path, format!("must be at most {MAX_NAME_LEN} characters"));
            } else if id.chars().any(char::is_control) {
                self.err(&path, "must not contain control characters");
            }
            if by_name.insert(id, NodeId(i as u32)).is_some() {
                self.err(&path, format!("{id:?} is used by another node; ids must be unique"));
            }
        }

        let mut nodes: Vec<NodeModel> = s.nodes.iter().enumerate().map(|(i, n)| self.compile_node(i, n)).collect();
        self.compile_wires(s, &by_name, &mut nodes, duration_ms);
        self.compile_dead_letters(s, &by_name, &mut nodes);
        let groups = self.compile_log_consumers(s, &by_name, &mut nodes);
        let actions = self.compile_actions(s, &by_name, duration_ms, &groups);
        if let Some(lesson) = &s.lesson {
            self.check_lesson(lesson, &by_name, &nodes, duration_ms);
        }
        if let Some(view) = &s.view {
            if !(view.zoom.is_finite() && view.zoom >= 0.1 && view.zoom <= 10.0) {
                self.err("view.zoom", "must be between 0.1 and 10");
            }
            for (name, [x, y]) in &view.positions {
                if !by_name.contains_key(name.as_str()) {
                    self.err(format!("view.positions.{name}"), format!("no node has the id {name:?}"));
                } else if !(x.is_finite() && y.is_finite() && x.abs() <= 1e6 && y.abs() <= 1e6) {
                    self.err(format!("view.positions.{name}"), "must be two numbers between -1000000 and 1000000");
                }
            }
        }
        for (i, n) in s.nodes.iter().enumerate() {
            if let Node::Consumer(c) = n {
                for (j, f) in c.faults.iter().enumerate() {
                    if let ConsumerFault::Poison(PoisonSpec { key: Some(k), .. }) = f {
                        if k.is_empty() {
                            self.err(format!("nodes[{i}].faults[{j}].poison.key"), "must not be empty");
                        }
                    }
                }
            }
        }

        Model { groups, title: s.title.clone(), seed: s.seed, duration: Duration::from_ms(duration_ms), nodes, actions }
    }

    /// Prose a learner reads: not blank, and short enough to read beside a running scenario.
    fn prose(&mut self, path: &str, text: &str, max: usize, what: &str) {
        let n = text.chars().count();
        if text.trim().is_empty() {
            self.err(path, format!("must not be empty; {what}"));
        } else if n > max {
            let size = if max >= lesson::MAX_PARAGRAPH { "one to three short sentences" } else { "one short sentence" };
            self.err(path, format!("must be at most {max} characters (got {n}): {size}"));
        }
    }

    /// The narration is checked like the rest of the file, but nothing in it reaches the model:
    /// a lesson never changes the run.
    fn check_lesson(&mut self, l: &Lesson, by_name: &BTreeMap<&str, NodeId>, nodes: &[NodeModel], duration_ms: u64) {
        use lesson::{MAX_PARAGRAPH, MAX_POINTS, MAX_SENTENCE, MAX_UNIT};
        self.prose("lesson.watch", &l.watch, MAX_PARAGRAPH, "say what to watch");
        self.prose("lesson.try", &l.try_this, MAX_PARAGRAPH, "say what to change in the inspector");
        self.prose("lesson.fix", &l.fix, MAX_PARAGRAPH, "say what the fix is and which setting it is");
        if l.points.len() > MAX_POINTS {
            self.err("lesson.points", format!("has {} points; the most is {MAX_POINTS}", l.points.len()));
        }
        for (i, pt) in l.points.iter().enumerate() {
            let p = format!("lesson.points[{i}]");
            self.prose(&format!("{p}.say"), &pt.say, MAX_SENTENCE, "say what happens there");
            if pt.at_ms.is_none() && pt.node.is_none() {
                self.err(&p, "needs \"at_ms\", \"node\" or both: the moment or the node it points at");
            }
            match pt.at_ms {
                Some(at) if at < 0 => self.err(format!("{p}.at_ms"), format!("must not be negative (got {at})")),
                Some(at) if at as u64 > duration_ms => self.err(
                    format!("{p}.at_ms"),
                    format!("is after the run ends: must be at most {duration_ms} ms, the scenario's duration_ms (got {at})"),
                ),
                _ => {}
            }
            if let Some(node) = &pt.node {
                if !by_name.contains_key(node.as_str()) {
                    self.err(format!("{p}.node"), format!("no node has the id {node:?}"));
                }
            }
        }
        let Some(q) = &l.question else { return };
        self.prose("lesson.question.ask", &q.ask, MAX_SENTENCE, "ask for one number the run will show");
        if let Some(unit) = &q.unit {
            if unit.trim().is_empty() || unit.chars().count() > MAX_UNIT {
                self.err(
                    "lesson.question.unit",
                    format!("must be 1 to {MAX_UNIT} characters, e.g. \"times\" or \"messages\""),
                );
            }
        }
        let measure = q.measure.name();
        match (q.measure.is_keyed(), &q.key) {
            (true, None) => self.err(
                "lesson.question.key",
                format!("missing; \"{measure}\" counts over the messages of one key: name it, e.g. \"order-42\""),
            ),
            (false, Some(_)) => self.err(
                "lesson.question.key",
                format!("only \"effects\" and \"deliveries\" count over one key; \"{measure}\" counts the whole run, so remove the key"),
            ),
            (true, Some(key)) => {
                let published = nodes.iter().any(|n| matches!(&n.kind, NodeKind::Producer(p) if p.keys.contains(key)));
                if !published {
                    self.err("lesson.question.key", format!("no producer publishes messages with the key {key:?}"));
                }
            }
            (false, None) => {}
        }
    }

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
        };
        NodeModel { name: n.id().to_string(), kind }
    }

    fn compile_producer(&mut self, p: &str, s: &ProducerSpec) -> ProducerModel {
        let arrivals = match &s.arrivals {
            Arrivals::Fixed { interval_ms } => {
                let ms = self.ms(&format!("{p}.arrivals.fixed.interval_ms"), *interval_ms, false);
                if ms > 0.0 && ms < 0.01 {
                    self.err(
                        format!("{p}.arrivals.fixed.interval_ms"),
                        "must be at least 0.01 ms (100,000 messages a second)",
                    );
                }
                ArrivalModel::Fixed { interval: Duration::from_ms_f64(ms.max(0.01)) }
            }
            Arrivals::Poisson { rate_per_s } => {
                let path = format!("{p}.arrivals.poisson.rate_per_s");
                let rate = if !rate_per_s.is_finite() || *rate_per_s <= 0.0 {
                    self.err(&path, "must be more than 0 messages a second");
                    1.0
                } else if *rate_per_s > MAX_RATE_PER_S {
                    self.err(
                        &path,
                        format!("must be at most {MAX_RATE_PER_S} messages a second (got {})", compact(*rate_per_s)),
                    );
                    MAX_RATE_PER_S
                } else {
                    *rate_per_s
                };
                ArrivalModel::Poisson { mean_gap_us: 1e6 / rate }
            }
            Arrivals::Burst { size, every_ms } => {
                let size = self.int_range(&format!("{p}.arrivals.burst.size"), *size, 1, 10_000, " messages");
                let every = self.ms(&format!("{p}.arrivals.burst.every_ms"), *every_ms, false);
                if every > 0.0 && (size as f64) * 1000.0 / every > MAX_RATE_PER_S {
                    self.err(
                        format!("{p}.arrivals.burst"),
                        format!("averages more than {MAX_RATE_PER_S} messages a second"),
                    );
                }
                ArrivalModel::Burst { size: size as u32, every: Duration::from_ms_f64(every.max(0.01)) }
            }
        };
        let count = s.count.map(|c| self.int_range(&format!("{p}.count"), c, 0, MAX_COUNT, " messages"));
        // An unlimited producer must not outrun the message budget within the scenario.
        if count.is_none() {
            // Ticks run at 0, gap, 2*gap, ... up to and including the end.
            let d_us = self.duration_ms as f64 * 1000.0;
            let expected = match &arrivals {
                ArrivalModel::Fixed { interval } => libm::floor(d_us / interval.0.max(1) as f64) + 1.0,
                ArrivalModel::Poisson { mean_gap_us } => d_us / mean_gap_us,
                ArrivalModel::Burst { size, every } => (libm::floor(d_us / every.0.max(1) as f64) + 1.0) * *size as f64,
            };
            if expected > MAX_COUNT as f64 {
                self.err(
                    format!("{p}.count"),
                    format!("without a count this producer would publish about {} messages in the scenario's duration; the most is {MAX_COUNT}: set a count, a lower rate or a shorter duration", expected.round() as u64),
                );
            }
        }
        let start = self.int_range(&format!("{p}.start_ms"), s.start_ms, 0, MAX_DURATION_MS, " ms");
        let event_types = s.event_type.as_vec();
        if event_types.is_empty() || event_types.iter().any(|t| t.trim().is_empty() || t.chars().count() > MAX_NAME_LEN)
        {
            self.err(
                format!("{p}.event_type"),
                format!("needs one or more non-empty names of at most {MAX_NAME_LEN} characters"),
            );
        }
        let schema_version = self.int_range(&format!("{p}.schema_version"), s.schema_version, 1, 1_000, "") as u32;
        let keys = match &s.keys {
            None => Vec::new(),
            Some(k) => self.keys(&format!("{p}.keys"), k),
        };
        let publish = s.publish.as_ref().map(|ps| PublishModel {
            timeout: Duration::from_ms(self.int_range(
                &format!("{p}.publish.timeout_ms"),
                ps.timeout_ms,
                1,
                3_600_000,
                " ms",
            )),
            retries: self.int_range(&format!("{p}.publish.retries"), ps.retries, 0, 100, "") as u32,
            backoff: Duration::from_ms(self.int_range(
                &format!("{p}.publish.backoff_ms"),
                ps.backoff_ms,
                0,
                3_600_000,
                " ms",
            )),
        });
        let mut publish_lost = 0.0;
        let mut confirm_lost = 0.0;
        let mut crash = None;
        for (j, f) in s.faults.iter().enumerate() {
            match f {
                ProducerFault::PublishLost { probability } => {
                    publish_lost = self.probability(&format!("{p}.faults[{j}].publish_lost.probability"), *probability)
                }
                ProducerFault::ConfirmLost { probability } => {
                    confirm_lost = self.probability(&format!("{p}.faults[{j}].confirm_lost.probability"), *probability)
                }
                ProducerFault::Crash { probability, recover_after_ms } => {
                    let pr = self.probability(&format!("{p}.faults[{j}].crash.probability"), *probability);
                    let rec = self.int_range(
                        &format!("{p}.faults[{j}].crash.recover_after_ms"),
                        *recover_after_ms,
                        0,
                        MAX_DURATION_MS,
                        " ms",
                    );
                    if s.write.is_none() {
                        self.err(
                            format!("{p}.faults[{j}].crash"),
                            "a producer crash falls between its business write and its publish: add \"write\": {\"name\": \"save order\"}",
                        );
                    }
                    crash = Some((pr, Duration::from_ms(rec)));
                }
            }
        }
        let write = s.write.as_ref().map(|w| {
            self.name(&format!("{p}.write.name"), &w.name);
            let relay =
                self.int_range(&format!("{p}.write.relay_interval_ms"), w.relay_interval_ms, 1, 3_600_000, " ms");
            WriteModel {
                name: w.name.clone(),
                outbox: w.outbox,
                relay_interval: Duration::from_ms(relay),
                order: w.order,
            }
        });
        if s.idempotent && publish.is_none() {
            self.err(
                format!("{p}.idempotent"),
                "the idempotent producer needs acks and retries: add \"publish\": {\"timeout_ms\": ..., \"retries\": ...} (Kafka requires retries and acks=all for enable.idempotence)",
            );
        }
        if (publish_lost > 0.0 || confirm_lost > 0.0) && publish.is_none() {
            self.err(
                format!("{p}.faults"),
                "lost publishes and lost confirms need publisher confirms: add \"publish\": {\"timeout_ms\": ..., \"retries\": ...}",
            );
        }
        ProducerModel {
            arrivals,
            count,
            start: Duration::from_ms(start),
            event_types,
            schema_version,
            keys,
            key_choice: s.key_choice,
            routing_key: s.routing_key.clone(),
            publish,
            publish_lost,
            confirm_lost,
            target: None,
            idempotent: s.idempotent,
            partition_by: s.partition_by,
            write,
            crash,
        }
    }

    fn keys(&mut self, path: &str, k: &Keys) -> Vec<String> {
        match k {
            Keys::List(list) => {
                if list.is_empty() || list.len() as i64 > MAX_KEYS {
                    self.err(path, format!("needs between 1 and {MAX_KEYS} keys"));
                    return Vec::new();
                }
                if list.iter().any(|k| k.is_empty() || k.chars().count() > MAX_NAME_LEN) {
                    self.err(path, format!("keys must be non-empty and at most {MAX_NAME_LEN} characters"));
                }
                list.clone()
            }
            Keys::Range(r) => match parse_key_range(r) {
                Ok((prefix, lo, hi)) => {
                    if hi - lo + 1 > MAX_KEYS as u64 {
                        self.err(path, format!("a key range may hold at most {MAX_KEYS} keys"));
                        return Vec::new();
                    }
                    (lo..=hi).map(|n| format!("{prefix}{n}")).collect()
                }
                Err(why) => {
                    self.err(path, why);
                    Vec::new()
                }
            },
        }
    }

    fn compile_topic(&mut self, p: &str, s: &TopicSpec) -> TopicModel {
        let partitions = self.int_range(&format!("{p}.partitions"), s.partitions, 1, MAX_PARTITIONS, "") as u32;
        let retention = s
            .retention_ms
            .map(|v| Duration::from_ms(self.int_range(&format!("{p}.retention_ms"), v, 1, MAX_DURATION_MS, " ms")));
        let retention_records = s
            .retention_records
            .map(|v| self.int_range(&format!("{p}.retention_records"), v, 1, 10_000_000, " records") as u32);
        TopicModel { partitions, retention, retention_records, groups: Vec::new(), consumers: Vec::new() }
    }

    fn compile_queue(&mut self, p: &str, s: &QueueSpec) -> QueueModel {
        let prefetch = self.prefetch(&format!("{p}.prefetch"), s.prefetch);
        let ack_timeout = s
            .ack_timeout_ms
            .map(|v| Duration::from_ms(self.int_range(&format!("{p}.ack_timeout_ms"), v, 1, MAX_DURATION_MS, " ms")));
        let delivery_limit = match (s.delivery_limit, s.queue_type) {
            (Some(-1), _) => None,
            (Some(_), QueueType::Classic) => {
                self.err(
                    format!("{p}.delivery_limit"),
                    "RabbitMQ has delivery limits on quorum queues only; set \"queue_type\": \"quorum\"",
                );
                None
            }
            (Some(v), _) => {
                if v < 1 {
                    self.err(format!("{p}.delivery_limit"), "must be at least 1, or -1 for no limit");
                } else if v > 1_000_000 {
                    self.err(
                        format!("{p}.delivery_limit"),
                        format!("must be at most 1000000 (got {v}), or -1 for no limit"),
                    );
                }
                Some(v.clamp(1, 1_000_000) as u32)
            }
            // RabbitMQ 4.0 gives quorum queues a delivery limit of 20 unless one is set.
            (None, QueueType::Quorum) => Some(20),
            (None, QueueType::Classic) => None,
        };
        if s.queue_type == QueueType::Quorum && s.overflow == Overflow::RejectPublishDlx {
            self.err(
                format!("{p}.overflow"),
                "quorum queues support drop-head and reject-publish only (reject-publish-dlx is a classic-queue setting)",
            );
        }
        let ttl =
            s.ttl_ms.map(|v| Duration::from_ms(self.int_range(&format!("{p}.ttl_ms"), v, 0, MAX_DURATION_MS, " ms")));
        let max_length =
            s.max_length.map(|v| self.int_range(&format!("{p}.max_length"), v, 0, 10_000_000, " messages") as u32);
        QueueModel {
            queue_type: s.queue_type,
            prefetch,
            ack_timeout,
            delivery_limit,
            ttl,
            max_length,
            overflow: s.overflow,
            dead_letter: None,
            consumers: Vec::new(),
        }
    }

    fn compile_consumer(&mut self, p: &str, s: &ConsumerSpec) -> ConsumerModel {
        let processing = match &s.processing {
            Processing::Fixed { ms } => {
                ProcessingModel::Fixed { ms: self.ms(&format!("{p}.processing.fixed.ms"), *ms, true) }
            }
            Processing::Uniform { min_ms, max_ms } => {
                let lo = self.ms(&format!("{p}.processing.uniform.min_ms"), *min_ms, true);
                let hi = self.ms(&format!("{p}.processing.uniform.max_ms"), *max_ms, true);
                if hi < lo {
                    self.err(format!("{p}.processing.uniform.max_ms"), "must not be less than min_ms");
                }
                ProcessingModel::Uniform { min_ms: lo, max_ms: hi.max(lo) }
            }
            Processing::Exponential { mean_ms } => ProcessingModel::Exponential {
                mean_ms: self.ms(&format!("{p}.processing.exponential.mean_ms"), *mean_ms, false),
            },
        };
        let concurrency = self.int_range(&format!("{p}.concurrency"), s.concurrency, 1, MAX_CONCURRENCY, "") as u32;
        let r = &s.retry;
        let base_ms = self.ms(&format!("{p}.retry.base_ms"), r.base_ms, true);
        let cap_ms = self.ms(&format!("{p}.retry.cap_ms"), r.cap_ms, true);
        if cap_ms < base_ms {
            self.err(format!("{p}.retry.cap_ms"), "must not be less than base_ms");
        }
        let default_attempts = if r.policy == RetryPolicy::None { 1 } else { 3 };
        let max_attempts = self.int_range(
            &format!("{p}.retry.max_attempts"),
            r.max_attempts.unwrap_or(default_attempts),
            1,
            MAX_ATTEMPTS,
            "",
        ) as u32;
        if r.policy == RetryPolicy::None && max_attempts > 1 {
            self.err(
                format!("{p}.retry.max_attempts"),
                "needs a retry policy (immediate, fixed or exponential) to retry",
            );
        }
        // Without a named effect, each consumer's effect is its own (named after the consumer).
        let effect = s.effect.clone().unwrap_or_else(|| s.id.clone());
        self.name(&format!("{p}.effect"), &effect);
        let mut m = ConsumerModel {
            semantics: s.semantics,
            processing,
            concurrency,
            prefetch: s.prefetch.map(|v| self.prefetch(&format!("{p}.prefetch"), v)),
            retry: RetryModel {
                policy: r.policy,
                base_ms,
                cap_ms: cap_ms.max(base_ms),
                jitter: r.jitter,
                max_attempts,
                then: r.then,
            },
            effect,
            queue: None,
            crashes: Vec::new(),
            slow_factor: 1.0,
            transient_error_rate: 0.0,
            poison: Vec::new(),
            lose_acks: 0.0,
            downstream_outages: Vec::new(),
            start: Duration::from_ms(self.int_range(&format!("{p}.start_ms"), s.start_ms, 0, MAX_DURATION_MS, " ms")),
            dead_letter: None,
            log: None,
        };
        for (j, f) in s.faults.iter().enumerate() {
            let fp = format!("{p}.faults[{j}]");
            match f {
                ConsumerFault::Crash { probability, point, recover_after_ms } => {
                    let probability = self.probability(&format!("{fp}.crash.probability"), *probability);
                    let rec = self.int_range(
                        &format!("{fp}.crash.recover_after_ms"),
                        *recover_after_ms,
                        0,
                        MAX_DURATION_MS,
                        " ms",
                    );
                    m.crashes.push(CrashModel { probability, point: *point, recover_after: Duration::from_ms(rec) });
                }
                ConsumerFault::Slow { factor } => {
                    if !factor.is_finite() || *factor < 0.001 || *factor > 10_000.0 {
                        self.err(format!("{fp}.slow.factor"), "must be between 0.001 and 10000");
                    } else {
                        m.slow_factor *= *factor;
                    }
                }
                ConsumerFault::TransientErrors { rate } => {
                    m.transient_error_rate = self.probability(&format!("{fp}.transient_errors.rate"), *rate)
                }
                ConsumerFault::Poison(ps) => {
                    let set = [ps.every_nth.is_some(), ps.key.is_some(), ps.schema_version_above.is_some()];
                    if set.iter().filter(|b| **b).count() != 1 {
                        self.err(format!("{fp}.poison"), "needs exactly one of every_nth, key, schema_version_above");
                    }
                    m.poison.push(PoisonModel {
                        every_nth: ps
                            .every_nth
                            .map(|n| self.int_range(&format!("{fp}.poison.every_nth"), n, 1, 1_000_000, "") as u32),
                        key: ps.key.clone(),
                        schema_version_above: ps.schema_version_above.map(|n| {
                            self.int_range(&format!("{fp}.poison.schema_version_above"), n, 0, 1_000, "") as u32
                        }),
                    });
                }
                ConsumerFault::LoseAcks { probability } => {
                    m.lose_acks = self.probability(&format!("{fp}.lose_acks.probability"), *probability)
                }
                ConsumerFault::DownstreamOutage { at_ms, duration_ms } => {
                    let from =
                        self.int_range(&format!("{fp}.downstream_outage.at_ms"), *at_ms, 0, MAX_DURATION_MS, " ms");
                    let len = self.int_range(
                        &format!("{fp}.downstream_outage.duration_ms"),
                        *duration_ms,
                        1,
                        MAX_DURATION_MS,
                        " ms",
                    );
                    m.downstream_outages.push((Duration::from_ms(from), Duration::from_ms(from + len)));
                }
            }
        }
        m
    }

    fn compile_wires(
        &mut self,
        s: &Scenario,
        by_name: &BTreeMap<&str, NodeId>,
        nodes: &mut [NodeModel],
        duration_ms: u64,
    ) {
        let _ = duration_ms;
        let mut seen: BTreeMap<(NodeId, NodeId), usize> = BTreeMap::new();
        for (i, w) in s.wires.iter().enumerate() {
            let p = format!("wires[{i}]");
            let from = by_name.get(w.from.as_str()).copied();
            let to = by_name.get(w.to.as_str()).copied();
            if from.is_none() {
                self.err(format!("{p}.from"), format!("no node has the id {:?}", w.from));
            }
            if to.is_none() {
                self.err(format!("{p}.to"), format!("no node has the id {:?}", w.to));
            }
            let (Some(from), Some(to)) = (from, to) else { continue };
            if from == to {
                self.err(&p, "a node cannot be wired to itself");
                continue;
            }
            if let Some(why) = wire_refusal(json_kind(&s.nodes[from.index()]), json_kind(&s.nodes[to.index()])) {
                self.err(&p, why);
                continue;
            }
            if let Some(first) = seen.insert((from, to), i) {
                self.err(&p, format!("repeats wires[{first}]"));
                continue;
            }
            let delay = self.ms(&format!("{p}.delay_ms"), w.delay_ms, true);
            let jitter = self.ms(&format!("{p}.jitter_ms"), w.jitter_ms, true);
            let link = Link { to, delay: Duration::from_ms_f64(delay), jitter: Duration::from_ms_f64(jitter) };
            let from_name = s.nodes[from.index()].id().to_string();
            match &mut nodes[from.index()].kind {
                NodeKind::Producer(pm) => {
                    if w.binding_key.is_some() {
                        self.err(
                            format!("{p}.binding_key"),
                            "only a wire from a direct or topic exchange to a queue has a binding key",
                        );
                    }
                    if pm.target.is_some() {
                        self.err(&p, format!("producer {from_name:?} already publishes elsewhere; a producer publishes to one exchange, queue or topic (use a fanout exchange to reach several queues, or several consumer groups on one topic)"));
                    } else {
                        pm.target = Some(link);
                    }
                }
                NodeKind::Exchange(em) => {
                    match (em.exchange_type, &w.binding_key) {
                        (ExchangeType::Fanout, Some(_)) => {
                            self.err(format!("{p}.binding_key"), "a fanout exchange ignores binding keys; remove it or make the exchange direct or topic")
                        }
                        (ExchangeType::Direct | ExchangeType::Topic, None) => self.err(
                            format!("{p}.binding_key"),
                            "a wire from a direct or topic exchange needs a binding key (e.g. \"OrderPlaced\" or \"order.*\")",
                        ),
                        (ExchangeType::Topic, Some(k)) if k.split('.').any(str::is_empty) => {
                            self.err(format!("{p}.binding_key"), "a topic binding key is words separated by dots, with * for one word and # for any number")
                        }
                        _ => {}
                    }
                    em.bindings.push(Binding { link, key: w.binding_key.clone() });
                }
                NodeKind::Topic(_) => {
                    if !self.consumer_wire(&p, w, "topic", &nodes[to.index()].kind, to) {
                        continue;
                    }
                    self.consumer_topic.insert(to, from);
                    if let NodeKind::Topic(tm) = &mut nodes[from.index()].kind {
                        tm.consumers.push(to);
                    }
                }
                NodeKind::Queue(_) => {
                    let queue = from;
                    let consumer = to;
                    if !self.consumer_wire(&p, w, "queue", &nodes[consumer.index()].kind, consumer) {
                        continue;
                    }
                    if let NodeKind::Consumer(cm) = &mut nodes[consumer.index()].kind {
                        cm.queue = Some(queue);
                    }
                    if let NodeKind::Queue(qm) = &mut nodes[queue.index()].kind {
                        qm.consumers.push(consumer);
                    }
                }
                _ => unreachable!("wire_refusal admits only producer, exchange, queue and topic sources"),
            }
        }
    }

    fn compile_dead_letters(&mut self, s: &Scenario, by_name: &BTreeMap<&str, NodeId>, nodes: &mut [NodeModel]) {
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Queue(q) = n else { continue };
            let Some(target) = &q.dead_letter else { continue };
            let path = format!("nodes[{i}].dead_letter");
            match by_name.get(target.as_str()) {
                None => self.err(&path, format!("no node has the id {target:?}")),
                Some(t) if t.index() == i => self.err(&path, "a queue cannot dead-letter into itself"),
                Some(t) => match &s.nodes[t.index()] {
                    Node::DeadLetterQueue(_) | Node::Queue(_) => {
                        if let NodeKind::Queue(qm) = &mut nodes[i].kind {
                            qm.dead_letter = Some(*t);
                        }
                    }
                    other => self.err(
                        &path,
                        format!(
                            "must name a dead-letter queue or a queue, not {} {}",
                            article(other.kind_name()),
                            other.kind_name()
                        ),
                    ),
                },
            }
        }
    }

    /// Topic consumers: their group, commit settings and dead-letter target. Settings that
    /// only mean something on a topic are refused on a queue consumer, and the other way round.
    fn compile_log_consumers(
        &mut self,
        s: &Scenario,
        by_name: &BTreeMap<&str, NodeId>,
        nodes: &mut [NodeModel],
    ) -> Vec<GroupModel> {
        let mut groups: Vec<GroupModel> = Vec::new();
        let mut strategy_of: Vec<(AssignmentStrategy, usize)> = Vec::new();
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Consumer(c) = n else { continue };
            let p = format!("nodes[{i}]");
            let id = NodeId(i as u32);
            let topic = self.consumer_topic.get(&id).copied();
            // The dead-letter target of a consumer (topic consumers only).
            let dead_letter = match &c.dead_letter {
                None => None,
                Some(t) => match by_name.get(t.as_str()) {
                    None => {
                        self.err(format!("{p}.dead_letter"), format!("no node has the id {t:?}"));
                        None
                    }
                    Some(d) if Some(*d) == topic => {
                        self.err(format!("{p}.dead_letter"), "must be another topic than the one it reads");
                        None
                    }
                    Some(d) => match &s.nodes[d.index()] {
                        Node::Topic(_) | Node::DeadLetterQueue(_) => Some(*d),
                        other => {
                            self.err(
                                format!("{p}.dead_letter"),
                                format!(
                                    "must name a topic (a retry or dead-letter topic) or a dead-letter queue, not {} {}",
                                    article(other.kind_name()),
                                    other.kind_name()
                                ),
                            );
                            None
                        }
                    },
                },
            };
            let Some(topic) = topic else {
                let topic_only = [
                    ("group", c.group.is_some()),
                    ("assignment", c.assignment.is_some()),
                    ("commit", c.commit.is_some()),
                    ("auto_commit_interval_ms", c.auto_commit_interval_ms.is_some()),
                    ("max_poll_records", c.max_poll_records.is_some()),
                    ("auto_offset_reset", c.auto_offset_reset.is_some()),
                    ("session_timeout_ms", c.session_timeout_ms.is_some()),
                    ("max_poll_interval_ms", c.max_poll_interval_ms.is_some()),
                    ("heartbeat_interval_ms", c.heartbeat_interval_ms.is_some()),
                    ("transactional", c.transactional),
                    ("dead_letter", c.dead_letter.is_some()),
                ];
                for (field, set) in topic_only {
                    if set {
                        self.err(
                            format!("{p}.{field}"),
                            "applies to a consumer that reads a topic; this one does not (on a queue, the queue's own settings decide)",
                        );
                    }
                }
                continue;
            };
            if c.prefetch.is_some() {
                self.err(
                    format!("{p}.prefetch"),
                    "prefetch is a queue setting; a topic consumer polls up to max_poll_records",
                );
            }
            if c.concurrency != 1 {
                self.err(
                    format!("{p}.concurrency"),
                    "a topic consumer processes one record at a time, as Kafka's poll loop does; add consumers to the group to read partitions in parallel",
                );
            }
            for (j, f) in c.faults.iter().enumerate() {
                if matches!(f, ConsumerFault::LoseAcks { .. }) {
                    self.err(
                        format!("{p}.faults[{j}]"),
                        "lost acks are a queue fault; on a topic, a crash before the commit shows the same thing",
                    );
                }
            }
            if c.retry.then == GiveUp::DeadLetter && dead_letter.is_none() && c.dead_letter.is_none() {
                self.err(
                    format!("{p}.retry.then"),
                    "a topic consumer that dead-letters needs somewhere to send the record: set \"dead_letter\" to a topic or a dead-letter queue",
                );
            }
            if c.transactional && c.semantics == Semantics::AtMostOnce {
                self.err(
                    format!("{p}.transactional"),
                    "a transactional commit commits the offset with the effect, after processing; at-most-once commits before",
                );
            }
            let group_name = c.group.clone().unwrap_or_else(|| c.id.clone());
            self.name(&format!("{p}.group"), &group_name);
            let strategy = c.assignment.unwrap_or_default();
            let g = match groups.iter().position(|g| g.name == group_name) {
                Some(g) => {
                    let (first, at) = strategy_of[g];
                    if first != strategy {
                        self.err(
                            format!("{p}.assignment"),
                            format!(
                                "every member of group {group_name:?} must use the same assignment strategy (nodes[{at}] uses {:?}); Kafka refuses a member whose strategy the group does not share",
                                first.name()
                            ),
                        );
                    }
                    g
                }
                None => {
                    groups.push(GroupModel {
                        name: group_name.clone(),
                        strategy,
                        members: Vec::new(),
                        topics: Vec::new(),
                    });
                    strategy_of.push((strategy, i));
                    groups.len() - 1
                }
            };
            groups[g].members.push(id);
            if !groups[g].topics.contains(&topic) {
                groups[g].topics.push(topic);
            }
            let session = self.ms_setting(&format!("{p}.session_timeout_ms"), c.session_timeout_ms, 45_000);
            let heartbeat = self.ms_setting(
                &format!("{p}.heartbeat_interval_ms"),
                c.heartbeat_interval_ms,
                3_000.min(session as i64),
            );
            if heartbeat > session {
                self.err(
                    format!("{p}.heartbeat_interval_ms"),
                    "must not be more than session_timeout_ms (Kafka advises a third of it)",
                );
            }
            let max_poll_interval =
                self.ms_setting(&format!("{p}.max_poll_interval_ms"), c.max_poll_interval_ms, 300_000);
            let interval = self.ms_setting(&format!("{p}.auto_commit_interval_ms"), c.auto_commit_interval_ms, 5_000);
            if c.auto_commit_interval_ms.is_some() && c.commit.is_some_and(|m| m != CommitMode::Auto) {
                self.err(format!("{p}.auto_commit_interval_ms"), "applies only to \"commit\": \"auto\"");
            }
            let max_poll =
                self.int_range(&format!("{p}.max_poll_records"), c.max_poll_records.unwrap_or(500), 1, 10_000, "");
            if let NodeKind::Consumer(cm) = &mut nodes[i].kind {
                cm.dead_letter = dead_letter;
                cm.log = Some(LogConsumerModel {
                    topic,
                    group: g as u16,
                    commit: c.commit.unwrap_or_default(),
                    auto_commit_interval: Duration::from_ms(interval),
                    max_poll_records: max_poll as u32,
                    offset_reset: c.auto_offset_reset.unwrap_or_default(),
                    session_timeout: Duration::from_ms(session),
                    max_poll_interval: Duration::from_ms(max_poll_interval),
                    heartbeat_interval: Duration::from_ms(heartbeat),
                    transactional: c.transactional,
                });
            }
        }
        for g in &mut groups {
            crate::sort::sort_by(&mut g.members, |a, b| s.nodes[a.index()].id() < s.nodes[b.index()].id());
            crate::sort::sort(&mut g.topics);
        }
        for (gi, g) in groups.iter().enumerate() {
            for t in &g.topics {
                if let NodeKind::Topic(tm) = &mut nodes[t.index()].kind {
                    tm.groups.push(gi as u16);
                }
            }
        }
        // Producers: the idempotent producer is Kafka's; its target must be a topic.
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Producer(ps) = n else { continue };
            let NodeKind::Producer(pm) = &nodes[i].kind else { continue };
            let to_topic = pm.target.as_ref().is_some_and(|l| matches!(nodes[l.to.index()].kind, NodeKind::Topic(_)));
            if ps.partition_by != PartitionBy::Key && !to_topic {
                self.err(
                    format!("nodes[{i}].partition_by"),
                    "chooses a partition on a topic; this producer does not publish to one",
                );
            }
            if ps.idempotent && pm.target.is_some() && !to_topic {
                self.err(
                    format!("nodes[{i}].idempotent"),
                    "broker-side deduplication by producer sequence is Kafka's idempotent producer; publish to a topic, or make the consumer exactly-once",
                );
            }
        }
        groups
    }

    fn compile_actions(
        &mut self,
        s: &Scenario,
        by_name: &BTreeMap<&str, NodeId>,
        duration_ms: u64,
        groups: &[GroupModel],
    ) -> Vec<ActionModel> {
        let mut out = Vec::new();
        for (i, a) in s.actions.iter().enumerate() {
            let p = format!("actions[{i}]");
            let at = self.int_range(&format!("{p}.at_ms"), a.at_ms, 0, duration_ms as i64, " ms");
            let node = |me: &mut Checker, field: &str, name: &str, want: &[&str]| -> Option<NodeId> {
                let path = format!("{p}.{field}");
                match by_name.get(name) {
                    None => {
                        me.err(path, format!("no node has the id {name:?}"));
                        None
                    }
                    Some(id) if want.contains(&s.nodes[id.index()].kind_name()) => Some(*id),
                    Some(id) => {
                        let kind = s.nodes[id.index()].kind_name();
                        me.err(
                            path,
                            format!("{name:?} is {} {kind}; this action needs a {}", article(kind), want.join(" or ")),
                        );
                        None
                    }
                }
            };
            let command = match &a.what {
                ActionKind::Crash { consumer, recover_after_ms } => {
                    let c = node(self, "crash.consumer", consumer, &["consumer"]);
                    let rec = recover_after_ms.map(|r| {
                        Duration::from_ms(self.int_range(
                            &format!("{p}.crash.recover_after_ms"),
                            r,
                            0,
                            MAX_DURATION_MS,
                            " ms",
                        ))
                    });
                    c.map(|consumer| Command::Crash { consumer, recover_after: rec })
                }
                ActionKind::Recover { consumer } => node(self, "recover.consumer", consumer, &["consumer"])
                    .map(|consumer| Command::Recover { consumer }),
                ActionKind::Outage { node: n, duration_ms: d } => {
                    let target = node(self, "outage.node", n, &["queue", "exchange", "topic"]);
                    let d = self.int_range(&format!("{p}.outage.duration_ms"), *d, 1, MAX_DURATION_MS, " ms");
                    target.map(|node| Command::Outage { node, duration: Duration::from_ms(d) })
                }
                ActionKind::Redrive { dlq, to } => {
                    let d = node(self, "redrive.dlq", dlq, &["dead-letter queue", "queue"]);
                    let t = match to {
                        Some(t) => node(self, "redrive.to", t, &["queue", "topic"]).map(Some),
                        None => Some(None),
                    };
                    match (d, t) {
                        (Some(dlq), Some(to)) => Some(Command::Redrive { dlq, to }),
                        _ => None,
                    }
                }
                ActionKind::Slow { consumer, factor } => {
                    let c = node(self, "slow.consumer", consumer, &["consumer"]);
                    if !factor.is_finite() || *factor < 0.001 || *factor > 10_000.0 {
                        self.err(format!("{p}.slow.factor"), "must be between 0.001 and 10000");
                        None
                    } else {
                        c.map(|consumer| Command::Slow { consumer, factor_milli: libm::round(factor * 1000.0) as u32 })
                    }
                }
                ActionKind::Leave { consumer } => {
                    node(self, "leave.consumer", consumer, &["consumer"]).map(|consumer| Command::Leave { consumer })
                }
                ActionKind::Join { consumer } => {
                    node(self, "join.consumer", consumer, &["consumer"]).map(|consumer| Command::Join { consumer })
                }
                ActionKind::ResetOffsets { group, topic, to } => {
                    let g = groups.iter().position(|g| g.name == *group);
                    if g.is_none() {
                        let known: Vec<String> = groups.iter().map(|g| format!("{:?}", g.name)).collect();
                        let hint = if known.is_empty() {
                            "there are no consumer groups (a group is made by consumers that read a topic)".to_string()
                        } else {
                            format!("the groups are {}", known.join(", "))
                        };
                        self.err(
                            format!("{p}.reset_offsets.group"),
                            format!("no consumer group is called {group:?}; {hint}"),
                        );
                    }
                    let t = match topic {
                        None => Some(None),
                        Some(t) => match node(self, "reset_offsets.topic", t, &["topic"]) {
                            Some(id) if g.is_some_and(|g| !groups[g].topics.contains(&id)) => {
                                self.err(
                                    format!("{p}.reset_offsets.topic"),
                                    format!("group {group:?} does not read {t:?}"),
                                );
                                None
                            }
                            other => other.map(Some),
                        },
                    };
                    let to = match to {
                        ResetTo::Earliest => Some(ResetTarget::Earliest),
                        ResetTo::Latest => Some(ResetTarget::Latest),
                        ResetTo::Offset(o) => {
                            if *o < 0 {
                                self.err(
                                    format!("{p}.reset_offsets.to.offset"),
                                    format!("must not be negative (got {o})"),
                                );
                                None
                            } else {
                                Some(ResetTarget::Offset(*o as u64))
                            }
                        }
                        ResetTo::TimeMs(ms) => {
                            let ms = self.int_range(
                                &format!("{p}.reset_offsets.to.time_ms"),
                                *ms,
                                0,
                                MAX_DURATION_MS,
                                " ms",
                            );
                            Some(ResetTarget::Time(crate::model::time::SimTime(ms * 1000)))
                        }
                    };
                    match (g, t, to) {
                        (Some(g), Some(topic), Some(to)) => Some(Command::ResetOffsets { group: g as u16, topic, to }),
                        _ => None,
                    }
                }
            };
            if let Some(command) = command {
                out.push(ActionModel { at: Duration::from_ms(at), command });
            }
        }
        out
    }
}

/// Reads `"order-1..order-20"` into ("order-", 1, 20).
pub fn parse_key_range(r: &str) -> Result<(String, u64, u64), String> {
    let bad = || format!("{r:?} is not a key range like \"order-1..order-20\" or a list of keys");
    let (a, b) = r.split_once("..").ok_or_else(bad)?;
    let split = |s: &str| -> Option<(String, u64)> {
        let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 9 {
            return None;
        }
        let (prefix, num) = s.split_at(s.len() - digits);
        Some((prefix.to_string(), num.parse().ok()?))
    };
    let (pa, lo) = split(a).ok_or_else(bad)?;
    let (pb, hi) = split(b).ok_or_else(bad)?;
    if pb != pa && !pb.is_empty() {
        return Err(format!("{r:?}: both ends of a key range need the same prefix"));
    }
    if hi < lo {
        return Err(format!("{r:?}: the range ends before it starts"));
    }
    if pa.chars().count() > MAX_NAME_LEN {
        return Err(format!("{r:?}: the key prefix is too long"));
    }
    Ok((pa, lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Vec<String> {
        let s = Scenario::from_json(json).expect("structurally fine");
        match validate(&s) {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn scenario(nodes: &str, wires: &str) -> String {
        format!(r#"{{"version":1,"duration_ms":1000,"nodes":[{nodes}],"wires":[{wires}]}}"#)
    }

    #[test]
    fn key_ranges() {
        assert_eq!(parse_key_range("order-1..order-20").unwrap(), ("order-".into(), 1, 20));
        assert_eq!(parse_key_range("k7..9").unwrap(), ("k".into(), 7, 9));
        assert!(parse_key_range("order-5..order-1").is_err());
        assert!(parse_key_range("a..b").is_err());
    }

    #[test]
    fn negative_prefetch_is_named() {
        let p =
            check(&scenario(r#"{"id":"p","kind":"producer"},{"id":"q","kind":"queue","prefetch":-1}"#, r#"["p","q"]"#));
        assert_eq!(p, vec!["nodes[1].prefetch: must be at least 1"]);
    }

    #[test]
    fn absurd_rate_is_refused() {
        let p = check(&scenario(r#"{"id":"p","kind":"producer","arrivals":{"poisson":{"rate_per_s":1e12}}}"#, ""));
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("nodes[0].arrivals.poisson.rate_per_s: must be at most"), "{p:?}");
    }

    #[test]
    fn wires_that_make_no_sense_say_why() {
        let p = check(&scenario(r#"{"id":"p","kind":"producer"},{"id":"c","kind":"consumer"}"#, r#"["c","p"]"#));
        assert_eq!(p, vec!["wires[0]: a consumer cannot publish to a producer"]);
        let p = check(&scenario(r#"{"id":"q","kind":"queue"}"#, r#"["q","ghost"]"#));
        assert_eq!(p, vec!["wires[0].to: no node has the id \"ghost\""]);
    }

    #[test]
    fn duplicate_ids_and_bad_dead_letters() {
        let p =
            check(&scenario(r#"{"id":"q","kind":"queue","dead_letter":"nowhere"},{"id":"q","kind":"exchange"}"#, ""));
        assert_eq!(p.len(), 2, "{p:?}");
    }

    #[test]
    fn quorum_queues_get_rabbitmqs_default_delivery_limit() {
        let s = Scenario::from_json(&scenario(r#"{"id":"q","kind":"queue","queue_type":"quorum"}"#, "")).unwrap();
        let m = validate(&s).unwrap();
        let NodeKind::Queue(q) = &m.nodes[0].kind else { panic!() };
        assert_eq!(q.delivery_limit, Some(20));
    }

    #[test]
    fn misspelt_action_fields_and_bad_views_are_refused() {
        let p = Scenario::from_json(
            r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"c","kind":"consumer"}],
                "actions":[{"at_ms":5,"crash":{"consumer":"c","recover_afer_ms":10}}]}"#,
        )
        .unwrap_err();
        assert!(p[0].to_string().contains("unknown field `recover_afer_ms`"), "{p:?}");
        let p = check(
            r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"c","kind":"consumer"}],
                "view":{"zoom":-2,"positions":{"ghost":[1,2],"c":[1e300,0]}}}"#,
        );
        assert_eq!(p.len(), 3, "{p:?}");
    }

    #[test]
    fn actions_need_the_right_kind_of_node() {
        let json = r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"q","kind":"queue"}],
            "actions":[{"at_ms":5,"crash":{"consumer":"q"}},{"at_ms":5000,"outage":{"node":"q","duration_ms":10}}]}"#;
        let p = check(json);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("is a queue; this action needs a consumer"));
        assert!(p[1].starts_with("actions[1].at_ms: must be at most 1000 ms"));
        let p = check(
            r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"x","kind":"exchange"}],"actions":[{"at_ms":5,"recover":{"consumer":"x"}}]}"#,
        );
        assert!(p[0].contains("\"x\" is an exchange;"), "{p:?}");
    }
}
