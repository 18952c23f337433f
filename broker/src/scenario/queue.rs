//! The RabbitMQ side of the format (see `docs/scenario-format.md`): queues and their settings
//! (queue type, prefetch, ack timeout, delivery limit, TTL, max length and overflow, dead-letter
//! target), exchanges and their type (fanout, direct, topic), and dead-letter queues.

use serde::{Deserialize, Serialize};

use crate::scenario::one_i64;

// ---------------------------------------------------------------------------------------
// Queue

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    pub id: String,
    #[serde(default)]
    pub queue_type: QueueType,
    /// Most unacknowledged deliveries per consumer (basic.qos).
    #[serde(default = "one_i64")]
    pub prefetch: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_timeout_ms: Option<i64>,
    /// Unsuccessful deliveries allowed before dead-lettering; `-1` turns the limit off.
    /// Absent: 20 on a quorum queue (RabbitMQ 4.0's default), none on a classic queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<i64>,
    #[serde(default)]
    pub overflow: Overflow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    #[default]
    Classic,
    Quorum,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeSpec {
    pub id: String,
    #[serde(default, rename = "type")]
    pub exchange_type: ExchangeType,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeType {
    #[default]
    Fanout,
    Direct,
    Topic,
}

// ---------------------------------------------------------------------------------------
// Dead-letter queue

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadLetterQueueSpec {
    pub id: String,
}
