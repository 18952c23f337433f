//! The scenario a document's standard parts describe, before any `x-brokerlab-*` extension:
//!
//! - a channel with an AMQP binding `is: queue` is a queue (RabbitMQ's queue arguments in its
//!   `queue` object, `x-queue-type`, `x-message-ttl`, `x-max-length`, `x-overflow`,
//!   `x-delivery-limit`, `x-consumer-timeout` and `x-dead-letter-routing-key`, become its
//!   settings); one with `is: routingKey` is its exchange (one node however many channels name
//!   it), the channel's address being the routing key; one with a Kafka binding is a topic
//!   (partitions, `retention.ms`); one with neither is a topic on a Kafka server, a queue
//!   otherwise;
//! - a send operation is a producer wired to its channel's node, publishing the operation's
//!   messages as its event types; a receive operation is a consumer wired from it (at-most-once
//!   when its AMQP binding says `ack: false`, in the Kafka `groupId`'s group). A consumer of
//!   an exchange's channel reads a queue bound to the exchange by the channel's address. A send
//!   and a receive operation that name the same node (`billing.send`, `billing.receive`) are
//!   one service;
//! - each message is an event type, its payload a version of the event type's schema
//!   (`payload.rs`); a message keyed `OrderPlaced.v2` is version 2;
//! - a queue that is a dead-letter target, and that nothing reads or writes, is a dead-letter
//!   queue.
//!
//! Every node remembers where it came from (its homes: the JSON pointers of its channels or
//! operations), which is where its `x-brokerlab-node` is looked for. Whatever is not mapped is
//! said, with its path.

use serde_json::{json, Map, Value};

use super::import::Unmapped;
use super::read::{deref, shown, Doc};
use crate::scenario::limits::{
    MAX_DURATION_MS, MAX_EVENT_TYPES, MAX_KEYS, MAX_NAME_LEN, MAX_NODES, MAX_PARTITIONS, MAX_SCHEMAS,
    MAX_SCHEMA_VERSIONS, MAX_TOTAL_KEYS, MAX_WIRES,
};
use crate::scenario::quoted::is_unprintable;

/// How long an imported scenario runs, unless its document says otherwise.
pub(crate) const DEFAULT_DURATION_MS: i64 = 60_000;

pub(crate) struct Derived {
    /// The scenario's own fields: version, title, description, duration_ms, schemas.
    pub top: Map<String, Value>,
    pub nodes: Vec<DNode>,
    /// `{"from", "to"}` objects, with a binding key where one is needed.
    pub wires: Vec<Value>,
    pub unmapped: Vec<Unmapped>,
}

pub(crate) struct DNode {
    pub node: Map<String, Value>,
    /// The JSON pointers of the channels or operations it came from.
    pub homes: Vec<String>,
}

impl DNode {
    pub fn id(&self) -> &str {
        self.node.get("id").and_then(Value::as_str).unwrap_or("")
    }

    fn kind(&self) -> &str {
        self.node.get("kind").and_then(Value::as_str).unwrap_or("")
    }
}

/// What a channel is in the scenario.
#[derive(Clone)]
enum Place {
    Queue(usize),
    Topic(usize),
    /// An exchange, the routing key its channel stands for, and the queue its `queue` object
    /// names (AMQP 0.2.0 documents give both).
    Exchange {
        node: usize,
        routing_key: Option<String>,
        queue: Option<String>,
    },
    /// RabbitMQ's default exchange: the routing key is a queue's name.
    Default(String),
}

/// A name the format accepts (1 to 64 characters, no control or reordering characters, not blank), made
/// from any text.
pub(crate) fn clean_name(text: &str, fallback: &str) -> String {
    let cleaned: String = text.chars().map(|c| if is_unprintable(c) { ' ' } else { c }).collect();
    let trimmed = cleaned.trim();
    let mut out: String = trimmed.chars().take(MAX_NAME_LEN).collect();
    if out.trim().is_empty() {
        out = fallback.to_string();
    }
    out
}

/// Text the format accepts in a title or a description: no control characters.
fn clean_text(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if is_unprintable(c) { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Deriving<'d, 'a> {
    doc: &'d Doc<'a>,
    nodes: Vec<DNode>,
    wires: Vec<Value>,
    unmapped: Vec<Unmapped>,
}

pub(crate) fn derive(doc: &Doc) -> Derived {
    let mut d = Deriving { doc, nodes: Vec::new(), wires: Vec::new(), unmapped: Vec::new() };
    let places: Vec<Option<Place>> = (0..doc.channels.len()).map(|i| d.channel(i)).collect();
    d.operations(&places);
    d.dead_letters(&places);
    let top = d.top();
    // Producers, exchanges, queues and topics, consumers: the order the canvas reads.
    d.nodes.sort_by_key(|n| match n.kind() {
        "producer" => 0,
        "exchange" => 1,
        "consumer" => 3,
        _ => 2,
    });
    if d.nodes.len() > MAX_NODES {
        for n in d.nodes.drain(MAX_NODES..) {
            d.unmapped.push(Unmapped {
                path: n.homes.first().map(|h| super::read::path_of(h)).unwrap_or_default(),
                why: format!("a scenario has at most {MAX_NODES} nodes: {} is left out", shown(n.id())),
            });
        }
        let ids: Vec<String> = d.nodes.iter().map(|n| n.id().to_string()).collect();
        let kept = |v: &Value| ids.iter().any(|i| v == i);
        d.wires.retain(|w| kept(&w["from"]) && kept(&w["to"]));
        for n in &mut d.nodes {
            if n.node.get("dead_letter").is_some_and(|t| !kept(t)) {
                n.node.remove("dead_letter");
            }
        }
    }
    d.cap_event_types();
    if d.wires.len() > MAX_WIRES {
        d.unmapped.push(Unmapped {
            path: "operations".into(),
            why: format!("a scenario has at most {MAX_WIRES} wires: the rest are left out"),
        });
        d.wires.truncate(MAX_WIRES);
    }
    let mut unmapped = doc.unmapped.clone();
    unmapped.append(&mut d.unmapped);
    Derived { top, nodes: d.nodes, wires: d.wires, unmapped }
}

impl Deriving<'_, '_> {
    fn note(&mut self, path: impl Into<String>, why: impl Into<String>) {
        self.unmapped.push(Unmapped { path: path.into(), why: why.into() });
    }

    /// The node with this id and kind, or a new one (with a fresh id if another kind has it).
    fn node(&mut self, id: &str, kind: &str, home: Option<&str>) -> usize {
        let id = clean_name(id, kind);
        let i = match self.nodes.iter().position(|n| n.id() == id && n.kind() == kind) {
            Some(i) => i,
            None => {
                let id = self.fresh_id(&id);
                let mut node = Map::new();
                node.insert("id".into(), Value::from(id));
                node.insert("kind".into(), Value::from(kind));
                self.nodes.push(DNode { node, homes: Vec::new() });
                self.nodes.len() - 1
            }
        };
        if let Some(h) = home {
            if !self.nodes[i].homes.iter().any(|x| x == h) {
                self.nodes[i].homes.push(h.to_string());
            }
        }
        i
    }

    /// `id`, or `id-2`, `id-3`, ... when a node has it already.
    fn fresh_id(&self, id: &str) -> String {
        let taken = |x: &str| self.nodes.iter().any(|n| n.id() == x);
        if !taken(id) {
            return id.to_string();
        }
        (2..)
            .map(|n| {
                let suffix = format!("-{n}");
                let base: String = id.chars().take(MAX_NAME_LEN - suffix.len()).collect();
                format!("{base}{suffix}")
            })
            .find(|x| !taken(x))
            .expect("some suffix is free")
    }

    fn set(&mut self, node: usize, field: &str, v: Value) {
        self.nodes[node].node.insert(field.into(), v);
    }

    /// Whether a topic already has `cleanup_policy` "compact" alone (from another channel).
    fn compacts_only(&self, node: usize) -> bool {
        self.nodes[node].node.get("cleanup_policy").is_some_and(|p| p == "compact")
    }

    fn wire(&mut self, from: usize, to: usize, binding_key: Option<String>) {
        let (from, to) = (self.nodes[from].id().to_string(), self.nodes[to].id().to_string());
        if from == to || self.wires.iter().any(|w| w["from"] == from && w["to"] == to) {
            return;
        }
        let mut w = json!({"from": from, "to": to});
        if let Some(k) = binding_key {
            w["binding_key"] = Value::from(k);
        }
        self.wires.push(w);
    }

    /// Says which bindings of `of` are for protocols Brokerlab does not simulate.
    fn other_bindings(&mut self, of: &Value, path: &str) {
        let Some(Value::Object(b)) =
            of.get("bindings").and_then(|b| deref(self.doc.root, b, None).ok()).map(|(v, _)| v)
        else {
            return;
        };
        for k in b.keys().filter(|k| !matches!(k.as_str(), "amqp" | "kafka") && !k.starts_with("x-")) {
            let name = match k.as_str() {
                "mqtt" | "mqtt5" => "MQTT".to_string(),
                "ws" => "WebSocket".to_string(),
                "http" => "HTTP".to_string(),
                "amqp1" => "AMQP 1.0".to_string(),
                "jms" => "JMS".to_string(),
                "ibmmq" => "IBM MQ".to_string(),
                "googlepubsub" => "Google Pub/Sub".to_string(),
                other => other.to_ascii_uppercase(),
            };
            self.note(
                crate::scenario::quoted::key_path(&format!("{path}.bindings"), k),
                format!("{name} bindings are not simulated"),
            );
        }
    }

    /// A channel's node.
    fn channel(&mut self, c: usize) -> Option<Place> {
        let doc = self.doc;
        let ch = &doc.channels[c];
        let (path, home, key) = (ch.path.clone(), ch.pointer.clone(), ch.key.clone());
        let address = ch.address.clone();
        self.other_bindings(ch.value, &path);
        let amqp = binding(doc.root, ch.value, "amqp");
        let kafka = binding(doc.root, ch.value, "kafka");
        if amqp.is_some() && kafka.is_some() {
            self.note(format!("{path}.bindings"), "has both AMQP and Kafka bindings: read as a Kafka topic");
        }
        if let Some(k) = kafka {
            return Some(self.topic(k, &path, &home, address.as_deref().unwrap_or(&key)));
        }
        if let Some(a) = amqp {
            let is = a.get("is").and_then(Value::as_str);
            let queue = a.get("queue").filter(|q| q.is_object());
            let exchange = a.get("exchange").filter(|x| x.is_object());
            if is == Some("queue") || (exchange.is_none() && queue.is_some()) {
                let name = queue.and_then(|q| q.get("name")).and_then(Value::as_str).map(str::to_string);
                let id = name.or(address.clone()).unwrap_or(key);
                let q = self.node(&id, "queue", Some(&home));
                if let Some(obj) = queue {
                    self.queue_arguments(q, obj, &format!("{path}.bindings.amqp.queue"));
                }
                return Some(Place::Queue(q));
            }
            let Some(x) = exchange else {
                if is.is_some() && is != Some("routingKey") {
                    self.note(
                        format!("{path}.bindings.amqp.is"),
                        format!("{} is neither queue nor routingKey: read as a queue", shown(is.unwrap_or(""))),
                    );
                }
                let id = address.clone().unwrap_or(key);
                return Some(Place::Queue(self.node(&id, "queue", Some(&home))));
            };
            let x_path = format!("{path}.bindings.amqp.exchange");
            let name = x.get("name").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| key.clone());
            let ty = x.get("type").and_then(Value::as_str);
            if ty == Some("default") || name.is_empty() {
                // The default exchange routes by queue name: the channel is that queue.
                let id = address.clone().unwrap_or(key);
                let q = self.node(&id, "queue", Some(&home));
                return Some(Place::Default(self.nodes[q].id().to_string()));
            }
            let ty = match ty {
                Some(t @ ("fanout" | "direct" | "topic")) => t,
                Some("headers") => {
                    self.note(format!("{x_path}.type"), "headers exchanges are not simulated: read as fanout");
                    "fanout"
                }
                _ => {
                    self.note(format!("{x_path}.type"), "no exchange type is given: read as topic");
                    "topic"
                }
            };
            let x_node = self.node(&name, "exchange", Some(&home));
            match self.nodes[x_node].node.get("type").and_then(Value::as_str) {
                Some(had) if had != ty => {
                    let had = had.to_string();
                    self.note(
                        format!("{x_path}.type"),
                        format!("another channel makes {} a {had} exchange: it stays {had}", shown(&name)),
                    );
                }
                Some(_) => {}
                None => self.set(x_node, "type", Value::from(ty)),
            }
            let routing_key = address.filter(|a| *a != name);
            // A queue named beside the exchange (AMQP 0.2.0 documents): bound by the routing
            // key, with its arguments.
            let queue_name = queue.and_then(|q| q.get("name")).and_then(Value::as_str).map(str::to_string);
            if let (Some(obj), Some(q_name)) = (queue, &queue_name) {
                let q = self.node(q_name, "queue", None);
                self.queue_arguments(q, obj, &format!("{path}.bindings.amqp.queue"));
                let key = self.binding_key(x_node, routing_key.as_ref(), &key);
                self.wire(x_node, q, key);
            }
            return Some(Place::Exchange { node: x_node, routing_key, queue: queue_name });
        }
        let kafka_server = ch.protocols.iter().any(|p| p.starts_with("kafka"));
        let amqp_server = ch.protocols.iter().any(|p| p.starts_with("amqp"));
        let id = address.clone().unwrap_or_else(|| key.clone());
        if kafka_server && !amqp_server {
            return Some(Place::Topic(self.node(&id, "topic", Some(&home))));
        }
        if !kafka_server && !amqp_server && !ch.protocols.is_empty() {
            let p = ch.protocols.join(", ");
            self.note(path, format!("on {} servers only, which are not simulated: read as a queue", shown(&p)));
        }
        Some(Place::Queue(self.node(&id, "queue", Some(&home))))
    }

    fn topic(&mut self, k: &Value, path: &str, home: &str, address: &str) -> Place {
        let id = k.get("topic").and_then(Value::as_str).unwrap_or(address).to_string();
        let t = self.node(&id, "topic", Some(home));
        let at = format!("{path}.bindings.kafka");
        if let Some(p) = k.get("partitions") {
            match p.as_i64() {
                Some(n) if (1..=MAX_PARTITIONS).contains(&n) => self.set(t, "partitions", Value::from(n)),
                _ => self
                    .note(format!("{at}.partitions"), format!("must be 1 to {MAX_PARTITIONS} here: the topic has 1")),
            }
        }
        if let Some(r) = k.get("replicas") {
            // A topic with n replicas needs n brokers: the cluster is made as big as the
            // most-replicated topic, its brokers named b1, b2, ...
            let most = crate::scenario::limits::MAX_NODES as i64 / 4;
            match r.as_i64() {
                Some(n) if (1..=most).contains(&n) => {
                    for b in 1..=n {
                        self.node(&format!("b{b}"), "broker", None);
                    }
                    if n > 1 {
                        self.set(t, "replication_factor", Value::from(n));
                    }
                }
                _ => {
                    self.note(format!("{at}.replicas"), format!("must be 1 to {most} here: the topic has one replica"))
                }
            }
        }
        if let Some(Value::Object(config)) = k.get("topicConfiguration") {
            // Kafka's cleanup.policy, a list of "compact" and "delete" (the binding's form; a
            // comma-separated string is taken too).
            let policy = config.get("cleanup.policy").and_then(|v| match v {
                Value::Array(p) => p.iter().map(|x| x.as_str().map(str::to_string)).collect::<Option<Vec<_>>>(),
                Value::String(p) => Some(p.split(',').map(|x| x.trim().to_string()).collect()),
                _ => None,
            });
            let compacts = policy.as_ref().is_some_and(|p| p.iter().any(|x| x == "compact"));
            let deletes = !compacts || policy.as_ref().is_some_and(|p| p.iter().any(|x| x == "delete"));
            for (name, v) in config {
                let c_at = crate::scenario::quoted::key_path(&format!("{at}.topicConfiguration"), name);
                match name.as_str() {
                    "retention.ms" | "retention.bytes" if !deletes || self.compacts_only(t) => self
                        .note(c_at, "deletes nothing on a topic whose cleanup.policy is [\"compact\"] only: not read"),
                    "retention.ms" => match v.as_i64() {
                        Some(-1) => {}
                        Some(ms) if (1..=MAX_DURATION_MS).contains(&ms) => self.set(t, "retention_ms", Value::from(ms)),
                        _ => self.note(c_at, format!("must be -1 or 1 to {MAX_DURATION_MS} ms here: records are kept")),
                    },
                    "cleanup.policy" => match policy.as_deref() {
                        Some(p) if !p.is_empty() && p.iter().all(|x| x == "compact" || x == "delete") => {
                            if compacts {
                                let both = p.iter().any(|x| x == "delete");
                                self.set(t, "cleanup_policy", json!(if both { "compact,delete" } else { "compact" }));
                                // Another channel of the same topic may have given it a retention,
                                // which compaction alone would never apply.
                                if !both && self.nodes[t].node.remove("retention_ms").is_some() {
                                    self.note(
                                        c_at,
                                        "compacts only, so the topic's retention.ms from another channel is not read",
                                    );
                                }
                            }
                        }
                        _ => self.note(c_at, "must be a list of \"compact\" and \"delete\" here: deleted by retention"),
                    },
                    "delete.retention.ms" if compacts => match v.as_i64() {
                        Some(ms) if (0..=MAX_DURATION_MS).contains(&ms) => {
                            self.set(t, "delete_retention_ms", Value::from(ms))
                        }
                        _ => self.note(c_at, format!("must be 0 to {MAX_DURATION_MS} ms here: a day")),
                    },
                    "delete.retention.ms" => self.note(c_at, "applies to compacted topics only: not read"),
                    "retention.bytes" => self
                        .note(c_at, "retention by size is not simulated (retention_records keeps a count of records)"),
                    _ => self.note(c_at, "this topic setting is not simulated"),
                }
            }
        }
        Place::Topic(t)
    }

    /// RabbitMQ's queue arguments, written in the AMQP binding's `queue` object.
    fn queue_arguments(&mut self, q: usize, obj: &Value, at: &str) {
        let Some(obj) = obj.as_object() else { return };
        let int = |v: &Value, lo: i64, hi: i64| v.as_i64().filter(|n| (lo..=hi).contains(n));
        let quorum = obj.get("x-queue-type").and_then(Value::as_str) == Some("quorum");
        for (name, v) in obj {
            let a_at = crate::scenario::quoted::key_path(at, name);
            match name.as_str() {
                "name" | "durable" | "exclusive" | "autoDelete" | "vhost" => {}
                "x-queue-type" => match v.as_str() {
                    Some("classic") => {}
                    Some("quorum") => self.set(q, "queue_type", json!("quorum")),
                    _ => self.note(a_at, "only classic and quorum queues are simulated: read as classic"),
                },
                "x-message-ttl" => match int(v, 0, MAX_DURATION_MS) {
                    Some(ms) => self.set(q, "ttl_ms", Value::from(ms)),
                    None => self.note(a_at, format!("must be 0 to {MAX_DURATION_MS} ms here: no TTL")),
                },
                "x-max-length" => match int(v, 0, 10_000_000) {
                    Some(n) => self.set(q, "max_length", Value::from(n)),
                    None => self.note(a_at, "must be 0 to 10000000 here: unbounded"),
                },
                "x-overflow" => match v.as_str() {
                    Some("drop-head") => {}
                    Some("reject-publish") => self.set(q, "overflow", json!("reject-publish")),
                    Some("reject-publish-dlx") if !quorum => self.set(q, "overflow", json!("reject-publish-dlx")),
                    _ => self.note(a_at, "not an overflow this queue takes: drop-head"),
                },
                "x-delivery-limit" => match int(v, -1, 1_000_000).filter(|n| *n != 0) {
                    Some(n) if quorum || n == -1 => self.set(q, "delivery_limit", Value::from(n)),
                    _ => self.note(a_at, "a delivery limit is a quorum queue's (1 to 1000000, or -1): not used"),
                },
                "x-consumer-timeout" => match int(v, 1, MAX_DURATION_MS) {
                    Some(ms) => self.set(q, "ack_timeout_ms", Value::from(ms)),
                    None => self.note(a_at, format!("must be 1 to {MAX_DURATION_MS} ms here: no ack timeout")),
                },
                // Dead letters: read with the rest of the graph (`dead_letters`).
                "x-dead-letter-exchange" | "x-dead-letter-routing-key" => {}
                _ if name.starts_with("x-") => self.note(a_at, "this queue argument is not simulated"),
                _ => {}
            }
        }
    }

    fn operations(&mut self, places: &[Option<Place>]) {
        let doc = self.doc;
        // (operation, node) of each send and receive, to join a service's two halves.
        let mut senders: Vec<(usize, usize)> = Vec::new();
        let mut receivers: Vec<(usize, usize)> = Vec::new();
        // The keys listed so far, against the format's limit for them all.
        let mut keys_listed = 0usize;
        for (o, op) in doc.operations.iter().enumerate() {
            let Some(place) = places[op.channel].clone() else { continue };
            self.other_bindings(op.value, &op.path);
            let messages =
                if op.messages.is_empty() { doc.channels[op.channel].messages.clone() } else { op.messages.clone() };
            if op.send {
                let target = match &place {
                    Place::Queue(n) | Place::Topic(n) | Place::Exchange { node: n, .. } => *n,
                    Place::Default(q) => self.node(&q.clone(), "queue", None),
                };
                let p = self.node_for_operation(&op.id, "producer", &op.pointer);
                let types = self.event_types(&messages);
                if let Some(t) = types_value(&types) {
                    self.set(p, "event_type", t);
                }
                let mut routing_key = match &place {
                    Place::Exchange { routing_key, .. } => routing_key.clone(),
                    _ => None,
                };
                if let Some(a) = binding(doc.root, op.value, "amqp") {
                    if let Some(cc) = a.get("cc").and_then(Value::as_array) {
                        if cc.len() > 1 {
                            self.note(
                                format!("{}.bindings.amqp.cc", op.path),
                                "a message goes out with one routing key here: the first is used",
                            );
                        }
                        routing_key = cc.first().and_then(Value::as_str).map(str::to_string).or(routing_key);
                    }
                    for part in ["expiration", "priority", "mandatory", "bcc"] {
                        if a.get(part).is_some() {
                            self.note(format!("{}.bindings.amqp.{part}", op.path), "is not simulated");
                        }
                    }
                }
                if let Some(k) = routing_key.filter(|_| matches!(place, Place::Exchange { .. })) {
                    let k: String = k.chars().filter(|&c| !is_unprintable(c)).collect();
                    self.set(p, "routing_key", Value::from(k));
                }
                if let Some(keys) = self.keys(&messages) {
                    let n = keys.as_array().map_or(0, Vec::len);
                    if keys_listed + n <= MAX_TOTAL_KEYS as usize {
                        keys_listed += n;
                        self.set(p, "keys", keys);
                    } else {
                        self.note(op.path.clone(), format!("a scenario's producers have at most {MAX_TOTAL_KEYS} keys together: this one's are left out"));
                    }
                }
                self.wire(p, target, None);
                senders.push((o, p));
            } else {
                let source = match &place {
                    Place::Queue(n) | Place::Topic(n) => *n,
                    Place::Default(q) => self.node(&q.clone(), "queue", None),
                    Place::Exchange { node, routing_key, queue } => {
                        let ch = &doc.channels[op.channel];
                        let id = queue.clone().unwrap_or_else(|| format!("{}-queue", ch.key));
                        let q = self.node(&id, "queue", None);
                        let key = self.binding_key(*node, routing_key.as_ref(), &ch.key);
                        self.wire(*node, q, key);
                        q
                    }
                };
                let c = self.node_for_operation(&op.id, "consumer", &op.pointer);
                let on_topic = matches!(place, Place::Topic(_));
                if let Some(a) = binding(doc.root, op.value, "amqp") {
                    if a.get("ack") == Some(&Value::Bool(false)) {
                        self.set(c, "semantics", json!("at-most-once"));
                    }
                }
                if let Some(k) = binding(doc.root, op.value, "kafka") {
                    if let Some(group) = k.get("groupId").and_then(|g| schema_value(self.doc.root, g)) {
                        if !on_topic {
                            self.note(
                                format!("{}.bindings.kafka.groupId", op.path),
                                "a consumer group reads a topic: not used on a queue",
                            );
                        } else if group != self.nodes[c].id() {
                            self.set(c, "group", Value::from(clean_name(&group, "group")));
                        }
                    }
                }
                self.wire(source, c, None);
                receivers.push((o, c));
            }
        }
        self.join_services(&senders, &receivers);
    }

    /// The binding key from an exchange to a queue for a channel's routing key: none on a
    /// fanout exchange; `#` on a topic exchange when the key is not a pattern it takes; the
    /// channel's key when the channel has no address.
    fn binding_key(&self, exchange: usize, routing_key: Option<&String>, channel_key: &str) -> Option<String> {
        let ty = self.nodes[exchange].node.get("type").and_then(Value::as_str).unwrap_or("topic");
        let key = match (ty, routing_key) {
            ("fanout", _) => return None,
            ("topic", Some(k)) if k.split('.').all(|w| !w.is_empty()) => k.clone(),
            ("topic", _) => "#".to_string(),
            (_, Some(k)) => k.clone(),
            (_, None) => clean_name(channel_key, "key"),
        };
        Some(key.chars().filter(|&c| !is_unprintable(c)).collect())
    }

    /// A node for an operation: ops that name the same node (a service's send and receive)
    /// get distinct nodes here, and `join_services` makes them one.
    fn node_for_operation(&mut self, id: &str, kind: &str, home: &str) -> usize {
        let id = clean_name(id, kind);
        let id = self.fresh_id(&id);
        let mut node = Map::new();
        node.insert("id".into(), Value::from(id));
        node.insert("kind".into(), Value::from(kind));
        self.nodes.push(DNode { node, homes: vec![home.to_string()] });
        self.nodes.len() - 1
    }

    /// A send and a receive operation with the same name are one service: the consumer
    /// publishes what the send operation sends, down the send operation's wire.
    fn join_services(&mut self, senders: &[(usize, usize)], receivers: &[(usize, usize)]) {
        let mut gone: Vec<usize> = Vec::new();
        // A service publishes down one wire: a receiver joins one sender at most.
        let mut joined: Vec<usize> = Vec::new();
        for &(so, p) in senders {
            let same = |(ro, c): &&(usize, usize)| {
                self.doc.operations[*ro].id == self.doc.operations[so].id && !joined.contains(c)
            };
            let Some(&(_, c)) = receivers.iter().find(same) else {
                continue;
            };
            let (p_id, c_id) = (self.nodes[p].id().to_string(), self.nodes[c].id().to_string());
            let Some(out) = self.wires.iter().position(|w| w["from"] == p_id) else { continue };
            let target = self.wires[out]["to"].clone();
            if self.wires.iter().any(|w| w["to"] == c_id && w["from"] == target) {
                // A service does not publish to what it reads.
                continue;
            }
            self.wires[out]["from"] = Value::from(c_id.clone());
            let types = self.nodes[p].node.get("event_type").cloned().unwrap_or(json!("Event"));
            self.set(c, "publishes", json!([{"publish": types}]));
            let home = self.nodes[p].homes.clone();
            self.nodes[c].homes.extend(home);
            joined.push(c);
            gone.push(p);
        }
        gone.sort_unstable();
        for p in gone.into_iter().rev() {
            self.nodes.remove(p);
        }
    }

    /// The producers' event types and the services' published ones count together towards the
    /// format's limit: the longest lists are cut until they fit (every node keeps one).
    fn cap_event_types(&mut self) {
        let list = |n: &DNode| -> Vec<Value> {
            let v = match n.kind() {
                "producer" => n.node.get("event_type"),
                _ => n.node.get("publishes").and_then(|p| p.get(0)).and_then(|r| r.get("publish")),
            };
            match v {
                Some(Value::Array(items)) => items.clone(),
                Some(one) => vec![one.clone()],
                None if n.kind() == "producer" => vec![json!("Event")],
                None => Vec::new(),
            }
        };
        let mut total: usize = self.nodes.iter().map(|n| list(n).len()).sum();
        while total > MAX_EVENT_TYPES as usize {
            let Some(i) = (0..self.nodes.len()).max_by_key(|&i| list(&self.nodes[i]).len()) else { break };
            let mut types = list(&self.nodes[i]);
            let keep = types.len().saturating_sub(total - MAX_EVENT_TYPES as usize).max(1);
            total -= types.len() - keep;
            types.truncate(keep);
            let path = self.nodes[i].homes.first().map(|h| super::read::path_of(h)).unwrap_or_default();
            self.note(path, format!("a scenario's producers and services list at most {MAX_EVENT_TYPES} event types together: {} keeps {keep}", shown(self.nodes[i].id())));
            let v = if keep == 1 { types.remove(0) } else { Value::Array(types) };
            if self.nodes[i].kind() == "producer" {
                self.set(i, "event_type", v);
            } else {
                self.set(i, "publishes", json!([{"publish": v}]));
            }
        }
    }

    /// The event types of some messages, in their order, each once.
    fn event_types(&self, messages: &[usize]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &m in messages {
            let t = clean_name(&self.doc.messages[m].event_type, "Event");
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// Keys a Kafka message binding lists (`key: {enum: [...]}`): the producer's keys.
    fn keys(&self, messages: &[usize]) -> Option<Value> {
        messages.iter().find_map(|&m| {
            let k = binding(self.doc.root, self.doc.messages[m].value, "kafka")?.get("key")?;
            let k = deref(self.doc.root, k, None).ok()?.0;
            let keys: Vec<String> = k
                .get("enum")?
                .as_array()?
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string).or_else(|| x.as_i64().map(|n| n.to_string())))
                .filter(|x| !x.is_empty() && x.chars().count() <= MAX_NAME_LEN && !x.chars().any(char::is_control))
                .take(MAX_KEYS as usize)
                .collect();
            (!keys.is_empty()).then(|| Value::from(keys))
        })
    }

    /// Dead-letter targets (`x-dead-letter-routing-key`), and the dead-letter queues: targets
    /// that nothing reads or writes.
    fn dead_letters(&mut self, places: &[Option<Place>]) {
        let doc = self.doc;
        let mut targets: Vec<usize> = Vec::new();
        for (c, place) in places.iter().enumerate() {
            let Some(Place::Queue(q)) = place else { continue };
            let ch = &doc.channels[c];
            let Some(args) = binding(doc.root, ch.value, "amqp").and_then(|a| a.get("queue")) else { continue };
            let at = format!("{}.bindings.amqp.queue", ch.path);
            let exchange = args.get("x-dead-letter-exchange").and_then(Value::as_str);
            let routing_key = args.get("x-dead-letter-routing-key").and_then(Value::as_str);
            match (exchange, routing_key) {
                (None, None) => {}
                (Some(x), _) if !x.is_empty() => self.note(
                    format!("{at}.x-dead-letter-exchange"),
                    "dead-lettering through an exchange is not simulated: here a queue names the queue its dead letters go to (x-dead-letter-exchange \"\" and x-dead-letter-routing-key)",
                ),
                (_, None) => self.note(format!("{at}.x-dead-letter-exchange"), "without x-dead-letter-routing-key its dead letters go nowhere here"),
                (_, Some(name)) => {
                    let name = clean_name(name, "dead-letters");
                    if name == self.nodes[*q].id() {
                        self.note(format!("{at}.x-dead-letter-routing-key"), "a queue cannot dead-letter to itself");
                        continue;
                    }
                    let t = match self.nodes.iter().position(|n| n.id() == name && n.kind() == "queue") {
                        Some(t) => t,
                        None if self.nodes.iter().any(|n| n.id() == name) => {
                            self.note(format!("{at}.x-dead-letter-routing-key"), format!("{} is not a queue", shown(&name)));
                            continue;
                        }
                        None => self.node(&name, "queue", None),
                    };
                    let t_id = self.nodes[t].id().to_string();
                    self.set(*q, "dead_letter", Value::from(t_id));
                    targets.push(t);
                }
            }
        }
        self.bind_queues(places, &targets);
        for t in targets {
            let id = self.nodes[t].id().to_string();
            let wired = self.wires.iter().any(|w| w["from"] == id || w["to"] == id);
            if !wired && self.nodes[t].kind() == "queue" {
                let node = &mut self.nodes[t].node;
                node.retain(|k, _| k == "id" || k == "kind");
                node.insert("kind".into(), json!("dead_letter_queue"));
            }
        }
    }

    /// AsyncAPI has no binding between a queue and an exchange: a queue channel that carries a
    /// message of an exchange's routing-key channel is taken to be bound to that exchange by
    /// that routing key (and the guess is said). Dead-letter targets take their messages by
    /// dead-lettering, not by a binding.
    fn bind_queues(&mut self, places: &[Option<Place>], dead_letter_targets: &[usize]) {
        let doc = self.doc;
        for (r, place) in places.iter().enumerate() {
            let Some(Place::Exchange { node: x, routing_key: Some(k), .. }) = place else { continue };
            for (q, qp) in places.iter().enumerate() {
                let Some(Place::Queue(qn)) = qp else { continue };
                if dead_letter_targets.contains(qn) {
                    continue;
                }
                let Some(shared) = doc.channels[q].messages.iter().find(|m| doc.channels[r].messages.contains(m))
                else {
                    continue;
                };
                let (x_id, q_id) = (self.nodes[*x].id().to_string(), self.nodes[*qn].id().to_string());
                if self.wires.iter().any(|w| w["from"] == x_id && w["to"] == q_id) {
                    continue;
                }
                let key = self.binding_key(*x, Some(k), &doc.channels[r].key);
                let words = match &key {
                    Some(key) => format!("by {}", shown(key)),
                    None => "(fanout)".to_string(),
                };
                let why = format!(
                    "bound to the exchange {} {words}, because it carries {} as {} does (AsyncAPI does not say which queue an exchange routes to)",
                    shown(&x_id),
                    shown(&doc.messages[*shared].event_type),
                    doc.channels[r].path
                );
                self.note(doc.channels[q].path.clone(), why);
                self.wire(*x, *qn, key);
            }
        }
    }

    /// Title, description, duration and the event types' schemas.
    fn top(&mut self) -> Map<String, Value> {
        let doc = self.doc;
        let mut top = Map::new();
        top.insert("version".into(), json!(1));
        let info = doc.root.get("info");
        if let Some(t) = info.and_then(|i| i.get("title")).and_then(Value::as_str) {
            top.insert("title".into(), Value::from(clean_text(t)));
        }
        if let Some(d) = info.and_then(|i| i.get("description")).and_then(Value::as_str) {
            top.insert("description".into(), Value::from(clean_text(d)));
        }
        top.insert("duration_ms".into(), json!(DEFAULT_DURATION_MS));
        let schemas = self.schemas();
        if !schemas.is_empty() {
            top.insert("schemas".into(), Value::Object(schemas));
        }
        top
    }

    /// Each event type's versions, from its messages' payloads: numbered ones (`E.v2`) in
    /// their places, then the others in the order they are met.
    fn schemas(&mut self) -> Map<String, Value> {
        let doc = self.doc;
        let mut by_type: Vec<TypeVersions> = Vec::new();
        for m in &doc.messages {
            if let Some(c) = m.value.get("correlationId") {
                let location =
                    deref(doc.root, c, None).ok().and_then(|(v, _)| v.get("location")).and_then(Value::as_str);
                if location != Some(super::CORRELATION_LOCATION) {
                    self.note(format!("{}.correlationId", m.path), "every Brokerlab message carries a correlation id (its flow's first message): where this one says it is, is not used");
                }
            }
            let event_type = clean_name(&m.event_type, "Event");
            let Some(record) = super::payload::record_of(doc.root, m.value, &event_type, &m.path, &mut self.unmapped)
            else {
                continue;
            };
            let record = super::short_record(&record, &event_type);
            let i = match by_type.iter().position(|(t, _, _)| *t == event_type) {
                Some(i) => i,
                None => {
                    by_type.push((event_type, Vec::new(), Vec::new()));
                    by_type.len() - 1
                }
            };
            match m.version {
                Some(n) => by_type[i].1.push((n, record, m.path.clone())),
                None => by_type[i].2.push((record, m.path.clone())),
            }
        }
        by_type.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Map::new();
        for (event_type, mut numbered, others) in by_type {
            numbered.sort_by_key(|(n, _, _)| *n);
            let mut versions: Vec<Value> = Vec::new();
            for (n, record, path) in numbered {
                if usize::from(n) == versions.len() + 1 {
                    versions.push(record);
                } else if usize::from(n) <= versions.len() {
                    if versions[usize::from(n) - 1] != record {
                        self.note(path, format!("a second, different version {n} of {}: left out", shown(&event_type)));
                    }
                } else {
                    self.note(
                        path,
                        format!(
                            "version {n} of {} comes after a missing version {}: left out",
                            shown(&event_type),
                            versions.len() + 1
                        ),
                    );
                }
            }
            for (record, _) in others {
                if !versions.contains(&record) {
                    versions.push(record);
                }
            }
            if versions.is_empty() {
                continue;
            }
            if versions.len() > MAX_SCHEMA_VERSIONS {
                self.note(
                    "components.messages",
                    format!(
                        "{} has more than {MAX_SCHEMA_VERSIONS} versions: the rest are left out",
                        shown(&event_type)
                    ),
                );
                versions.truncate(MAX_SCHEMA_VERSIONS);
            }
            if out.len() == MAX_SCHEMAS {
                self.note(
                    "components.messages",
                    format!(
                        "a scenario has schemas for at most {MAX_SCHEMAS} event types: {} has none",
                        shown(&event_type)
                    ),
                );
                continue;
            }
            out.insert(event_type, json!({"versions": versions}));
        }
        // A producer writes the lowest version its messages name, within what each of its
        // event types has.
        for p in 0..self.nodes.len() {
            if self.nodes[p].kind() != "producer" {
                continue;
            }
            let Some(op) = doc.operations.iter().find(|o| self.nodes[p].homes.first() == Some(&o.pointer)) else {
                continue;
            };
            let messages = if op.messages.is_empty() { &doc.channels[op.channel].messages } else { &op.messages };
            let lowest = messages.iter().filter_map(|&m| doc.messages[m].version).min().unwrap_or(1);
            let types = match self.nodes[p].node.get("event_type") {
                Some(Value::String(t)) => vec![t.clone()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                _ => vec!["Event".to_string()],
            };
            let most = types
                .iter()
                .filter_map(|t| out.get(t).and_then(|s| s["versions"].as_array()).map(Vec::len))
                .min()
                .unwrap_or(usize::from(lowest));
            let version = usize::from(lowest).min(most).max(1);
            if version > 1 {
                self.set(p, "schema_version", Value::from(version));
            }
        }
        out
    }
}

/// An event type's versions as its messages give them: numbered ones (with the message's
/// path), and the others.
type TypeVersions = (String, Vec<(u16, Value, String)>, Vec<(Value, String)>);

/// A channel's, an operation's or a message's binding for `protocol`, references followed.
fn binding<'a>(root: &'a Value, of: &'a Value, protocol: &str) -> Option<&'a Value> {
    let b = deref(root, of.get("bindings")?, None).ok()?.0;
    deref(root, b.get(protocol)?, None).ok().map(|(v, _)| v)
}

/// One event type as a string, several as a list; none: nothing (the format's default).
fn types_value(types: &[String]) -> Option<Value> {
    match types {
        [] => None,
        [one] => Some(Value::from(one.as_str())),
        many => Some(Value::from(many.to_vec())),
    }
}

/// The one value a binding's schema (a Kafka `groupId`) stands for: its `const`, its only
/// `enum` value, or its `default`.
fn schema_value(root: &Value, schema: &Value) -> Option<String> {
    let s = deref(root, schema, None).ok()?.0;
    let one = s
        .get("const")
        .or_else(|| s.get("enum").and_then(Value::as_array).filter(|e| e.len() == 1).and_then(|e| e.first()))
        .or_else(|| s.get("default"))
        .or_else(|| s.get("examples").and_then(Value::as_array).and_then(|e| e.first()))?;
    one.as_str().map(str::to_string)
}
