//! Consumer groups: who is in the group, who owns which partition, and the offsets the group
//! has committed. The assignment comes from Kafka's assignors (`assignor/`), with members
//! sorted by id as Kafka sorts them.
//!
//! ```text
//!   join / leave / session timeout ──▶ rebalance ──▶ generation + 1, new owners
//!        revoked partition: auto-commit members commit what they processed, then let go
//!        assigned partition: the new owner reads from the committed offset
//!                            (or from auto.offset.reset when there is none)
//! ```
//!
//! Simplifications, stated where a teacher would ask:
//!
//! - A rebalance happens at the moment membership changes; Kafka's join and sync round trips
//!   (and `group.initial.rebalance.delay.ms`) take no virtual time here.
//! - A member that loses a partition stops reading it at once and drops the records of it
//!   that it polled but had not started. The record it is processing still finishes; its
//!   offset commit is then refused (`CommitFailed`), as Kafka refuses a commit from a member
//!   the group has moved on from, and the new owner reads it again: a duplicate effect.
//! - A partition that stays with its owner keeps its fetch position (Kafka's eager protocol
//!   revokes everything and re-reads from the committed offset; with auto-commit on
//!   revocation, which Kafka does, that is the same place).
//! - Heartbeats are not traced: a live member always heartbeats in time, and the coordinator
//!   notices a crashed one at its last heartbeat plus the session timeout.

use crate::model::command::ResetTarget;
use crate::model::ids::{EnvId, NodeId};
use crate::model::NodeKind;
use crate::scenario::{CommitMode, OffsetReset, Semantics};
use crate::sim::message::EnvState;
use crate::sim::trace::{Event, LeaveReason, LossReason, Rebalance, ResetCause};
use crate::sim::{Due, Simulation};
use crate::sorted_map::{SortedMap, SortedSet};
use crate::topic::assignor::{Assignment, AssignmentStrategy, PartitionCounts, Subscriptions, TopicPartition};

/// One (topic, partition).
pub type Tp = (NodeId, u32);

#[derive(Clone, Debug, Default)]
pub struct GroupState {
    pub generation: u32,
    /// Members now in the group, sorted by id.
    pub members: Vec<NodeId>,
    /// Owner of each assigned partition.
    pub owner: SortedMap<Tp, NodeId>,
    /// Committed offsets: the next record the group will read.
    pub committed: SortedMap<Tp, u64>,
    /// Records written and not yet committed, over all its partitions (kept up to date on
    /// every append, commit, reset and deletion; `sim/invariants.rs` recounts it).
    pub lag: u64,
    pub max_lag: u64,
    /// Why the next rebalance happens (who joined or left, and how).
    pub(crate) cause: Option<(NodeId, Change)>,
    /// The membership changes that made it rebalance after it formed, with their times.
    pub changes: Vec<(crate::model::time::SimTime, NodeId, Change)>,
}

/// What changed the membership of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Joined,
    Left(LeaveReason),
}

/// A partition this member owns.
#[derive(Clone, Copy, Debug)]
pub struct Owned {
    /// Changes whenever the partition is handed to this member or its offset is reset, so
    /// that work fetched before cannot commit after.
    pub stamp: u64,
    /// The next offset to fetch.
    pub position: u64,
    /// The offset after the last record processed, not yet necessarily committed.
    pub processed: Option<u64>,
}

#[derive(Clone, Copy, Debug)]
pub struct Polled {
    pub topic: NodeId,
    pub partition: u32,
    pub offset: u64,
    pub env: EnvId,
    pub stamp: u64,
    /// At-most-once: its offset was committed at the poll, before processing.
    pub committed_before: bool,
}

impl Simulation {
    pub(crate) fn group_of(&self, consumer: NodeId) -> Option<u16> {
        self.consumer_model(consumer).log.as_ref().map(|l| l.group)
    }

    /// Where the group reads `tp` from: its committed offset, or the log start.
    pub(crate) fn committed_or_start(&self, g: u16, tp: Tp) -> u64 {
        self.groups[g as usize].committed.get(&tp).copied().unwrap_or_else(|| self.partition(tp).start)
    }

    /// The group's lag: records written but not yet committed, over all its partitions.
    pub fn group_lag(&self, g: u16) -> u64 {
        self.groups[g as usize].lag
    }

    /// The same, counted from scratch.
    pub fn recount_group_lag(&self, g: u16) -> u64 {
        let mut lag = 0;
        for t in &self.model.groups[g as usize].topics {
            for p in 0..self.topic_model(*t).partitions {
                let end = self.partition((*t, p)).end();
                lag += end.saturating_sub(self.committed_or_start(g, (*t, p)));
            }
        }
        lag
    }

    /// One more record in a partition the group reads.
    pub(crate) fn note_appended(&mut self, g: u16) {
        let s = &mut self.groups[g as usize];
        s.lag += 1;
        s.max_lag = s.max_lag.max(s.lag);
    }

    /// Moves the group's committed offset for `tp`, keeping its lag up to date.
    pub(crate) fn set_committed(&mut self, g: u16, tp: Tp, offset: u64) {
        let old = self.committed_or_start(g, tp);
        let end = self.partition(tp).end();
        let s = &mut self.groups[g as usize];
        s.lag = s.lag + end.saturating_sub(offset) - end.saturating_sub(old);
        s.committed.insert(tp, offset);
        s.max_lag = s.max_lag.max(s.lag);
    }

    /// At time 0: the members that start at once join together, in one rebalance.
    pub(crate) fn form_group(&mut self, g: u16) {
        let members: Vec<NodeId> = self.model.groups[g as usize].members.clone();
        let mut any = false;
        for m in members {
            if !self.consumer(m).away {
                self.enter_group(m, g);
                any = true;
            }
        }
        if any {
            self.rebalance(g);
        }
    }

    fn enter_group(&mut self, consumer: NodeId, g: u16) {
        let now = self.now;
        let cs = self.consumer_mut(consumer);
        cs.log.member = true;
        cs.log.joined_at = now;
        cs.log.last_commit = now;
        let members = &mut self.groups[g as usize].members;
        members.push(consumer);
        let order = &self.model.groups[g as usize].members;
        crate::sort::sort_by_key(members, |m| order.iter().position(|x| x == m));
        self.emit(consumer, None, None, Event::JoinedGroup { group: g });
    }

    /// A member joins (start, recovery or a `join` action): the group rebalances.
    pub(crate) fn join_group(&mut self, consumer: NodeId) {
        let Some(g) = self.group_of(consumer) else { return };
        if self.consumer(consumer).log.member {
            return;
        }
        self.enter_group(consumer, g);
        self.groups[g as usize].cause = Some((consumer, Change::Joined));
        self.rebalance(g);
    }

    /// A member leaves: cleanly (`graceful`: it commits first under auto-commit), or because
    /// the coordinator gave up on it.
    pub(crate) fn leave_group(&mut self, consumer: NodeId, reason: LeaveReason, rebalance: bool) {
        let Some(g) = self.group_of(consumer) else { return };
        if !self.consumer(consumer).log.member {
            return;
        }
        let owned: Vec<Tp> = self.consumer(consumer).log.owned.keys().copied().collect();
        let graceful = reason == LeaveReason::Left;
        // Past its max.poll.interval, a member still holds its polled records and goes on
        // with them (their commits will fail); otherwise they are dropped with the partitions.
        let keep_batch = reason == LeaveReason::MaxPollIntervalExceeded;
        for tp in owned {
            self.revoke(consumer, tp, graceful, keep_batch);
        }
        self.consumer_mut(consumer).log.member = false;
        self.groups[g as usize].members.retain(|m| *m != consumer);
        self.groups[g as usize].owner.retain(|_, m| *m != consumer);
        self.emit(consumer, None, None, Event::LeftGroup { group: g, reason });
        if reason != LeaveReason::Restarted {
            self.groups[g as usize].cause = Some((consumer, Change::Left(reason)));
        }
        if rebalance {
            self.rebalance(g);
        }
    }

    /// The coordinator has heard nothing from a crashed member for a session timeout.
    pub(crate) fn session_timeout(&mut self, consumer: NodeId, life: u32) {
        let cs = self.consumer(consumer);
        if cs.life != life || !cs.crashed || !cs.log.member {
            return;
        }
        self.leave_group(consumer, LeaveReason::SessionTimeout, true);
    }

    /// When the coordinator notices a member that crashed now: its last heartbeat plus the
    /// session timeout.
    pub(crate) fn schedule_session_timeout(&mut self, consumer: NodeId) {
        let Some(lm) = self.consumer_model(consumer).log else { return };
        let cs = self.consumer(consumer);
        if !cs.log.member {
            return;
        }
        let since = self.now.since(cs.log.joined_at).0;
        let hb = lm.heartbeat_interval.0.max(1);
        let last_heartbeat = cs.log.joined_at.0 + since / hb * hb;
        let at = crate::model::time::SimTime(last_heartbeat + lm.session_timeout.0).max(self.now);
        let life = cs.life;
        self.sched.schedule(at, Due::SessionTimeout { consumer, life });
    }

    /// Computes a new assignment with the group's strategy and hands partitions over.
    pub(crate) fn rebalance(&mut self, g: u16) {
        let gm = &self.model.groups[g as usize];
        let strategy = gm.strategy;
        let members = self.groups[g as usize].members.clone();
        let mut subs = Subscriptions::new();
        let mut previous = Assignment::new();
        for m in &members {
            let topic = self.consumer_model(*m).log.as_ref().expect("a group member reads a topic").topic;
            subs.insert(self.model.name(*m).to_string(), SortedSet::from([self.model.name(topic).to_string()]));
            let owned: Vec<TopicPartition> =
                self.consumer(*m).log.owned.keys().map(|(t, p)| TopicPartition::new(self.model.name(*t), *p)).collect();
            previous.insert(self.model.name(*m).to_string(), owned);
        }
        let mut counts = PartitionCounts::new();
        for t in &gm.topics {
            counts.insert(self.model.name(*t).to_string(), self.topic_model(*t).partitions);
        }
        // The assignor looks at every member and every partition; per member and partition it
        // costs about ten steps of a poll's work, the sticky one about thirty (measured on a
        // 1,000-partition topic with 1 to 150 members).
        let size = members.len() as u64 + counts.values().map(|&n| u64::from(n)).sum::<u64>();
        let weight = if matches!(strategy, AssignmentStrategy::CooperativeSticky) { 30 } else { 10 };
        self.charge(None, weight * size);
        let plan = strategy.assign(&subs, &counts, &previous);
        let resolve = |sim: &Simulation, tp: &TopicPartition| -> Tp {
            (sim.node_id(&tp.topic).expect("a topic of the group"), tp.partition)
        };
        let mut next: Vec<(NodeId, Vec<Tp>)> = Vec::new();
        for m in &members {
            let list = plan.assignment.get(self.model.name(*m)).map(|v| v.iter().map(|tp| resolve(self, tp)).collect());
            next.push((*m, list.unwrap_or_default()));
        }
        let revoked: Vec<Tp> = plan.revoked.iter().map(|tp| resolve(self, tp)).collect();
        // Let go first, then take over, so that a partition never has two owners.
        for (m, list) in &next {
            let gone: Vec<Tp> = self.consumer(*m).log.owned.keys().filter(|tp| !list.contains(tp)).copied().collect();
            for tp in gone {
                self.revoke(*m, tp, !self.consumer(*m).crashed, false);
            }
        }
        let now = self.now;
        let group = &mut self.groups[g as usize];
        group.generation += 1;
        if let Some((m, change)) = group.cause.take() {
            if group.generation > 1 {
                group.changes.push((now, m, change));
            }
        }
        group.owner.clear();
        for (m, list) in &next {
            for tp in list {
                group.owner.insert(*tp, *m);
            }
        }
        let generation = group.generation;
        let node = self.model.groups[g as usize].topics.first().copied().unwrap_or(NodeId(0));
        let assignment = next.clone();
        self.emit(
            node,
            None,
            None,
            Event::Rebalanced(Box::new(Rebalance { group: g, generation, assignment, revoked: revoked.clone() })),
        );
        for (m, list) in &next {
            for tp in list {
                if !self.consumer(*m).log.owned.contains_key(tp) {
                    self.assign(*m, g, *tp);
                }
            }
        }
        if strategy == AssignmentStrategy::CooperativeSticky && !revoked.is_empty() {
            self.sched.schedule(self.now, Due::FollowUpRebalance { group: g, generation });
        }
        for (m, _) in next {
            self.log_pump(m);
        }
    }

    /// The follow-up rebalance of the cooperative protocol hands over what the last one revoked.
    pub(crate) fn follow_up_rebalance(&mut self, g: u16, generation: u32) {
        if self.groups[g as usize].generation == generation {
            self.rebalance(g);
        }
    }

    /// `consumer` gives up `tp`. A live auto-commit member commits what it processed first.
    fn revoke(&mut self, consumer: NodeId, tp: Tp, alive: bool, keep_batch: bool) {
        let lm = self.consumer_model(consumer).log.expect("a topic consumer");
        let at_most_once = self.consumer_model(consumer).semantics == Semantics::AtMostOnce;
        if alive && lm.commit == CommitMode::Auto && !at_most_once {
            if let Some(done) = self.consumer(consumer).log.owned.get(&tp).and_then(|o| o.processed) {
                if self.groups[lm.group as usize].committed.get(&tp) != Some(&done) {
                    self.commit(consumer, tp, done);
                }
            }
        }
        let cs = self.consumer_mut(consumer);
        cs.log.owned.remove(&tp);
        if keep_batch {
            return;
        }
        let dropped: Vec<Polled> = cs.log.batch.iter().filter(|p| (p.topic, p.partition) == tp).cloned().collect();
        cs.log.batch.retain(|p| (p.topic, p.partition) != tp);
        for p in dropped {
            if p.committed_before {
                self.lose_unprocessed(consumer, p.env, (tp, p.offset), LossReason::RevokedAfterCommit);
            }
        }
    }

    /// A copy whose offset was committed before it was processed, and now never will be.
    /// Only a copy still waiting at that place in the log: one a replay read again after it
    /// had moved on (to a dead-letter topic, say) is where it went, not lost here.
    pub(crate) fn lose_unprocessed(
        &mut self,
        node: NodeId,
        env: crate::model::ids::EnvId,
        at: (Tp, u64),
        reason: LossReason,
    ) {
        if self.envs[env.index()].effect_at.is_none() && self.in_log_at(env, at.0, at.1) {
            self.end_copy(node, env, EnvState::Lost(reason));
        }
    }

    /// Whether copy `env` is waiting in partition `tp` at `offset`. A copy lives in one place
    /// at a time, and a replay may read a record whose copy has since gone on to another
    /// topic (or died), so the record's slot alone does not say.
    pub(crate) fn in_log_at(&self, env: crate::model::ids::EnvId, tp: Tp, offset: u64) -> bool {
        let e = &self.envs[env.index()];
        e.state == (EnvState::InLog { topic: tp.0, partition: tp.1 }) && e.order == offset as i64
    }

    /// `consumer` takes over `tp`: it reads from the committed offset, or, when the group has
    /// none, from where `auto.offset.reset` says.
    fn assign(&mut self, consumer: NodeId, g: u16, tp: Tp) {
        let position = match self.groups[g as usize].committed.get(&tp) {
            Some(c) => *c,
            None => {
                let reset = self.consumer_model(consumer).log.as_ref().expect("a topic consumer").offset_reset;
                let log = self.partition(tp);
                match reset {
                    OffsetReset::Earliest => log.start,
                    OffsetReset::Latest => {
                        let (start, end) = (log.start, log.end());
                        if end > start {
                            self.skip(g, tp, start, end, ResetCause::Latest);
                        }
                        end
                    }
                }
            }
        };
        let stamp = self.next_stamp();
        self.consumer_mut(consumer).log.owned.insert(tp, Owned { stamp, position, processed: None });
    }

    /// The group jumps over `from..to` without reading it: those records are lost to it
    /// (until a replay reads them again).
    pub(crate) fn skip(&mut self, g: u16, tp: Tp, from: u64, to: u64, cause: ResetCause) {
        let node = tp.0;
        self.emit(
            node,
            None,
            None,
            Event::OffsetsReset { group: g, topic: tp.0, partition: tp.1, offset: to as u32, cause },
        );
        let slot = self.slot_of(tp.0, g);
        let slots = self.topic_model(tp.0).slots();
        for o in from.max(self.partition(tp).start)..to {
            if let Some(env) = self.partition(tp).copy(o, slot, slots) {
                self.lose_unprocessed(node, env, (tp, o), LossReason::SkippedByOffsetReset);
            }
        }
    }

    /// Commits `offset` (the next record to read) for `tp` on behalf of `consumer`. Copies
    /// below it that were processed are done.
    pub(crate) fn commit(&mut self, consumer: NodeId, tp: Tp, offset: u64) {
        let g = self.group_of(consumer).expect("a topic consumer");
        let old = self.committed_or_start(g, tp);
        self.set_committed(g, tp, offset);
        self.consumer_mut(consumer).log.last_commit = self.now;
        self.emit(
            consumer,
            None,
            None,
            Event::Committed { group: g, topic: tp.0, partition: tp.1, offset: offset as u32 },
        );
        let slot = self.slot_of(tp.0, g);
        let slots = self.topic_model(tp.0).slots();
        for o in old.max(self.partition(tp).start)..offset {
            if let Some(env) = self.partition(tp).copy(o, slot, slots) {
                if self.envs[env.index()].effect_at.is_some() && self.in_log_at(env, tp, o) {
                    self.set_state(env, EnvState::Acked);
                }
            }
        }
    }

    /// Commits every partition where the member has processed past its group's offset.
    pub(crate) fn commit_processed(&mut self, consumer: NodeId) {
        self.report_refused_commits(consumer);
        let g = self.group_of(consumer).expect("a topic consumer");
        let done: Vec<(Tp, u64)> =
            self.consumer(consumer).log.owned.iter().filter_map(|(tp, o)| o.processed.map(|p| (*tp, p))).collect();
        for (tp, offset) in done {
            if self.groups[g as usize].committed.get(&tp) != Some(&offset) {
                self.commit(consumer, tp, offset);
            }
        }
        self.consumer_mut(consumer).log.last_commit = self.now;
    }

    /// Replay: moves the group's committed offsets, and makes its members read from there.
    pub(crate) fn reset_offsets(&mut self, g: u16, topic: Option<NodeId>, to: ResetTarget) {
        let topics: Vec<NodeId> = match topic {
            Some(t) => vec![t],
            None => self.model.groups[g as usize].topics.clone(),
        };
        for t in topics {
            for p in 0..self.topic_model(t).partitions {
                let tp = (t, p);
                let log = self.partition(tp);
                let (start, end) = (log.start, log.end());
                let offset = match to {
                    ResetTarget::Earliest => start,
                    ResetTarget::Latest => end,
                    ResetTarget::Offset(o) => o.clamp(start, end),
                    ResetTarget::Time(at) => log.offset_for_time(at),
                };
                let from = self.committed_or_start(g, tp);
                self.set_committed(g, tp, offset);
                if offset > from {
                    self.skip(g, tp, from, offset, ResetCause::Action);
                } else {
                    self.emit(
                        t,
                        None,
                        None,
                        Event::OffsetsReset {
                            group: g,
                            topic: t,
                            partition: p,
                            offset: offset as u32,
                            cause: ResetCause::Action,
                        },
                    );
                }
                if let Some(owner) = self.groups[g as usize].owner.get(&tp).copied() {
                    let stamp = self.next_stamp();
                    let cs = self.consumer_mut(owner);
                    cs.log.batch.retain(|x| (x.topic, x.partition) != tp);
                    if let Some(o) = cs.log.owned.get_mut(&tp) {
                        *o = Owned { stamp, position: offset, processed: None };
                    }
                }
            }
        }
        for m in self.groups[g as usize].members.clone() {
            self.log_pump(m);
        }
    }

    /// The index of group `g` among the groups that read `topic` (its copy slot).
    pub(crate) fn slot_of(&self, topic: NodeId, g: u16) -> usize {
        self.topic_model(topic).groups.iter().position(|x| *x == g).expect("the group reads the topic")
    }

    pub(crate) fn topic_model(&self, id: NodeId) -> &crate::model::TopicModel {
        match &self.model.nodes[id.index()].kind {
            NodeKind::Topic(t) => t,
            _ => unreachable!("node {} is not a topic", id.0),
        }
    }

    pub(crate) fn next_stamp(&mut self) -> u64 {
        self.stamps += 1;
        self.stamps
    }
}
