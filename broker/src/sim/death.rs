//! Death records, as RabbitMQ writes them into a dead-lettered message's `x-death` header
//! (RabbitMQ documentation, "Dead Letter Exchanges", 3.13/4.0): one entry per (queue, reason)
//! pair, newest first; dying again for the same queue and reason increments that entry's
//! count and moves it to the front.

use serde::Serialize;

use crate::model::ids::NodeId;
use crate::model::time::SimTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathReason {
    /// Nacked or rejected with requeue=false.
    Rejected,
    /// Its TTL ran out.
    Expired,
    /// Pushed out (or refused) by the queue's maximum length.
    Maxlen,
    /// Returned to the queue more times than its delivery limit allows.
    DeliveryLimit,
}

impl DeathReason {
    pub fn name(self) -> &'static str {
        match self {
            DeathReason::Rejected => "rejected",
            DeathReason::Expired => "expired",
            DeathReason::Maxlen => "maxlen",
            DeathReason::DeliveryLimit => "delivery_limit",
        }
    }

    pub fn human(self) -> &'static str {
        match self {
            DeathReason::Rejected => "rejected by the consumer without requeue",
            DeathReason::Expired => "expired (TTL)",
            DeathReason::Maxlen => "the queue was full (max length)",
            DeathReason::DeliveryLimit => "returned more often than the delivery limit allows",
        }
    }

    pub const ALL: [DeathReason; 4] =
        [DeathReason::Rejected, DeathReason::Expired, DeathReason::Maxlen, DeathReason::DeliveryLimit];

    pub fn code(self) -> u8 {
        self as u8
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeathRecord {
    pub queue: NodeId,
    pub reason: DeathReason,
    pub count: u32,
    /// When this (queue, reason) last happened.
    pub time: SimTime,
}

/// A copy's death records, newest first. Most copies never die, so the list costs one
/// pointer until one does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[allow(clippy::box_collection)] // one word in every copy; a Vec would be three
pub struct Deaths(Option<Box<Vec<DeathRecord>>>);

impl std::ops::Deref for Deaths {
    type Target = [DeathRecord];

    fn deref(&self) -> &[DeathRecord] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// Adds a death to `records` the way RabbitMQ updates `x-death`; returns the entry's count.
pub fn record_death(records: &mut Deaths, queue: NodeId, reason: DeathReason, now: SimTime) -> u32 {
    let records = records.0.get_or_insert_with(Box::default);
    if let Some(i) = records.iter().position(|r| r.queue == queue && r.reason == reason) {
        let mut r = records.remove(i);
        r.count += 1;
        r.time = now;
        let count = r.count;
        records.insert(0, r);
        count
    } else {
        records.insert(0, DeathRecord { queue, reason, count: 1, time: now });
        1
    }
}

/// RabbitMQ drops a message that would be dead-lettered into a queue it already died in,
/// unless a rejection happened somewhere in the cycle: that would loop for ever.
pub fn is_cycle(records: &[DeathRecord], target: NodeId) -> bool {
    records.iter().any(|r| r.queue == target) && !records.iter().any(|r| r.reason == DeathReason::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_queue_and_reason_increments_and_moves_to_front() {
        let mut r = Deaths::default();
        let (a, b) = (NodeId(1), NodeId(2));
        assert_eq!(record_death(&mut r, a, DeathReason::Rejected, SimTime(1)), 1);
        assert_eq!(record_death(&mut r, b, DeathReason::Expired, SimTime(2)), 1);
        assert_eq!(record_death(&mut r, a, DeathReason::Rejected, SimTime(3)), 2);
        assert_eq!(r[0], DeathRecord { queue: a, reason: DeathReason::Rejected, count: 2, time: SimTime(3) });
        assert_eq!(r[1].queue, b);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn cycles_without_rejection_are_detected() {
        let mut r = Deaths::default();
        record_death(&mut r, NodeId(1), DeathReason::Expired, SimTime(1));
        assert!(is_cycle(&r, NodeId(1)));
        assert!(!is_cycle(&r, NodeId(2)));
        record_death(&mut r, NodeId(2), DeathReason::Rejected, SimTime(2));
        assert!(!is_cycle(&r, NodeId(1)));
    }
}
