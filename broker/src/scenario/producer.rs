//! The producer's spec (`"kind": "producer"`, see `docs/scenario-format.md`): its arrivals,
//! how many messages it sends and when it starts, event types and schema version, keys and how
//! they are chosen, the routing key, publisher confirms with retries (`publish`), the idempotent
//! producer, what chooses a record's partition, the business write with a dual write or an
//! outbox (`write`), the producer's own faults (lost publishes, lost confirms, crashes), and
//! the deletes it sends to a compacted topic (`tombstones`).

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{
    boolean, float, int, list, named_choice, settings, string, string_or_strings, tagged, At, Fields, Read,
};
use crate::scenario::{default_recover_ms, is_false, is_zero_i64};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerSpec {
    pub id: String,
    pub arrivals: Arrivals,
    /// How many messages to publish; absent means unlimited (until the scenario ends).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub start_ms: i64,
    pub event_type: EventTypes,
    pub schema_version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<Keys>,
    pub key_choice: KeyChoice,
    /// Routing key for exchanges; defaults to the event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish: Option<PublishSpec>,
    /// Kafka's idempotent producer (`enable.idempotence`): the broker drops a retry whose
    /// producer sequence number it has already written. Topics only; needs `publish`.
    #[serde(skip_serializing_if = "is_false")]
    pub idempotent: bool,
    /// Kafka's producer `acks`: when a topic's leader answers a write. Topics only.
    #[serde(skip_serializing_if = "Acks::is_all")]
    pub acks: Acks,
    /// What chooses a record's partition on a topic: its key (Kafka's default), nothing
    /// (round-robin), or its event type. The key stays the business id either way.
    #[serde(skip_serializing_if = "PartitionBy::is_key")]
    pub partition_by: PartitionBy,
    /// The business write that goes with each event (e.g. "save order"), and how the event
    /// gets out: a dual write, or a transactional outbox with a relay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<WriteSpec>,
    /// Kafka's transactional producer (`transactional.id`): its records go out in
    /// transactions of `records` each, committed or aborted as one. Topics only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionSpec>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<ProducerFault>,
    /// Deletes on a compacted topic: for each, the producer's first message for `key` at or
    /// after `at_ms` is a tombstone (the key with no value).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tombstones: Vec<TombstoneSpec>,
}

/// A delete of one key on a compacted topic: the producer's first message for `key` published
/// at or after `at_ms` is a tombstone, a record with the key and no value, which deletes the
/// key from the topic's table once compaction has run (see "Compacted topics" in
/// `docs/scenario-format.md`). Its later messages for the key are values again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TombstoneSpec {
    pub key: String,
    pub at_ms: i64,
}

impl TombstoneSpec {
    fn read(v: &Value, at: &At) -> Read<TombstoneSpec> {
        let wanted = "a delete like {\"key\": \"price-3\", \"at_ms\": 2000}";
        let f = Fields::new(v, at, &["key", "at_ms"], wanted)?;
        Ok(TombstoneSpec { key: f.req("key", string)?, at_ms: f.or("at_ms", int, 0)? })
    }
}

/// How a transactional producer groups its records (see "Kafka transactions" in
/// `docs/scenario-format.md`): `records` per transaction (the last may be shorter), Kafka's
/// `transaction.timeout.ms`, after which the coordinator aborts a transaction still open, and
/// `abort_every`: every n-th transaction is aborted by the producer instead of committed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TransactionSpec {
    pub records: i64,
    pub timeout_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_every: Option<i64>,
}

impl TransactionSpec {
    fn read(v: &Value, at: &At) -> Read<TransactionSpec> {
        let wanted = "transactions like {\"records\": 5, \"abort_every\": 3}";
        let f = Fields::new(v, at, &["records", "timeout_ms", "abort_every"], wanted)?;
        Ok(TransactionSpec {
            records: f.or("records", int, 5)?,
            timeout_ms: f.or("timeout_ms", int, 60_000)?,
            abort_every: f.opt("abort_every", int)?,
        })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WriteSpec {
    pub name: String,
    pub outbox: bool,
    pub relay_interval_ms: i64,
    pub order: WriteOrder,
}

fn default_write_name() -> String {
    "save".into()
}

fn default_relay_interval() -> i64 {
    100
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOrder {
    #[default]
    WriteThenPublish,
    PublishThenWrite,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Keys {
    Range(String),
    List(Vec<String>),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PublishSpec {
    pub timeout_ms: i64,
    pub retries: i64,
    pub backoff_ms: i64,
}

fn default_publish_timeout() -> i64 {
    1_000
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerFault {
    /// The publish never reaches the broker.
    PublishLost { probability: f64 },
    /// The broker stores the message but its confirm never reaches the producer.
    ConfirmLost { probability: f64 },
    /// The producer's process crashes between its business write and its publish (or, with an
    /// outbox, its relay crashes between publishing and marking the rows sent). Needs `write`.
    Crash { probability: f64, recover_after_ms: i64 },
}

// ---------------------------------------------------------------------------------------
// Reading

impl ProducerSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<ProducerSpec> {
        let names = [
            "id",
            "arrivals",
            "count",
            "start_ms",
            "event_type",
            "schema_version",
            "keys",
            "key_choice",
            "routing_key",
            "publish",
            "idempotent",
            "acks",
            "partition_by",
            "write",
            "transactions",
            "faults",
            "tombstones",
        ];
        let f = Fields::new(v, at, &names, "a producer")?;
        Ok(ProducerSpec {
            id: f.req("id", string)?,
            arrivals: f.or("arrivals", Arrivals::read, Arrivals::default_fixed())?,
            count: f.opt("count", int)?,
            start_ms: f.or("start_ms", int, 0)?,
            event_type: f.or("event_type", EventTypes::read, EventTypes::default_type())?,
            schema_version: f.or("schema_version", int, 1)?,
            keys: f.opt("keys", Keys::read)?,
            key_choice: f.or("key_choice", KeyChoice::read, KeyChoice::RoundRobin)?,
            routing_key: f.opt("routing_key", string)?,
            publish: f.opt("publish", PublishSpec::read)?,
            idempotent: f.or("idempotent", boolean, false)?,
            acks: f.or("acks", Acks::read, Acks::All)?,
            partition_by: f.or("partition_by", PartitionBy::read, PartitionBy::Key)?,
            write: f.opt("write", WriteSpec::read)?,
            transactions: f.opt("transactions", TransactionSpec::read)?,
            faults: f.or("faults", |v, at| list(v, at, ProducerFault::read), Vec::new())?,
            tombstones: f.or("tombstones", |v, at| list(v, at, TombstoneSpec::read), Vec::new())?,
        })
    }
}

/// Kafka's producer setting `acks` (see the producer configs in Kafka's documentation):
/// `"0"`, the producer does not wait for an answer and cannot retry; `"1"`, the leader answers
/// once it has appended the record; `"all"` (Kafka's default since 3.0), the leader answers once
/// every in-sync replica has it, and refuses the write while fewer than the topic's
/// `min_insync_replicas` are in sync. Written as a string as Kafka's config is (`"all"`,
/// `"1"`, `"0"`, or `"-1"` for all); the numbers 0, 1 and -1 are taken too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Acks {
    #[serde(rename = "0")]
    None,
    #[serde(rename = "1")]
    Leader,
    #[default]
    #[serde(rename = "all")]
    All,
}

impl Acks {
    fn is_all(&self) -> bool {
        *self == Acks::All
    }

    /// The value as Kafka writes it.
    pub fn name(self) -> &'static str {
        match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        }
    }

    fn read(v: &Value, at: &At) -> Read<Acks> {
        match v {
            Value::String(s) if s == "0" => Ok(Acks::None),
            Value::String(s) if s == "1" => Ok(Acks::Leader),
            Value::String(s) if s == "all" || s == "-1" => Ok(Acks::All),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(Acks::None),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(Acks::Leader),
            Value::Number(n) if n.as_i64() == Some(-1) => Ok(Acks::All),
            other => Err(at.wrong("\"0\", \"1\" or \"all\"", other)),
        }
    }
}

named_choice!(PartitionBy { Key = "key", RoundRobin = "round_robin", EventType = "event_type" });

impl WriteSpec {
    fn read(v: &Value, at: &At) -> Read<WriteSpec> {
        let wanted = "a business write like {\"name\": \"save order\", \"outbox\": true}";
        let f = Fields::new(v, at, &["name", "outbox", "relay_interval_ms", "order"], wanted)?;
        Ok(WriteSpec {
            name: f.or("name", string, default_write_name())?,
            outbox: f.or("outbox", boolean, false)?,
            relay_interval_ms: f.or("relay_interval_ms", int, default_relay_interval())?,
            order: f.or("order", WriteOrder::read, WriteOrder::WriteThenPublish)?,
        })
    }
}

named_choice!(WriteOrder { WriteThenPublish = "write_then_publish", PublishThenWrite = "publish_then_write" });

impl Arrivals {
    fn read(v: &Value, at: &At) -> Read<Arrivals> {
        let (i, name, body) = tagged(v, at, &["fixed", "poisson", "burst"], "{\"poisson\": {\"rate_per_s\": 8}}")?;
        let at = at.key(name);
        Ok(match i {
            0 => Arrivals::Fixed { interval_ms: settings(body, &at, &["interval_ms"])?.req("interval_ms", float)? },
            1 => Arrivals::Poisson { rate_per_s: settings(body, &at, &["rate_per_s"])?.req("rate_per_s", float)? },
            _ => {
                let f = settings(body, &at, &["size", "every_ms"])?;
                Arrivals::Burst { size: f.req("size", int)?, every_ms: f.req("every_ms", float)? }
            }
        })
    }
}

impl EventTypes {
    fn read(v: &Value, at: &At) -> Read<EventTypes> {
        let wanted = "an event type or a list of them, e.g. \"OrderPlaced\" or [\"OrderPlaced\", \"OrderPaid\"]";
        Ok(string_or_strings(v, at, wanted)?.map_or_else(EventTypes::Cycle, EventTypes::One))
    }
}

impl Keys {
    fn read(v: &Value, at: &At) -> Read<Keys> {
        let wanted = "a key range like \"order-1..order-20\" or a list of keys";
        Ok(string_or_strings(v, at, wanted)?.map_or_else(Keys::List, Keys::Range))
    }
}

named_choice!(KeyChoice { RoundRobin = "round_robin", Random = "random" });

impl PublishSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<PublishSpec> {
        let wanted = "publisher confirms like {\"timeout_ms\": 1000, \"retries\": 3}";
        let f = Fields::new(v, at, &["timeout_ms", "retries", "backoff_ms"], wanted)?;
        Ok(PublishSpec {
            timeout_ms: f.or("timeout_ms", int, default_publish_timeout())?,
            retries: f.or("retries", int, 0)?,
            backoff_ms: f.or("backoff_ms", int, 0)?,
        })
    }
}

impl ProducerFault {
    fn read(v: &Value, at: &At) -> Read<ProducerFault> {
        let names = ["publish_lost", "confirm_lost", "crash"];
        let (i, name, body) = tagged(v, at, &names, "{\"publish_lost\": {\"probability\": 0.05}}")?;
        let at = at.key(name);
        Ok(match i {
            0 => ProducerFault::PublishLost {
                probability: settings(body, &at, &["probability"])?.req("probability", float)?,
            },
            1 => ProducerFault::ConfirmLost {
                probability: settings(body, &at, &["probability"])?.req("probability", float)?,
            },
            _ => {
                let f = settings(body, &at, &["probability", "recover_after_ms"])?;
                ProducerFault::Crash {
                    probability: f.req("probability", float)?,
                    recover_after_ms: f.or("recover_after_ms", int, default_recover_ms())?,
                }
            }
        })
    }
}
