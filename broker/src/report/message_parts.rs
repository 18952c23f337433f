//! What a message is, in numbers small enough to keep for every message of a run: who
//! published it and its number there (its name, `payment-3`), its key, its event type and the
//! message that caused it. The app's journal keeps these for the messages the scout has read,
//! so a panel can name a message and follow its flow at any playhead, also one the playhead
//! has not reached yet; the names behind the numbers are fixed when the run starts.

use crate::model::ids::{MsgId, NodeId};
use crate::sim::Simulation;

/// A message's publisher, number, key, event type and cause, as numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageParts {
    pub publisher: NodeId,
    /// 1-based number within its publisher.
    pub number: u32,
    /// The key's number ([`Simulation::key_name`]), or `u32::MAX` for an unkeyed message.
    pub key: u32,
    /// The event type's number ([`Simulation::event_type_name`]).
    pub event_type: u16,
    /// The message a service handled when it published this one, or `u32::MAX`.
    pub cause: u32,
}

impl MessageParts {
    /// Parts not known (yet): no publisher.
    pub const UNKNOWN: MessageParts =
        MessageParts { publisher: NodeId(u32::MAX), number: 0, key: u32::MAX, event_type: 0, cause: u32::MAX };

    pub fn is_known(&self) -> bool {
        self.publisher.0 != u32::MAX
    }

    pub fn cause(&self) -> Option<u32> {
        (self.cause != u32::MAX).then_some(self.cause)
    }
}

impl Simulation {
    /// The parts of a message that exists yet.
    pub fn message_parts(&self, msg: MsgId) -> Option<MessageParts> {
        let m = self.msgs.get(msg.index())?;
        Some(MessageParts {
            publisher: m.producer,
            number: m.number,
            key: m.key().unwrap_or(u32::MAX),
            event_type: m.event_type,
            cause: m.cause().map_or(u32::MAX, |c| c.0),
        })
    }

    /// The name of an event type by its number ("" for a number the run does not have).
    pub fn event_type_name(&self, event_type: u16) -> &str {
        self.event_types.get(event_type as usize).map_or("", String::as_str)
    }

    /// The business effect `consumer` applies to a message of `event_type`: its service
    /// rule's effect for that type if it has one, else the consumer's own.
    /// "" when `consumer` is not a consumer.
    pub fn effect_name_for(&self, consumer: NodeId, event_type: u16) -> &str {
        if !matches!(self.model.nodes.get(consumer.index()).map(|n| &n.kind), Some(crate::model::NodeKind::Consumer(_)))
        {
            return "";
        }
        let e = self.effect_for_type(consumer, event_type);
        self.effects.get(e as usize).map_or("", String::as_str)
    }
}
