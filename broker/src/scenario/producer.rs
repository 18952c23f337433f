//! The producer's spec (`"kind": "producer"`, see `docs/scenario-format.md`): its arrivals,
//! how many messages it sends and when it starts, event types and schema version, keys and how
//! they are chosen, the routing key, publisher confirms with retries (`publish`), the idempotent
//! producer, what chooses a record's partition, the business write with a dual write or an
//! outbox (`write`), and the producer's own faults (lost publishes, lost confirms, crashes).

use serde::{Deserialize, Serialize};

use crate::scenario::{default_recover_ms, is_false, is_zero_i64, one_i64};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub id: String,
    #[serde(default = "Arrivals::default_fixed")]
    pub arrivals: Arrivals,
    /// How many messages to publish; absent means unlimited (until the scenario ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub start_ms: i64,
    #[serde(default = "EventTypes::default_type")]
    pub event_type: EventTypes,
    #[serde(default = "one_i64")]
    pub schema_version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Keys>,
    #[serde(default)]
    pub key_choice: KeyChoice,
    /// Routing key for exchanges; defaults to the event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<PublishSpec>,
    /// Kafka's idempotent producer (`enable.idempotence`): the broker drops a retry whose
    /// producer sequence number it has already written. Topics only; needs `publish`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotent: bool,
    /// What chooses a record's partition on a topic: its key (Kafka's default), nothing
    /// (round-robin), or its event type. The key stays the business id either way.
    #[serde(default, skip_serializing_if = "PartitionBy::is_key")]
    pub partition_by: PartitionBy,
    /// The business write that goes with each event (e.g. "save order"), and how the event
    /// gets out: a dual write, or a transactional outbox with a relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write: Option<WriteSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<ProducerFault>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionBy {
    #[default]
    Key,
    RoundRobin,
    EventType,
}

impl PartitionBy {
    fn is_key(&self) -> bool {
        *self == PartitionBy::Key
    }
}

/// The producer's own database write and how its event is published.
///
/// - Dual write (`"outbox": false`): the write and the publish are two separate steps, in
///   `order`. A producer crash between them loses the event (write, then publish) or publishes
///   an event whose write was rolled back (publish, then write).
/// - Transactional outbox (`"outbox": true`): the write and an outbox row commit together; a
///   relay publishes the outbox every `relay_interval_ms` and marks rows sent. A relay crash
///   between publishing and marking publishes those rows again: duplicates, never a loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteSpec {
    #[serde(default = "default_write_name")]
    pub name: String,
    #[serde(default)]
    pub outbox: bool,
    #[serde(default = "default_relay_interval")]
    pub relay_interval_ms: i64,
    #[serde(default)]
    pub order: WriteOrder,
}

fn default_write_name() -> String {
    "save".into()
}

fn default_relay_interval() -> i64 {
    100
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOrder {
    #[default]
    WriteThenPublish,
    PublishThenWrite,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrivals {
    Fixed { interval_ms: f64 },
    Poisson { rate_per_s: f64 },
    Burst { size: i64, every_ms: f64 },
}

impl Arrivals {
    fn default_fixed() -> Arrivals {
        Arrivals::Fixed { interval_ms: 100.0 }
    }
}

/// One event type for every message, or a cycle of types per key
/// (`["OrderPlaced", "OrderPaid", "OrderShipped"]`: the first message for a key is placed,
/// the second paid, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventTypes {
    One(String),
    Cycle(Vec<String>),
}

impl EventTypes {
    fn default_type() -> EventTypes {
        EventTypes::One("Event".into())
    }

    pub fn as_vec(&self) -> Vec<String> {
        match self {
            EventTypes::One(t) => vec![t.clone()],
            EventTypes::Cycle(v) => v.clone(),
        }
    }
}

/// A key space: `"order-1..order-20"` or an explicit list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Keys {
    Range(String),
    List(Vec<String>),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyChoice {
    /// Keys in turn: order-1, order-2, ..., order-N, order-1, ...
    #[default]
    RoundRobin,
    /// A key drawn uniformly at random for every message.
    Random,
}

/// Publisher confirms with a timeout: a publish that is not confirmed within `timeout_ms` is
/// sent again, up to `retries` times, after `backoff_ms`. If the broker did store the first
/// attempt and only the confirm was lost, the retry is a duplicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishSpec {
    #[serde(default = "default_publish_timeout")]
    pub timeout_ms: i64,
    #[serde(default)]
    pub retries: i64,
    #[serde(default)]
    pub backoff_ms: i64,
}

fn default_publish_timeout() -> i64 {
    1_000
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProducerFault {
    /// The publish never reaches the broker.
    PublishLost { probability: f64 },
    /// The broker stores the message but its confirm never reaches the producer.
    ConfirmLost { probability: f64 },
    /// The producer's process crashes between its business write and its publish (or, with an
    /// outbox, its relay crashes between publishing and marking the rows sent). Needs `write`.
    Crash {
        probability: f64,
        #[serde(default = "default_recover_ms")]
        recover_after_ms: i64,
    },
}
