//! `export`: the scenario as an AsyncAPI 3.0 document. Queues, exchanges and topics become
//! channels with their AMQP and Kafka bindings (a queue's settings as RabbitMQ's queue
//! arguments, a topic's partitions and retention); producers, services and consumers become
//! send and receive operations (a consumer's ack mode and Kafka group, a producer's routing
//! key as the AMQP `cc`); each event type becomes a message with the headers every Brokerlab
//! message carries and its correlation id (the flow's first message). An event type with
//! schemas has a message per version (`OrderPlaced.v2`) whose payload is that version, an Avro
//! record in AsyncAPI's multi-format schema; every version is in the components, and a channel
//! lists the versions that reach it.
//!
//! What reaches a channel is worked out from the wires: a sender's event types (or its routing
//! key) go to its target; an exchange passes each on to the queues whose binding matches it; a
//! dead-letter target takes what its source holds; a responder's replies reach the requester's
//! own queue.
//!
//! Then the export imports its own standard parts (`derive.rs`) and writes, in extensions, the
//! difference from the scenario: `x-brokerlab-node` on a node's channel or operation, and
//! `x-brokerlab-scenario` at the top (the scenario's own fields, the node order with the nodes
//! no channel or operation describes, the wires). Importing the document gives the scenario
//! back, its view, lesson and expectations aside.

use serde_json::{json, Map, Value};

use super::derive::derive;
use super::overlay::{diff, normal_node, normal_top, normal_wires, short_wire};
use super::read::Doc;
use super::{key, pointer, version_key, AMQP_BINDING, AVRO_FORMAT, KAFKA_BINDING, NODE_EXTENSION, SCENARIO_EXTENSION};
use crate::model::ids::NodeId;
use crate::model::{Model, NodeKind, ReplyTo};
use crate::scenario::{exchange, ActionKind, ExchangeType, Node, Overflow, QueueType, Scenario, Semantics};

/// A message on the wire: an event type, and the version of its schema when it has schemas.
#[derive(Clone, Debug, PartialEq)]
struct Msg {
    event_type: String,
    version: Option<u16>,
}

impl Msg {
    fn key(&self) -> String {
        match self.version {
            Some(v) => version_key(&self.event_type, v),
            None => key(&self.event_type),
        }
    }
}

struct Exporter<'a> {
    scenario: &'a Scenario,
    model: &'a Model,
}

impl Exporter<'_> {
    /// The versions of `event_type` a node writes: a producer its `schema_version` and every
    /// version a `deploy` gives it; a service or an orchestrator version 1.
    fn versions(&self, node: NodeId, event_type: &str) -> Vec<Option<u16>> {
        let Some((_, schemas)) = self.model.schemas.of(event_type) else { return vec![None] };
        let n = schemas.count();
        let mut out: Vec<u16> = Vec::new();
        if let NodeKind::Producer(p) = &self.model.nodes[node.index()].kind {
            out.push(p.schema_version.min(u32::from(n)) as u16);
            let name = self.model.name(node);
            for a in &self.scenario.actions {
                if let ActionKind::Deploy { node: target, version } = &a.what {
                    if target == name && (1..=i64::from(n)).contains(version) {
                        out.push(*version as u16);
                    }
                }
            }
        } else {
            out.push(1);
        }
        out.sort_unstable();
        out.dedup();
        out.into_iter().map(Some).collect()
    }

    /// What a node sends down its wire: (message, routing key) pairs.
    fn sends(&self, node: NodeId) -> Vec<(Msg, String)> {
        let mut types: Vec<(String, String)> = Vec::new();
        match &self.model.nodes[node.index()].kind {
            NodeKind::Producer(p) => {
                for t in &p.event_types {
                    types.push((t.clone(), p.routing_key.clone().unwrap_or_else(|| t.clone())));
                }
            }
            NodeKind::Consumer(c) => {
                let Some(out) = &c.output else { return Vec::new() };
                let mut named: Vec<&String> =
                    out.rules.iter().flat_map(|r| r.publish.iter().chain(&r.give_up)).collect();
                if let Some(saga) = &out.saga {
                    for st in &saga.steps {
                        named.push(&st.command);
                        named.extend(&st.compensate);
                    }
                    named.extend(saga.completed.iter().chain(&saga.compensated));
                }
                for t in named {
                    types.push((t.clone(), t.clone()));
                }
            }
            _ => {}
        }
        let mut out: Vec<(Msg, String)> = Vec::new();
        for (t, routing_key) in types {
            for version in self.versions(node, &t) {
                let m = Msg { event_type: t.clone(), version };
                if !out.iter().any(|(x, _)| *x == m) {
                    out.push((m, routing_key.clone()));
                }
            }
        }
        out
    }

    /// The wire a node sends down.
    fn target(&self, node: NodeId) -> Option<NodeId> {
        match &self.model.nodes[node.index()].kind {
            NodeKind::Producer(p) => p.target.as_ref().map(|l| l.to),
            NodeKind::Consumer(c) => c.output.as_ref().and_then(|o| o.publisher.target.as_ref()).map(|l| l.to),
            _ => None,
        }
    }

    /// The messages that reach each node, in the order they are first met.
    fn arriving(&self) -> Vec<Vec<Msg>> {
        let model = self.model;
        let n = model.nodes.len();
        let mut at: Vec<Vec<Msg>> = vec![Vec::new(); n];
        let add = |at: &mut Vec<Vec<Msg>>, node: NodeId, m: &Msg| {
            if !at[node.index()].contains(m) {
                at[node.index()].push(m.clone());
            }
        };
        for i in 0..n {
            let node = NodeId(i as u32);
            let Some(to) = self.target(node) else { continue };
            for (m, routing_key) in self.sends(node) {
                add(&mut at, to, &m);
                if let NodeKind::Exchange(em) = &model.nodes[to.index()].kind {
                    for b in em
                        .bindings
                        .iter()
                        .filter(|b| exchange::routes(em.exchange_type, b.key.as_deref(), &routing_key))
                    {
                        add(&mut at, b.link.to, &m);
                    }
                }
            }
        }
        for i in 0..n {
            // A responder's replies go to the requester's own queue, by the default exchange.
            let NodeKind::Consumer(c) = &model.nodes[i].kind else { continue };
            let replies: Vec<String> =
                c.output.as_ref().map(|o| o.rules.iter().filter_map(|r| r.reply.clone()).collect()).unwrap_or_default();
            for reply in replies {
                let m = Msg { event_type: reply.clone(), version: self.versions(NodeId(i as u32), &reply)[0] };
                // The requesters whose requests go to the queue this responder reads.
                let reads = c.queue.map(|q| model.name(q).to_string());
                for other in &model.nodes {
                    let NodeKind::Consumer(r) = &other.kind else { continue };
                    let Some(out) = &r.output else { continue };
                    let asks_here =
                        out.saga.as_ref().is_some_and(|s| s.steps.iter().any(|st| Some(&st.to) == reads.as_ref()));
                    if let (Some(ReplyTo::Queue(q)), true) = (out.reply_to, asks_here) {
                        add(&mut at, q, &m);
                    }
                }
            }
        }
        // Dead letters: a target holds what its source holds (a few rounds reach chains of them).
        for _ in 0..4 {
            for i in 0..n {
                let (dead, source) = match &model.nodes[i].kind {
                    NodeKind::Queue(q) => (q.dead_letter, Some(NodeId(i as u32))),
                    NodeKind::Consumer(c) => (c.dead_letter, c.log.as_ref().map(|l| l.topic)),
                    _ => (None, None),
                };
                if let (Some(d), Some(s)) = (dead, source) {
                    for m in at[s.index()].clone() {
                        add(&mut at, d, &m);
                    }
                }
            }
        }
        at
    }

    /// The queue arguments RabbitMQ would be given for a queue's settings.
    fn queue_object(&self, node: usize) -> Value {
        let name = &self.model.nodes[node].name;
        let mut q = json!({"name": name, "durable": true, "exclusive": false, "autoDelete": false});
        let NodeKind::Queue(qm) = &self.model.nodes[node].kind else { return q };
        let Some(Node::Queue(spec)) = self.scenario.nodes.get(node) else { return q };
        q["x-queue-type"] = json!(if qm.queue_type == QueueType::Quorum { "quorum" } else { "classic" });
        if let Some(ttl) = spec.ttl_ms {
            q["x-message-ttl"] = json!(ttl);
        }
        if let Some(n) = spec.max_length {
            q["x-max-length"] = json!(n);
        }
        if spec.overflow != Overflow::DropHead {
            q["x-overflow"] = serde_json::to_value(spec.overflow).unwrap_or_default();
        }
        if let Some(n) = spec.delivery_limit {
            q["x-delivery-limit"] = json!(n);
        }
        if let Some(ms) = spec.ack_timeout_ms {
            q["x-consumer-timeout"] = json!(ms);
        }
        if let Some(d) = &spec.dead_letter {
            // RabbitMQ's way to a queue by its name: the default exchange.
            q["x-dead-letter-exchange"] = json!("");
            q["x-dead-letter-routing-key"] = json!(d);
        }
        q
    }

    /// The document's standard parts, with the home (channel or operation pointer) of each
    /// node that has one.
    fn standard(&self) -> (Value, Vec<Option<String>>) {
        let model = self.model;
        let at = self.arriving();
        let mut channels = Map::new();
        let mut messages = Map::new();
        // Each node's channel key: its name as a key, made unique.
        let mut channel_key: Vec<Option<String>> = vec![None; model.nodes.len()];
        let mut homes: Vec<Option<String>> = vec![None; model.nodes.len()];
        for (i, n) in model.nodes.iter().enumerate() {
            let bindings = match &n.kind {
                NodeKind::Queue(_) => {
                    json!({"amqp": {"is": "queue", "queue": self.queue_object(i), "bindingVersion": AMQP_BINDING}})
                }
                NodeKind::DeadLetterQueue => json!({"amqp": {
                    "is": "queue",
                    "queue": {"name": n.name, "durable": true, "exclusive": false, "autoDelete": false},
                    "bindingVersion": AMQP_BINDING,
                }}),
                NodeKind::Exchange(em) => json!({"amqp": {
                    "is": "routingKey",
                    "exchange": {"name": n.name, "type": match em.exchange_type {
                        ExchangeType::Fanout => "fanout",
                        ExchangeType::Direct => "direct",
                        ExchangeType::Topic => "topic",
                    }, "durable": true, "autoDelete": false},
                    "bindingVersion": AMQP_BINDING,
                }}),
                NodeKind::Topic(tm) => {
                    let mut kafka =
                        json!({"topic": n.name, "partitions": tm.partitions, "bindingVersion": KAFKA_BINDING});
                    if let Some(rep) = &tm.replication {
                        kafka["replicas"] = Value::from(rep.replicas.first().map_or(1, Vec::len));
                    }
                    let mut config = Map::new();
                    if let Some(r) = tm.retention {
                        config.insert("retention.ms".into(), Value::from(r.0 / 1000));
                    }
                    if let Some(c) = tm.compaction {
                        // Retention set: "compact,delete"; the overlay says so when it is not.
                        let deletes = tm.retention.is_some() || tm.retention_records.is_some();
                        let policy = if deletes { json!(["compact", "delete"]) } else { json!(["compact"]) };
                        config.insert("cleanup.policy".into(), policy);
                        config.insert("delete.retention.ms".into(), Value::from(c.delete_retention.0 / 1000));
                    }
                    if !config.is_empty() {
                        kafka["topicConfiguration"] = Value::Object(config);
                    }
                    json!({"kafka": kafka})
                }
                _ => continue,
            };
            let mut k = key(&n.name);
            let mut suffix = 2;
            while channels.contains_key(&k) {
                k = format!("{}_{suffix}", key(&n.name));
                suffix += 1;
            }
            let mut refs = Map::new();
            for m in &at[i] {
                refs.insert(m.key(), json!({"$ref": format!("#/components/messages/{}", m.key())}));
            }
            homes[i] = Some(pointer(&["channels", &k]));
            channels.insert(k.clone(), json!({"address": n.name, "messages": refs, "bindings": bindings}));
            channel_key[i] = Some(k);
        }
        // Every event type's message, and every version of those with schemas.
        for list in &at {
            for m in list.iter().filter(|m| m.version.is_none()) {
                messages.entry(m.key()).or_insert_with(|| message(m, None));
            }
        }
        for (t, spec) in &self.scenario.schemas {
            for (v, record) in spec.versions.iter().enumerate() {
                let m = Msg { event_type: t.clone(), version: Some(v as u16 + 1) };
                messages.insert(m.key(), message(&m, Some(record)));
            }
        }
        let channel_messages = |channel: NodeId, list: &[Msg]| -> Vec<Value> {
            let ch = channel_key[channel.index()].as_deref().unwrap_or("");
            list.iter()
                .filter(|m| at[channel.index()].contains(m))
                .map(|m| json!({"$ref": format!("#/channels/{ch}/messages/{}", m.key())}))
                .collect()
        };
        let mut operations = Map::new();
        // Each node's operations are keyed by its name as a key, made unique among nodes.
        let mut bases: Vec<String> = Vec::new();
        let op_base: Vec<String> = model
            .nodes
            .iter()
            .map(|n| {
                let mut b = key(&n.name);
                let mut suffix = 2;
                while bases.contains(&b) {
                    b = format!("{}_{suffix}", key(&n.name));
                    suffix += 1;
                }
                bases.push(b.clone());
                b
            })
            .collect();
        for (i, n) in model.nodes.iter().enumerate() {
            let node = NodeId(i as u32);
            if let Some(to) = self.target(node).filter(|t| channel_key[t.index()].is_some()) {
                let sends = self.sends(node);
                let list: Vec<Msg> = sends.iter().map(|(m, _)| m.clone()).collect();
                let mut op = json!({
                    "action": "send",
                    "title": format!("{} publishes", n.name),
                    "channel": {"$ref": format!("#/channels/{}", channel_key[to.index()].as_deref().unwrap_or(""))},
                    "messages": channel_messages(to, &list),
                });
                if let (NodeKind::Producer(p), NodeKind::Exchange(_)) = (&n.kind, &model.nodes[to.index()].kind) {
                    if let Some(rk) = &p.routing_key {
                        op["bindings"] = json!({"amqp": {"cc": [rk], "bindingVersion": AMQP_BINDING}});
                    }
                }
                let k = format!("{}.send", op_base[i]);
                homes[i] = homes[i].take().or_else(|| Some(pointer(&["operations", &k])));
                operations.insert(k, op);
            }
            let NodeKind::Consumer(c) = &n.kind else { continue };
            let Some(source) = c.queue.or(c.log.as_ref().map(|l| l.topic)) else { continue };
            if channel_key[source.index()].is_none() {
                continue;
            }
            let mut op = json!({
                "action": "receive",
                "title": format!("{} consumes ({})", n.name, c.semantics.name()),
                "channel": {"$ref": format!("#/channels/{}", channel_key[source.index()].as_deref().unwrap_or(""))},
                "messages": channel_messages(source, &at[source.index()]),
            });
            op["bindings"] = match &c.log {
                Some(l) => json!({"kafka": {
                    "groupId": {"type": "string", "enum": [model.groups[l.group as usize].name]},
                    "clientId": {"type": "string", "enum": [n.name]},
                    "bindingVersion": KAFKA_BINDING,
                }}),
                None => json!({"amqp": {"ack": c.semantics != Semantics::AtMostOnce, "bindingVersion": AMQP_BINDING}}),
            };
            let k = format!("{}.receive", op_base[i]);
            // A consumer's home is its receive operation, before its send operation.
            homes[i] = Some(pointer(&["operations", &k]));
            operations.insert(k, op);
        }
        let mut info = json!({"title": if model.title.is_empty() { "Brokerlab scenario" } else { &model.title }, "version": "1.0.0"});
        if !self.scenario.description.is_empty() {
            info["description"] = json!(self.scenario.description);
        }
        let doc = json!({
            "asyncapi": super::VERSION,
            "info": info,
            "defaultContentType": "application/json",
            "channels": channels,
            "operations": operations,
            "components": {"messages": messages},
        });
        (doc, homes)
    }
}

/// The scenario as an AsyncAPI 3.0 document.
pub fn export(scenario: &Scenario, model: &Model) -> Value {
    let (mut doc, homes) = Exporter { scenario, model }.standard();
    let Ok(read) = Doc::read(&doc) else { return doc };
    let derived = derive(&read);
    let mut ext = Map::new();

    // Each node: its extension over what its channel or operation gives, or the node whole.
    let mut order: Vec<Value> = Vec::new();
    let mut renamed: Vec<(String, String)> = Vec::new();
    let mut matched: Vec<usize> = Vec::new();
    for (i, n) in scenario.nodes.iter().enumerate() {
        let Ok(orig) = serde_json::to_value(n) else { continue };
        let found = homes[i].as_ref().and_then(|h| derived.nodes.iter().position(|d| d.homes.contains(h)));
        let from_standard =
            found.and_then(|j| normal_node(&Value::Object(derived.nodes[j].node.clone())).map(|d| (j, d)));
        match from_standard {
            Some((j, d)) if !matched.contains(&j) => {
                matched.push(j);
                if let (Some(o), Some(home)) = (diff(&orig, &d, 1), &homes[i]) {
                    if let Some(target) = doc.pointer_mut(home).and_then(Value::as_object_mut) {
                        target.insert(NODE_EXTENSION.into(), o);
                    }
                }
                renamed.push((derived.nodes[j].id().to_string(), n.id().to_string()));
                order.push(Value::from(n.id()));
            }
            _ => order.push(orig),
        }
    }
    let derived_order: Vec<Value> = derived
        .nodes
        .iter()
        .map(|d| Value::from(renamed.iter().find(|(was, _)| was == d.id()).map_or(d.id(), |(_, now)| now.as_str())))
        .collect();
    if order != derived_order {
        ext.insert("nodes".into(), Value::Array(order));
    }

    // The wires, when the standard parts do not give them as they are.
    let now = |id: &str| renamed.iter().find(|(was, _)| was == id).map_or(id.to_string(), |(_, now)| now.clone());
    let derived_wires: Vec<Value> = derived
        .wires
        .iter()
        .map(|w| {
            let mut w = w.clone();
            w["from"] = Value::from(now(w["from"].as_str().unwrap_or("")));
            w["to"] = Value::from(now(w["to"].as_str().unwrap_or("")));
            w
        })
        .collect();
    let orig_wires: Vec<Value> = scenario.wires.iter().filter_map(|w| serde_json::to_value(w).ok()).collect();
    if normal_wires(&derived_wires) != Some(orig_wires.clone()) {
        ext.insert("wires".into(), Value::Array(orig_wires.iter().map(short_wire).collect()));
    }

    // The scenario's own fields.
    if let Ok(Value::Object(orig)) = serde_json::to_value(scenario) {
        if let (Some(o), Some(d)) = (normal_top(&orig), normal_top(&derived.top)) {
            if let Some(Value::Object(fields)) = diff(&Value::Object(o), &Value::Object(d), 3) {
                ext.extend(fields);
            }
        }
    }
    if !ext.is_empty() {
        doc[SCENARIO_EXTENSION] = Value::Object(ext);
    }
    doc
}

/// A message: the headers every Brokerlab message carries, its correlation id, and for a
/// version of an event type with schemas, that version as its payload.
fn message(m: &Msg, record: Option<&Value>) -> Value {
    let payload = match record {
        Some(r) => json!({"schemaFormat": AVRO_FORMAT, "schema": super::full_record(r, &m.event_type)}),
        None => {
            json!({"type": "object", "description": "Brokerlab models the event's business key; its payload fields are not described."})
        }
    };
    let title = match m.version {
        Some(v) => format!("{}, version {v}", m.event_type),
        None => m.event_type.clone(),
    };
    json!({
        "name": m.event_type,
        "title": title,
        "contentType": "application/json",
        "headers": {"type": "object", "properties": {
            "message_id": {"type": "string", "description": "The event's id (its producer's id and number), the same on a publish retry."},
            "correlation_id": {"type": "string", "description": "The id of the flow's first message."},
            "causation_id": {"type": "string", "description": "The id of the message it was published for."},
            "schema_version": {"type": "integer", "minimum": 1},
        }},
        "payload": payload,
        "correlationId": {"description": "The flow's first message.", "location": super::CORRELATION_LOCATION},
        "bindings": {"kafka": {"key": {"type": "string", "description": "The business key."}, "bindingVersion": KAFKA_BINDING}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation points at a channel the document has, and its messages at that
    /// channel's; every channel's messages at a component that exists.
    pub(crate) fn references_hold(doc: &Value) -> Result<(), String> {
        let resolve = |r: &str| -> Option<&Value> { doc.pointer(r.strip_prefix('#')?) };
        for (id, op) in doc["operations"].as_object().unwrap() {
            let channel = op["channel"]["$ref"].as_str().unwrap();
            resolve(channel).ok_or(format!("{id}: no channel {channel}"))?;
            for m in op["messages"].as_array().unwrap() {
                let r = m["$ref"].as_str().unwrap();
                if !r.starts_with(&format!("{channel}/messages/")) || resolve(r).is_none() {
                    return Err(format!("{id}: message {r} is not in {channel}"));
                }
            }
        }
        for (id, ch) in doc["channels"].as_object().unwrap() {
            for (_, m) in ch["messages"].as_object().unwrap() {
                resolve(m["$ref"].as_str().unwrap()).ok_or(format!("{id}: dangling message"))?;
            }
        }
        Ok(())
    }

    fn exported(text: &str) -> Value {
        let scenario = Scenario::from_json(text).unwrap();
        export(&scenario, &crate::compile::validate(&scenario).unwrap())
    }

    #[test]
    fn every_shipped_scenario_exports_with_its_references_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let doc = exported(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
            references_hold(&doc).unwrap();
            assert!(!doc["operations"].as_object().unwrap().is_empty());
            files += 1;
        }
        assert!(files >= 40);
    }

    #[test]
    fn a_queue_an_exchange_and_a_topic_become_channels_with_their_bindings() {
        let doc = exported(
            r#"{"version":1,"title":"Orders","duration_ms":1000,"nodes":[
              {"id":"orders","kind":"producer","event_type":["OrderPlaced","OrderPaid"],"keys":["o-1"],"routing_key":"order.new"},
              {"id":"orders-x","kind":"exchange","type":"direct"},
              {"id":"billing q","kind":"queue","dead_letter":"dlq","queue_type":"quorum","ttl_ms":500},{"id":"dlq","kind":"dead_letter_queue"},
              {"id":"billing","kind":"consumer","semantics":"at-most-once","publishes":[{"publish":"Billed"}]},
              {"id":"billed","kind":"topic","partitions":3},{"id":"audit","kind":"consumer","group":"auditors"}],
             "wires":[["orders","orders-x"],{"from":"orders-x","to":"billing q","binding_key":"order.new"},
              ["billing q","billing"],["billing","billed"],["billed","audit"]]}"#,
        );
        assert_eq!(doc["asyncapi"], "3.0.0");
        assert_eq!(doc["channels"]["orders-x"]["bindings"]["amqp"]["exchange"]["type"], "direct");
        let q = &doc["channels"]["billing_q"];
        assert_eq!(q["address"], "billing q");
        let args = &q["bindings"]["amqp"]["queue"];
        assert_eq!((&args["x-queue-type"], &args["x-message-ttl"]), (&json!("quorum"), &json!(500)));
        assert_eq!((&args["x-dead-letter-exchange"], &args["x-dead-letter-routing-key"]), (&json!(""), &json!("dlq")));
        assert_eq!(
            q["messages"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["OrderPaid", "OrderPlaced"],
            "the routing key reaches the queue with both types"
        );
        assert!(
            doc["channels"]["dlq"]["messages"]["OrderPaid"].is_object(),
            "a dead-letter target holds what its source does"
        );
        assert_eq!(doc["operations"]["orders.send"]["bindings"]["amqp"]["cc"], json!(["order.new"]));
        assert_eq!(doc["channels"]["billed"]["bindings"]["kafka"]["partitions"], 3);
        assert_eq!(doc["operations"]["billing.receive"]["bindings"]["amqp"]["ack"], false);
        assert_eq!(doc["operations"]["billing.send"]["messages"][0]["$ref"], "#/channels/billed/messages/Billed");
        assert_eq!(doc["operations"]["audit.receive"]["bindings"]["kafka"]["groupId"]["enum"][0], "auditors");
        assert_eq!(
            doc["components"]["messages"]["Billed"]["correlationId"]["location"],
            "$message.header#/correlation_id"
        );
        // What the standard parts do not carry: the producer's keys, the service's rule, ...
        assert_eq!(doc["operations"]["orders.send"][NODE_EXTENSION]["keys"], json!(["o-1"]));
        assert!(
            doc["operations"]["billing.receive"][NODE_EXTENSION].get("publishes").is_none(),
            "the send operation says what it publishes"
        );
        assert_eq!(doc[SCENARIO_EXTENSION]["duration_ms"], 1000);
        // ... and not what they carry.
        assert!(doc["channels"]["billed"].get(NODE_EXTENSION).is_none());
        assert!(doc["channels"]["billing_q"].get(NODE_EXTENSION).is_none(), "{}", doc["channels"]["billing_q"]);
        references_hold(&doc).unwrap();
    }

    #[test]
    fn an_event_type_with_schemas_has_a_message_per_version() {
        let record = |fields: Value| json!({"fields": fields});
        let v1 = record(json!([{"name": "order_id", "type": "string"}]));
        let v2 =
            record(json!([{"name": "order_id", "type": "string"}, {"name": "total", "type": "double", "default": 0}]));
        let v3 = record(
            json!([{"name": "order_id", "type": "string"}, {"name": "note", "type": ["null", "string"], "default": null}]),
        );
        let text = json!({"version": 1, "duration_ms": 10000,
            "schemas": {"OrderPlaced": {"compatibility": "FULL", "versions": [v1, v2, v3]}},
            "registry": {"compatibility": "BACKWARD"},
            "nodes": [{"id": "checkout", "kind": "producer", "event_type": "OrderPlaced", "schema_version": 2},
                      {"id": "orders", "kind": "topic"}, {"id": "billing", "kind": "consumer", "schema_version": 1}],
            "wires": [["checkout", "orders"], ["orders", "billing"]],
            "actions": [{"at_ms": 5000, "deploy": {"node": "checkout", "version": 1}}]});
        let doc = exported(&text.to_string());
        let messages = &doc["components"]["messages"];
        for (v, record) in [(1, &v1), (2, &v2), (3, &v3)] {
            let m = &messages[format!("OrderPlaced.v{v}")];
            assert_eq!(m["name"], "OrderPlaced");
            let mut whole = json!({"type": "record", "name": "OrderPlaced"});
            whole["fields"] = record["fields"].clone();
            assert_eq!(
                m["payload"],
                json!({"schemaFormat": AVRO_FORMAT, "schema": whole}),
                "Avro's own JSON: a record with its name"
            );
        }
        let on_topic: Vec<&String> = doc["channels"]["orders"]["messages"].as_object().unwrap().keys().collect();
        assert_eq!(on_topic, ["OrderPlaced.v1", "OrderPlaced.v2"], "the versions checkout writes, not version 3");
        assert_eq!(doc["operations"]["checkout.send"]["messages"].as_array().unwrap().len(), 2);
        assert_eq!(
            doc["operations"]["checkout.send"][NODE_EXTENSION],
            json!({"schema_version": 2}),
            "the lowest version is not the one it starts with"
        );
        assert_eq!(doc["operations"]["billing.receive"][NODE_EXTENSION], json!({"schema_version": 1}));
        assert_eq!(
            doc[SCENARIO_EXTENSION]["schemas"],
            json!({"OrderPlaced": {"compatibility": "FULL"}}),
            "only what the payloads do not say"
        );
        assert_eq!(doc[SCENARIO_EXTENSION]["registry"], json!({"compatibility": "BACKWARD"}));
        references_hold(&doc).unwrap();
    }
}
