//! The scenario's queue side as a real broker needs it declared: exchanges with their type,
//! queues with their arguments (`x-queue-type`, `x-delivery-limit`, `x-message-ttl`,
//! `x-max-length`, `x-overflow`, `x-dead-letter-exchange` and `-routing-key`), bindings with
//! their keys, where each producer publishes and each consumer consumes with which prefetch.
//!
//! A dead-letter target is reached the way RabbitMQ users do it with one hop: the default
//! exchange, with the target queue's name as the dead-letter routing key. A dead-letter queue
//! node is a plain classic queue nobody consumes from.
//!
//! Only the queue side can be acted out on a broker: a scenario with topics, brokers, services,
//! read models, producer faults or wire delays is refused here, with the reason.

use std::collections::BTreeMap;

use broker::scenario::{ExchangeType, Node, Overflow, QueueType, Scenario};
use broker::{Model, NodeKind};

/// A queue argument's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Int(i64),
    Text(String),
}

#[derive(Clone, Debug)]
pub struct Queue {
    pub id: String,
    pub quorum: bool,
    /// Declared durable: a quorum queue always is; a classic one when the scenario says so.
    pub durable: bool,
    pub args: Vec<(&'static str, Arg)>,
    /// The delivery limit the scenario gives explicitly (`None`: the broker's default).
    pub declared_delivery_limit: Option<i64>,
    /// Its consumers, in the scenario's order (the order they subscribe in).
    pub consumers: Vec<String>,
}

impl Queue {
    /// A classic queue without arguments: how a dead-letter queue node is declared.
    fn plain(id: &str) -> Queue {
        Queue {
            id: id.to_string(),
            quorum: false,
            durable: false,
            args: Vec::new(),
            declared_delivery_limit: None,
            consumers: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Exchange {
    pub id: String,
    /// `fanout`, `direct` or `topic`.
    pub kind: &'static str,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub exchange: String,
    pub queue: String,
    pub key: String,
}

/// Where a producer's messages go.
#[derive(Clone, Debug)]
pub struct Target {
    /// The exchange, or `None` for the default exchange (straight to a queue).
    pub exchange: Option<String>,
    /// The queue, when it publishes straight to one.
    pub queue: Option<String>,
    /// The producer's fixed routing key; `None`: each message's event type.
    pub routing_key: Option<String>,
    /// The scenario's producer waits for publisher confirms (`publish`).
    pub confirms: bool,
}

#[derive(Clone, Debug)]
pub struct ConsumerSetup {
    pub queue: String,
    pub prefetch: u16,
    /// When it subscribes, in microseconds.
    pub start_us: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub exchanges: Vec<Exchange>,
    pub queues: Vec<Queue>,
    pub bindings: Vec<Binding>,
    pub producers: BTreeMap<String, Target>,
    pub consumers: BTreeMap<String, ConsumerSetup>,
    /// The ack timeout the scenario's queues use, if any (it must be the broker's
    /// `consumer_timeout`: before RabbitMQ 3.12 that is a node setting, not a queue's).
    pub ack_timeout_ms: Option<u64>,
}

impl Topology {
    pub fn queue(&self, id: &str) -> Option<&Queue> {
        self.queues.iter().find(|q| q.id == id)
    }
}

/// Reads the queue side of `scenario` (validated into `model`), or says why it cannot be acted
/// out on a real broker.
pub fn topology(scenario: &Scenario, model: &Model) -> Result<Topology, Vec<String>> {
    let mut refusals = Vec::new();
    let mut t = Topology::default();
    let name = |id: broker::NodeId| model.name(id).to_string();
    for node in &scenario.nodes {
        match node {
            Node::Topic(_) | Node::Broker(_) | Node::ReadModel(_) => refusals.push(format!(
                "{} is a {}: only the queue side can be checked against RabbitMQ",
                node.id(),
                node.kind_name()
            )),
            Node::Producer(p) => {
                if p.write.is_some() || p.transactions.is_some() || p.idempotent || !p.tombstones.is_empty() {
                    refusals.push(format!(
                        "producer {}: business writes, transactions and idempotence are not acted out on a broker",
                        p.id
                    ));
                }
                if !p.faults.is_empty() {
                    refusals.push(format!(
                        "producer {}: producer faults are drawn at random and not acted out on a broker",
                        p.id
                    ));
                }
            }
            Node::Consumer(c) => {
                if !c.publishes.is_empty() || c.orchestrates.is_some() || c.requests.is_some() {
                    refusals.push(format!(
                        "consumer {}: services, orchestrators and requesters are not acted out on a broker",
                        c.id
                    ));
                }
            }
            Node::Queue(q) => {
                let mut args: Vec<(&'static str, Arg)> = Vec::new();
                let quorum = q.queue_type == QueueType::Quorum;
                if quorum {
                    args.push(("x-queue-type", Arg::Text("quorum".into())));
                }
                if let Some(limit) = q.delivery_limit.filter(|l| *l > 0) {
                    args.push(("x-delivery-limit", Arg::Int(limit)));
                }
                if let Some(ttl) = q.ttl_ms {
                    args.push(("x-message-ttl", Arg::Int(ttl)));
                }
                if let Some(max) = q.max_length {
                    args.push(("x-max-length", Arg::Int(max)));
                    let overflow = match q.overflow {
                        Overflow::DropHead => "drop-head",
                        Overflow::RejectPublish => "reject-publish",
                        Overflow::RejectPublishDlx => "reject-publish-dlx",
                    };
                    args.push(("x-overflow", Arg::Text(overflow.into())));
                }
                if let Some(target) = &q.dead_letter {
                    args.push(("x-dead-letter-exchange", Arg::Text(String::new())));
                    args.push(("x-dead-letter-routing-key", Arg::Text(target.clone())));
                }
                if let Some(ms) = q.ack_timeout_ms {
                    match t.ack_timeout_ms {
                        Some(other) if other != ms as u64 => refusals.push(format!(
                            "queue {}: every queue's ack_timeout_ms must be the same ({other} ms elsewhere): the broker has one consumer_timeout",
                            q.id
                        )),
                        _ => t.ack_timeout_ms = Some(ms as u64),
                    }
                }
                t.queues.push(Queue {
                    quorum,
                    durable: quorum || q.durable,
                    args,
                    declared_delivery_limit: q.delivery_limit,
                    ..Queue::plain(&q.id)
                });
            }
            Node::DeadLetterQueue(d) => t.queues.push(Queue::plain(&d.id)),
            Node::Exchange(e) => t.exchanges.push(Exchange {
                id: e.id.clone(),
                kind: match e.exchange_type {
                    ExchangeType::Fanout => "fanout",
                    ExchangeType::Direct => "direct",
                    ExchangeType::Topic => "topic",
                },
            }),
        }
    }
    for w in &scenario.wires {
        if w.delay_ms > 0.0 || w.jitter_ms > 0.0 {
            refusals.push(format!(
                "the wire {} → {} has a delay or jitter, which a broker on one machine cannot reproduce",
                w.from, w.to
            ));
        }
    }
    for a in &model.actions {
        use broker::Command;
        match a.command {
            Command::Crash { .. } | Command::Recover { .. } | Command::Redrive { .. } | Command::Slow { .. } => {}
            Command::Outage { node, .. } if matches!(model.nodes[node.index()].kind, NodeKind::Queue(_)) => {}
            _ => refusals.push(format!(
                "the action at {} ms: only crash, recover, slow, redrive and an outage of a queue are acted out on a broker",
                a.at.0 / 1000
            )),
        }
    }
    for (i, node) in model.nodes.iter().enumerate() {
        let id = broker::NodeId(i as u32);
        match &node.kind {
            NodeKind::Producer(p) => {
                let Some(link) = p.target else { continue };
                let to = name(link.to);
                let target = match &model.nodes[link.to.index()].kind {
                    NodeKind::Exchange(_) => Target {
                        exchange: Some(to),
                        queue: None,
                        routing_key: p.routing_key.clone(),
                        confirms: p.publish.is_some(),
                    },
                    _ => Target { exchange: None, queue: Some(to), routing_key: None, confirms: p.publish.is_some() },
                };
                t.producers.insert(node.name.clone(), target);
            }
            NodeKind::Exchange(x) => {
                for b in &x.bindings {
                    t.bindings.push(Binding {
                        exchange: node.name.clone(),
                        queue: name(b.link.to),
                        key: b.key.clone().unwrap_or_default(),
                    });
                }
            }
            NodeKind::Queue(q) => {
                let consumers: Vec<String> = q.consumers.iter().map(|c| name(*c)).collect();
                for c in &q.consumers {
                    let NodeKind::Consumer(cm) = &model.nodes[c.index()].kind else { continue };
                    let prefetch = cm.prefetch.unwrap_or(q.prefetch).min(u16::MAX as u32) as u16;
                    t.consumers
                        .insert(name(*c), ConsumerSetup { queue: node.name.clone(), prefetch, start_us: cm.start.0 });
                }
                if let Some(queue) = t.queues.iter_mut().find(|q| q.id == node.name) {
                    queue.consumers = consumers;
                }
            }
            NodeKind::Consumer(c) if c.queue.is_none() && c.log.is_none() => {
                refusals.push(format!("consumer {} reads nothing", name(id)));
            }
            _ => {}
        }
    }
    if refusals.is_empty() {
        Ok(t)
    } else {
        Err(refusals)
    }
}
