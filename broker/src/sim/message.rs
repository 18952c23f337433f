//! Messages and envelopes. A *message* is one business event as the producer meant it (one
//! event ID, one row in the outcome). An *envelope* is one copy of it inside the broker: an
//! exchange that fans out makes one envelope per bound queue, and a publish retry after a lost
//! confirm makes another. The outcome sorts messages; the broker moves envelopes.

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::{MaybeTime, SimTime};
use crate::sim::death::Deaths;
use crate::sim::few::Few;
use crate::sim::trace::{DropReason, LossReason};

#[derive(Clone, Debug)]
pub struct Message {
    pub producer: NodeId,
    /// 1-based number within its producer: message `orders-17` is the 17th from `orders`.
    pub number: u32,
    /// Index into the simulation's interned keys; `None` for unkeyed messages.
    pub key: Option<u32>,
    /// How many messages with this key were published before this one.
    pub key_seq: u32,
    pub event_type: u16,
    pub schema_version: u32,
    pub published_at: SimTime,
    pub envelopes: Few<EnvId>,
    /// Business effects applied, per effect (index into the simulation's effect names).
    pub effects: Few<(u16, u32)>,
    /// Set when this message's effect was applied after that of a later message with the same
    /// key: the message that overtook it.
    pub overtaken_by: Option<MsgId>,
    /// Deliveries to consumers, over all its copies.
    pub deliveries: u32,
    /// Publish attempts so far.
    pub publish_attempts: u32,
    /// The producer is still trying to publish (waiting on a confirm or a retry).
    pub publishing: bool,
    /// The last attempt whose failure was already handled (a refusal during an outage), so
    /// that its timeout does not count it twice.
    pub settled_attempt: u32,
    /// The partition the producer chose, when it publishes to a topic.
    pub partition: Option<u32>,
    /// The idempotent producer's sequence number and producer epoch (a restarted producer
    /// is a new producer id to the broker, so its sequences start again).
    pub sequence: u32,
    pub producer_epoch: u32,
    /// Publish attempts the idempotent broker refused as out of sequence (waiting for an
    /// earlier record): retried without counting against `retries`, as Kafka's producer does.
    pub sequence_refusals: u32,
    /// Published, but its business write was rolled back (dual write, publish then write).
    pub phantom: bool,
}

impl Message {
    pub fn effect_count(&self, effect: u16) -> u32 {
        self.effects.iter().find(|(e, _)| *e == effect).map_or(0, |(_, c)| *c)
    }

    pub fn max_effect_count(&self) -> u32 {
        self.effects.iter().map(|(_, c)| *c).max().unwrap_or(0)
    }
}

/// Where an envelope is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvState {
    /// On the network, or waiting for the producer to send it again.
    Publishing,
    /// Waiting in a queue.
    Ready {
        queue: NodeId,
    },
    /// Delivered to a consumer and not yet acked (from the broker's point of view).
    Unacked {
        queue: NodeId,
        consumer: NodeId,
    },
    /// Acked under at-most-once and being processed; the broker has forgotten it.
    AckedInProcess {
        consumer: NodeId,
    },
    /// Acked: done.
    Acked,
    /// In a topic's partition, and its group has not finished with it.
    InLog {
        topic: NodeId,
        partition: u32,
    },
    /// In a dead-letter queue.
    DeadLettered {
        dlq: NodeId,
    },
    Dropped(DropReason),
    Lost(LossReason),
}

impl EnvState {
    /// Index for the per-state counters used by the conservation invariant.
    pub fn slot(self) -> usize {
        match self {
            EnvState::Publishing => 0,
            EnvState::Ready { .. } => 1,
            EnvState::Unacked { .. } => 2,
            EnvState::AckedInProcess { .. } => 3,
            EnvState::Acked => 4,
            EnvState::DeadLettered { .. } => 5,
            EnvState::Dropped(_) => 6,
            EnvState::Lost(_) => 7,
            EnvState::InLog { .. } => 8,
        }
    }

    pub const SLOTS: usize = 9;

    /// The slots of the final states: acked, dropped and lost.
    pub const FINAL_SLOTS: [usize; 3] = [4, 6, 7];

    pub fn is_final(self) -> bool {
        EnvState::FINAL_SLOTS.contains(&self.slot())
    }
}

/// The route of a copy that never reached the broker.
pub const UNROUTED: u16 = u16::MAX;

#[derive(Clone, Debug)]
pub struct Envelope {
    pub msg: MsgId,
    pub state: EnvState,
    /// Ordering key while ready in a queue (see `queue/mod.rs` for requeue positions).
    pub order: i64,
    /// Deliveries from the current queue (the first delivery is 1).
    pub delivery_count: u32,
    /// Times it went back to the queue unacked (RabbitMQ's `x-delivery-count`).
    pub returns: u32,
    pub deaths: Deaths,
    /// When a consumer first applied the business effect for this copy (or found it already
    /// applied).
    pub effect_at: MaybeTime,
    /// Which subscriber path this copy is on: the index of the exchange binding that routed
    /// it (0 for a producer wired straight to a queue), or [`UNROUTED`] while it has not
    /// reached the broker. Copies on the same route are retries of one delivery, so one of
    /// them being processed is enough; every route must be.
    pub route: u16,
    /// Channel the current delivery was made on.
    pub channel: u32,
    /// The yes-or-no facts below, one bit each (a copy's expiry, when its queue has a TTL,
    /// is kept beside the copies: `sim/expiries.rs`).
    flags: u8,
}

const ACKED: u8 = 1;
const DEAD_LETTERED: u8 = 2;
const IN_TRANSIT: u8 = 4;
const AT_BROKER: u8 = 8;

impl Envelope {
    /// A new copy of `msg`, on its way from the producer.
    pub fn new(msg: MsgId, deaths: Deaths) -> Envelope {
        Envelope {
            msg,
            state: EnvState::Publishing,
            order: 0,
            delivery_count: 0,
            returns: 0,
            deaths,
            effect_at: MaybeTime::NONE,
            route: UNROUTED,
            channel: 0,
            flags: 0,
        }
    }

    fn flag(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }

    fn set_flag(&mut self, bit: u8, on: bool) {
        if on {
            self.flags |= bit;
        } else {
            self.flags &= !bit;
        }
    }

    /// Since it last entered a queue: acked. Never both this and dead-lettered.
    pub fn acked(&self) -> bool {
        self.flag(ACKED)
    }

    pub fn set_acked(&mut self, on: bool) {
        self.set_flag(ACKED, on);
    }

    /// Since it last entered a queue: dead-lettered.
    pub fn dead_lettered(&self) -> bool {
        self.flag(DEAD_LETTERED)
    }

    pub fn set_dead_lettered(&mut self, on: bool) {
        self.set_flag(DEAD_LETTERED, on);
    }

    /// On a wire, with its arrival scheduled.
    pub fn in_transit(&self) -> bool {
        self.flag(IN_TRANSIT)
    }

    pub fn set_in_transit(&mut self, on: bool) {
        self.set_flag(IN_TRANSIT, on);
    }

    /// The current publish attempt reached the broker (an exchange or a queue took it).
    pub fn at_broker(&self) -> bool {
        self.flag(AT_BROKER)
    }

    pub fn set_at_broker(&mut self, on: bool) {
        self.set_flag(AT_BROKER, on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million-message run keeps a million of each: their size is most of its memory.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_message_and_a_copy_stay_small() {
        assert_eq!(std::mem::size_of::<Message>(), 112);
        assert_eq!(std::mem::size_of::<Envelope>(), 56);
    }
}
