//! A topic in Kafka's style: a partitioned, append-only log. A record is written to one
//! partition at the next offset and stays there, whoever reads it, until retention deletes it
//! (by age, or by count per partition). Reading does not remove anything: each consumer group
//! keeps its own committed offset per partition (see `consumer_group.rs`).
//!
//! ```text
//!   partition 0:  [ 0 | 1 | 2 | 3 | 4 | 5 ]      log start 0, log end 6
//!                          ▲           ▲
//!        group billing committed 2     group audit committed 5     lag = end - committed
//! ```
//!
//! Each record has one copy (envelope) per group that reads the topic, so that every group's
//! fate for it is tracked on its own, as fan-out copies are for queues. A topic no group reads
//! keeps one copy per record.
//!
//! The idempotent producer's state lives here too: Kafka's broker keeps, per producer id and
//! partition, the last sequence number it wrote, acknowledges a retry of a sequence already
//! written without writing it again, and refuses a sequence that skips ahead (the producer
//! retries it, which keeps the partition in the order the producer sent).

use crate::sim::copy_deque::CopyDeque;

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::SimTime;
use crate::sim::few::Few;
use crate::sim::message::EnvState;
use crate::sim::trace::{DropReason, Event, LossReason, PublishFailure};
use crate::sim::{Due, NodeState, Simulation};
use crate::sorted_map::SortedMap;
use crate::topic::consumer_group::Tp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub msg: MsgId,
    /// When it was appended (Kafka's LogAppendTime).
    pub at: SimTime,
    /// Removed by log compaction: kept in place as a gap readers skip (`compaction.rs`).
    pub compacted: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PartitionLog {
    /// Offset of the first record still kept.
    pub start: u64,
    pub records: CopyDeque<Record>,
    /// `slots` copies per record, record by record, from the log start.
    pub copies: CopyDeque<EnvId>,
}

impl PartitionLog {
    /// The next offset to be written (Kafka's log end offset).
    pub fn end(&self) -> u64 {
        self.start + self.records.len() as u64
    }

    #[cfg(test)]
    pub fn get(&self, offset: u64) -> Option<&Record> {
        offset.checked_sub(self.start).and_then(|i| self.records.get(i as usize))
    }

    /// The copy of the record at `offset` for group slot `slot`.
    pub fn copy(&self, offset: u64, slot: usize, slots: usize) -> Option<EnvId> {
        let i = offset.checked_sub(self.start)? as usize;
        self.copies.get(i * slots + slot).copied()
    }

    pub fn append(&mut self, record: Record, copies: &[EnvId]) -> u64 {
        let offset = self.end();
        self.records.push_back(record);
        self.copies.extend(copies.iter().copied());
        offset
    }

    /// Deletes the first record; returns it with its copies (one per group, so nearly always
    /// one, kept inline).
    pub fn delete_head(&mut self, slots: usize) -> Option<(u64, Record, Few<EnvId>)> {
        let r = self.records.pop_front()?;
        let offset = self.start;
        self.start += 1;
        let mut copies = Few::Zero;
        for _ in 0..slots {
            copies.push(self.copies.pop_front().expect("a copy per group for each record"));
        }
        Some((offset, r, copies))
    }

    /// Cuts the log back to `end` (a failover): returns the records and copies from there on.
    pub fn truncate(&mut self, end: u64, slots: usize) -> (Vec<Record>, Vec<EnvId>) {
        let keep = end.saturating_sub(self.start) as usize;
        if keep >= self.records.len() {
            return (Vec::new(), Vec::new());
        }
        (self.records.cut(keep), self.copies.cut(keep * slots))
    }

    /// Kafka's `offsetsForTimes`: the first offset whose record was appended at or after `t`,
    /// or the log end if there is none.
    pub fn offset_for_time(&self, t: SimTime) -> u64 {
        let i = self.records.partition_point(|r| r.at < t);
        self.start + i as u64
    }
}

#[derive(Clone, Debug, Default)]
pub struct TopicState {
    pub partitions: Vec<PartitionLog>,
    pub outage_until: Option<SimTime>,
    /// Idempotent producer: what the broker knows of each (producer, producer epoch,
    /// partition) it has been sent to; as many as the partitions each producer epoch writes to.
    pub sequences: SortedMap<(NodeId, u32, u32), Sequences>,
    pub appended: u64,
    /// Round-robin cursor for unkeyed records written by the broker (dead-letter topics).
    pub rr: u32,
    /// Per partition: a time-retention check is scheduled (one at a time, for the head).
    pub retention_scheduled: Vec<bool>,
    /// Most records held at once over all partitions.
    pub max_records: u64,
    /// Per partition, its replicas (none when the scenario has no brokers).
    pub replicas: Vec<crate::topic::replica::PartitionReplicas>,
    /// The log cleaner's state, when the topic is compacted.
    pub compaction: Option<Box<crate::topic::compaction::CompactionState>>,
}

/// The idempotent producer's sequence numbers for one producer epoch and partition.
#[derive(Clone, Debug, Default)]
pub struct Sequences {
    /// The last one written.
    pub last: Option<u32>,
    /// Ones after `last` whose records the producer gave up on, in order: the broker moves
    /// past them as if written, so the gap does not block the records after them. A deque:
    /// behind one record still on the wire, every later record given up waits here (up to one
    /// per message of a big run), given up about in order and passed from the front, which a
    /// sorted `Vec` would make quadratic. (A `BTreeSet` did this, at a few kilobytes of wasm.)
    pub abandoned: CopyDeque<u32>,
}

impl Sequences {
    /// `sequence`, the next one, is written.
    fn write(&mut self, sequence: u32) {
        self.last = Some(sequence);
        self.skip_abandoned();
    }

    /// The producer gave up on `sequence`.
    fn abandon(&mut self, sequence: u32) {
        if self.last.is_some_and(|l| l >= sequence) {
            return;
        }
        if let Err(i) = self.abandoned.binary_search(&sequence) {
            self.abandoned.insert(i, sequence);
        }
        self.skip_abandoned();
    }

    /// Moves the last written sequence past abandoned ones that now follow it, dropping any
    /// that a write has passed since.
    fn skip_abandoned(&mut self) {
        while let Some(&first) = self.abandoned.front() {
            let next = self.last.map_or(0, |l| l + 1);
            if first > next {
                break;
            }
            self.abandoned.pop_front();
            if first == next {
                self.last = Some(next);
            }
        }
    }
}

impl TopicState {
    pub fn new(model: &crate::model::TopicModel) -> TopicState {
        let partitions = model.partitions as usize;
        let replicas = model.replication.as_ref().map_or_else(Vec::new, |r| {
            r.replicas.iter().map(|on| crate::topic::replica::PartitionReplicas::new(on.len())).collect()
        });
        TopicState {
            partitions: vec![PartitionLog::default(); partitions],
            retention_scheduled: vec![false; partitions],
            replicas,
            compaction: model.compaction.map(|_| Box::new(crate::topic::compaction::CompactionState::new(partitions))),
            ..TopicState::default()
        }
    }

    pub fn in_outage(&self, now: SimTime) -> bool {
        self.outage_until.is_some_and(|u| now < u)
    }

    pub fn records(&self) -> u64 {
        self.partitions.iter().map(|p| p.records.len() as u64).sum()
    }
}

/// What the idempotent producer's sequence check says about an incoming publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    /// The next sequence: write it.
    Write,
    /// Already written: acknowledge, do not write again.
    Duplicate,
    /// Skips ahead of the next expected sequence: refuse (the producer retries).
    OutOfOrder,
}

/// Kafka's rule for a producer's sequence numbers on one partition (sequences start at 0).
pub fn check_sequence(last: Option<u32>, sequence: u32) -> SequenceCheck {
    let next = last.map_or(0, |l| l + 1);
    if sequence < next {
        SequenceCheck::Duplicate
    } else if sequence == next {
        SequenceCheck::Write
    } else {
        SequenceCheck::OutOfOrder
    }
}

impl Simulation {
    pub(crate) fn topic_state(&self, id: NodeId) -> &TopicState {
        match &self.nodes[id.index()] {
            NodeState::Topic(t) => t,
            _ => unreachable!("node {} is not a topic", id.0),
        }
    }

    pub(crate) fn topic_state_mut(&mut self, id: NodeId) -> &mut TopicState {
        match &mut self.nodes[id.index()] {
            NodeState::Topic(t) => t,
            _ => unreachable!("node {} is not a topic", id.0),
        }
    }

    pub(crate) fn partition(&self, tp: Tp) -> &PartitionLog {
        &self.topic_state(tp.0).partitions[tp.1 as usize]
    }

    /// The producer gave up on `msg` (its last attempt's fate unknown to it): if that sequence
    /// was never written, the broker will not wait for it. (Kafka resolves such a gap with an
    /// epoch bump once nothing is in flight; this keeps the effect, that later records are
    /// neither refused for ever nor written twice, without that bookkeeping.)
    pub(crate) fn abandon_sequence(&mut self, msg: MsgId) {
        let m = &self.msgs[msg.index()];
        let (producer, epoch, sequence) = (m.producer, m.producer_epoch, m.sequence);
        let Some(partition) = m.partition() else { return };
        if m.envelopes().iter().any(|e| self.envs[e.index()].in_transit()) {
            // Its last attempt is still on the wire: it will be written when it arrives.
            return;
        }
        let Some(topic) = self.producer_model(producer).target.as_ref().map(|l| l.to) else { return };
        if !matches!(self.nodes[topic.index()], NodeState::Topic(_)) || epoch == u32::MAX {
            return;
        }
        let key = (producer, epoch, partition);
        self.topic_state_mut(topic).sequences.get_or_insert(key, Sequences::default()).abandon(sequence);
    }

    /// Kafka's default partitioner for a record the broker itself writes (to a retry or
    /// dead-letter topic): by key, else round-robin.
    pub(crate) fn partition_for(&mut self, msg: MsgId, topic: NodeId) -> u32 {
        let n = self.topic_model(topic).partitions;
        match self.msgs[msg.index()].key() {
            Some(k) => crate::topic::partitioner::partition_for_key(self.keys[k as usize].as_bytes(), n),
            None => {
                let t = self.topic_state_mut(topic);
                t.rr = t.rr.wrapping_add(1);
                (t.rr - 1) % n
            }
        }
    }

    /// A publish reaches a topic. With the idempotent producer the broker checks its
    /// sequence number first.
    pub(crate) fn log_arrive(&mut self, env: EnvId, topic: NodeId, attempt: u32) {
        let msg = self.envs[env.index()].msg;
        let m = &self.msgs[msg.index()];
        let producer = m.producer;
        let partition = m.partition().unwrap_or(0) % self.topic_model(topic).partitions;
        let acks = self.producer_model(producer).acks;
        if m.in_transaction() && self.txn_refuses(msg) {
            // Its transaction was aborted (or its producer fenced) while it was on the way.
            return self.refuse_aborted_write(topic, env);
        }
        if let Some(reason) = self.write_refusal((topic, partition), acks) {
            // No leader, or too few in-sync replicas for acks=all: the producer hears of it.
            if self.uses_confirms(msg) && acks != crate::scenario::Acks::None {
                self.nack_publish(env, topic, attempt, reason, EnvState::Lost(LossReason::WriteRefused));
            } else {
                self.end_copy(topic, env, EnvState::Lost(LossReason::WriteRefused));
            }
            return;
        }
        if self.refuses_unkeyed(topic, msg) {
            return self.refuse_unkeyed(env, topic, attempt);
        }
        let idempotent = matches!(&self.model.nodes[producer.index()].kind,
            crate::model::NodeKind::Producer(p) if p.idempotent);
        if idempotent {
            let (sequence, epoch) = (m.sequence, m.producer_epoch);
            let key = (producer, epoch, partition);
            let last = self.topic_state(topic).sequences.get(&key).and_then(|s| s.last);
            match check_sequence(last, sequence) {
                SequenceCheck::Duplicate => {
                    if !m.answer_lost() {
                        self.txn_acked(msg);
                    }
                    self.counters.publishes_deduplicated += 1;
                    self.emit_env(topic, env, Event::PublishDeduplicated { partition, sequence });
                    self.end_copy(topic, env, EnvState::Dropped(DropReason::Deduplicated));
                    return;
                }
                SequenceCheck::OutOfOrder => {
                    // An earlier record of this producer has not been written yet: the producer
                    // holds this one back and sends it again once that one is settled.
                    let m = &self.msgs[msg.index()];
                    if m.awaits_answer(attempt) {
                        self.emit_env(
                            producer,
                            env,
                            Event::PublishFailed { attempt, reason: PublishFailure::OutOfOrderSequence },
                        );
                        let m = &mut self.msgs[msg.index()];
                        m.set_settled_attempt(attempt);
                        m.add_sequence_refusal();
                        self.producer_mut(producer).parked.push((msg, env));
                    } else {
                        self.end_copy(topic, env, EnvState::Lost(LossReason::SequenceRefused));
                    }
                    return;
                }
                SequenceCheck::Write => {
                    self.topic_state_mut(topic).sequences.get_or_insert(key, Sequences::default()).write(sequence);
                    self.unpark(producer);
                }
            }
        }
        let m = &self.msgs[msg.index()];
        let waits = m.publishing() && !m.answer_lost() && self.waits_for_replicas(self.producer_model(producer), topic);
        let acked = !m.answer_lost() && !waits;
        self.append_waiting(env, topic, partition, None, waits.then_some((env, attempt)));
        if acked {
            self.txn_acked(msg);
        }
    }

    /// Writes a copy to the end of a partition, making one copy per group that reads the
    /// topic. `route`: keep this subscriber route for every copy (a dead letter moving on);
    /// none: each group is a route of its own.
    pub(crate) fn append(&mut self, env: EnvId, topic: NodeId, partition: u32, route: Option<u16>) {
        self.append_waiting(env, topic, partition, route, None);
    }

    /// As `append`; `waiting`, an acks=all write (its copy and attempt) whose producer is
    /// answered once the in-sync replicas have it.
    fn append_waiting(
        &mut self,
        env: EnvId,
        topic: NodeId,
        partition: u32,
        route: Option<u16>,
        waiting: Option<(EnvId, u32)>,
    ) {
        let msg = self.envs[env.index()].msg;
        let slots = self.topic_model(topic).slots();
        // One copy per group reading the topic, nearly always one: kept inline.
        let mut copies = Few::One(env);
        for _ in 1..slots {
            let deaths = self.envs[env.index()].deaths.clone();
            copies.push(self.new_envelope(msg, deaths));
        }
        for (k, c) in copies.iter().enumerate() {
            let e = &mut self.envs[c.index()];
            e.route = route.unwrap_or(k as u16);
            e.delivery_count = 0;
            e.set_acked(false);
            e.set_dead_lettered(false);
            e.set_in_transit(false);
            self.set_state(*c, EnvState::InLog { topic, partition });
        }
        let now = self.now;
        let t = self.topic_state_mut(topic);
        let offset = t.partitions[partition as usize].append(Record { msg, at: now, compacted: false }, &copies);
        for c in &copies {
            // A copy in a log keeps its offset where a queued one keeps its order.
            self.envs[c.index()].order = offset as i64;
        }
        let t = self.topic_state_mut(topic);
        t.appended += 1;
        let held = t.records();
        t.max_records = t.max_records.max(held);
        self.emit_env(topic, env, Event::Appended { partition, offset: offset as u32 });
        if self.msgs[msg.index()].in_transaction() {
            self.txn_appended(msg, (topic, partition), offset);
        }
        let tm = self.topic_model(topic);
        let (retention, keep) = (tm.retention, tm.retention_records);
        if let Some(keep) = keep {
            while self.partition((topic, partition)).records.len() as u64 > keep as u64 {
                self.delete_head(topic, partition);
            }
        }
        if let Some(r) = retention {
            // One check per partition at a time, due when its oldest record expires.
            let t = self.topic_state_mut(topic);
            if !t.retention_scheduled[partition as usize] {
                t.retention_scheduled[partition as usize] = true;
                let head = t.partitions[partition as usize].records.front().map_or(now, |h| h.at);
                self.sched.schedule(head.after(r).max(now), Due::Retention { topic, partition });
            }
        }
        for i in 0..self.topic_model(topic).groups.len() {
            let g = self.topic_model(topic).groups[i];
            self.note_appended(g);
        }
        if self.topic_model(topic).replication.is_some() {
            // Readers are woken when the high watermark passes the record.
            self.replicate_append((topic, partition), offset, waiting);
        } else {
            self.wake_readers((topic, partition));
        }
    }

    /// A failover cut these records from the log: the idempotent producer's sequence numbers
    /// go back to before the first of them (Kafka rebuilds its producer state from the log),
    /// so that their retries are written rather than taken for duplicates.
    pub(crate) fn forget_sequences(&mut self, topic: NodeId, partition: u32, records: &[Record]) {
        for r in records {
            let m = &self.msgs[r.msg.index()];
            let (producer, epoch, sequence) = (m.producer, m.producer_epoch, m.sequence);
            if epoch == u32::MAX {
                continue;
            }
            let key = (producer, epoch, partition);
            if let Some(s) = self.topic_state_mut(topic).sequences.get_mut(&key) {
                if s.last.is_some_and(|l| l >= sequence) {
                    s.last = sequence.checked_sub(1);
                }
            }
        }
    }

    /// Time retention: deletes the records at the head that are older than the retention.
    pub(crate) fn retention_due(&mut self, topic: NodeId, partition: u32) {
        let Some(r) = self.topic_model(topic).retention else { return };
        while let Some(head) = self.partition((topic, partition)).records.front() {
            if head.at.after(r) > self.now {
                break;
            }
            self.delete_head(topic, partition);
        }
        let next = self.partition((topic, partition)).records.front().map(|h| h.at.after(r));
        self.topic_state_mut(topic).retention_scheduled[partition as usize] = next.is_some();
        if let Some(at) = next {
            self.sched.schedule(at, Due::Retention { topic, partition });
        }
    }

    /// Deletes the oldest record of a partition. A group that had not processed its copy has
    /// lost it.
    fn delete_head(&mut self, topic: NodeId, partition: u32) {
        let slots = self.topic_model(topic).slots();
        let Some((offset, r, copies)) = self.topic_state_mut(topic).partitions[partition as usize].delete_head(slots)
        else {
            return;
        };
        self.trace.push(self.now, topic, Some(r.msg), None, Event::Deleted { partition, offset: offset as u32 });
        // A group with no committed offset here counts its lag from the log start, which moved.
        for i in 0..self.topic_model(topic).groups.len() {
            let g = self.topic_model(topic).groups[i];
            if !self.groups[g as usize].committed.contains_key(&(topic, partition)) {
                self.groups[g as usize].lag -= 1;
            }
        }
        for &c in copies.iter() {
            if !self.in_log_at(c, (topic, partition), offset) {
                continue;
            }
            if self.envs[c.index()].effect_at.is_some() {
                self.set_state(c, EnvState::Acked);
            } else {
                // Lost to its group, unless a consumer that already polled it finishes it.
                self.end_copy(topic, c, EnvState::Lost(LossReason::Retention));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: u32, at_ms: u64) -> Record {
        Record { msg: MsgId(n), at: SimTime::from_ms(at_ms), compacted: false }
    }

    #[test]
    fn offsets_grow_and_retention_moves_the_log_start() {
        let mut p = PartitionLog::default();
        for i in 0..5 {
            assert_eq!(p.append(rec(i, i as u64 * 10), &[EnvId(2 * i), EnvId(2 * i + 1)]), i as u64);
        }
        assert_eq!(p.end(), 5);
        let (offset, r, copies) = p.delete_head(2).unwrap();
        assert_eq!((offset, r.msg, &copies[..]), (0, MsgId(0), &[EnvId(0), EnvId(1)][..]));
        assert_eq!((p.start, p.end()), (1, 5));
        assert_eq!(p.get(0), None);
        assert_eq!(p.get(3).unwrap().msg, MsgId(3));
        assert_eq!(p.copy(3, 1, 2), Some(EnvId(7)));
        assert_eq!(p.copy(9, 0, 2), None);
    }

    #[test]
    fn offsets_for_times_finds_the_first_record_at_or_after() {
        let mut p = PartitionLog::default();
        for (i, t) in [0u64, 10, 10, 30].iter().enumerate() {
            p.append(rec(i as u32, *t), &[EnvId(i as u32)]);
        }
        assert_eq!(p.offset_for_time(SimTime::from_ms(10)), 1);
        assert_eq!(p.offset_for_time(SimTime::from_ms(11)), 3);
        assert_eq!(p.offset_for_time(SimTime::from_ms(99)), 4);
        p.delete_head(1);
        assert_eq!(p.offset_for_time(SimTime::ZERO), 1);
    }

    #[test]
    fn the_idempotent_producer_writes_each_sequence_once_and_in_order() {
        assert_eq!(check_sequence(None, 0), SequenceCheck::Write);
        assert_eq!(check_sequence(None, 1), SequenceCheck::OutOfOrder);
        assert_eq!(check_sequence(Some(4), 5), SequenceCheck::Write);
        assert_eq!(check_sequence(Some(4), 4), SequenceCheck::Duplicate);
        assert_eq!(check_sequence(Some(4), 2), SequenceCheck::Duplicate);
        assert_eq!(check_sequence(Some(4), 7), SequenceCheck::OutOfOrder);
    }

    proptest::proptest! {
        /// What the last sequence and the set of abandoned ones it replaces did: a write sets
        /// the last and passes abandoned ones after it; an abandon not yet passed is kept.
        #[test]
        fn sequences_pass_abandoned_ones_as_a_set_did(
            ops in proptest::collection::vec((proptest::bool::ANY, 0u32..40), 0..120)
        ) {
            let mut ours = Sequences::default();
            let (mut last, mut abandoned): (Option<u32>, std::collections::BTreeSet<u32>) = (None, Default::default());
            for (write, sequence) in ops {
                if write {
                    // The broker writes only the next one.
                    let sequence = last.map_or(0, |l| l + 1);
                    ours.write(sequence);
                    last = Some(sequence);
                } else {
                    ours.abandon(sequence);
                    if last.is_some_and(|l| l >= sequence) {
                        continue;
                    }
                    abandoned.insert(sequence);
                }
                while abandoned.remove(&last.map_or(0, |l| l + 1)) {
                    last = Some(last.map_or(0, |l| l + 1));
                }
                proptest::prop_assert_eq!(ours.last, last);
                let next = last.map_or(0, |l| l + 1);
                proptest::prop_assert!(ours.abandoned.iter().eq(abandoned.iter().filter(|&&a| a > next)));
            }
        }
    }
}
