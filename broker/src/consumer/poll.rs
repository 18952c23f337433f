//! A topic consumer's poll loop, as a Kafka client runs it: poll a batch of up to
//! `max_poll_records` from the partitions it owns, process the records one at a time, and
//! commit offsets when its commit mode says.
//!
//! ```text
//!   poll ──Fetched──▶ batch ──ProcessingStarted──▶ work ──EffectApplied──▶ processed
//!     │                                              │                         │
//!     │ at-most-once: Committed (before processing)  └─ fails: retry ... then  │
//!     │                                                 block / drop / dead-letter topic
//!     └── at-least-once: Committed after each record, after the batch, or at a poll
//!         once auto_commit_interval has passed (and before a rebalance takes partitions)
//! ```
//!
//! A record that keeps failing holds up the whole consumer (head-of-line) unless the retry
//! policy gives up on it and sends it to a retry or dead-letter topic. Exactly-once is the
//! idempotent consumer (its dedup table keyed by event ID) and, where the scenario turns it
//! on, a transactional commit: the effect and the offset commit in one transaction, so a
//! member the group has moved on from cannot apply an effect the new owner will apply again.

use crate::sim::copy_deque::CopyDeque;

use crate::consumer::Work;
use crate::model::ids::{EnvId, NodeId};
use crate::model::time::SimTime;
use crate::scenario::{CommitMode, CrashPoint, GiveUp, OffsetReset, PublishMode, Semantics};
use crate::sim::death::{record_death, DeathReason};
use crate::sim::message::EnvState;
use crate::sim::trace::{DropReason, Event, LossReason, ResetCause};
use crate::sim::{Due, NodeState, Simulation};
use crate::sorted_map::SortedMap;
use crate::topic::consumer_group::{Owned, Polled, Tp};

/// A member's view of its group.
#[derive(Clone, Debug, Default)]
pub struct LogState {
    pub member: bool,
    pub owned: SortedMap<Tp, Owned>,
    /// Polled, not yet started, in order.
    pub batch: CopyDeque<Polled>,
    /// Where the next poll starts among the owned partitions.
    pub cursor: usize,
    pub joined_at: SimTime,
    pub last_commit: SimTime,
    /// An auto-commit poll is scheduled.
    pub auto_commit_scheduled: bool,
    /// When it last polled (max.poll.interval counts from there).
    pub last_poll_at: SimTime,
    /// A max.poll.interval check is scheduled (one at a time).
    pub poll_deadline_scheduled: bool,
    /// Left the group for taking too long between polls: it rejoins at its next poll.
    pub rejoin_at_next_poll: bool,
    /// Offsets processed on partitions it no longer owns, whose commit will be refused when
    /// it next commits (after the batch, or at the auto-commit).
    pub refused_commits: SortedMap<Tp, u64>,
    /// Times it left the group for exceeding max.poll.interval.
    pub kicked: u32,
}

/// The topic side of a [`Work`].
#[derive(Clone, Copy, Debug)]
pub struct LogWork {
    pub topic: NodeId,
    pub partition: u32,
    pub offset: u64,
    pub stamp: u64,
    pub committed_before: bool,
}

/// What a poll builds as it goes: the partitions the member owns and the records it takes.
/// Kept on the simulation so that polls reuse them; a clone starts with none.
#[derive(Debug, Default)]
pub(crate) struct PollScratch {
    owned: Vec<Tp>,
    fetched: Vec<Polled>,
}

impl Clone for PollScratch {
    fn clone(&self) -> Self {
        PollScratch::default()
    }
}

impl LogWork {
    /// The work of processing a polled record.
    fn of(p: &Polled) -> LogWork {
        LogWork {
            topic: p.topic,
            partition: p.partition,
            offset: p.offset,
            stamp: p.stamp,
            committed_before: p.committed_before,
        }
    }
}

impl Simulation {
    /// Whether a read_committed reader passes over this polled record: its transaction was
    /// aborted (and, being below the last stable offset, will stay so).
    fn skipped_as_aborted(&self, read_committed: bool, p: &Polled) -> bool {
        read_committed && self.msgs[self.envs[p.env.index()].msg.index()].transaction_aborted()
    }

    /// Still the owner of the partition a work came from, with nothing reset since.
    fn still_owns(&self, consumer: NodeId, w: &LogWork) -> bool {
        self.consumer(consumer).log.owned.get(&(w.topic, w.partition)).is_some_and(|o| o.stamp == w.stamp)
    }

    /// Runs the poll loop as far as it can go now: start the next polled record, or poll.
    pub(crate) fn log_pump(&mut self, consumer: NodeId) {
        let Some(lm) = self.consumer_model(consumer).log else { return };
        let cs = self.consumer(consumer);
        let kicked = cs.log.rejoin_at_next_poll;
        if cs.crashed || cs.away || !(cs.log.member || kicked) || !cs.works.is_empty() {
            return;
        }
        if cs.log.batch.is_empty() && kicked {
            // Out of the group for a slow batch: its next poll joins the group again.
            self.consumer_mut(consumer).log.rejoin_at_next_poll = false;
            return self.join_group(consumer);
        }
        if cs.log.batch.is_empty() {
            if self.topic_state(lm.topic).in_outage(self.now) {
                return;
            }
            let at_most_once = self.consumer_model(consumer).semantics == Semantics::AtMostOnce;
            if lm.commit == CommitMode::Auto && !at_most_once {
                if self.now.since(self.consumer(consumer).log.last_commit) >= lm.auto_commit_interval {
                    self.commit_processed(consumer);
                } else {
                    self.schedule_auto_commit(consumer);
                }
            }
            if !self.poll(consumer) {
                return;
            }
        }
        let Some(p) = self.consumer_mut(consumer).log.batch.pop_front() else { return };
        if self.skipped_as_aborted(lm.read_committed, &p) {
            // An aborted transaction's record, which the poll skipped: nothing to process.
            return self.skip_aborted(consumer, p);
        }
        let serial = self.next_work;
        self.next_work += 1;
        let base = self.consumer_model(consumer).retry.base_ms;
        let channel = self.consumer(consumer).channel;
        self.consumer_mut(consumer).works.push(Work {
            serial,
            env: p.env,
            queue: p.topic,
            channel,
            attempt: 1,
            acked_early: p.committed_before,
            last_backoff_ms: base,
            log: Some(LogWork::of(&p)),
        });
        if lm.commit == CommitMode::Record && p.committed_before {
            // At-most-once, record by record: commit just before processing.
            self.commit(consumer, (p.topic, p.partition), p.offset + 1);
        }
        if self.crash_check(consumer, CrashPoint::BeforeProcessing, p.env) {
            return;
        }
        self.begin_attempt(consumer, serial);
    }

    /// Passes over a record of an aborted transaction that a read_committed poll skipped (its
    /// group's copy was dropped then): its offset counts as done, and the loop goes on. (A
    /// loop, not a call per record: a batch can hold hundreds of them.)
    fn skip_aborted(&mut self, consumer: NodeId, first: Polled) {
        let mode = self.consumer_model(consumer).log.as_ref().map(|l| l.commit).unwrap_or_default();
        let mut next = Some(first);
        while let Some(p) = next {
            let lw = LogWork::of(&p);
            let owns = self.still_owns(consumer, &lw);
            self.done_with_record(consumer, p.env, &lw, mode, owns);
            next = match self.consumer(consumer).log.batch.front().copied() {
                Some(q) if self.skipped_as_aborted(true, &q) => self.consumer_mut(consumer).log.batch.pop_front(),
                _ => None,
            };
        }
        self.log_pump(consumer);
    }

    /// Under auto-commit, an idle consumer keeps polling; its next poll after the interval
    /// commits what it processed.
    fn schedule_auto_commit(&mut self, consumer: NodeId) {
        let Some(lm) = self.consumer_model(consumer).log else { return };
        let cs = self.consumer(consumer);
        let pending = cs.log.owned.values().any(|o| o.processed.is_some());
        if cs.log.auto_commit_scheduled || !pending {
            return;
        }
        let at = cs.log.last_commit.after(lm.auto_commit_interval).max(self.now);
        let life = cs.life;
        self.consumer_mut(consumer).log.auto_commit_scheduled = true;
        self.sched.schedule(at, Due::AutoCommit { consumer, life });
    }

    pub(crate) fn auto_commit_due(&mut self, consumer: NodeId) {
        self.consumer_mut(consumer).log.auto_commit_scheduled = false;
        let cs = self.consumer(consumer);
        if cs.crashed || cs.away || !cs.log.member {
            return;
        }
        if cs.works.is_empty() && cs.log.batch.is_empty() {
            // An empty poll: the auto-commit happens here.
            let lm = self.consumer_model(consumer).log.expect("a topic consumer");
            if self.now.since(self.consumer(consumer).log.last_commit) >= lm.auto_commit_interval {
                self.commit_processed(consumer);
            }
        }
        self.log_pump(consumer);
    }

    /// Fetches up to `max_poll_records` from the owned partitions, taking them in turn from
    /// where the last poll stopped. Returns whether it got any.
    fn poll(&mut self, consumer: NodeId) -> bool {
        // The two lists a poll builds, reused from poll to poll (a poll that runs inside this
        // one finds them taken and makes its own).
        let PollScratch { mut owned, mut fetched } = std::mem::take(&mut self.poll_scratch);
        owned.clear();
        fetched.clear();
        let got = self.poll_into(consumer, &mut owned, &mut fetched);
        self.poll_scratch = PollScratch { owned, fetched };
        got
    }

    /// Where `tp` is among the partitions `consumer` owns: at `guess` if it is there.
    fn owned_index(&self, consumer: NodeId, tp: Tp, guess: usize) -> usize {
        let owned = &self.consumer(consumer).log.owned;
        match owned.entry_at(guess) {
            Some((k, _)) if *k == tp => guess,
            _ => owned.index_of(&tp).expect("an owned partition"),
        }
    }

    fn poll_into(&mut self, consumer: NodeId, owned: &mut Vec<Tp>, fetched: &mut Vec<Polled>) -> bool {
        let lm = self.consumer_model(consumer).log.expect("a topic consumer");
        let at_most_once = self.consumer_model(consumer).semantics == Semantics::AtMostOnce;
        owned.extend(self.consumer(consumer).log.owned.keys().copied());
        // A poll looks at every partition it owns, whether or not it finds anything.
        self.charge(Some(consumer), owned.len() as u64);
        self.consumer_mut(consumer).log.last_poll_at = self.now;
        if owned.is_empty() {
            return false;
        }
        let slot = self.slot_of(lm.topic, lm.group);
        let slots = self.topic_model(lm.topic).slots();
        let mut room = lm.max_poll_records as u64;
        let start = self.consumer(consumer).log.cursor % owned.len();
        self.consumer_mut(consumer).log.cursor = start + 1;
        for k in 0..owned.len() {
            if room == 0 {
                break;
            }
            let i = (start + k) % owned.len();
            let tp = owned[i];
            // `owned` lists the map's keys in order, so `tp` is its `i`-th entry unless a reset
            // below changed the map: one comparison instead of a search for each read and write.
            let mut at = self.owned_index(consumer, tp, i);
            if self.partition_offline(tp) {
                continue; // no leader to fetch from
            }
            let mut position = self.consumer(consumer).log.owned.entry_at(at).expect("an owned partition").1.position;
            // A replicated partition is read up to its high watermark; read_committed, up to
            // the last stable offset.
            let log_end = if lm.read_committed { self.last_stable_offset(tp) } else { self.readable_end(tp) };
            let log_start = self.partition(tp).start;
            if position < log_start {
                // The records it would read next are gone: auto.offset.reset decides.
                let (to, cause) = match lm.offset_reset {
                    OffsetReset::Earliest => (log_start, ResetCause::Earliest),
                    OffsetReset::Latest => (log_end, ResetCause::Latest),
                };
                self.skip(lm.group, tp, position, to, cause);
                position = to;
                at = self.owned_index(consumer, tp, at);
            }
            let stamp = self.consumer(consumer).log.owned.entry_at(at).expect("an owned partition").1.stamp;
            while position < log_end && room > 0 {
                if self.partition(tp).compacted(position) {
                    // A gap log compaction left: the next offset is read instead.
                    position += 1;
                    continue;
                }
                let env = self.partition(tp).copy(position, slot, slots).expect("a record below the log end");
                fetched.push(Polled {
                    topic: tp.0,
                    partition: tp.1,
                    offset: position,
                    env,
                    stamp,
                    committed_before: at_most_once,
                });
                position += 1;
                room -= 1;
            }
            if let Some((_, o)) = self.consumer_mut(consumer).log.owned.entry_at_mut(at) {
                o.position = position;
            }
        }
        if fetched.is_empty() {
            return false;
        }
        // Kafka's max.poll.interval: the next poll is due within it.
        if !self.consumer(consumer).log.poll_deadline_scheduled {
            self.consumer_mut(consumer).log.poll_deadline_scheduled = true;
            self.sched.schedule(self.later(lm.max_poll_interval), Due::PollDeadline { consumer });
        }
        for p in fetched.iter() {
            if self.skipped_as_aborted(lm.read_committed, p) {
                // Kafka's read_committed consumer filters out aborted transactions' records: its
                // group's copy ends here (the record stays in the batch only to be passed over
                // in order, see `skip_aborted`).
                let skipped = Event::AbortedSkipped { partition: p.partition, offset: p.offset as u32 };
                self.emit_env(consumer, p.env, skipped);
                if self.in_log_at(p.env, (p.topic, p.partition), p.offset) {
                    self.set_state(p.env, EnvState::Dropped(DropReason::TransactionAborted));
                }
                continue;
            }
            let e = &mut self.envs[p.env.index()];
            e.delivery_count += 1;
            let redelivered = e.delivery_count > 1;
            self.msgs[e.msg.index()].deliveries += 1;
            if redelivered {
                self.counters.redeliveries += 1;
            }
            self.emit_env(
                consumer,
                p.env,
                Event::Fetched { topic: p.topic, partition: p.partition, offset: p.offset as u32, redelivered },
            );
        }
        if at_most_once && lm.commit != CommitMode::Record {
            // At-most-once: the batch's offsets are committed before any of it is processed.
            let mut ends: SortedMap<Tp, u64> = SortedMap::new();
            for p in fetched.iter() {
                ends.insert((p.topic, p.partition), p.offset + 1);
            }
            for (tp, end) in ends {
                self.commit(consumer, tp, end);
            }
        }
        self.consumer_mut(consumer).log.batch.extend(fetched.drain(..));
        true
    }

    /// `max.poll.interval.ms` after a poll that returned records: a member still busy with
    /// them has not polled again in time. Kafka's client then leaves the group (its heartbeats
    /// alone do not keep it in), the group rebalances, and its commits fail; it goes on with
    /// the records it holds, and joins again at its next poll.
    pub(crate) fn poll_deadline(&mut self, consumer: NodeId) {
        let interval = self.consumer_model(consumer).log.as_ref().expect("a topic consumer").max_poll_interval;
        let cs = self.consumer(consumer);
        let busy = !cs.works.is_empty() || !cs.log.batch.is_empty();
        let due = cs.log.last_poll_at.after(interval);
        let live = cs.log.member && !cs.crashed && !cs.away;
        self.consumer_mut(consumer).log.poll_deadline_scheduled = false;
        if !busy || !live {
            return;
        }
        if due > self.now {
            // It polled again since: the deadline moved.
            self.consumer_mut(consumer).log.poll_deadline_scheduled = true;
            self.sched.schedule(due, Due::PollDeadline { consumer });
            return;
        }
        let log = &mut self.consumer_mut(consumer).log;
        log.rejoin_at_next_poll = true;
        log.kicked += 1;
        self.leave_group(consumer, crate::sim::trace::LeaveReason::MaxPollIntervalExceeded, true);
    }

    /// A processing attempt on a record succeeded.
    pub(crate) fn log_attempt_succeeded(&mut self, consumer: NodeId, i: usize) {
        let w = self.consumer(consumer).works[i];
        let lw = w.log.expect("a record from a topic");
        let tp = (lw.topic, lw.partition);
        let msg = self.envs[w.env.index()].msg;
        let effect = self.effect_for(consumer, msg);
        let cm = self.consumer_model(consumer);
        let (semantics, transactional) = (cm.semantics, cm.log.as_ref().is_some_and(|l| l.transactional));
        let commit_mode = cm.log.as_ref().map(|l| l.commit).unwrap_or_default();
        let owns = self.still_owns(consumer, &lw);
        let kept = lw.offset >= self.partition(tp).start;
        if let EnvState::Lost(_) = self.envs[w.env.index()].state {
            if kept {
                // Skipped earlier (or lost where it went next), read again by a replay.
                self.envs[w.env.index()].order = lw.offset as i64;
                self.set_state(w.env, EnvState::InLog { topic: lw.topic, partition: lw.partition });
            }
        }
        let mode = self.publish_mode(consumer);
        if mode == Some(PublishMode::BeforeEffect) && self.publish_handled(consumer, msg, w.env) {
            return;
        }
        let duplicate = semantics == Semantics::ExactlyOnce && self.msgs[msg.index()].effect_count(effect) > 0;
        if duplicate {
            self.counters.duplicates_suppressed += 1;
            self.emit_env(consumer, w.env, Event::DuplicateSuppressed);
        } else if transactional && !owns {
            // Fenced: the group moved on; the transaction with the effect rolls back.
            self.emit_env(consumer, w.env, Event::TransactionAborted);
            self.finish_log_work(consumer, w.serial);
            return self.log_pump(consumer);
        } else {
            self.apply_effect(consumer, w.env, effect);
            if mode == Some(PublishMode::Outbox) {
                self.publish_outputs(consumer, msg, false);
            }
        }
        let now = self.now;
        self.envs[w.env.index()].effect_at.get_or_set(now);
        if !kept && matches!(self.envs[w.env.index()].state, EnvState::Lost(_)) {
            // Retention deleted the record while this consumer held it: it is done all the same.
            self.set_state(w.env, EnvState::Acked);
        }
        self.consumer_mut(consumer).processed += 1;
        if transactional {
            // The offset commits in the same transaction as the effect (and, consuming,
            // transforming and producing, as the outputs).
            self.mark_processed(consumer, &lw);
            self.commit(consumer, tp, lw.offset + 1);
            if !duplicate && mode == Some(PublishMode::Transaction) {
                self.publish_outputs(consumer, msg, false);
            }
        }
        if self.crash_check(consumer, CrashPoint::AfterEffect, w.env) {
            return;
        }
        if !duplicate && mode == Some(PublishMode::AfterEffect) && self.publish_handled(consumer, msg, w.env) {
            return;
        }
        if !transactional {
            self.done_with_record(consumer, w.env, &lw, commit_mode, owns);
        }
        self.finish_log_work(consumer, w.serial);
        if self.crash_check(consumer, CrashPoint::AfterAck, w.env) {
            return;
        }
        self.log_pump(consumer);
    }

    fn mark_processed(&mut self, consumer: NodeId, lw: &LogWork) {
        if !self.still_owns(consumer, lw) {
            return;
        }
        if let Some(o) = self.consumer_mut(consumer).log.owned.get_mut(&(lw.topic, lw.partition)) {
            o.processed = Some(lw.offset + 1);
        }
    }

    /// The record is finished with (processed, dropped or sent on): note it, and commit if
    /// the commit mode says so now.
    fn done_with_record(&mut self, consumer: NodeId, env: EnvId, lw: &LogWork, mode: CommitMode, owns: bool) {
        let tp = (lw.topic, lw.partition);
        if self.envs[env.index()].effect_at.is_some() && self.in_log_at(env, tp, lw.offset) && lw.committed_before {
            // At-most-once: its offset was committed before it was processed.
            self.set_state(env, EnvState::Acked);
        }
        if lw.committed_before {
            self.mark_processed(consumer, lw);
            return;
        }
        self.mark_processed(consumer, lw);
        if !owns {
            // The group has moved on: this member's next commit for the partition is refused.
            self.consumer_mut(consumer).log.refused_commits.insert(tp, lw.offset + 1);
            if mode == CommitMode::Record {
                self.report_refused_commits(consumer);
            }
        }
        match mode {
            CommitMode::Record if owns => self.commit(consumer, tp, lw.offset + 1),
            CommitMode::Batch if self.consumer(consumer).log.batch.is_empty() => self.commit_processed(consumer),
            _ => {}
        }
    }

    /// A commit that includes partitions the group has given to another member fails.
    pub(crate) fn report_refused_commits(&mut self, consumer: NodeId) {
        let refused = std::mem::take(&mut self.consumer_mut(consumer).log.refused_commits);
        for ((topic, partition), offset) in refused {
            self.emit(consumer, None, None, Event::CommitFailed { topic, partition, offset: offset as u32 });
        }
    }

    fn finish_log_work(&mut self, consumer: NodeId, serial: u32) {
        let cs = self.consumer_mut(consumer);
        if let Some(i) = cs.work_index(serial) {
            cs.works.remove(i);
        }
    }

    /// Out of attempts on a record: skip it, or send it to the retry or dead-letter topic (or
    /// dead-letter queue), and go on with the partition. (Blocking never gets here: it
    /// retries for ever.)
    pub(crate) fn log_give_up(&mut self, consumer: NodeId, w: Work, then: GiveUp) {
        let lw = w.log.expect("a record from a topic");
        let owns = self.still_owns(consumer, &lw);
        let mode = self.consumer_model(consumer).log.as_ref().map(|l| l.commit).unwrap_or_default();
        match then {
            GiveUp::DeadLetter => match self.consumer_model(consumer).dead_letter {
                Some(target) => self.dead_letter_record(consumer, w.env, lw.topic, target),
                None => self.end_copy(consumer, w.env, EnvState::Dropped(DropReason::RejectedNoDeadLetter)),
            },
            _ => {
                let why = if lw.committed_before {
                    EnvState::Lost(LossReason::FailedAfterAck)
                } else {
                    EnvState::Dropped(DropReason::GaveUp)
                };
                self.end_copy(consumer, w.env, why);
            }
        }
        self.done_with_record(consumer, w.env, &lw, mode, owns);
        self.finish_log_work(consumer, w.serial);
        self.log_pump(consumer);
    }

    /// Sends a copy that failed in `topic` to `target`, with a death record.
    fn dead_letter_record(&mut self, consumer: NodeId, env: EnvId, topic: NodeId, target: NodeId) {
        let now = self.now;
        let count = record_death(&mut self.envs[env.index()].deaths, topic, DeathReason::Rejected, now);
        self.envs[env.index()].set_dead_lettered(true);
        self.emit_env(consumer, env, Event::DeadLettered { reason: DeathReason::Rejected, target, count });
        match &mut self.nodes[target.index()] {
            NodeState::DeadLetterQueue { held } => {
                held.push(env);
                self.set_state(env, EnvState::DeadLettered { dlq: target });
            }
            NodeState::Topic(_) => {
                let route = self.envs[env.index()].route;
                let msg = self.envs[env.index()].msg;
                let partition = self.partition_for(msg, target);
                self.append(env, target, partition, Some(route));
            }
            _ => unreachable!("validation admits only topics and dead-letter queues"),
        }
    }

    pub(crate) fn log_failure_blocks(&self, w: &Work, then: GiveUp) -> bool {
        w.log.is_some() && matches!(then, GiveUp::Block | GiveUp::Requeue)
    }

    /// The consumer crashed: its polled records are gone with it; those whose offsets were
    /// committed before processing (at-most-once) are lost.
    pub(crate) fn log_crashed(&mut self, consumer: NodeId, works: &[Work]) {
        let log = &mut self.consumer_mut(consumer).log;
        log.refused_commits.clear();
        log.rejoin_at_next_poll = false;
        let batch = std::mem::take(&mut log.batch);
        for w in works {
            if let Some(lw) = &w.log {
                if lw.committed_before {
                    self.lose_unprocessed(
                        consumer,
                        w.env,
                        ((lw.topic, lw.partition), lw.offset),
                        LossReason::CrashAfterCommit,
                    );
                }
            }
        }
        for p in batch {
            if p.committed_before {
                self.lose_unprocessed(
                    consumer,
                    p.env,
                    ((p.topic, p.partition), p.offset),
                    LossReason::CrashAfterCommit,
                );
            }
        }
        self.schedule_session_timeout(consumer);
    }
}
