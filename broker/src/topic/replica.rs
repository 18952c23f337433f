//! Replication: each partition of a topic has replicas on distinct brokers, one of them the
//! leader, which takes every write; the followers fetch from it. This follows Kafka's
//! documentation ("Replication" in the design section, and the broker and topic configs
//! `min.insync.replicas`, `replica.lag.time.max.ms` and `unclean.leader.election.enable`):
//!
//! ```text
//!   broker b1 (leader)    [ 0 | 1 | 2 | 3 | 4 ]      log end 5
//!   broker b2 (in sync)   [ 0 | 1 | 2 | 3 ]          fetching 4
//!   broker b3 (out)       [ 0 | 1 ]                  down, left the ISR
//!                                       ▲
//!                 high watermark 4: the least log end of the in-sync replicas (b1, b2);
//!                 consumers read below it, and an acks=all write is answered once it passes
//! ```
//!
//! - **Followers fetch** what their leader appended `replica_fetch_ms` after it was appended:
//!   a fetch carries the leader's log end as it was when the fetch was sent, and a follower
//!   that gets all of that has caught up as of that moment (Kafka's `lastCaughtUpTime`).
//! - **The ISR** (in-sync replicas) loses a follower that has not caught up for
//!   `replica.lag.time.max.ms`, and one whose broker has been down that long (Kafka's
//!   controller takes a failed broker out of the ISR once its session expires; one delay
//!   stands for both). A follower whose log reaches the high watermark joins it again.
//! - **Producer acks**: `acks=all` is answered when the high watermark passes the record, and
//!   refused (`NOT_ENOUGH_REPLICAS`) while fewer replicas than `min.insync.replicas` are in
//!   sync; if the ISR shrank below it by the time the write is replicated, the answer is
//!   `NOT_ENOUGH_REPLICAS_AFTER_APPEND` and the producer retries, though the record stays.
//!   `acks=1` is answered on the leader's append, `acks=0` never.
//! - **A leader's broker crashes**: the first live in-sync replica, in the partition's replica
//!   order, leads, with a new leader epoch. Every replica's log is cut back to the new
//!   leader's log end, so what the old leader alone had is lost: records acks=1 had already
//!   confirmed are gone for good, and unconfirmed acks=all records are sent again. With no
//!   live in-sync replica the partition is offline (no writes, no reads) until one comes back,
//!   unless unclean leader election lets any live replica lead, losing more.
//! - **A broker comes back** with the log it had (Kafka's log is on disk), cut back to what
//!   the leader has, and catches up as a follower; a partition that was offline waiting for
//!   it is led by it again.
//!
//! Simplifications: a recovered broker does not take back leadership of the partitions it
//! preferred (Kafka's periodic preferred-leader election, `auto.leader.rebalance.enable`, runs
//! every five minutes); the group coordinator and the consumers' fetches do not depend on
//! which broker is up, only on their partition having a leader; followers fetch one batch at a
//! time with a fixed delay; and the high watermark the leader knows is the one consumers see
//! at once (Kafka's followers learn it on their next fetch).

use crate::model::ids::{EnvId, NodeId};
use crate::model::time::SimTime;
use crate::scenario::Acks;
use crate::sim::copy_deque::CopyDeque;
use crate::sim::message::EnvState;
use crate::sim::trace::{Event, LossReason, PublishFailure};
use crate::sim::{Due, NodeState, Simulation};
use crate::topic::consumer_group::Tp;

/// No leader: the partition is offline.
pub const OFFLINE: u8 = u8::MAX;

/// One partition's replicas, as its leader (and the controller) know them.
#[derive(Clone, Debug)]
pub struct PartitionReplicas {
    /// Which of the partition's replicas leads, or [`OFFLINE`].
    pub leader: u8,
    /// Kafka's leader epoch: one more at every election.
    pub epoch: u16,
    /// The first offset consumers may not read yet.
    pub high_watermark: u64,
    /// In the order of the model's replica list.
    pub replicas: Vec<Replica>,
    /// acks=all writes waiting for the high watermark, in offset order.
    pub waiting: CopyDeque<Waiting>,
    /// When the next ISR check is due, if one is scheduled.
    pub isr_check_at: Option<SimTime>,
}

#[derive(Clone, Copy, Debug)]
pub struct Replica {
    /// Its log end offset.
    pub end: u64,
    pub in_sync: bool,
    /// The last time it had everything its leader had (as of its fetch's sending).
    pub caught_up_at: SimTime,
    /// A fetch is on its way.
    pub fetching: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Waiting {
    pub offset: u64,
    pub env: EnvId,
    pub attempt: u32,
}

impl PartitionReplicas {
    pub fn new(replicas: usize) -> PartitionReplicas {
        PartitionReplicas {
            leader: 0,
            epoch: 0,
            high_watermark: 0,
            replicas: vec![Replica { end: 0, in_sync: true, caught_up_at: SimTime::ZERO, fetching: false }; replicas],
            waiting: CopyDeque::default(),
            isr_check_at: None,
        }
    }

    pub fn offline(&self) -> bool {
        self.leader == OFFLINE
    }

    pub fn in_sync(&self) -> u32 {
        self.replicas.iter().filter(|r| r.in_sync).count() as u32
    }

    /// What is wrong with the replicas of a partition whose log ends at `log_end`, if anything
    /// (checked after every event with the simulation's other invariants).
    pub fn broken(&self, log_end: u64) -> Option<&'static str> {
        let leader = self.replicas.get(usize::from(self.leader));
        let bad = self.high_watermark > log_end
            || leader.is_some_and(|l| l.end != log_end || !l.in_sync)
            || self.replicas.iter().any(|r| r.end > log_end || (r.in_sync && r.end < self.high_watermark))
            || self.waiting.front().is_some_and(|w| w.offset < self.high_watermark);
        bad.then_some("its high watermark, leader, replicas or waiting acks=all writes break replication's rules")
    }

    /// The least log end of the in-sync replicas: what every one of them has.
    fn least_in_sync_end(&self) -> u64 {
        self.replicas.iter().filter(|r| r.in_sync).map(|r| r.end).min().unwrap_or(0)
    }
}

/// A broker's state: up or down, and since when.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrokerState {
    pub down: bool,
    pub down_since: SimTime,
    /// One more at every crash, so that a recovery scheduled by an earlier crash is ignored.
    pub life: u32,
}

impl Simulation {
    pub(crate) fn replicas(&self, tp: Tp) -> Option<&PartitionReplicas> {
        match &self.nodes[tp.0.index()] {
            NodeState::Topic(t) => t.replicas.get(tp.1 as usize),
            _ => None,
        }
    }

    fn replicas_mut(&mut self, tp: Tp) -> &mut PartitionReplicas {
        match &mut self.nodes[tp.0.index()] {
            NodeState::Topic(t) => &mut t.replicas[tp.1 as usize],
            _ => unreachable!("node {} is not a topic", tp.0 .0),
        }
    }

    pub(crate) fn broker_state(&self, broker: NodeId) -> BrokerState {
        match &self.nodes[broker.index()] {
            NodeState::Broker(b) => *b,
            _ => BrokerState::default(),
        }
    }

    /// The broker holding replica `r` of `tp`.
    pub(crate) fn replica_broker(&self, tp: Tp, r: usize) -> NodeId {
        self.topic_model(tp.0).replication.as_ref().expect("a replicated topic").replicas[tp.1 as usize][r]
    }

    pub(crate) fn replica_up(&self, tp: Tp, r: usize) -> bool {
        !self.broker_state(self.replica_broker(tp, r)).down
    }

    /// The first offset consumers may not read: the high watermark of a replicated topic, the
    /// log end otherwise.
    pub(crate) fn readable_end(&self, tp: Tp) -> u64 {
        match self.replicas(tp) {
            Some(r) => r.high_watermark,
            None => self.partition(tp).end(),
        }
    }

    /// Whether `tp` has no leader now: nobody can write it or read it.
    pub(crate) fn partition_offline(&self, tp: Tp) -> bool {
        self.replicas(tp).is_some_and(PartitionReplicas::offline)
    }

    /// Why a write to `tp` is refused now, if it is: the partition has no leader, or acks=all
    /// finds too few replicas in sync.
    pub(crate) fn write_refusal(&self, tp: Tp, acks: Acks) -> Option<PublishFailure> {
        let r = self.replicas(tp)?;
        if r.offline() {
            return Some(PublishFailure::LeaderNotAvailable);
        }
        let min = self.topic_model(tp.0).replication.as_ref().map_or(1, |m| m.min_insync);
        (acks == Acks::All && r.in_sync() < min).then_some(PublishFailure::NotEnoughReplicas)
    }

    /// The leader appended the record at `offset`; `waiting` is an acks=all write to answer
    /// once every in-sync replica has it. Returns whether consumers may read it already.
    pub(crate) fn replicate_append(&mut self, tp: Tp, offset: u64, waiting: Option<(EnvId, u32)>) -> bool {
        if self.replicas(tp).is_none() {
            return true;
        }
        let now = self.now;
        let rs = self.replicas_mut(tp);
        let leader = rs.leader as usize;
        let before = rs.replicas[leader].end;
        rs.replicas[leader].end = offset + 1;
        for r in 0..self.replicas_mut(tp).replicas.len() {
            // A live follower that had everything was caught up until now.
            let up = self.replica_up(tp, r);
            let replica = &mut self.replicas_mut(tp).replicas[r];
            if replica.end == before && up {
                replica.caught_up_at = now;
            }
        }
        let rs = self.replicas_mut(tp);
        if let Some((env, attempt)) = waiting {
            rs.waiting.push_back(Waiting { offset, env, attempt });
        }
        for r in 0..self.replicas_mut(tp).replicas.len() {
            self.fetch_if_behind(tp, r);
        }
        if self.replicas(tp).is_some_and(|r| r.isr_check_at.is_none()) {
            let lag = self.topic_model(tp.0).replication.as_ref().expect("replicated").lag_max;
            self.schedule_isr_check(tp, now.after(lag));
        }
        let before_hw = self.replicas(tp).map_or(0, |r| r.high_watermark);
        self.advance_high_watermark(tp);
        self.replicas(tp).is_some_and(|r| r.high_watermark > before_hw)
    }

    /// Sends follower `r` of `tp` a fetch if it is up, not the leader, not fetching and behind.
    fn fetch_if_behind(&mut self, tp: Tp, r: usize) {
        let rs = self.replicas(tp).expect("replicated");
        if rs.offline() || r == rs.leader as usize || rs.replicas[r].fetching {
            return;
        }
        let upto = rs.replicas[rs.leader as usize].end;
        if rs.replicas[r].end >= upto || !self.replica_up(tp, r) {
            return;
        }
        let epoch = rs.epoch;
        let fetch = self.topic_model(tp.0).replication.as_ref().expect("replicated").fetch;
        self.replicas_mut(tp).replicas[r].fetching = true;
        self.sched.schedule(
            self.later(fetch),
            Due::ReplicaFetch { topic: tp.0, partition: tp.1, replica: r as u16, epoch, upto: upto as u32 },
        );
    }

    /// A follower's fetch comes back with the leader's log up to `upto`.
    pub(crate) fn replica_fetched(&mut self, tp: Tp, r: usize, epoch: u16, upto: u64) {
        let fetch = self.topic_model(tp.0).replication.as_ref().expect("replicated").fetch;
        let sent_at = SimTime(self.now.0.saturating_sub(fetch.0));
        let up = self.replica_up(tp, r);
        let rs = self.replicas_mut(tp);
        rs.replicas[r].fetching = false;
        if rs.epoch != epoch || rs.offline() || r == rs.leader as usize || !up {
            // Sent to a leader that is no longer one, or by a broker that has crashed since.
            self.fetch_if_behind(tp, r);
            return;
        }
        let leader_end = rs.replicas[rs.leader as usize].end;
        let replica = &mut rs.replicas[r];
        replica.end = replica.end.max(upto.min(leader_end));
        if replica.end >= upto {
            replica.caught_up_at = replica.caught_up_at.max(sent_at);
        }
        let joins = !replica.in_sync && replica.end >= rs.high_watermark;
        if joins {
            rs.replicas[r].in_sync = true;
            rs.replicas[r].caught_up_at = sent_at;
            let broker = self.replica_broker(tp, r);
            self.emit(tp.0, None, None, Event::IsrExpanded { partition: tp.1, broker });
        }
        self.advance_high_watermark(tp);
        self.fetch_if_behind(tp, r);
    }

    fn schedule_isr_check(&mut self, tp: Tp, at: SimTime) {
        let rs = self.replicas_mut(tp);
        if rs.isr_check_at.is_some_and(|t| t <= at) {
            return;
        }
        rs.isr_check_at = Some(at);
        self.sched.schedule(at, Due::IsrCheck { topic: tp.0, partition: tp.1 });
    }

    /// The leader looks for followers that have not caught up for `replica.lag.time.max.ms`
    /// (or whose broker has been down that long) and takes them out of the ISR.
    pub(crate) fn isr_check(&mut self, tp: Tp) {
        if self.replicas(tp).and_then(|r| r.isr_check_at) != Some(self.now) {
            return; // a later reschedule replaced this one
        }
        self.replicas_mut(tp).isr_check_at = None;
        let lag = self.topic_model(tp.0).replication.as_ref().expect("replicated").lag_max;
        let mut next: Option<SimTime> = None;
        for r in 0..self.replicas(tp).expect("replicated").replicas.len() {
            let rs = self.replicas(tp).expect("replicated");
            if rs.offline() || r == rs.leader as usize || !rs.replicas[r].in_sync {
                continue;
            }
            let broker = self.broker_state(self.replica_broker(tp, r));
            let leader_end = rs.replicas[rs.leader as usize].end;
            let replica = rs.replicas[r];
            let due = if broker.down {
                Some(broker.down_since.max(replica.caught_up_at).after(lag))
            } else if replica.end < leader_end {
                Some(replica.caught_up_at.after(lag))
            } else {
                None
            };
            match due {
                Some(at) if at <= self.now => {
                    self.replicas_mut(tp).replicas[r].in_sync = false;
                    let broker = self.replica_broker(tp, r);
                    self.emit(tp.0, None, None, Event::IsrShrunk { partition: tp.1, broker });
                }
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        self.advance_high_watermark(tp);
        if let Some(at) = next {
            self.schedule_isr_check(tp, at);
        }
    }

    /// Moves the high watermark up to what every in-sync replica has, answers the acks=all
    /// writes it passes, and lets the partition's readers read on.
    fn advance_high_watermark(&mut self, tp: Tp) {
        let rs = self.replicas(tp).expect("replicated");
        if rs.offline() {
            return;
        }
        let hw = rs.least_in_sync_end();
        if hw <= rs.high_watermark {
            return;
        }
        let min = self.topic_model(tp.0).replication.as_ref().expect("replicated").min_insync;
        let enough = rs.in_sync() >= min;
        self.replicas_mut(tp).high_watermark = hw;
        while let Some(w) = self.replicas(tp).and_then(|r| r.waiting.front().copied()).filter(|w| w.offset < hw) {
            self.replicas_mut(tp).waiting.pop_front();
            if enough {
                self.write_confirmed(w);
            } else {
                self.write_failed(tp.0, w, PublishFailure::NotEnoughReplicasAfterAppend, None);
            }
        }
        self.wake_readers(tp);
    }

    /// The owners of `tp` in each group that reads it poll again.
    pub(crate) fn wake_readers(&mut self, tp: Tp) {
        for i in 0..self.topic_model(tp.0).groups.len() {
            let g = self.topic_model(tp.0).groups[i];
            if let Some(owner) = self.groups[g as usize].owner.get(&tp).copied() {
                self.log_pump(owner);
            }
        }
    }

    /// The producer hears that every in-sync replica has its write.
    fn write_confirmed(&mut self, w: Waiting) {
        let msg = self.envs[w.env.index()].msg;
        let m = &mut self.msgs[msg.index()];
        if m.awaits_answer(w.attempt) {
            m.set_settled_attempt(w.attempt);
            m.set_publishing(false);
            self.txn_acked(msg);
        }
    }

    /// The producer hears that its acks=all write failed: it retries (a new copy, since the
    /// record may well be in the log: a duplicate if it is), or sends `gone` again, a copy the
    /// failover cut from the log.
    fn write_failed(&mut self, topic: NodeId, w: Waiting, reason: PublishFailure, gone: Option<EnvState>) {
        let msg = self.envs[w.env.index()].msg;
        let m = &self.msgs[msg.index()];
        if !m.awaits_answer(w.attempt) {
            if let Some(end) = gone {
                self.end_copy(topic, w.env, end);
            }
            return;
        }
        let producer = m.producer;
        self.emit_env(producer, w.env, Event::PublishFailed { attempt: w.attempt, reason });
        self.msgs[msg.index()].set_settled_attempt(w.attempt);
        match gone {
            Some(end) => {
                self.set_state(w.env, EnvState::Publishing);
                self.envs[w.env.index()].set_at_broker(false);
                self.retry_or_give_up(msg, Some(w.env), end);
            }
            None => self.retry_or_give_up(msg, None, EnvState::Lost(LossReason::WriteRefused)),
        }
    }

    // -------------------------------------------------------------------------------------
    // Brokers

    pub(crate) fn crash_broker(&mut self, broker: NodeId, recover_after: Option<crate::model::time::Duration>) {
        let NodeState::Broker(b) = &mut self.nodes[broker.index()] else { return };
        if b.down {
            return;
        }
        b.down = true;
        b.down_since = self.now;
        b.life += 1;
        let life = b.life;
        self.emit(broker, None, None, Event::BrokerCrashed);
        self.queues_lose_broker(broker);
        for tp in self.partitions_on(broker) {
            let rs = self.replicas(tp).expect("replicated");
            let r = self.replica_index(tp, broker);
            if !rs.offline() && rs.leader as usize == r {
                self.elect_leader(tp, Some(r));
            } else if rs.replicas[r].in_sync && !rs.offline() {
                let lag = self.topic_model(tp.0).replication.as_ref().expect("replicated").lag_max;
                self.schedule_isr_check(tp, self.now.after(lag));
            }
        }
        if let Some(d) = recover_after {
            self.sched.schedule(self.later(d), Due::BrokerRecover { broker, life });
        }
    }

    pub(crate) fn recover_broker(&mut self, broker: NodeId) {
        let NodeState::Broker(b) = &mut self.nodes[broker.index()] else { return };
        if !b.down {
            return;
        }
        b.down = false;
        self.emit(broker, None, None, Event::BrokerRecovered);
        self.queues_regain_broker(broker);
        for tp in self.partitions_on(broker) {
            let r = self.replica_index(tp, broker);
            let rs = self.replicas(tp).expect("replicated");
            let unclean = self.topic_model(tp.0).replication.as_ref().is_some_and(|m| m.unclean_election);
            if rs.offline() && (rs.replicas[r].in_sync || unclean) {
                self.elect_leader(tp, None);
            } else {
                self.fetch_if_behind(tp, r);
            }
        }
    }

    /// Every (topic, partition) with a replica on `broker`, in node and partition order.
    fn partitions_on(&self, broker: NodeId) -> Vec<Tp> {
        let mut out = Vec::new();
        for (i, n) in self.model.nodes.iter().enumerate() {
            let crate::model::NodeKind::Topic(t) = &n.kind else { continue };
            let Some(rep) = &t.replication else { continue };
            for (p, replicas) in rep.replicas.iter().enumerate() {
                if replicas.contains(&broker) {
                    out.push((NodeId(i as u32), p as u32));
                }
            }
        }
        out
    }

    fn replica_index(&self, tp: Tp, broker: NodeId) -> usize {
        let rep = self.topic_model(tp.0).replication.as_ref().expect("replicated");
        rep.replicas[tp.1 as usize].iter().position(|b| *b == broker).expect("a replica on this broker")
    }

    /// Chooses a new leader for `tp`: the first live in-sync replica; failing that, with
    /// unclean election, the first live replica; failing that, none (offline). `failed` is the
    /// leader whose broker just crashed.
    fn elect_leader(&mut self, tp: Tp, failed: Option<usize>) {
        let unclean_allowed = self.topic_model(tp.0).replication.as_ref().is_some_and(|m| m.unclean_election);
        let n = self.replicas(tp).expect("replicated").replicas.len();
        let live = |sim: &Simulation, r: usize| Some(r) != failed && sim.replica_up(tp, r);
        let clean = (0..n).find(|&r| live(self, r) && self.replicas(tp).expect("replicated").replicas[r].in_sync);
        let choice = match clean {
            Some(r) => Some((r, false)),
            None if unclean_allowed => (0..n).find(|&r| live(self, r)).map(|r| (r, true)),
            None => None,
        };
        let Some((leader, unclean)) = choice else {
            // Offline: the failed leader stays the last in-sync replica, to lead again.
            let rs = self.replicas_mut(tp);
            rs.leader = OFFLINE;
            rs.epoch = rs.epoch.wrapping_add(1);
            self.emit(tp.0, None, None, Event::PartitionOffline { partition: tp.1 });
            self.fail_waiting(tp);
            return;
        };
        let now = self.now;
        let rs = self.replicas_mut(tp);
        rs.leader = leader as u8;
        rs.epoch = rs.epoch.wrapping_add(1);
        let epoch = rs.epoch;
        let was_in_sync: Vec<bool> = rs.replicas.iter().map(|r| r.in_sync).collect();
        if let Some(f) = failed {
            rs.replicas[f].in_sync = false;
        }
        if unclean {
            // The new leader's log is the partition's now: it is the only replica in sync.
            for (r, replica) in rs.replicas.iter_mut().enumerate() {
                replica.in_sync = r == leader;
            }
        }
        rs.replicas[leader].in_sync = true;
        rs.replicas[leader].caught_up_at = now;
        let new_end = rs.replicas[leader].end;
        for replica in rs.replicas.iter_mut() {
            replica.end = replica.end.min(new_end);
        }
        // The failed leader, and with an unclean election every other replica, left the ISR.
        for (r, was) in was_in_sync.into_iter().enumerate() {
            if was && !self.replicas(tp).expect("replicated").replicas[r].in_sync {
                let broker = self.replica_broker(tp, r);
                self.emit(tp.0, None, None, Event::IsrShrunk { partition: tp.1, broker });
            }
        }
        let broker = self.replica_broker(tp, leader);
        self.emit(
            tp.0,
            None,
            None,
            Event::LeaderElected { partition: tp.1, leader: broker, epoch: u32::from(epoch), unclean },
        );
        self.truncate(tp, new_end, unclean);
        self.fail_waiting(tp);
        let rs = self.replicas_mut(tp);
        rs.high_watermark = rs.high_watermark.min(new_end);
        self.advance_high_watermark(tp);
        for r in 0..n {
            self.fetch_if_behind(tp, r);
        }
        self.wake_readers(tp);
    }

    /// The acks=all writes still waiting fail: their leader is gone (Kafka's
    /// `NOT_LEADER_OR_FOLLOWER`). The producer retries each.
    fn fail_waiting(&mut self, tp: Tp) {
        let waiting = std::mem::take(&mut self.replicas_mut(tp).waiting);
        for w in waiting {
            self.write_failed(tp.0, w, PublishFailure::LeaderNotAvailable, None);
        }
    }

    /// Cuts the partition's log back to `end`: the records from there on are lost. A waiting
    /// acks=all write is sent again; any other copy a consumer has not finished is lost, with
    /// the reason its election gives.
    fn truncate(&mut self, tp: Tp, end: u64, unclean: bool) {
        let (topic, partition) = tp;
        let old_end = self.partition(tp).end();
        if end >= old_end {
            return;
        }
        self.emit(topic, None, None, Event::Truncated { partition, offset: end as u32 });
        let slots = self.topic_model(topic).slots();
        // Each group's lag and position: nothing past the new log end is left to read.
        for i in 0..self.topic_model(topic).groups.len() {
            let g = self.topic_model(topic).groups[i];
            let committed = self.committed_or_start(g, tp);
            let s = &mut self.groups[g as usize];
            s.lag = s.lag + end.saturating_sub(committed.min(end)) - old_end.saturating_sub(committed);
            if committed > end {
                s.committed.insert(tp, end);
            }
        }
        for i in 0..self.topic_model(topic).consumers.len() {
            let c = self.topic_model(topic).consumers[i];
            if let Some(o) = self.consumer_mut(c).log.owned.get_mut(&tp) {
                o.position = o.position.min(end);
                o.processed = o.processed.map(|p| p.min(end));
            }
        }
        let waiting: Vec<Waiting> = {
            let rs = self.replicas_mut(tp);
            let keep = rs.waiting.iter().take_while(|w| w.offset < end).count();
            rs.waiting.cut(keep)
        };
        let removed = self.topic_state_mut(topic).partitions[partition as usize].truncate(end, slots);
        self.forget_sequences(topic, partition, &removed.0);
        let reason = if unclean { LossReason::UncleanElection } else { LossReason::LeaderFailover };
        let mut waiting = waiting.into_iter().peekable();
        for (k, copies) in removed.1.chunks(slots).enumerate() {
            let offset = end + k as u64;
            // An acks=all write at this offset whose producer was still waiting: sent again,
            // so its other groups' copies are not lost but superseded.
            let w = waiting.next_if(|w| w.offset == offset);
            let again = w.is_some_and(|w| self.will_retry(self.envs[w.env.index()].msg));
            for &env in copies {
                if !self.in_log_at(env, tp, offset) {
                    continue;
                }
                if let Some(w) = w.filter(|w| w.env == env) {
                    self.write_failed(topic, w, PublishFailure::LeaderNotAvailable, Some(EnvState::Lost(reason)));
                } else if again {
                    self.end_copy(topic, env, EnvState::Dropped(crate::sim::trace::DropReason::SentAgainAfterFailover));
                } else if self.envs[env.index()].effect_at.is_some() {
                    self.set_state(env, EnvState::Acked);
                } else {
                    self.end_copy(topic, env, EnvState::Lost(reason));
                }
            }
        }
        for w in waiting {
            self.write_failed(topic, w, PublishFailure::LeaderNotAvailable, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_high_watermark_is_what_every_in_sync_replica_has() {
        let mut p = PartitionReplicas::new(3);
        p.replicas[0].end = 9;
        p.replicas[1].end = 7;
        p.replicas[2].end = 2;
        assert_eq!(p.least_in_sync_end(), 2);
        p.replicas[2].in_sync = false;
        assert_eq!(p.least_in_sync_end(), 7);
        assert_eq!(p.in_sync(), 2);
    }
}
