//! What a requester asks (`"requests"` on a consumer, see `docs/scenario-format.md`):
//! request-reply over messaging. For each flow's event of type `on` it handles, the requester
//! sends the command `command` to the responder's queue `to`, with a reply-to address and the
//! flow's correlation id, and waits `timeout_ms` for a reply of type `reply`; on a timeout it
//! sends the same request again while `retries` are left, then gives up. The reply-to is the
//! queue the requester reads, or RabbitMQ's direct reply-to (`amq.rabbitmq.reply-to`), where
//! replies are never acknowledged and are lost when the requester is gone.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{int, string, At, Fields, Read};

/// RabbitMQ's pseudo-queue for direct reply-to.
pub const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestSpec {
    /// The event type that makes it send a request (one request per flow).
    pub on: String,
    /// The request (ChargeCard).
    pub command: String,
    /// The responder's queue, where the request must arrive.
    pub to: String,
    /// The reply's event type (CardCharged).
    pub reply: String,
    /// Where the responder sends the reply: the queue the requester reads (the default), or
    /// [`DIRECT_REPLY_TO`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// How long the requester waits for the reply before it sends the request again.
    pub timeout_ms: i64,
    /// Times the request is sent again after a timeout, before the requester gives up.
    pub retries: i64,
}

impl RequestSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<RequestSpec> {
        let wanted = "a request like {\"on\": \"OrderPlaced\", \"command\": \"ChargeCard\", \"to\": \"payments\", \"reply\": \"CardCharged\"}";
        let names = ["on", "command", "to", "reply", "reply_to", "timeout_ms", "retries"];
        let f = Fields::new(v, at, &names, wanted)?;
        Ok(RequestSpec {
            on: f.req("on", string)?,
            command: f.req("command", string)?,
            to: f.req("to", string)?,
            reply: f.req("reply", string)?,
            reply_to: f.opt("reply_to", string)?,
            timeout_ms: f.or("timeout_ms", int, 1_000)?,
            retries: f.or("retries", int, 0)?,
        })
    }
}
