//! Kafka transactions, as Kafka's documentation describes them (the design section on
//! message delivery semantics, KIP-98, and the configs `transactional.id`,
//! `transaction.timeout.ms` and `isolation.level`): a transactional producer's records go out
//! in transactions that commit or abort as one, over every partition they land on.
//!
//! ```text
//!   orders  ──TxnBegun── r1 → p0 ── r2 → p1 ── r3 → p0 ──(all written)── TxnCommitted: markers on p0, p1
//!   p0:  [ 5 | 6 | r1 | 8 | r3 ]          while the transaction is open, p0's last stable offset is r1's (7):
//!                 ▲                       a read_committed consumer reads up to 7 and waits; 8 is held back
//!                 last stable offset      too, though it is no transaction's
//! ```
//!
//! - Records are written to the log as they arrive, and are open until their transaction
//!   ends. A read_uncommitted consumer (Kafka's default) reads them at once, up to the high
//!   watermark. A read_committed one reads only below the partition's *last stable offset*:
//!   the first offset of the oldest transaction still open there. So an open transaction holds
//!   back every record after its first, transactional or not, and a read_committed consumer
//!   skips the records of aborted transactions (`AbortedSkipped`).
//! - The producer commits once every record of the transaction is written and acknowledged;
//!   the coordinator writes the markers a wire delay later (`TxnCommitted`). It aborts instead
//!   every `abort_every`-th transaction, on the `abort_transaction` action, or when one of its
//!   records cannot be written (`TxnAborted`). Records of an aborted transaction are events
//!   that never happened: a read_uncommitted consumer that processed one applied an effect it
//!   should not have (the outcome's `aborted_effects`).
//! - The coordinator aborts a transaction still open `transaction.timeout.ms` after it began.
//!   A producer that restarts (the `crash_producer` action) is a new epoch of its
//!   transactional id: the coordinator aborts what the old epoch left open and fences it, so a
//!   late write of the old epoch is refused (zombie fencing).
//!
//! Simplifications (listed in `docs/scenario-format.md`): the coordinator never fails and its
//! markers take no offset; the next transaction begins with the next record, without waiting
//! for the last one's markers; a producer's transactions go to the one topic it is wired to.

use crate::model::ids::{MsgId, NodeId};
use crate::model::time::SimTime;
use crate::sim::message::EnvState;
use crate::sim::trace::{AbortReason, DropReason, Event};
use crate::sim::{Due, NodeState, Simulation};
use crate::topic::consumer_group::Tp;

/// Where a transaction is in its life. Open, committing and aborting hold back the last
/// stable offset of the partitions it wrote to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnState {
    Open,
    Committing,
    Aborting(AbortReason),
    Committed,
    Aborted,
}

#[derive(Clone, Debug)]
pub struct Transaction {
    pub producer: NodeId,
    /// 1-based, in its producer's count.
    pub number: u32,
    /// The producer epoch it began in.
    pub epoch: u32,
    /// Its first and last message so far: the producer's messages between them are its
    /// records.
    pub first: MsgId,
    pub last: MsgId,
    pub records: u32,
    /// Records the producer heard were written.
    pub acked: u32,
    /// No more records join it.
    pub full: bool,
    pub state: TxnState,
    /// The topic it writes to, and the partitions it wrote to with its first offset in each.
    pub topic: NodeId,
    pub partitions: Vec<(u32, u64)>,
}

/// Every transaction of the run, in the order they began (so by first message), and the
/// ones not yet ended (few: one or two per transactional producer).
#[derive(Clone, Debug, Default)]
pub struct Transactions {
    pub list: Vec<Transaction>,
    pub open: Vec<u32>,
}

impl Simulation {
    /// The transaction `msg` was sent in, if any: the latest of its producer's transactions
    /// that began at or before it.
    pub(crate) fn txn_of(&self, msg: MsgId) -> Option<u32> {
        let m = &self.msgs[msg.index()];
        if !m.in_transaction() {
            return None;
        }
        let list = &self.txns.list;
        let before = list.partition_point(|t| t.first <= msg);
        (0..before).rev().find(|&i| list[i].producer == m.producer).map(|i| i as u32)
    }

    /// A transactional producer's new message joins its open transaction, or begins one.
    pub(crate) fn txn_enlist(&mut self, producer: NodeId, msg: MsgId) {
        let Some(tm) = self.producer_model(producer).transactions else { return };
        let Some(topic) = self.producer_model(producer).target.map(|l| l.to) else { return };
        let txn = match self.producer(producer).open_txn {
            Some(t) => t,
            None => {
                let s = self.producer_mut(producer);
                s.txns_begun += 1;
                let (number, epoch) = (s.txns_begun, s.epoch);
                let t = self.txns.list.len() as u32;
                self.txns.list.push(Transaction {
                    producer,
                    number,
                    epoch,
                    first: msg,
                    last: msg,
                    records: 0,
                    acked: 0,
                    full: false,
                    state: TxnState::Open,
                    topic,
                    partitions: Vec::new(),
                });
                self.txns.open.push(t);
                self.producer_mut(producer).open_txn = Some(t);
                self.emit(producer, Some(msg), None, Event::TxnBegun { txn: number });
                self.sched.schedule(self.later(tm.timeout), Due::TxnTimeout { txn: t });
                t
            }
        };
        self.msgs[msg.index()].set_in_transaction();
        let done = {
            let s = self.producer(producer);
            self.producer_model(producer).count.is_some_and(|c| u64::from(s.published) >= c)
        };
        let t = &mut self.txns.list[txn as usize];
        t.last = msg;
        t.records += 1;
        if t.records >= tm.records || done {
            t.full = true;
            self.producer_mut(producer).open_txn = None;
        }
    }

    /// A record of `msg`'s transaction was written at `offset` of `tp`: the transaction holds
    /// back the partition's last stable offset from there (or from earlier, if a failover cut
    /// its first record and this is it written again).
    pub(crate) fn txn_appended(&mut self, msg: crate::model::ids::MsgId, tp: Tp, offset: u64) {
        let Some(t) = self.txn_of(msg) else { return };
        let t = &mut self.txns.list[t as usize];
        if t.topic != tp.0 {
            return; // a copy of it dead-lettered to another topic
        }
        match t.partitions.iter_mut().find(|(p, _)| *p == tp.1) {
            Some((_, first)) => *first = (*first).min(offset),
            None => t.partitions.push((tp.1, offset)),
        }
    }

    /// The producer heard that a record of `msg`'s transaction was written: once all are,
    /// the transaction ends.
    pub(crate) fn txn_acked(&mut self, msg: MsgId) {
        let Some(t) = self.txn_of(msg) else { return };
        if !self.msgs[msg.index()].take_transaction_ack() {
            return;
        }
        self.txns.list[t as usize].acked += 1;
        self.txn_try_end(t);
    }

    /// Once every record of a full transaction is written, the producer commits it (or
    /// aborts it, every `abort_every`-th): the markers land a wire delay later.
    fn txn_try_end(&mut self, txn: u32) {
        let t = &self.txns.list[txn as usize];
        if t.state != TxnState::Open || !t.full || t.acked < t.records {
            return;
        }
        let producer = t.producer;
        let every = self.producer_model(producer).transactions.and_then(|tm| tm.abort_every);
        let abort = every.is_some_and(|n| t.number % n == 0);
        self.txns.list[txn as usize].state =
            if abort { TxnState::Aborting(AbortReason::Producer) } else { TxnState::Committing };
        self.schedule_markers(txn);
    }

    fn schedule_markers(&mut self, txn: u32) {
        let producer = self.txns.list[txn as usize].producer;
        let delay = self.producer_model(producer).target.map(|l| l.delay).unwrap_or_default();
        self.sched.schedule(self.later(delay), Due::TxnEnd { txn });
    }

    /// The producer aborts `txn` (it was told to, or a record of it failed for good).
    pub(crate) fn txn_abort(&mut self, txn: u32, reason: AbortReason) {
        let t = &mut self.txns.list[txn as usize];
        if t.state != TxnState::Open {
            return;
        }
        t.state = TxnState::Aborting(reason);
        t.full = true;
        let producer = t.producer;
        if self.producer(producer).open_txn == Some(txn) {
            self.producer_mut(producer).open_txn = None;
        }
        self.schedule_markers(txn);
    }

    /// The `abort_transaction` action: the producer aborts the transaction it has open, or,
    /// with none open, the last one it has not yet ended.
    pub(crate) fn abort_open_transaction(&mut self, producer: NodeId) {
        let open = self.txns.open.iter().rev().copied().find(|&t| {
            let t = &self.txns.list[t as usize];
            t.producer == producer && t.state == TxnState::Open
        });
        if let Some(t) = open {
            self.txn_abort(t, AbortReason::Action);
        }
    }

    /// The coordinator's timeout: a transaction still open this long after it began is aborted.
    pub(crate) fn txn_timeout(&mut self, txn: u32) {
        if self.txns.list[txn as usize].state == TxnState::Open {
            self.txn_abort(txn, AbortReason::Timeout);
            self.txn_end(txn);
        }
    }

    /// A restarted producer's new epoch fences the old ones: the coordinator aborts what they
    /// left open, at once.
    pub(crate) fn txn_fence(&mut self, producer: NodeId) {
        let epoch = self.producer(producer).epoch;
        let stale: Vec<u32> = self
            .txns
            .open
            .iter()
            .copied()
            .filter(|&t| {
                let t = &self.txns.list[t as usize];
                t.producer == producer && t.epoch < epoch && t.state == TxnState::Open
            })
            .collect();
        for t in stale {
            self.txn_abort(t, AbortReason::Fenced);
            self.txn_end(t);
        }
    }

    /// The markers are written: the transaction is committed or aborted on every partition it
    /// wrote to, and read_committed readers there may move on.
    pub(crate) fn txn_end(&mut self, txn: u32) {
        let t = &self.txns.list[txn as usize];
        let (producer, number, records, first, last) = (t.producer, t.number, t.records, t.first, t.last);
        let event = match t.state {
            TxnState::Committing => Event::TxnCommitted { txn: number, records },
            TxnState::Aborting(reason) => Event::TxnAborted { txn: number, records, reason },
            _ => return,
        };
        let aborted = matches!(event, Event::TxnAborted { .. });
        self.txns.list[txn as usize].state = if aborted { TxnState::Aborted } else { TxnState::Committed };
        self.txns.open.retain(|&o| o != txn);
        if aborted {
            for i in first.0..=last.0 {
                let m = &mut self.msgs[i as usize];
                if m.producer == producer && m.in_transaction() {
                    m.set_transaction_aborted();
                }
            }
        }
        self.emit(producer, Some(first), None, event);
        let topic = self.txns.list[txn as usize].topic;
        let parts: Vec<u32> = self.txns.list[txn as usize].partitions.iter().map(|(p, _)| *p).collect();
        for p in parts {
            self.wake_readers((topic, p));
        }
    }

    /// Whether `msg`'s transaction was aborted or is being aborted: its writes are refused.
    pub(crate) fn txn_refuses(&self, msg: MsgId) -> bool {
        self.txn_of(msg)
            .is_some_and(|t| matches!(self.txns.list[t as usize].state, TxnState::Aborting(_) | TxnState::Aborted))
    }

    /// A write of an aborted transaction's record that comes late (a retry, or a zombie's
    /// write on the wire) is refused; its producer stops trying.
    pub(crate) fn refuse_aborted_write(&mut self, node: NodeId, env: crate::model::ids::EnvId) {
        let msg = self.envs[env.index()].msg;
        self.msgs[msg.index()].set_publishing(false);
        self.end_copy(node, env, EnvState::Dropped(DropReason::TransactionAborted));
    }

    /// The partition's last stable offset: read_committed consumers read below it.
    pub(crate) fn last_stable_offset(&self, tp: Tp) -> u64 {
        let mut lso = self.readable_end(tp);
        for &t in &self.txns.open {
            let t = &self.txns.list[t as usize];
            if t.topic == tp.0 {
                for &(p, first) in &t.partitions {
                    if p == tp.1 {
                        lso = lso.min(first);
                    }
                }
            }
        }
        lso
    }

    /// A producer's process dies (the `crash_producer` action): what it had open stays open
    /// until it restarts as a new epoch or the coordinator times it out.
    pub(crate) fn crash_producer(&mut self, producer: NodeId, recover_after: Option<crate::model::time::Duration>) {
        if self.producer_down(producer) {
            return;
        }
        let until = recover_after.map_or(SimTime::MAX, |d| self.later(d));
        let NodeState::Producer(s) = &mut self.nodes[producer.index()] else { return };
        s.epoch += 1;
        s.down_until = Some(until);
        s.open_txn = None;
        self.emit(producer, None, None, Event::Crashed { cause: crate::sim::trace::CrashCause::Action });
        if recover_after.is_some() {
            self.sched.schedule(until, Due::ProducerRecover { producer });
        }
    }
}
