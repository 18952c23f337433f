//! The RabbitMQ side of the format (see `docs/scenario-format.md`): queues and their settings
//! (queue type, prefetch, ack timeout, delivery limit, TTL, max length and overflow, dead-letter
//! target), exchanges and their type (fanout, direct, topic), and dead-letter queues.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{int, named_choice, string, At, Fields, Read};

// ---------------------------------------------------------------------------------------
// Queue

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueSpec {
    pub id: String,
    pub queue_type: QueueType,
    /// Most unacknowledged deliveries per consumer (basic.qos).
    pub prefetch: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_timeout_ms: Option<i64>,
    /// Unsuccessful deliveries allowed before dead-lettering; `-1` turns the limit off.
    /// Absent: 20 on a quorum queue (RabbitMQ 4.0's default), none on a classic queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<i64>,
    pub overflow: Overflow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter: Option<String>,
    /// A classic queue declared durable, its messages published persistent: they are on disk
    /// and come back with their broker. (A quorum queue is always durable, and replicated.)
    #[serde(skip_serializing_if = "crate::scenario::is_false")]
    pub durable: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    #[default]
    Classic,
    Quorum,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Overflow {
    #[default]
    #[serde(rename = "drop-head")]
    DropHead,
    #[serde(rename = "reject-publish")]
    RejectPublish,
    #[serde(rename = "reject-publish-dlx")]
    RejectPublishDlx,
}

// ---------------------------------------------------------------------------------------
// Exchange

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExchangeSpec {
    pub id: String,
    #[serde(rename = "type")]
    pub exchange_type: ExchangeType,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeType {
    #[default]
    Fanout,
    Direct,
    Topic,
}

// ---------------------------------------------------------------------------------------
// Dead-letter queue

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeadLetterQueueSpec {
    pub id: String,
}

// ---------------------------------------------------------------------------------------
// Reading

impl QueueSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<QueueSpec> {
        let names = [
            "id",
            "queue_type",
            "prefetch",
            "ack_timeout_ms",
            "delivery_limit",
            "ttl_ms",
            "max_length",
            "overflow",
            "dead_letter",
            "durable",
        ];
        let f = Fields::new(v, at, &names, "a queue")?;
        Ok(QueueSpec {
            id: f.req("id", string)?,
            queue_type: f.or("queue_type", QueueType::read, QueueType::Classic)?,
            prefetch: f.or("prefetch", int, 1)?,
            ack_timeout_ms: f.opt("ack_timeout_ms", int)?,
            delivery_limit: f.opt("delivery_limit", int)?,
            ttl_ms: f.opt("ttl_ms", int)?,
            max_length: f.opt("max_length", int)?,
            overflow: f.or("overflow", Overflow::read, Overflow::DropHead)?,
            dead_letter: f.opt("dead_letter", string)?,
            durable: f.or("durable", crate::scenario::read::boolean, false)?,
        })
    }
}

named_choice!(QueueType { Classic = "classic", Quorum = "quorum" });

named_choice!(Overflow { DropHead = "drop-head", RejectPublish = "reject-publish", RejectPublishDlx = "reject-publish-dlx" });

impl ExchangeSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<ExchangeSpec> {
        let f = Fields::new(v, at, &["id", "type"], "an exchange")?;
        Ok(ExchangeSpec {
            id: f.req("id", string)?,
            exchange_type: f.or("type", ExchangeType::read, ExchangeType::Fanout)?,
        })
    }
}

named_choice!(ExchangeType { Fanout = "fanout", Direct = "direct", Topic = "topic" });

impl DeadLetterQueueSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<DeadLetterQueueSpec> {
        let f = Fields::new(v, at, &["id"], "a dead-letter queue")?;
        Ok(DeadLetterQueueSpec { id: f.req("id", string)? })
    }
}
