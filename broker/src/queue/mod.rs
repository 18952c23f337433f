//! A queue in RabbitMQ's style: FIFO with competing consumers, prefetch, TTL, max length and
//! requeue positions.
//!
//! Requeue positions follow the RabbitMQ documentation (pages "Consumer Acknowledgements and
//! Publisher Confirms" and "Quorum Queues", RabbitMQ 3.13 and 4.0): a classic queue puts a
//! requeued message back at its original position, which in a FIFO is at or near the head;
//! a quorum queue puts it near the head when a delivery limit is set, and at the back when
//! there is none. The ready list (`ready.rs`) is sorted by an ordering number: the tail takes
//! increasing numbers, a head insert takes decreasing negative ones, and a classic requeue
//! reuses the message's original number, which puts it back exactly where it was. With
//! brokers, a queue lives on them (`broker.rs`): one for a classic queue, up to three
//! replicas for a quorum queue.

pub mod broker;
pub mod dead_letter;
pub mod ready;
pub mod routing;

use crate::model::ids::EnvId;
use crate::model::time::SimTime;
use crate::queue::ready::Ready;
use crate::scenario::QueueType;

#[derive(Clone, Debug, Default)]
pub struct QueueState {
    pub ready: Ready,
    next_tail: i64,
    next_head: i64,
    /// Round-robin cursor over the queue's consumers.
    pub rr: usize,
    pub outage_until: Option<SimTime>,
    /// Unavailable because of its brokers (`broker.rs`): a classic queue's broker is down, or
    /// a quorum queue has no majority of replicas up.
    pub down: bool,
    pub unacked: u32,
    pub max_depth: u32,
    pub max_ready: u32,
    /// How many messages this queue has dead-lettered (or dropped for a reason that would
    /// have dead-lettered them).
    pub dead_lettered: u32,
    pub delivered: u64,
    /// A quorum queue with overflow `reject-publish` that went over its max length: it
    /// refuses publishes until it is back at its soft limit (see `routing.rs`).
    pub rejecting: bool,
}

/// Where a requeued message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequeueAt {
    Original,
    Head,
    Back,
}

pub fn requeue_position(queue_type: QueueType, delivery_limit: Option<u32>) -> RequeueAt {
    match (queue_type, delivery_limit) {
        (QueueType::Classic, _) => RequeueAt::Original,
        (QueueType::Quorum, Some(_)) => RequeueAt::Head,
        (QueueType::Quorum, None) => RequeueAt::Back,
    }
}

impl QueueState {
    pub fn depth(&self) -> u32 {
        self.ready.len() as u32 + self.unacked
    }

    /// Unavailable now: in an outage, or down with its brokers.
    pub fn in_outage(&self, now: SimTime) -> bool {
        self.down || self.outage_until.is_some_and(|u| now < u)
    }

    /// Takes a fresh tail position.
    pub fn tail_order(&mut self) -> i64 {
        self.next_tail += 1;
        self.next_tail
    }

    /// Inserts at `order`; returns the 0-based position from the head.
    pub fn insert(&mut self, order: i64, env: EnvId) -> u32 {
        let position = self.ready.insert(order, env);
        self.note_depth();
        position as u32
    }

    /// The ordering number for a requeue, given the message's original one.
    pub fn requeue_order(&mut self, at: RequeueAt, original: i64) -> i64 {
        match at {
            RequeueAt::Original if !self.ready.contains(original) => original,
            RequeueAt::Original | RequeueAt::Back => self.tail_order(),
            RequeueAt::Head => {
                self.next_head -= 1;
                let first = self.ready.first_order().unwrap_or(0);
                self.next_head.min(first - 1)
            }
        }
    }

    pub fn pop_head(&mut self) -> Option<EnvId> {
        self.ready.pop_first()
    }

    pub fn remove(&mut self, order: i64) -> Option<EnvId> {
        self.ready.remove(order)
    }

    pub fn note_depth(&mut self) {
        self.max_depth = self.max_depth.max(self.depth());
        self.max_ready = self.max_ready.max(self.ready.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_requeue_returns_to_the_original_position() {
        let mut q = QueueState::default();
        let a = q.tail_order();
        let b = q.tail_order();
        let c = q.tail_order();
        q.insert(a, EnvId(0));
        q.insert(b, EnvId(1));
        q.insert(c, EnvId(2));
        assert_eq!(q.pop_head(), Some(EnvId(0)));
        assert_eq!(q.pop_head(), Some(EnvId(1)));
        // Message 1 comes back: ahead of 2, where it was.
        let o = q.requeue_order(RequeueAt::Original, b);
        assert_eq!(q.insert(o, EnvId(1)), 0);
        // Message 0 comes back: ahead of both.
        let o = q.requeue_order(RequeueAt::Original, a);
        assert_eq!(q.insert(o, EnvId(0)), 0);
        let order: Vec<_> = std::iter::from_fn(|| q.pop_head()).collect();
        assert_eq!(order, [EnvId(0), EnvId(1), EnvId(2)]);
    }

    #[test]
    fn quorum_requeue_goes_to_head_with_a_limit_and_back_without() {
        assert_eq!(requeue_position(QueueType::Quorum, Some(3)), RequeueAt::Head);
        assert_eq!(requeue_position(QueueType::Quorum, None), RequeueAt::Back);
        assert_eq!(requeue_position(QueueType::Classic, None), RequeueAt::Original);

        let mut q = QueueState::default();
        for i in 0..3 {
            let o = q.tail_order();
            q.insert(o, EnvId(i));
        }
        let head = q.requeue_order(RequeueAt::Head, 0);
        assert_eq!(q.insert(head, EnvId(9)), 0);
        let back = q.requeue_order(RequeueAt::Back, 0);
        assert_eq!(q.insert(back, EnvId(8)), 4);
        let order: Vec<_> = std::iter::from_fn(|| q.pop_head()).collect();
        assert_eq!(order, [EnvId(9), EnvId(0), EnvId(1), EnvId(2), EnvId(8)]);
    }

    #[test]
    fn outage_ends_on_time() {
        let q = QueueState { outage_until: Some(SimTime(10)), ..Default::default() };
        assert!(q.in_outage(SimTime(9)));
        assert!(!q.in_outage(SimTime(10)));
    }

    #[test]
    fn depth_counts_ready_and_unacked() {
        let mut q = QueueState::default();
        let o = q.tail_order();
        q.insert(o, EnvId(0));
        q.unacked = 2;
        q.note_depth();
        assert_eq!(q.depth(), 3);
        assert_eq!(q.max_depth, 3);
    }
}
