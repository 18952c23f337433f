//! What a consumer publishes, which makes it a service (`"publishes"` on a consumer, see
//! `docs/scenario-format.md`): for an event type it reads (or for any), the event types it
//! publishes once it has handled one, and those it publishes when it gives up on one
//! (PaymentFailed); and how the output leaves (`publish_mode`): after the business effect,
//! before it, through a transactional outbox, or in a Kafka transaction with the read offset.
//! Each output keeps its input's key (the business id) and records the message that
//! caused it. The output goes down the consumer's one outgoing wire, with publisher confirms
//! and retries (`publish`) as a producer has them.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{list, named_choice, string, string_or_strings, At, Fields, Read};

/// One rule of `publishes`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublishRule {
    /// The event type it applies to; absent: any the consumer reads (a rule that names the
    /// event type wins over one that does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// Published when the consumer has handled the message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub publish: Vec<String>,
    /// Published when the consumer gives up on the message (its retries run out).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub give_up: Vec<String>,
    /// The business effect for this event type, instead of the consumer's `effect` (a payment
    /// service charges a card on OrderPlaced and refunds it on StockFailed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// The reply sent back to a request's reply-to once the consumer has handled it (as a
    /// responder); an idempotent responder that finds the request done replies all the same.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// Where a service's publish sits against its business effect, with the failure each order
/// has when the service crashes between the two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishMode {
    /// Effect, then publish: a crash between them loses the event downstream (the redelivery
    /// of an idempotent consumer skips both).
    #[default]
    AfterEffect,
    /// Publish, then effect: a crash between them has published an event for work not done.
    BeforeEffect,
    /// A transactional outbox: the effect and the outbox row in one transaction, a relay that
    /// publishes the rows and marks them sent. Never lost; a relay crash between publishing and
    /// marking (`after_publish`) publishes the row again.
    Outbox,
    /// Kafka's consume-transform-produce: reading a topic transactionally, the outputs are
    /// written to the target topic in the same transaction as the effect and the read offset,
    /// so they are neither lost nor written twice.
    Transaction,
}

named_choice!(PublishMode {
    AfterEffect = "after_effect",
    BeforeEffect = "before_effect",
    Outbox = "outbox",
    Transaction = "transaction",
});

impl PublishMode {
    pub fn is_default(&self) -> bool {
        *self == PublishMode::AfterEffect
    }
}

impl PublishRule {
    pub(crate) fn read_all(v: &Value, at: &At) -> Read<Vec<PublishRule>> {
        list(v, at, PublishRule::read)
    }

    fn read(v: &Value, at: &At) -> Read<PublishRule> {
        let wanted = "a rule like {\"on\": \"OrderPlaced\", \"publish\": [\"PaymentCaptured\"], \"give_up\": [\"PaymentFailed\"]}";
        let f = Fields::new(v, at, &["on", "publish", "give_up", "effect", "reply"], wanted)?;
        Ok(PublishRule {
            on: f.opt("on", string)?,
            publish: f.or("publish", event_types, Vec::new())?,
            give_up: f.or("give_up", event_types, Vec::new())?,
            effect: f.opt("effect", string)?,
            reply: f.opt("reply", string)?,
        })
    }
}

/// One event type or a list of them.
fn event_types(v: &Value, at: &At) -> Read<Vec<String>> {
    Ok(string_or_strings(v, at, "an event type or a list of them")?.map_or_else(|list| list, |one| vec![one]))
}
