//! The rest of a message: what few messages need, kept out of line so that the rest pay one
//! pointer for it. A message spills into it the first time it needs any of it: a second copy
//! (a fan-out, a publish retry that makes a duplicate), a second effect name, a later message
//! with its key that overtook it, a second publish attempt, a publish attempt answered by a
//! refusal or a timeout, a refusal as out of sequence, or a cause (a service published it). From then on it holds all of these,
//! the first copy and effect included; before, the message holds the one copy and the one
//! effect it has, and whether it made its one publish attempt, itself (`sim/message.rs`).

use crate::model::ids::{EnvId, MsgId};

#[derive(Clone, Debug, Default)]
pub struct More {
    /// Every copy of the message, oldest first.
    pub envelopes: Vec<EnvId>,
    /// Business effects applied, per effect, in the order they were first applied.
    pub effects: Vec<(u16, u32)>,
    /// The later message with the same key whose effect was applied before this one's.
    pub overtaken_by: Option<MsgId>,
    /// The message a service handled when it published this one (a service's messages all
    /// have one; a producer's never).
    pub cause: Option<MsgId>,
    /// Publish attempts so far.
    pub publish_attempts: u32,
    /// The last attempt whose failure was already handled.
    pub settled_attempt: u32,
    /// Attempts the idempotent broker refused as out of sequence.
    pub sequence_refusals: u32,
}
