//! Producers: when messages are published (fixed interval, Poisson or bursts), with which key
//! and event type, and publisher confirms with a timeout and retries. A retry after a lost
//! confirm publishes the same event again: the broker now holds two copies of one event ID.

pub mod outbox;

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::{Duration, SimTime};
use crate::model::{ArrivalModel, NodeKind, ProducerModel};
use crate::scenario::{Acks, KeyChoice, PartitionBy};
use crate::sim::message::{EnvState, Message};
use crate::sim::trace::{DropReason, Event, LossReason, PublishFailure};
use crate::sim::{Due, NodeState, Simulation};
use crate::sorted_map::SortedMap;

#[derive(Clone, Debug)]
pub struct ProducerState {
    pub published: u32,
    /// Event-type ids, in the producer's cycle.
    type_ids: Vec<u16>,
    /// Interned key ids, in the producer's order.
    key_ids: Vec<u32>,
    /// Messages per key so far.
    key_counts: Vec<u32>,
    /// Round-robin cursor for unkeyed records to a topic.
    pub rr: u32,
    /// Next idempotent-producer sequence per (producer epoch, partition). Its size is the
    /// partitions written in each epoch, and a new epoch's entries go at the end.
    pub next_sequence: SortedMap<(u32, u32), u32>,
    /// Bumped by a crash: a restarted producer is a new producer id to the broker.
    pub epoch: u32,
    /// Down after a crash until this time.
    pub down_until: Option<SimTime>,
    /// Transactional outbox: events written but not yet marked sent, oldest first.
    pub outbox: crate::sim::copy_deque::CopyDeque<MsgId>,
    /// Idempotent producer: publishes the broker refused as out of sequence, held back until
    /// an earlier record is written or given up.
    pub parked: Vec<(MsgId, EnvId)>,
    /// The schema version it writes, changed by a deploy the registry accepts.
    pub schema_version: u16,
    /// A transactional producer: the transaction its next record joins, if one is open
    /// (an index into the simulation's transactions), and how many it has begun.
    pub open_txn: Option<u32>,
    pub txns_begun: u32,
    /// Which of its `tombstones` it has sent, in the model's order (`topic/compaction.rs`).
    pub tombstones_sent: Vec<bool>,
}

impl ProducerState {
    /// `key_ids`: the interned ids of `p.keys`, in its order.
    pub fn new(p: &ProducerModel, type_ids: Vec<u16>, key_ids: Vec<u32>) -> ProducerState {
        debug_assert_eq!(key_ids.len(), p.keys.len());
        ProducerState {
            published: 0,
            type_ids,
            key_counts: vec![0; key_ids.len()],
            key_ids,
            rr: 0,
            next_sequence: SortedMap::new(),
            epoch: 0,
            down_until: None,
            outbox: crate::sim::copy_deque::CopyDeque::default(),
            parked: Vec::new(),
            schema_version: p.schema_version.min(u32::from(u16::MAX)) as u16,
            open_txn: None,
            txns_begun: 0,
            tombstones_sent: vec![false; p.tombstones.len()],
        }
    }
}

impl Simulation {
    /// The publishing side of a producer, or of a service (a consumer that publishes).
    pub(crate) fn producer_model(&self, id: NodeId) -> &ProducerModel {
        match &self.model.nodes[id.index()].kind {
            NodeKind::Producer(p) => p,
            NodeKind::Consumer(c) if c.output.is_some() => &c.output.as_ref().expect("checked").publisher,
            _ => unreachable!("node {} does not publish", id.0),
        }
    }

    pub(crate) fn producer(&self, id: NodeId) -> &ProducerState {
        match &self.nodes[id.index()] {
            NodeState::Producer(p) => p,
            NodeState::Consumer(c) if c.output.is_some() => &c.output.as_ref().expect("checked").publisher,
            _ => unreachable!("node {} does not publish", id.0),
        }
    }

    pub(crate) fn producer_mut(&mut self, id: NodeId) -> &mut ProducerState {
        match &mut self.nodes[id.index()] {
            NodeState::Producer(p) => p,
            NodeState::Consumer(c) if c.output.is_some() => &mut c.output.as_mut().expect("checked").publisher,
            _ => unreachable!("node {} does not publish", id.0),
        }
    }

    pub(crate) fn schedule_first_tick(&mut self, producer: NodeId, start: SimTime) {
        let first = match self.producer_model(producer).arrivals {
            ArrivalModel::Poisson { mean_gap_us } => {
                start.after(Duration(libm::round(self.rng.exponential(mean_gap_us)) as u64))
            }
            _ => start,
        };
        self.sched.schedule(first, Due::ProducerTick { producer });
    }

    pub(crate) fn producer_tick(&mut self, producer: NodeId) {
        let p = self.producer_model(producer);
        let count = p.count;
        let (batch, gap) = match p.arrivals {
            ArrivalModel::Fixed { interval } => (1, interval),
            ArrivalModel::Poisson { mean_gap_us } => {
                (1, Duration(libm::round(self.rng.exponential(mean_gap_us)) as u64))
            }
            ArrivalModel::Burst { size, every } => (size, every),
        };
        for _ in 0..batch {
            let published = match &self.nodes[producer.index()] {
                NodeState::Producer(s) => s.published,
                _ => unreachable!(),
            };
            if count.is_some_and(|c| published as u64 >= c) {
                return;
            }
            self.publish_new(producer);
        }
        let more = count.is_none_or(|c| self.producer_state_published(producer) < c);
        let next = self.later(gap.max(Duration(1)));
        if more && next <= self.end {
            self.sched.schedule(next, Due::ProducerTick { producer });
        }
    }

    fn producer_state_published(&self, producer: NodeId) -> u64 {
        match &self.nodes[producer.index()] {
            NodeState::Producer(s) => s.published as u64,
            _ => unreachable!(),
        }
    }

    /// Creates the next message of `producer` and sends its first publish.
    fn publish_new(&mut self, producer: NodeId) {
        if self.msgs.len() >= crate::sim::MESSAGE_BUDGET {
            self.halt(crate::sim::Limit::Messages);
            return;
        }
        if self.producer_down(producer) {
            // The service is down: no business request, no event.
            return;
        }
        let key_choice = self.producer_model(producer).key_choice;
        let nkeys = match &self.nodes[producer.index()] {
            NodeState::Producer(s) => s.key_ids.len(),
            _ => unreachable!(),
        };
        let pick = if nkeys == 0 {
            None
        } else {
            Some(match key_choice {
                KeyChoice::RoundRobin => {
                    let n = self.producer_state_published(producer) as usize;
                    n % nkeys
                }
                KeyChoice::Random => self.rng.below(nkeys as u64) as usize,
            })
        };
        let s = self.producer_mut(producer);
        s.published += 1;
        let number = s.published;
        let tombstone = pick.is_some_and(|i| self.take_tombstone(producer, i));
        let s = self.producer_mut(producer);
        let (key, key_seq) = match pick {
            Some(i) => {
                let seq = s.key_counts[i];
                s.key_counts[i] += 1;
                (Some(s.key_ids[i]), seq)
            }
            None => (None, number - 1),
        };
        let event_type = s.type_ids[key_seq as usize % s.type_ids.len()];
        let schema_version = u32::from(s.schema_version);
        let msg = MsgId(self.msgs.len() as u32);
        self.msgs.push(Message::new(producer, number, key, key_seq, event_type, schema_version, self.now));
        if tombstone {
            self.msgs[msg.index()].set_tombstone();
        }
        self.choose_partition(producer, msg);
        self.txn_enlist(producer, msg);
        for i in 0..self.producer_model(producer).read_models.len() {
            let rm = self.producer_model(producer).read_models[i];
            self.view_write(rm, msg);
        }
        if self.producer_model(producer).write.is_some() {
            self.write_and_publish(producer, msg);
        } else {
            self.publish_attempt(msg, None);
        }
    }

    /// For a producer that publishes to a topic, the partition is chosen on the producer side,
    /// as Kafka's client does: by key with murmur2, else round-robin.
    pub(crate) fn choose_partition(&mut self, producer: NodeId, msg: MsgId) {
        let Some(target) = self.producer_model(producer).target.as_ref().map(|l| l.to) else { return };
        let NodeKind::Topic(t) = &self.model.nodes[target.index()].kind else { return };
        let n = t.partitions;
        let m = &self.msgs[msg.index()];
        let by = self.producer_model(producer).partition_by;
        let key = match by {
            PartitionBy::Key => m.key().map(|k| self.keys[k as usize].as_bytes()),
            PartitionBy::EventType => Some(self.event_types[m.event_type as usize].as_bytes()),
            PartitionBy::RoundRobin => None,
        };
        let partition = match key {
            Some(bytes) => crate::topic::partitioner::partition_for_key(bytes, n),
            None => {
                let s = self.producer_mut(producer);
                s.rr = s.rr.wrapping_add(1);
                (s.rr - 1) % n
            }
        };
        self.msgs[msg.index()].set_partition(partition);
    }

    /// Gives the message the producer's next sequence number for its partition, unless it
    /// already has one from this producer epoch (a retry keeps its sequence number).
    pub(crate) fn assign_sequence(&mut self, msg: MsgId) {
        let producer = self.msgs[msg.index()].producer;
        let partition = self.msgs[msg.index()].partition().unwrap_or(0);
        let epoch = self.producer_mut(producer).epoch;
        if self.msgs[msg.index()].producer_epoch == epoch {
            return;
        }
        let next = self.producer_mut(producer).next_sequence.get_or_insert((epoch, partition), 0);
        let sequence = *next;
        *next += 1;
        let m = &mut self.msgs[msg.index()];
        m.sequence = sequence;
        m.producer_epoch = epoch;
    }

    /// A retry that was due when the producer crashed dies with the process: the crashed
    /// producer's memory of what it was still retrying is gone.
    pub(crate) fn publish_retry_due(&mut self, msg: MsgId, env: Option<EnvId>) {
        let producer = self.msgs[msg.index()].producer;
        let m = &self.msgs[msg.index()];
        let epoch = self.producer(producer).epoch;
        if m.producer_epoch != u32::MAX && m.producer_epoch != epoch {
            self.msgs[msg.index()].set_publishing(false);
            if let Some(env) = env {
                self.end_copy(producer, env, EnvState::Lost(LossReason::CrashedWhileRetrying));
            }
            return;
        }
        if self.txn_refuses(msg) {
            // Its transaction was aborted meanwhile: the producer stops sending it.
            self.msgs[msg.index()].set_publishing(false);
            if let Some(env) = env {
                self.refuse_aborted_write(producer, env);
            }
            return;
        }
        self.publish_attempt(msg, env);
    }

    /// Sends the held-back publishes again (after the backoff): an earlier record was settled.
    pub(crate) fn unpark(&mut self, producer: NodeId) {
        let parked = std::mem::take(&mut self.producer_mut(producer).parked);
        let backoff = self.producer_model(producer).publish.as_ref().map(|p| p.backoff).unwrap_or_default();
        for (msg, env) in parked {
            self.sched.schedule(self.later(backoff), Due::PublishRetry { msg, env: Some(env) });
        }
    }

    pub(crate) fn producer_down(&self, producer: NodeId) -> bool {
        match &self.nodes[producer.index()] {
            NodeState::Producer(s) => s.down_until.is_some_and(|u| self.now < u),
            NodeState::Consumer(c) => c.crashed,
            _ => false,
        }
    }

    /// Sends a publish attempt: a new envelope, or `reuse` (one that never reached the
    /// broker, being sent again).
    pub(crate) fn publish_attempt(&mut self, msg: MsgId, reuse: Option<EnvId>) {
        let producer = self.msgs[msg.index()].producer;
        let m = &mut self.msgs[msg.index()];
        let attempt = m.add_publish_attempt();
        // Waiting on this attempt's confirm (a retry after a nack is waited on again).
        m.set_publishing(true);
        if attempt > 1 {
            self.counters.publish_retries += 1;
        }
        self.assign_sequence(msg);
        let env = match reuse {
            Some(e) => e,
            None => self.new_envelope(msg, Default::default()),
        };
        self.envs[env.index()].set_at_broker(false);
        self.emit_env(producer, env, Event::Published { attempt });
        let p = self.producer_model(producer);
        let Some(target) = p.target else {
            self.msgs[msg.index()].set_publishing(false);
            self.end_copy(producer, env, EnvState::Dropped(DropReason::NotWired));
            return;
        };
        // acks=0: the producer never hears back, so it does not wait (the checker refuses
        // retries with it).
        let confirms = p.publish.filter(|_| p.acks != Acks::None);
        let waits = self.waits_for_replicas(p, target.to);
        let (publish_lost, confirm_lost) = (p.publish_lost, p.confirm_lost);
        let delay = self.wire_delay(target.delay, target.jitter);
        match confirms {
            None => {
                self.msgs[msg.index()].set_publishing(false);
                self.send(env, target.to, delay, true, attempt);
            }
            Some(c) => {
                // Draw both, always, so the random stream does not depend on the outcome.
                let lost = publish_lost > 0.0 && self.rng.chance(publish_lost);
                let confirm_gone = confirm_lost > 0.0 && self.rng.chance(confirm_lost);
                self.msgs[msg.index()].set_answer_lost(confirm_gone);
                if !lost {
                    self.send(env, target.to, delay, true, attempt);
                }
                if lost || confirm_gone || waits {
                    // An acks=all write is answered when its replicas have it, or times out.
                    self.sched.schedule(self.later(c.timeout), Due::PublishTimeout { env, attempt });
                } else {
                    self.msgs[msg.index()].set_publishing(false);
                }
            }
        }
    }

    pub(crate) fn wire_delay(&mut self, delay: Duration, jitter: Duration) -> Duration {
        if jitter.0 == 0 {
            delay
        } else {
            Duration(delay.0 + self.rng.below(jitter.0 + 1))
        }
    }

    /// Puts an envelope on a wire towards `node`.
    pub(crate) fn send(&mut self, env: EnvId, node: NodeId, delay: Duration, published: bool, attempt: u32) {
        if delay.0 == 0 {
            self.arrive(env, node, published, attempt);
        } else {
            self.envs[env.index()].set_in_transit(true);
            self.sched.schedule(self.later(delay), Due::Arrive { env, node, published, attempt });
        }
    }

    /// The producer heard nothing back in time.
    pub(crate) fn publish_timeout(&mut self, env: EnvId, attempt: u32) {
        let msg = self.envs[env.index()].msg;
        let producer = self.msgs[msg.index()].producer;
        let m = &self.msgs[msg.index()];
        if !m.awaits_answer(attempt) || !m.publishing() {
            return;
        }
        // The attempt is answered now; a nack that comes later for it is ignored, as a client
        // library ignores a confirm for a publish it has given up on.
        self.msgs[msg.index()].set_settled_attempt(attempt);
        let e = &self.envs[env.index()];
        let reached = e.at_broker() || e.state != EnvState::Publishing;
        if reached {
            self.emit_env(producer, env, Event::ConfirmLost);
        }
        self.emit_env(producer, env, Event::PublishFailed { attempt, reason: PublishFailure::Timeout });
        // Sent again as the same copy only if that copy is surely gone (lost on the way); if the
        // broker has it, or it is still on the wire, the retry is a new copy: a duplicate.
        let reuse = if reached || self.envs[env.index()].in_transit() { None } else { Some(env) };
        self.retry_or_give_up(msg, reuse, EnvState::Lost(LossReason::PublishNeverArrived));
    }

    /// After a failed attempt: schedule the next one, or give up on the message, leaving the
    /// envelope that did not get through in `gave_up` (lost, or dropped by a full queue).
    pub(crate) fn retry_or_give_up(&mut self, msg: MsgId, reuse: Option<EnvId>, gave_up: EnvState) {
        let producer = self.msgs[msg.index()].producer;
        match self.producer_model(producer).publish {
            Some(c) if self.will_retry(msg) => {
                self.sched.schedule(self.later(c.backoff), Due::PublishRetry { msg, env: reuse });
            }
            _ => {
                self.msgs[msg.index()].set_publishing(false);
                if let Some(env) = reuse {
                    self.end_copy(producer, env, gave_up);
                }
                if self.producer_model(producer).idempotent {
                    // A record that fails for good leaves a gap in the producer's sequence
                    // numbers; the records after it must not be refused for ever because of it.
                    self.abandon_sequence(msg);
                    self.unpark(producer);
                }
                if let Some(t) = self.txn_of(msg) {
                    // Its transaction cannot commit without it.
                    self.txn_abort(t, crate::sim::trace::AbortReason::RecordFailed);
                }
            }
        }
    }

    /// Whether a publish to `target` is answered only once the in-sync replicas have it:
    /// acks=all to a replicated topic.
    pub(crate) fn waits_for_replicas(&self, p: &ProducerModel, target: NodeId) -> bool {
        p.acks == Acks::All
            && matches!(&self.model.nodes[target.index()].kind, NodeKind::Topic(t) if t.replication.is_some())
    }

    /// Whether a failed attempt of `msg` is retried: its producer has retries left for it.
    pub(crate) fn will_retry(&self, msg: MsgId) -> bool {
        let m = &self.msgs[msg.index()];
        let attempts = m.publish_attempts() - m.sequence_refusals();
        self.producer_model(m.producer).publish.as_ref().is_some_and(|c| attempts <= c.retries)
    }

    /// Whether the producer of `msg` waits for publisher confirms.
    pub(crate) fn uses_confirms(&self, msg: MsgId) -> bool {
        self.producer_model(self.msgs[msg.index()].producer).publish.is_some()
    }
}
