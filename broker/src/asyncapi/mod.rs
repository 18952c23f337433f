//! AsyncAPI 3.0: a scenario written out as the document that describes its messaging, for a
//! team that keeps its contracts in AsyncAPI (`brokerlab asyncapi export`). Queues, exchanges
//! and topics become channels with their AMQP and Kafka bindings; producers, services and
//! consumers become send and receive operations; each event type becomes a message with the
//! headers every Brokerlab message carries and its correlation id (the flow's first message).
//! `yaml.rs` writes the same document as YAML. Only the command line and the tests call it: the
//! page's wasm carries none of it.
//!
//! What reaches a channel is worked out from the wires: a sender's event types (or its routing
//! key) go to its target; an exchange passes each on to the queues whose binding matches it; a
//! dead-letter target takes what its source holds.

pub mod yaml;

use serde_json::{json, Map, Value};

use crate::model::ids::NodeId;
use crate::model::{Model, NodeKind, ReplyTo};
use crate::scenario::{exchange, ExchangeType, Semantics};

/// The AsyncAPI version written.
pub const VERSION: &str = "3.0.0";
const AMQP_BINDING: &str = "0.3.0";
const KAFKA_BINDING: &str = "0.5.0";

/// A key AsyncAPI accepts for a channel, an operation or a message (`^[a-zA-Z0-9.\-_]+$`):
/// every other character becomes `_`.
fn key(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

/// What a node sends down its wire: (event type, routing key) pairs.
fn sends(model: &Model, node: NodeId) -> Vec<(String, String)> {
    match &model.nodes[node.index()].kind {
        NodeKind::Producer(p) => {
            p.event_types.iter().map(|t| (t.clone(), p.routing_key.clone().unwrap_or_else(|| t.clone()))).collect()
        }
        NodeKind::Consumer(c) => {
            let Some(out) = &c.output else { return Vec::new() };
            let mut types: Vec<&String> = out.rules.iter().flat_map(|r| r.publish.iter().chain(&r.give_up)).collect();
            if let Some(saga) = &out.saga {
                for st in &saga.steps {
                    types.push(&st.command);
                    types.extend(&st.compensate);
                }
                types.extend(saga.completed.iter().chain(&saga.compensated));
            }
            let mut out: Vec<(String, String)> = Vec::new();
            for t in types {
                if !out.iter().any(|(x, _)| x == t) {
                    out.push((t.clone(), t.clone()));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The wire a node sends down.
fn target(model: &Model, node: NodeId) -> Option<NodeId> {
    match &model.nodes[node.index()].kind {
        NodeKind::Producer(p) => p.target.as_ref().map(|l| l.to),
        NodeKind::Consumer(c) => c.output.as_ref().and_then(|o| o.publisher.target.as_ref()).map(|l| l.to),
        _ => None,
    }
}

/// The event types that reach each node, in the order they are first met.
fn arriving(model: &Model) -> Vec<Vec<String>> {
    let n = model.nodes.len();
    let mut at: Vec<Vec<String>> = vec![Vec::new(); n];
    let add = |at: &mut Vec<Vec<String>>, node: NodeId, t: &str| {
        if !at[node.index()].iter().any(|x| x == t) {
            at[node.index()].push(t.to_string());
        }
    };
    for i in 0..n {
        let node = NodeId(i as u32);
        let Some(to) = target(model, node) else { continue };
        for (t, routing_key) in sends(model, node) {
            add(&mut at, to, &t);
            if let NodeKind::Exchange(em) = &model.nodes[to.index()].kind {
                for b in
                    em.bindings.iter().filter(|b| exchange::routes(em.exchange_type, b.key.as_deref(), &routing_key))
                {
                    add(&mut at, b.link.to, &t);
                }
            }
        }
    }
    for i in 0..n {
        // A responder's replies go to the requester's own queue, by the default exchange.
        if let NodeKind::Consumer(c) = &model.nodes[i].kind {
            let replies = c.output.as_ref().map(|o| o.rules.iter().filter_map(|r| r.reply.clone()).collect::<Vec<_>>());
            for reply in replies.unwrap_or_default() {
                // The requesters whose requests go to the queue this responder reads.
                let reads = c.queue.map(|q| model.name(q).to_string());
                for other in &model.nodes {
                    let NodeKind::Consumer(r) = &other.kind else { continue };
                    let Some(out) = &r.output else { continue };
                    let asks_here =
                        out.saga.as_ref().is_some_and(|s| s.steps.iter().any(|st| Some(&st.to) == reads.as_ref()));
                    if let (Some(ReplyTo::Queue(q)), true) = (out.reply_to, asks_here) {
                        add(&mut at, q, &reply);
                    }
                }
            }
        }
    }
    // Dead letters: a target holds what its source holds (a few rounds reach chains of them).
    for _ in 0..4 {
        for i in 0..n {
            let dead = match &model.nodes[i].kind {
                NodeKind::Queue(q) => q.dead_letter,
                NodeKind::Consumer(c) => c.dead_letter,
                _ => None,
            };
            let source = match &model.nodes[i].kind {
                NodeKind::Consumer(c) => c.log.as_ref().map(|l| l.topic),
                _ => Some(NodeId(i as u32)),
            };
            if let (Some(d), Some(s)) = (dead, source) {
                for t in at[s.index()].clone() {
                    add(&mut at, d, &t);
                }
            }
        }
    }
    at
}

/// The scenario as an AsyncAPI 3.0 document.
pub fn export(model: &Model, description: &str) -> Value {
    let at = arriving(model);
    let name = |id: NodeId| model.name(id).to_string();
    let mut channels = Map::new();
    let mut messages = Map::new();
    for (i, n) in model.nodes.iter().enumerate() {
        let bindings = match &n.kind {
            NodeKind::Queue(_) | NodeKind::DeadLetterQueue => json!({"amqp": {
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
                let mut kafka = json!({"topic": n.name, "partitions": tm.partitions, "bindingVersion": KAFKA_BINDING});
                if let Some(r) = tm.retention {
                    kafka["topicConfiguration"] = json!({"retention.ms": r.0 / 1000});
                }
                json!({"kafka": kafka})
            }
            _ => continue,
        };
        let mut refs = Map::new();
        for t in &at[i] {
            refs.insert(key(t), json!({"$ref": format!("#/components/messages/{}", key(t))}));
            messages.entry(key(t)).or_insert_with(|| message(t));
        }
        channels.insert(key(&n.name), json!({"address": n.name, "messages": refs, "bindings": bindings}));
    }
    let channel_messages = |channel: NodeId, types: &mut dyn Iterator<Item = &String>| -> Vec<Value> {
        types
            .filter(|t| at[channel.index()].contains(t))
            .map(|t| json!({"$ref": format!("#/channels/{}/messages/{}", key(&name(channel)), key(t))}))
            .collect()
    };
    let mut operations = Map::new();
    for (i, n) in model.nodes.iter().enumerate() {
        let node = NodeId(i as u32);
        if let Some(to) = target(model, node).filter(|t| channels.contains_key(&key(&name(*t)))) {
            let types: Vec<String> = sends(model, node).into_iter().map(|(t, _)| t).collect();
            operations.insert(
                format!("{}.send", key(&n.name)),
                json!({
                    "action": "send",
                    "title": format!("{} publishes", n.name),
                    "channel": {"$ref": format!("#/channels/{}", key(&name(to)))},
                    "messages": channel_messages(to, &mut types.iter()),
                }),
            );
        }
        let NodeKind::Consumer(c) = &n.kind else { continue };
        let Some(source) = c.queue.or(c.log.as_ref().map(|l| l.topic)) else { continue };
        let mut op = json!({
            "action": "receive",
            "title": format!("{} consumes ({})", n.name, c.semantics.name()),
            "channel": {"$ref": format!("#/channels/{}", key(&name(source)))},
            "messages": channel_messages(source, &mut at[source.index()].iter()),
        });
        op["bindings"] = match &c.log {
            Some(l) => json!({"kafka": {
                "groupId": {"type": "string", "enum": [model.groups[l.group as usize].name]},
                "clientId": {"type": "string", "enum": [n.name]},
                "bindingVersion": KAFKA_BINDING,
            }}),
            None => json!({"amqp": {"ack": c.semantics != Semantics::AtMostOnce, "bindingVersion": AMQP_BINDING}}),
        };
        operations.insert(format!("{}.receive", key(&n.name)), op);
    }
    let mut info =
        json!({"title": if model.title.is_empty() { "Brokerlab scenario" } else { &model.title }, "version": "1.0.0"});
    if !description.is_empty() {
        info["description"] = json!(description);
    }
    json!({
        "asyncapi": VERSION,
        "info": info,
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    })
}

/// An event type as a message: the headers every Brokerlab message carries, and its
/// correlation id.
fn message(event_type: &str) -> Value {
    json!({
        "name": event_type,
        "title": event_type,
        "contentType": "application/json",
        "headers": {"type": "object", "properties": {
            "message_id": {"type": "string", "description": "The event's id (its producer's id and number), the same on a publish retry."},
            "correlation_id": {"type": "string", "description": "The id of the flow's first message."},
            "causation_id": {"type": "string", "description": "The id of the message it was published for."},
            "schema_version": {"type": "integer", "minimum": 1},
        }},
        "payload": {"type": "object", "description": "Brokerlab models the event's business key; its payload fields are not described."},
        "correlationId": {"description": "The flow's first message.", "location": "$message.header#/correlation_id"},
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

    #[test]
    fn every_shipped_scenario_exports_with_its_references_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let doc = export(&crate::load_model(&text).unwrap(), "");
            references_hold(&doc).unwrap();
            assert!(!doc["operations"].as_object().unwrap().is_empty());
            files += 1;
        }
        assert!(files >= 40);
    }

    #[test]
    fn a_queue_an_exchange_and_a_topic_become_channels_with_their_bindings() {
        let model = crate::load_model(
            r#"{"version":1,"title":"Orders","duration_ms":1000,"nodes":[
              {"id":"orders","kind":"producer","event_type":["OrderPlaced","OrderPaid"],"keys":["o-1"]},
              {"id":"orders-x","kind":"exchange","type":"direct"},
              {"id":"billing q","kind":"queue","dead_letter":"dlq"},{"id":"dlq","kind":"dead_letter_queue"},
              {"id":"billing","kind":"consumer","semantics":"at-most-once","publishes":[{"publish":"Billed"}]},
              {"id":"billed","kind":"topic","partitions":3},{"id":"audit","kind":"consumer","group":"auditors"}],
             "wires":[["orders","orders-x"],{"from":"orders-x","to":"billing q","binding_key":"OrderPaid"},
              ["billing q","billing"],["billing","billed"],["billed","audit"]]}"#,
        )
        .unwrap();
        let doc = export(&model, "");
        assert_eq!(doc["asyncapi"], "3.0.0");
        assert_eq!(doc["channels"]["orders-x"]["bindings"]["amqp"]["exchange"]["type"], "direct");
        let q = &doc["channels"]["billing_q"];
        assert_eq!(q["address"], "billing q");
        assert_eq!(
            q["messages"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["OrderPaid"],
            "only what the binding routes"
        );
        assert!(
            doc["channels"]["dlq"]["messages"]["OrderPaid"].is_object(),
            "a dead-letter target holds what its source does"
        );
        assert_eq!(doc["channels"]["billed"]["bindings"]["kafka"]["partitions"], 3);
        assert_eq!(doc["operations"]["billing.receive"]["bindings"]["amqp"]["ack"], false);
        assert_eq!(doc["operations"]["billing.send"]["messages"][0]["$ref"], "#/channels/billed/messages/Billed");
        assert_eq!(doc["operations"]["audit.receive"]["bindings"]["kafka"]["groupId"]["enum"][0], "auditors");
        assert_eq!(
            doc["components"]["messages"]["Billed"]["correlationId"]["location"],
            "$message.header#/correlation_id"
        );
        references_hold(&doc).unwrap();
    }
}
