//! A snapshot: what every node holds right now, for the app to draw and for tests to look at.
//! It is computed from the simulation's state on request and owns its data.

use serde::Serialize;

use crate::sim::message::EnvState;
use crate::sim::{NodeState, Simulation};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    pub t_us: u64,
    pub nodes: Vec<NodeSnapshot>,
    /// Consumer groups (topics only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSnapshot>,
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
    /// Topic: its partitions, with each group's offset and lag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partitions: Option<Vec<PartitionSnapshot>>,
    /// Topic consumer: its group and the partitions it owns ("topic/partition").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned: Option<Vec<String>>,
    /// Orchestrator: its sagas counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sagas: Option<crate::saga::SagaCounts>,
    /// Read model: its table held to the write side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Box<TableSnapshot>>,
    /// Producer: the schema version it writes, when its event types have schemas. Consumer:
    /// the version it reads with, when it has a reader schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u16>,
    /// Broker: the partitions and queues it leads, follows in sync, and follows out of sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<[u32; 3]>,
    /// A queue on brokers: where it lives, "on b1" for a classic queue, "b2 lead · b3 · b1
    /// down" for a quorum queue's replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
}

/// A read model's table: how many rows it has, how many are behind the write side, its
/// events and reads counted, and the rows written last (newest first) beside their truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableSnapshot {
    pub rows: u32,
    pub behind: u32,
    pub counts: crate::read_model::TableCounts,
    pub recent: Vec<crate::read_model::RowView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartitionSnapshot {
    pub partition: u32,
    /// The first offset still kept (retention moves it).
    pub log_start: u64,
    /// The next offset to be written.
    pub log_end: u64,
    pub groups: Vec<PartitionGroupSnapshot>,
    /// Replicated: the first offset consumers may not read yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_watermark: Option<u64>,
    /// Compacted: the records the log cleaner has removed (gaps between the log start and
    /// end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleaned: Option<u64>,
    /// Replicated: its replicas, in the partition's replica order (the preferred leader
    /// first).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replicas: Vec<ReplicaSnapshot>,
    /// Written to by a transactional producer: the last stable offset, below which
    /// read_committed consumers read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_stable_offset: Option<u64>,
    /// The transactions not yet ended that wrote to it, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<TxnSnapshot>,
}

/// A transaction with records in a partition, not yet committed or aborted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TxnSnapshot {
    pub producer: String,
    /// Its number in its producer's count.
    pub number: u32,
    /// Its first record's offset in the partition.
    pub first_offset: u64,
    /// "open", "committing" or "aborting".
    pub state: &'static str,
}

/// One replica of a partition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaSnapshot {
    pub broker: String,
    pub leader: bool,
    pub in_sync: bool,
    /// Its log end offset.
    pub log_end: u64,
    /// Its broker is up.
    pub up: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartitionGroupSnapshot {
    pub group: String,
    /// The group's committed offset (the next record it will read), if it has committed.
    pub committed: Option<u64>,
    /// Records written and not yet committed by the group.
    pub lag: u64,
    pub owner: Option<String>,
    /// A record of this partition keeps failing and holds the partition up (head-of-line).
    pub blocked: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSnapshot {
    pub name: String,
    pub strategy: &'static str,
    pub generation: u32,
    pub members: Vec<String>,
    pub lag: u64,
}

/// One copy of a message, with the envelope fields a message inspector shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvelopeSnapshot {
    pub copy: u32,
    /// The event ID.
    pub msg: String,
    pub event_type: String,
    pub schema_version: u32,
    pub key: Option<String>,
    pub occurred_at_us: u64,
    /// "publishing", "ready", "unacked" or "dead_lettered"
    pub state: &'static str,
    pub node: Option<String>,
    /// Position from the head, while ready in a queue.
    pub position: Option<u32>,
    /// Partition and offset, while in a topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    pub delivery_count: u32,
    pub redelivered: bool,
    pub deaths: Vec<DeathSnapshot>,
}

/// One `x-death` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeathSnapshot {
    pub queue: String,
    pub reason: &'static str,
    pub count: u32,
    pub time_us: u64,
}

impl Simulation {
    pub(crate) fn death_snapshot(&self, d: &crate::sim::death::DeathRecord) -> DeathSnapshot {
        DeathSnapshot {
            queue: self.model.name(d.queue).to_string(),
            reason: d.reason.name(),
            count: d.count,
            time_us: d.time.0,
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let nodes = self.node_snapshots();
        let in_flight = self
            .envs
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let (state, node) = match e.state {
                    EnvState::Publishing => ("publishing", None),
                    EnvState::Ready { queue } => ("ready", Some(queue)),
                    EnvState::Unacked { consumer, .. } | EnvState::AckedInProcess { consumer } => {
                        ("unacked", Some(consumer))
                    }
                    EnvState::DeadLettered { dlq } => ("dead_lettered", Some(dlq)),
                    // Waiting in a topic for its group (copies already processed are not
                    // shown: the log keeps them, but nothing is left to do with them).
                    EnvState::InLog { topic, .. } if e.effect_at.is_none() => ("in_log", Some(topic)),
                    _ => return None,
                };
                let m = &self.msgs[e.msg.index()];
                let position = match e.state {
                    EnvState::Ready { queue } => match &self.nodes[queue.index()] {
                        NodeState::Queue(q) => Some(q.ready.position(e.order) as u32),
                        _ => None,
                    },
                    _ => None,
                };
                Some(EnvelopeSnapshot {
                    copy: i as u32,
                    msg: self.message_name(e.msg),
                    event_type: self.event_types[m.event_type as usize].clone(),
                    schema_version: m.schema_version(),
                    key: m.key().map(|k| self.keys[k as usize].clone()),
                    occurred_at_us: m.published_at.0,
                    state,
                    node: node.map(|n| self.model.name(n).to_string()),
                    position,
                    partition: match e.state {
                        EnvState::InLog { partition, .. } => Some(partition),
                        _ => None,
                    },
                    offset: match e.state {
                        EnvState::InLog { .. } => Some(e.order as u64),
                        _ => None,
                    },
                    delivery_count: e.delivery_count,
                    redelivered: e.delivery_count > 1 || e.returns > 0,
                    deaths: e.deaths.iter().map(|d| self.death_snapshot(d)).collect(),
                })
            })
            .collect();
        let groups = self
            .model
            .groups
            .iter()
            .enumerate()
            .map(|(g, gm)| GroupSnapshot {
                name: gm.name.clone(),
                strategy: gm.strategy.name(),
                generation: self.groups[g].generation,
                members: self.groups[g].members.iter().map(|m| self.model.name(*m).to_string()).collect(),
                lag: self.group_lag(g as u16),
            })
            .collect();
        Snapshot { t_us: self.now.0, nodes, groups, in_flight }
    }

    /// The nodes part of a [`Snapshot`] alone: cheap enough for the app to ask several
    /// times a second while thousands of messages are in flight.
    pub fn node_snapshots(&self) -> Vec<NodeSnapshot> {
        self.nodes
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
                    partitions: None,
                    group: None,
                    assigned: None,
                    sagas: self.saga_counts(crate::model::ids::NodeId(i as u32)),
                    table: None,
                    schema_version: None,
                    replicas: None,
                    placement: None,
                };
                match n {
                    NodeState::Producer(p) => {
                        s.kind = "producer";
                        s.published = Some(p.published as u64);
                        if p.down_until.is_some_and(|u| self.now < u) {
                            // Its process is down (a crash): it publishes nothing until it is back.
                            s.state = "crashed";
                        }
                        let writes_schemas = matches!(&self.model.nodes[i].kind, crate::model::NodeKind::Producer(pm)
                            if pm.event_types.iter().any(|t| self.model.schemas.of(t).is_some()));
                        s.schema_version = writes_schemas.then_some(p.schema_version);
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
                        s.placement = self.queue_placement(crate::model::ids::NodeId(i as u32));
                    }
                    NodeState::Consumer(c) => {
                        s.kind = "consumer";
                        s.unacked = Some(c.unacked.len() as u64);
                        s.in_progress = Some(c.works.len() as u64);
                        s.processed = Some(c.processed);
                        s.schema_version = (c.reader_version > 0).then_some(c.reader_version);
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
                    NodeState::ReadModel(t) => {
                        s.kind = "read_model";
                        s.table = Some(Box::new(TableSnapshot {
                            rows: t.in_table,
                            behind: t.behind,
                            counts: t.counts,
                            recent: self.read_model_rows(crate::model::ids::NodeId(i as u32)),
                        }));
                    }
                    NodeState::Broker(b) => {
                        s.kind = "broker";
                        s.state = if b.down { "down" } else { "up" };
                        s.replicas = Some(self.broker_replicas(crate::model::ids::NodeId(i as u32)));
                    }
                    NodeState::Topic(t) => {
                        s.kind = "topic";
                        // Not counting the gaps compaction left (with "compact,delete", gaps
                        // retention deleted since are subtracted too, so this may read low).
                        let cleaned: u64 =
                            t.compaction.as_ref().map_or(0, |c| c.partitions.iter().map(|p| p.removed).sum());
                        s.ready = Some(t.records().saturating_sub(cleaned));
                        if t.in_outage(self.now) {
                            s.state = "outage";
                        }
                        s.partitions = Some(self.partition_snapshots(crate::model::ids::NodeId(i as u32)));
                    }
                }
                if let (NodeState::Consumer(c), Some(lm)) = (n, self.consumer_model_at(i).and_then(|m| m.log.as_ref()))
                {
                    s.group = Some(self.model.groups[lm.group as usize].name.clone());
                    s.assigned =
                        Some(c.log.owned.keys().map(|(t, p)| format!("{}/{}", self.model.name(*t), p)).collect());
                    if c.away && !c.crashed {
                        s.state = "away";
                    }
                }
                s
            })
            .collect()
    }

    fn consumer_model_at(&self, i: usize) -> Option<&crate::model::ConsumerModel> {
        match &self.model.nodes[i].kind {
            crate::model::NodeKind::Consumer(c) => Some(c),
            _ => None,
        }
    }

    /// A partition's high watermark and replicas, for the snapshot.
    pub(crate) fn replica_snapshots(
        &self,
        tp: crate::topic::consumer_group::Tp,
    ) -> (Option<u64>, Vec<ReplicaSnapshot>) {
        let Some(rs) = self.replicas(tp) else { return (None, Vec::new()) };
        let replicas = rs
            .replicas
            .iter()
            .enumerate()
            .map(|(r, replica)| ReplicaSnapshot {
                broker: self.model.name(self.replica_broker(tp, r)).to_string(),
                leader: r == rs.leader as usize,
                in_sync: replica.in_sync,
                log_end: replica.end,
                up: self.replica_up(tp, r),
            })
            .collect();
        (Some(rs.high_watermark), replicas)
    }

    /// How many partitions `broker` leads, follows in sync and follows out of sync.
    fn broker_replicas(&self, broker: crate::model::ids::NodeId) -> [u32; 3] {
        let mut counts = [0; 3];
        for (i, n) in self.model.nodes.iter().enumerate() {
            if let crate::model::NodeKind::Queue(q) = &n.kind {
                // A queue it holds: one it leads, or a replica of one it does not (a classic
                // queue's one broker leads it).
                let up = !matches!(&self.nodes[broker.index()], NodeState::Broker(b) if b.down);
                if up && q.brokers.contains(&broker) {
                    let leads = self.queue_leader(crate::model::ids::NodeId(i as u32)) == Some(broker);
                    counts[usize::from(!leads)] += 1;
                }
                continue;
            }
            let crate::model::NodeKind::Topic(t) = &n.kind else { continue };
            let Some(rep) = &t.replication else { continue };
            for (p, on) in rep.replicas.iter().enumerate() {
                let Some(r) = on.iter().position(|b| *b == broker) else { continue };
                let Some(rs) = self.replicas((crate::model::ids::NodeId(i as u32), p as u32)) else { continue };
                let k = if r == usize::from(rs.leader) {
                    0
                } else if rs.replicas[r].in_sync {
                    1
                } else {
                    2
                };
                counts[k] += 1;
            }
        }
        counts
    }

    /// Where a queue on brokers lives, in words for its canvas line.
    fn queue_placement(&self, queue: crate::model::ids::NodeId) -> Option<String> {
        let m = self.queue_model(queue);
        let (first, rest) = m.brokers.split_first()?;
        if rest.is_empty() {
            let down = if self.queue(queue).down { " (down)" } else { "" };
            let durable = if m.durable { ", durable" } else { "" };
            return Some(format!("on {}{durable}{down}", self.model.name(*first)));
        }
        let leader = self.queue_leader(queue);
        let parts: Vec<String> = m
            .brokers
            .iter()
            .map(|&b| {
                let role = if Some(b) == leader {
                    " lead"
                } else if matches!(&self.nodes[b.index()], NodeState::Broker(s) if s.down) {
                    " down"
                } else {
                    ""
                };
                format!("{}{role}", self.model.name(b))
            })
            .collect();
        Some(parts.join(" · "))
    }

    /// A partition's last stable offset, if a transactional producer writes to its topic, and
    /// its transactions not yet ended.
    fn txn_snapshots(&self, tp: crate::topic::consumer_group::Tp) -> (Option<u64>, Vec<TxnSnapshot>) {
        let written = self.model.nodes.iter().any(|n| {
            matches!(&n.kind, crate::model::NodeKind::Producer(p) if p.transactions.is_some() && p.target.is_some_and(|l| l.to == tp.0))
        });
        if !written {
            return (None, Vec::new());
        }
        let transactions = self
            .txns
            .open
            .iter()
            .map(|&t| &self.txns.list[t as usize])
            .filter(|t| t.topic == tp.0)
            .filter_map(|t| {
                let first = t.partitions.iter().find(|(p, _)| *p == tp.1)?.1;
                let state = match t.state {
                    crate::topic::transaction::TxnState::Committing => "committing",
                    crate::topic::transaction::TxnState::Aborting(_) => "aborting",
                    _ => "open",
                };
                Some(TxnSnapshot {
                    producer: self.model.name(t.producer).to_string(),
                    number: t.number,
                    first_offset: first,
                    state,
                })
            })
            .collect();
        (Some(self.last_stable_offset(tp)), transactions)
    }

    fn partition_snapshots(&self, topic: crate::model::ids::NodeId) -> Vec<PartitionSnapshot> {
        let tm = self.topic_model(topic);
        (0..tm.partitions)
            .map(|p| {
                let log = self.partition((topic, p));
                let groups = tm
                    .groups
                    .iter()
                    .map(|g| {
                        let gs = &self.groups[*g as usize];
                        let owner = gs.owner.get(&(topic, p)).copied();
                        let blocked = owner.is_some_and(|o| match &self.nodes[o.index()] {
                            NodeState::Consumer(c) => c.works.iter().any(|w| {
                                w.attempt > 1 && w.log.as_ref().is_some_and(|l| l.topic == topic && l.partition == p)
                            }),
                            _ => false,
                        });
                        PartitionGroupSnapshot {
                            group: self.model.groups[*g as usize].name.clone(),
                            committed: gs.committed.get(&(topic, p)).copied(),
                            lag: log.end().saturating_sub(self.committed_or_start(*g, (topic, p))),
                            owner: owner.map(|o| self.model.name(o).to_string()),
                            blocked,
                        }
                    })
                    .collect();
                let (high_watermark, replicas) = self.replica_snapshots((topic, p));
                let (last_stable_offset, transactions) = self.txn_snapshots((topic, p));
                let cleaned = self.topic_state(topic).compaction.as_ref().map(|c| c.partitions[p as usize].removed);
                PartitionSnapshot {
                    partition: p,
                    log_start: log.start,
                    log_end: log.end(),
                    groups,
                    high_watermark,
                    cleaned,
                    replicas,
                    last_stable_offset,
                    transactions,
                }
            })
            .collect()
    }
}

/// Six poison messages through a quorum queue with prefetch 2 and a delivery limit of 1 into
/// a dead-letter queue: the snapshot's and the tokens' tests both follow them.
#[cfg(test)]
pub(crate) const POISON_TO_DLQ: &str = r#"{"version":1,"duration_ms":5000,"nodes":[
    {"id":"p","kind":"producer","count":6,"arrivals":{"burst":{"size":6,"every_ms":9999}},"keys":["k-1"]},
    {"id":"q","kind":"queue","prefetch":2,"delivery_limit":1,"queue_type":"quorum","dead_letter":"dlq"},
    {"id":"c","kind":"consumer","processing":{"fixed":{"ms":100}},"faults":[{"poison":{"every_nth":1}}]},
    {"id":"dlq","kind":"dead_letter_queue"}],
    "wires":[["p","q"],["q","c"]]}"#;

#[cfg(test)]
mod tests {
    #[test]
    fn a_snapshot_shows_queues_consumers_and_dead_letters() {
        let mut sim = crate::load(super::POISON_TO_DLQ).unwrap();
        sim.advance_to(crate::SimTime::from_ms(50));
        let s = sim.snapshot();
        let q = s.nodes.iter().find(|n| n.id == "q").unwrap();
        assert_eq!((q.ready, q.unacked), (Some(4), Some(2)));
        let c = s.nodes.iter().find(|n| n.id == "c").unwrap();
        assert_eq!((c.state, c.in_progress), ("busy", Some(1)));
        let head = s.in_flight.iter().find(|e| e.position == Some(0)).unwrap();
        assert_eq!(head.msg, "p-3");
        sim.run_to_end();
        let s = sim.snapshot();
        let dlq = s.nodes.iter().find(|n| n.id == "dlq").unwrap();
        assert_eq!(dlq.ready, Some(6));
        let dead = &s.in_flight[0];
        assert_eq!(dead.state, "dead_lettered");
        assert_eq!(dead.deaths[0].queue, "q");
        assert_eq!(dead.deaths[0].reason, "delivery_limit");
        assert_eq!(dead.key.as_deref(), Some("k-1"));
    }
}
