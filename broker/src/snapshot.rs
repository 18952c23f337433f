//! A snapshot: what every node holds right now, for the app to draw and for tests to look at.
//! It is computed from the simulation's state on request and owns its data.

use serde::Serialize;

use crate::message::EnvState;
use crate::sim::{NodeState, Simulation};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    pub t_us: u64,
    pub nodes: Vec<NodeSnapshot>,
    /// Envelopes not yet in a final state, with where they are.
    pub in_flight: Vec<EnvelopeSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeSnapshot {
    pub id: String,
    pub kind: &'static str,
    /// Producer: messages published so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<u64>,
    /// Queue: waiting to be delivered. Dead-letter queue: dead letters held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<u64>,
    /// Queue: delivered, not yet acked. Consumer: its unacked deliveries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unacked: Option<u64>,
    /// Consumer: messages being processed or waiting out a retry backoff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_progress: Option<u64>,
    /// Consumer: "idle", "busy" or "crashed". Queue or exchange: "up" or "outage".
    pub state: &'static str,
    /// Consumer: messages processed so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processed: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvelopeSnapshot {
    pub copy: u32,
    pub msg: String,
    /// "publishing", "ready", "unacked" or "dead_lettered"
    pub state: &'static str,
    pub node: Option<String>,
    pub delivery_count: u32,
}

impl Simulation {
    pub fn snapshot(&self) -> Snapshot {
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = self.model.nodes[i].name.clone();
                let mut s = NodeSnapshot {
                    id,
                    kind: "",
                    published: None,
                    ready: None,
                    unacked: None,
                    in_progress: None,
                    state: "up",
                    processed: None,
                };
                match n {
                    NodeState::Producer(p) => {
                        s.kind = "producer";
                        s.published = Some(p.published as u64);
                    }
                    NodeState::Exchange { outage_until } => {
                        s.kind = "exchange";
                        if outage_until.is_some_and(|u| self.now < u) {
                            s.state = "outage";
                        }
                    }
                    NodeState::Queue(q) => {
                        s.kind = "queue";
                        s.ready = Some(q.ready.len() as u64);
                        s.unacked = Some(q.unacked as u64);
                        if q.in_outage(self.now) {
                            s.state = "outage";
                        }
                    }
                    NodeState::Consumer(c) => {
                        s.kind = "consumer";
                        s.unacked = Some(c.unacked.len() as u64);
                        s.in_progress = Some(c.works.len() as u64);
                        s.processed = Some(c.processed);
                        s.state = if c.crashed {
                            "crashed"
                        } else if c.works.is_empty() {
                            "idle"
                        } else {
                            "busy"
                        };
                    }
                    NodeState::DeadLetterQueue { held } => {
                        s.kind = "dead_letter_queue";
                        s.ready = Some(held.len() as u64);
                    }
                }
                s
            })
            .collect();
        let in_flight = self
            .envs
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let (state, node) = match e.state {
                    EnvState::Publishing => ("publishing", None),
                    EnvState::Ready { queue } => ("ready", Some(queue)),
                    EnvState::Unacked { consumer, .. } | EnvState::AckedInProcess { consumer } => ("unacked", Some(consumer)),
                    EnvState::DeadLettered { dlq } => ("dead_lettered", Some(dlq)),
                    _ => return None,
                };
                Some(EnvelopeSnapshot {
                    copy: i as u32,
                    msg: self.message_name(e.msg),
                    state,
                    node: node.map(|n| self.model.name(n).to_string()),
                    delivery_count: e.delivery_count,
                })
            })
            .collect();
        Snapshot { t_us: self.now.0, nodes, in_flight }
    }
}
