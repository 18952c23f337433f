//! Messages and envelopes. A *message* is one business event as the producer meant it (one
//! event ID, one row in the outcome). An *envelope* is one copy of it inside the broker: an
//! exchange that fans out makes one envelope per bound queue, and a publish retry after a lost
//! confirm makes another. The outcome sorts messages; the broker moves envelopes.

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::{MaybeTime, SimTime};
use crate::sim::death::Deaths;
use crate::sim::more::More;
use crate::sim::trace::{DropReason, LossReason};

#[derive(Clone, Debug)]
pub struct Message {
    pub producer: NodeId,
    /// 1-based number within its producer: message `orders-17` is the 17th from `orders`.
    pub number: u32,
    /// Index into the simulation's interned keys, or [`NO_KEY`] for an unkeyed message
    /// (read it with `key`).
    key: u32,
    /// How many messages with this key were published before this one.
    pub key_seq: u32,
    pub event_type: u16,
    /// At most 1,000, the format's limit (read it with `schema_version`).
    schema_version: u16,
    pub published_at: SimTime,
    /// Its copy, until it has a second one ([`NO_ENV`] before it has any); then `more` holds
    /// them all (read them with `envelopes`).
    first_envelope: EnvId,
    /// Its business effect applied and how often, until a second effect name is applied
    /// ([`NO_EFFECT`] before any is); then `more` holds them all (read them with `effects`).
    first_effect: (u16, u32),
    /// Deliveries to consumers, over all its copies.
    pub deliveries: u32,
    /// The partition the producer chose, when it publishes to a topic, or [`NO_PARTITION`]
    /// (read it with `partition`; the format allows at most 1,000 partitions).
    partition: u16,
    /// The idempotent producer's sequence number and producer epoch (a restarted producer
    /// is a new producer id to the broker, so its sequences start again).
    pub sequence: u32,
    pub producer_epoch: u32,
    /// The yes-or-no facts below, one bit each.
    flags: u16,
    /// What few messages need: more copies or effects than one, the message that overtook
    /// it, publish attempts past the first (`sim/more.rs`).
    more: Option<Box<More>>,
}

/// `Message::key` of an unkeyed message.
pub const NO_KEY: u32 = u32::MAX;

/// Sets or clears `bit` in a message's or a copy's yes-or-no facts.
fn set_bit(flags: &mut u16, bit: u16, on: bool) {
    if on {
        *flags |= bit;
    } else {
        *flags &= !bit;
    }
}
/// `Message::first_envelope` of a message with no copy yet.
pub const NO_ENV: EnvId = EnvId(u32::MAX);
/// The effect of `Message::first_effect` when no effect was applied.
pub const NO_EFFECT: u16 = u16::MAX;
/// `Message::partition` of a message not published to a topic.
pub const NO_PARTITION: u16 = u16::MAX;

/// The producer is still trying to publish (waiting on a confirm or a retry).
const PUBLISHING: u16 = 1;
/// Published, but its business write was rolled back (dual write, publish then write).
const PHANTOM: u16 = 2;
/// It made its first publish attempt (later ones are counted in `more`).
const ATTEMPTED: u16 = 4;
/// A consumer's reader schema could not read it (at least once).
const UNREADABLE: u16 = 8;
/// The answer to the current publish attempt will be lost on its way back (an acks=all write).
const ANSWER_LOST: u16 = 16;
/// Written in a Kafka transaction (`topic/transaction.rs`).
const IN_TRANSACTION: u16 = 32;
/// Its transaction was aborted.
const TRANSACTION_ABORTED: u16 = 64;
/// The producer heard that it was written (counted once towards its transaction).
const TRANSACTION_ACKED: u16 = 128;
/// A tombstone: its key with no value, a delete on a compacted topic (`topic/compaction.rs`).
const TOMBSTONE: u16 = 256;

impl Message {
    /// A new message, its producer about to publish it.
    pub fn new(
        producer: NodeId,
        number: u32,
        key: Option<u32>,
        key_seq: u32,
        event_type: u16,
        schema_version: u32,
        published_at: SimTime,
    ) -> Message {
        let key = key.map_or(NO_KEY, |k| {
            debug_assert!(k != NO_KEY, "keys are at most MAX_TOTAL_KEYS");
            k
        });
        Message {
            producer,
            number,
            key,
            key_seq,
            event_type,
            schema_version: u16::try_from(schema_version).expect("a schema version is at most 1,000"),
            published_at,
            first_envelope: NO_ENV,
            first_effect: (NO_EFFECT, 0),
            deliveries: 0,
            partition: NO_PARTITION,
            sequence: 0,
            producer_epoch: u32::MAX,
            flags: PUBLISHING,
            more: None,
        }
    }

    /// The message whose handling made a service publish this one (its causation id); `None`
    /// for a producer's own message, which starts a flow.
    pub fn cause(&self) -> Option<MsgId> {
        self.more.as_ref().and_then(|more| more.cause)
    }

    pub fn set_cause(&mut self, cause: MsgId) {
        self.more_mut().cause = Some(cause);
    }

    /// Index into the simulation's interned keys; `None` for unkeyed messages.
    pub fn key(&self) -> Option<u32> {
        (self.key != NO_KEY).then_some(self.key)
    }

    pub fn schema_version(&self) -> u32 {
        u32::from(self.schema_version)
    }

    /// Its copies, oldest first.
    pub fn envelopes(&self) -> &[EnvId] {
        match &self.more {
            Some(more) => &more.envelopes,
            None if self.first_envelope == NO_ENV => &[],
            None => std::slice::from_ref(&self.first_envelope),
        }
    }

    pub fn push_envelope(&mut self, env: EnvId) {
        if self.more.is_none() && self.first_envelope == NO_ENV {
            self.first_envelope = env;
        } else {
            self.more_mut().envelopes.push(env);
        }
    }

    /// Business effects applied, per effect (index into the simulation's effect names).
    pub fn effects(&self) -> &[(u16, u32)] {
        match &self.more {
            Some(more) => &more.effects,
            None if self.first_effect.0 == NO_EFFECT => &[],
            None => std::slice::from_ref(&self.first_effect),
        }
    }

    pub fn effects_mut(&mut self) -> &mut [(u16, u32)] {
        match &mut self.more {
            Some(more) => &mut more.effects,
            None if self.first_effect.0 == NO_EFFECT => &mut [],
            None => std::slice::from_mut(&mut self.first_effect),
        }
    }

    pub fn push_effect(&mut self, effect: (u16, u32)) {
        if self.more.is_none() && self.first_effect.0 == NO_EFFECT {
            debug_assert!(effect.0 != NO_EFFECT, "effect names are fewer than nodes");
            self.first_effect = effect;
        } else {
            self.more_mut().effects.push(effect);
        }
    }

    /// Set when this message's effect was applied after that of a later message with the same
    /// key: the message that overtook it.
    pub fn overtaken_by(&self) -> Option<MsgId> {
        self.more.as_ref().and_then(|more| more.overtaken_by)
    }

    pub fn set_overtaken_by(&mut self, by: MsgId) {
        self.more_mut().overtaken_by = Some(by);
    }

    /// The partition the producer chose, when it publishes to a topic.
    pub fn partition(&self) -> Option<u32> {
        (self.partition != NO_PARTITION).then_some(u32::from(self.partition))
    }

    pub fn set_partition(&mut self, partition: u32) {
        self.partition =
            u16::try_from(partition).ok().filter(|p| *p != NO_PARTITION).expect("a topic has at most 1,000 partitions");
    }

    /// Whether publish attempt `attempt` is its latest and still unanswered: an answer to it
    /// (a confirm, a nack, a timeout) counts; one to an older attempt is ignored.
    pub fn awaits_answer(&self, attempt: u32) -> bool {
        self.publish_attempts() == attempt && self.settled_attempt() < attempt
    }

    /// Publish attempts so far.
    pub fn publish_attempts(&self) -> u32 {
        match &self.more {
            Some(more) => more.publish_attempts,
            None => u32::from(self.flags & ATTEMPTED != 0),
        }
    }

    /// Counts one more publish attempt and returns its number.
    pub fn add_publish_attempt(&mut self) -> u32 {
        if self.more.is_none() && self.flags & ATTEMPTED == 0 {
            self.flags |= ATTEMPTED;
            return 1;
        }
        let more = self.more_mut();
        more.publish_attempts += 1;
        more.publish_attempts
    }

    /// The last attempt whose failure was already handled (a refusal during an outage), so
    /// that its timeout does not count it twice.
    pub fn settled_attempt(&self) -> u32 {
        self.more.as_ref().map_or(0, |more| more.settled_attempt)
    }

    pub fn set_settled_attempt(&mut self, attempt: u32) {
        if self.more.is_some() || attempt != 0 {
            self.more_mut().settled_attempt = attempt;
        }
    }

    /// Publish attempts the idempotent broker refused as out of sequence (waiting for an
    /// earlier record): retried without counting against `retries`, as Kafka's producer does.
    pub fn sequence_refusals(&self) -> u32 {
        self.more.as_ref().map_or(0, |more| more.sequence_refusals)
    }

    pub fn add_sequence_refusal(&mut self) {
        self.more_mut().sequence_refusals += 1;
    }

    /// The producer is still trying to publish (waiting on a confirm or a retry).
    pub fn publishing(&self) -> bool {
        self.flags & PUBLISHING != 0
    }

    pub fn set_publishing(&mut self, on: bool) {
        set_bit(&mut self.flags, PUBLISHING, on);
    }

    /// The answer to the current publish attempt (an acks=all write's) is lost on the way.
    pub fn answer_lost(&self) -> bool {
        self.flags & ANSWER_LOST != 0
    }

    pub fn set_answer_lost(&mut self, on: bool) {
        set_bit(&mut self.flags, ANSWER_LOST, on);
    }

    /// Sent in a Kafka transaction.
    pub fn in_transaction(&self) -> bool {
        self.flags & IN_TRANSACTION != 0
    }

    pub fn set_in_transaction(&mut self) {
        self.flags |= IN_TRANSACTION;
    }

    /// Its transaction was aborted: an event that never happened.
    pub fn transaction_aborted(&self) -> bool {
        self.flags & TRANSACTION_ABORTED != 0
    }

    pub fn set_transaction_aborted(&mut self) {
        self.flags |= TRANSACTION_ABORTED;
    }

    /// Sets that the producer heard it was written; returns whether that is news.
    pub fn take_transaction_ack(&mut self) -> bool {
        let news = self.flags & TRANSACTION_ACKED == 0;
        self.flags |= TRANSACTION_ACKED;
        news
    }

    /// A tombstone: the key with no value, which deletes the key on a compacted topic.
    pub fn tombstone(&self) -> bool {
        self.flags & TOMBSTONE != 0
    }

    pub fn set_tombstone(&mut self) {
        set_bit(&mut self.flags, TOMBSTONE, true);
    }

    /// Published, but its business write was rolled back (dual write, publish then write).
    /// Whether some consumer could not read it with its reader schema.
    pub fn unreadable(&self) -> bool {
        self.flags & UNREADABLE != 0
    }

    pub fn set_unreadable(&mut self) {
        self.flags |= UNREADABLE;
    }

    /// Published, but its business write was rolled back (dual write, publish then write).
    pub fn phantom(&self) -> bool {
        self.flags & PHANTOM != 0
    }

    pub fn set_phantom(&mut self) {
        self.flags |= PHANTOM;
    }

    /// `more`, spilling into it first if the message has not yet.
    fn more_mut(&mut self) -> &mut More {
        if self.more.is_none() {
            let more = More {
                envelopes: self.envelopes().to_vec(),
                effects: self.effects().to_vec(),
                overtaken_by: None,
                cause: None,
                publish_attempts: self.publish_attempts(),
                settled_attempt: 0,
                sequence_refusals: 0,
            };
            self.more = Some(Box::new(more));
        }
        self.more.as_deref_mut().expect("spilled above")
    }

    pub fn effect_count(&self, effect: u16) -> u32 {
        self.effects().iter().find(|(e, _)| *e == effect).map_or(0, |(_, c)| *c)
    }

    pub fn max_effect_count(&self) -> u32 {
        self.effects().iter().map(|(_, c)| *c).max().unwrap_or(0)
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
    flags: u16,
}

const ACKED: u16 = 1;
const DEAD_LETTERED: u16 = 2;
const IN_TRANSIT: u16 = 4;
const AT_BROKER: u16 = 8;

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

    fn flag(&self, bit: u16) -> bool {
        self.flags & bit != 0
    }

    fn set_flag(&mut self, bit: u16, on: bool) {
        set_bit(&mut self.flags, bit, on);
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
        assert_eq!(std::mem::size_of::<Message>(), 64);
        assert_eq!(std::mem::size_of::<Envelope>(), 56);
    }
}
