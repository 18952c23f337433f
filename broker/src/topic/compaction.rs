//! Log compaction in Kafka's style (`"cleanup_policy": "compact"`): the log cleaner keeps the
//! latest record of each key and removes the older ones, so that a compacted topic is a table
//! of the latest value per key that a reader rebuilds by reading it from the start. As
//! Kafka's documentation describes it (<https://kafka.apache.org/documentation/#compaction>,
//! and the topic settings `cleanup.policy`, `delete.retention.ms`, `min.compaction.lag.ms` and
//! `segment.ms` at <https://kafka.apache.org/37/generated/topic_config.html>, and the broker
//! setting `log.cleaner.backoff.ms`):
//!
//! ```text
//!   offsets   0    1    2    3    4    5    6    7    8          (the log end is 9)
//!   before   a=1  b=1  a=2  c=1  b=∅  a=3  c=2 │ a=4  b=5        ∅: a tombstone
//!   after    ·    ·    ·    ·    b=∅  a=3  c=2 │ a=4  b=5        ·: compacted away
//!            └──── cleaned: one record per key ───┘└ active segment, never cleaned
//! ```
//!
//! - Offsets never change and the order is kept: a compacted partition has gaps, which
//!   readers skip. The log start moves only by retention (`"compact,delete"`).
//! - The active segment is never cleaned, nor are records younger than
//!   `min.compaction.lag.ms`, nor records readers cannot see yet (above the high watermark),
//!   nor anything from an open transaction's first record on (the last stable offset).
//! - A tombstone (a key with no value) deletes its key: it is kept for `delete.retention.ms`
//!   after the cleaner first reaches it, so that a reader that is behind can still see the
//!   delete, and then removed too. A reader further behind than that never sees it, and
//!   keeps the key's old value.
//! - A broker refuses a record without a key (Kafka's "Compacted topic cannot accept message
//!   without key"): the producer hears it as an error it does not retry. Records the broker
//!   itself writes without a key (dead letters) are kept and never compacted.
//!
//! Simplifications, each said in `docs/scenario-format.md`: segments are slices of virtual
//! time `segment.ms` long (the active segment is the records appended since the current slice
//! began; Kafka rolls a segment at the first append after `segment.ms`, so an idle
//! partition's last segment stays active there); there is no dirty ratio
//! (`min.cleanable.dirty.ratio`) and no size: the cleaner cleans every compacted partition
//! every `log.cleaner.backoff.ms` (Kafka's cleaner threads back off that long when there is
//! nothing to clean); it cleans each record once, as it reaches it, rather than copying
//! segments again.
//!
//! Memory stays linear: a removed record is marked in place in the partition's records
//! (`Record::compacted`) rather than taken out of the middle, and the latest record of each
//! key is found in a table by key id (`latest`), so a pass costs the records it reaches.

use crate::model::ids::{MsgId, NodeId};
use crate::model::time::SimTime;
use crate::sim::copy_deque::CopyDeque;
use crate::sim::cow_vec::CowVec;
use crate::sim::few::Few;
use crate::sim::message::EnvState;
use crate::sim::trace::{DropReason, Event, LossReason, PublishFailure};
use crate::sim::{Due, Simulation};
use crate::topic::log::PartitionLog;

/// The log cleaner's memory of one compacted topic.
#[derive(Clone, Debug, Default)]
pub struct CompactionState {
    pub partitions: Vec<CleanedPartition>,
    /// By key id: the key's latest record below its partition's cleaned point, as
    /// (partition, offset, message), one per partition the key is written to (nearly always
    /// one). The same table type as `sim/key_sequences.rs`, so the wasm carries one copy of
    /// its code.
    latest: CowVec<Few<(u16, u32, MsgId)>>,
}

/// One partition as the cleaner left it.
#[derive(Clone, Debug, Default)]
pub struct CleanedPartition {
    /// Kafka's cleaner checkpoint: the records below this offset have been cleaned.
    pub cleaned_to: u64,
    /// The message of the record just below `cleaned_to`, to notice a failover that cut the
    /// log below it (the cleaner then cleans the partition again from its start).
    last: Option<MsgId>,
    /// Tombstones the cleaner has reached and kept, in the order it reached them, each with
    /// the moment it may be removed (`delete.retention.ms` later).
    pub tombstones: CopyDeque<KeptTombstone>,
    /// Records the cleaner removed: older values and expired tombstones.
    pub removed: u64,
}

/// A tombstone the cleaner keeps until `until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeptTombstone {
    pub offset: u64,
    pub msg: MsgId,
    pub until: SimTime,
}

impl CompactionState {
    pub fn new(partitions: usize) -> CompactionState {
        CompactionState { partitions: vec![CleanedPartition::default(); partitions], latest: CowVec::default() }
    }
}

impl PartitionLog {
    /// Whether the record at `offset` was compacted away (a reader skips it).
    pub fn compacted(&self, offset: u64) -> bool {
        offset.checked_sub(self.start).and_then(|i| self.records.get(i as usize)).is_some_and(|r| r.compacted)
    }
}

/// Why the cleaner removes a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Removal {
    /// A later record in the partition has its key.
    Superseded,
    /// A tombstone past its `delete.retention.ms`.
    TombstoneExpired,
}

impl Simulation {
    /// Starts the log cleaner of every compacted topic: its first pass is one backoff in.
    pub(crate) fn start_cleaners(&mut self) {
        for i in 0..self.model.nodes.len() {
            if let crate::model::NodeKind::Topic(t) = &self.model.nodes[i].kind {
                if let Some(c) = t.compaction {
                    self.sched.schedule(SimTime::ZERO.after(c.backoff), Due::Cleaner { topic: NodeId(i as u32) });
                }
            }
        }
    }

    /// Whether `topic` refuses a record of `msg`: a compacted topic takes only keyed records.
    pub(crate) fn refuses_unkeyed(&self, topic: NodeId, msg: MsgId) -> bool {
        self.topic_model(topic).compaction.is_some() && self.msgs[msg.index()].key().is_none()
    }

    /// A compacted topic refuses an unkeyed record (Kafka's `InvalidRecordException`,
    /// "Compacted topic cannot accept message without key"). The producer does not retry an
    /// invalid record: it hears the error once and gives the message up.
    pub(crate) fn refuse_unkeyed(&mut self, env: crate::model::ids::EnvId, topic: NodeId, attempt: u32) {
        let msg = self.envs[env.index()].msg;
        let m = &self.msgs[msg.index()];
        let producer = m.producer;
        let lost = EnvState::Lost(LossReason::KeyRequired);
        if !(self.uses_confirms(msg) && m.publish_attempts() == attempt && m.settled_attempt() < attempt) {
            self.end_copy(topic, env, lost);
            return;
        }
        self.emit_env(producer, env, Event::PublishFailed { attempt, reason: PublishFailure::KeyRequired });
        let m = &mut self.msgs[msg.index()];
        m.set_settled_attempt(attempt);
        m.set_publishing(false);
        self.end_copy(producer, env, lost);
        if self.producer_model(producer).idempotent {
            // Its sequence number was never written: the records after it must not wait for it.
            self.abandon_sequence(msg);
            self.unpark(producer);
        }
    }

    /// Whether the producer's message for its `i`-th key, now, is one of its tombstones (the
    /// first message for that key at or after a tombstone's time); it counts as sent. (Keys
    /// are compared by name: a producer's list may name a key more than once.)
    pub(crate) fn take_tombstone(&mut self, producer: NodeId, i: usize) -> bool {
        let now = self.now;
        let pm = self.producer_model(producer);
        let key = &pm.keys[i];
        let found = pm.tombstones.iter().enumerate().position(|(n, &(k, at))| {
            pm.keys[k as usize] == *key && SimTime::ZERO.after(at) <= now && !self.producer(producer).tombstones_sent[n]
        });
        if let Some(n) = found {
            self.producer_mut(producer).tombstones_sent[n] = true;
        }
        found.is_some()
    }

    /// A pass of the log cleaner over every partition of `topic`, then the next one is
    /// scheduled a backoff later.
    pub(crate) fn cleaner_due(&mut self, topic: NodeId) {
        let Some(c) = self.topic_model(topic).compaction else { return };
        // A pass looks at every partition, whether or not it finds anything to clean.
        self.charge(Some(topic), u64::from(self.topic_model(topic).partitions));
        for p in 0..self.topic_model(topic).partitions {
            self.clean_partition(topic, p);
        }
        let next = self.now.after(c.backoff);
        if next <= self.end {
            self.sched.schedule(next, Due::Cleaner { topic });
        }
    }

    /// The offset the cleaner may clean up to now: not the active segment, not a record
    /// younger than `min.compaction.lag.ms`, not above what readers can see.
    fn cleanable_end(&self, topic: NodeId, partition: u32) -> u64 {
        let c = self.topic_model(topic).compaction.expect("a compacted topic");
        let now = self.now.0;
        let segment = c.segment.0.max(1);
        // The active segment began at the start of the current slice of `segment.ms`.
        let active_from = now - now % segment;
        // Records appended after `now - lag` are too young.
        let young_from = (now + 1).saturating_sub(c.min_lag.0);
        let log = self.partition((topic, partition));
        // Never past the high watermark, nor an open transaction's first record (Kafka's
        // cleaner stops at the first unstable offset): the last stable offset is both.
        log.offset_for_time(SimTime(active_from.min(young_from))).min(self.last_stable_offset((topic, partition)))
    }

    fn compaction(&self, topic: NodeId) -> &CompactionState {
        self.topic_state(topic).compaction.as_deref().expect("a compacted topic")
    }

    fn compaction_mut(&mut self, topic: NodeId) -> &mut CompactionState {
        self.topic_state_mut(topic).compaction.as_deref_mut().expect("a compacted topic")
    }

    fn clean_partition(&mut self, topic: NodeId, partition: u32) {
        let tp = (topic, partition);
        let p = partition as usize;
        let (start, end) = (self.partition(tp).start, self.partition(tp).end());
        let cp = &self.compaction(topic).partitions[p];
        let (mut from, last) = (cp.cleaned_to, cp.last);
        // A failover cut the log below the cleaned point: clean it again from its start.
        if from > start && (from > end || Some(self.record_msg(tp, from - 1)) != last) {
            from = start;
        }
        let from = from.max(start);
        let to = self.cleanable_end(topic, partition).max(from);
        let retention = self.topic_model(topic).compaction.expect("a compacted topic").delete_retention;
        for offset in from..to {
            let r = self.partition(tp).records[(offset - start) as usize];
            if r.compacted {
                continue;
            }
            let m = &self.msgs[r.msg.index()];
            let Some(key) = m.key() else { continue };
            let tombstone = m.tombstone();
            let latest = &mut self.compaction_mut(topic).latest;
            while latest.len() <= key as usize {
                latest.push(Few::Zero);
            }
            let entry = (partition as u16, offset as u32, r.msg);
            let older = match latest[key as usize].as_mut_slice().iter_mut().find(|e| e.0 == partition as u16) {
                Some(e) => Some(std::mem::replace(e, entry)),
                None => {
                    latest[key as usize].push(entry);
                    None
                }
            };
            if let Some((_, o, msg)) = older {
                if u64::from(o) != offset {
                    self.remove_record(tp, u64::from(o), msg, Removal::Superseded);
                }
            }
            if tombstone {
                let until = self.now.after(retention);
                self.compaction_mut(topic).partitions[p].tombstones.push_back(KeptTombstone {
                    offset,
                    msg: r.msg,
                    until,
                });
            }
        }
        let last = (to > start).then(|| self.record_msg(tp, to - 1));
        let cp = &mut self.compaction_mut(topic).partitions[p];
        cp.cleaned_to = to;
        cp.last = last;
        // Tombstones past their delete.retention.ms go too.
        while let Some(t) = self.compaction(topic).partitions[p].tombstones.front().copied() {
            if t.until > self.now {
                break;
            }
            self.compaction_mut(topic).partitions[p].tombstones.pop_front();
            self.remove_record(tp, t.offset, t.msg, Removal::TombstoneExpired);
            let key = self.msgs[t.msg.index()].key().expect("a tombstone has a key") as usize;
            let latest = &mut self.compaction_mut(topic).latest[key];
            if latest.iter().any(|e| e.0 == partition as u16 && u64::from(e.1) == t.offset) {
                // The key is gone from the partition: its next record there starts it again.
                let mut rest = Few::Zero;
                for e in latest.iter().filter(|e| e.0 != partition as u16) {
                    rest.push(*e);
                }
                *latest = rest;
            }
        }
    }

    /// The message of the record at `offset` (within the log).
    fn record_msg(&self, tp: (NodeId, u32), offset: u64) -> MsgId {
        let log = self.partition(tp);
        log.records[(offset - log.start) as usize].msg
    }

    /// Marks the record at `offset` compacted away, if it is still the record of `msg` there,
    /// and ends the copies no group has read: superseded, or a delete a group missed.
    fn remove_record(&mut self, tp: (NodeId, u32), offset: u64, msg: MsgId, why: Removal) {
        let (topic, partition) = tp;
        let slots = self.topic_model(topic).slots();
        let log = &mut self.topic_state_mut(topic).partitions[partition as usize];
        let Some(i) = offset.checked_sub(log.start).map(|i| i as usize) else { return };
        match log.records.get_mut(i) {
            Some(r) if r.msg == msg && !r.compacted => r.compacted = true,
            _ => return, // deleted by retention, or cut by a failover
        }
        let copies: Few<_> = (0..slots).filter_map(|s| log.copy(offset, s, slots)).fold(Few::Zero, |mut f, c| {
            f.push(c);
            f
        });
        self.compaction_mut(topic).partitions[partition as usize].removed += 1;
        let (event, reason) = match why {
            Removal::Superseded => (Event::Compacted { partition, offset: offset as u32 }, DropReason::Compacted),
            Removal::TombstoneExpired => {
                (Event::TombstoneRemoved { partition, offset: offset as u32 }, DropReason::TombstoneRemoved)
            }
        };
        self.trace.push(self.now, topic, Some(msg), None, event);
        for &c in copies.iter() {
            if !self.in_log_at(c, tp, offset) {
                continue;
            }
            if self.envs[c.index()].effect_at.is_some() {
                self.set_state(c, EnvState::Acked);
            } else {
                // Its group had not read it: a consumer that already polled it still finishes it.
                self.end_copy(topic, c, EnvState::Dropped(reason));
            }
        }
    }

    /// The invariant of a compacted partition: below the cleaned point each key has at most
    /// one record left (and the cleaned point is within the log).
    pub(crate) fn compaction_broken(&self, topic: NodeId, partition: u32) -> Option<String> {
        let cp = &self.topic_state(topic).compaction.as_deref()?.partitions[partition as usize];
        let log = self.partition((topic, partition));
        if cp.cleaned_to > log.start
            && (cp.cleaned_to > log.end() || Some(self.record_msg((topic, partition), cp.cleaned_to - 1)) != cp.last)
        {
            // A failover cut the log below the cleaned point since the last pass, which will
            // clean the partition again.
            return None;
        }
        let upto = cp.cleaned_to.max(log.start);
        let mut seen: Vec<bool> = Vec::new();
        for i in 0..(upto - log.start) as usize {
            let r = log.records[i];
            let Some(key) = self.msgs[r.msg.index()].key() else { continue };
            if r.compacted {
                continue;
            }
            let k = key as usize;
            if seen.len() <= k {
                seen.resize(k + 1, false);
            }
            if seen[k] {
                return Some(format!(
                    "key \"{}\" has two records below the cleaned offset {}",
                    self.keys[k], cp.cleaned_to
                ));
            }
            seen[k] = true;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topic::log::Record;

    /// Keys a, b, c in turn every 100 ms, 9 records; the topic's segment is 1 s long and the
    /// cleaner looks every 500 ms.
    const ABC: &str = r#"{"version":1,"duration_ms":3000,"nodes":[
        {"id":"p","kind":"producer","count":9,"arrivals":{"fixed":{"interval_ms":100}},"keys":["a","b","c"],
         "tombstones":[{"key":"c","at_ms":700}]},
        {"id":"t","kind":"topic","cleanup_policy":"compact","segment_ms":1000,"cleaner_backoff_ms":500,
         "delete_retention_ms":1000}],
        "wires":[["p","t"]]}"#;

    #[test]
    fn a_compacted_record_is_a_gap_at_its_own_offset() {
        let mut p = PartitionLog::default();
        for i in 0..3 {
            p.append(Record { msg: MsgId(i), at: SimTime::from_ms(u64::from(i)), compacted: i == 1 }, &[]);
        }
        assert_eq!((p.compacted(0), p.compacted(1), p.compacted(2), p.compacted(9)), (false, true, false, false));
        p.delete_head(0);
        assert!(p.compacted(1), "retention moves the start; offsets stay");
    }

    #[test]
    fn the_cleaner_stops_at_the_active_segment_and_keeps_one_record_per_key() {
        let mut sim = crate::load(ABC).expect("valid");
        let t = NodeId(1);
        sim.advance_to(SimTime::from_ms(600));
        // At 500 ms the segment [0, 1 s) is still active: nothing was cleaned.
        assert_eq!(sim.compaction(t).partitions[0].cleaned_to, 0);
        sim.advance_to(SimTime::from_ms(1000));
        // At 1 s records 0..=8 (at 0..800 ms) are cleaned: the last a, b and c stay.
        let cp = &sim.compaction(t).partitions[0];
        assert_eq!((cp.cleaned_to, cp.removed), (9, 6));
        let log = sim.partition((t, 0));
        let kept: Vec<u64> = (0..9).filter(|&o| !log.compacted(o)).collect();
        assert_eq!(kept, vec![6, 7, 8]);
        // c's record at 800 ms (offset 8) is a tombstone, kept until 2 s.
        assert!(sim.msgs[log.records[8].msg.index()].tombstone());
        assert_eq!(cp.tombstones.front().map(|k| (k.offset, k.until)), Some((8, SimTime::from_ms(2000))));
        assert_eq!(sim.compaction_broken(t, 0), None);
        sim.advance_to(SimTime::from_ms(2500));
        let cp = &sim.compaction(t).partitions[0];
        assert!(cp.tombstones.is_empty());
        assert!(sim.partition((t, 0)).compacted(8), "the tombstone went at 2 s");
        assert_eq!(cp.removed, 7);
    }

    #[test]
    fn the_invariant_finds_two_records_of_one_key_below_the_cleaned_point() {
        let mut sim = crate::load(ABC).expect("valid");
        let t = NodeId(1);
        sim.advance_to(SimTime::from_ms(1000));
        match &mut sim.nodes[1] {
            crate::sim::NodeState::Topic(ts) => ts.partitions[0].records[0].compacted = false,
            _ => unreachable!(),
        }
        let why = sim.compaction_broken(t, 0).expect("broken");
        assert!(why.contains("key \"a\" has two records below the cleaned offset 9"), "{why}");
    }
}
