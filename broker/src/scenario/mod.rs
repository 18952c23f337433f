//! The scenario file, version 1: what a person or a course author writes, and what a shared
//! link will carry. These types mirror the JSON one to one (see `docs/scenario-format.md` and
//! `docs/scenario.schema.json`). Numbers are read as wide signed integers and floats on
//! purpose: a negative prefetch or a rate of 10^12 must reach `validate`, which names the
//! field and says what is allowed, instead of failing inside the JSON reader.
//!
//! ```text
//!   JSON text ──parse──▶ Scenario ──validate──▶ Model ──▶ Simulation
//!                  │                   │
//!                  └── Problem list ◀──┘   ("nodes[2].prefetch: must be at least 1")
//! ```

pub mod duplicate_keys;
pub mod lesson;
pub mod limits;
pub mod link;
pub mod problem;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::scenario::lesson::Lesson;
use crate::scenario::problem::Problem;
pub use limits::MAX_SCENARIO_BYTES;

pub const CURRENT_VERSION: i64 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub version: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The narration the app shows beside the run; it never changes the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub duration_ms: i64,
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub wires: Vec<Wire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
}

pub fn default_seed() -> u64 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Producer(ProducerSpec),
    Exchange(ExchangeSpec),
    Queue(QueueSpec),
    Topic(TopicSpec),
    Consumer(ConsumerSpec),
    DeadLetterQueue(DeadLetterQueueSpec),
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Producer(n) => &n.id,
            Node::Exchange(n) => &n.id,
            Node::Queue(n) => &n.id,
            Node::Topic(n) => &n.id,
            Node::Consumer(n) => &n.id,
            Node::DeadLetterQueue(n) => &n.id,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Producer(_) => "producer",
            Node::Exchange(_) => "exchange",
            Node::Queue(_) => "queue",
            Node::Topic(_) => "topic",
            Node::Consumer(_) => "consumer",
            Node::DeadLetterQueue(_) => "dead-letter queue",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Producer

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
// Topic

/// A partitioned log in Kafka's style. Records stay after they are read; each consumer group
/// keeps its own committed offset per partition. Retention, if set, deletes records by age
/// or by count per partition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub id: String,
    #[serde(default = "one_i64")]
    pub partitions: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_ms: Option<i64>,
    /// Most records kept per partition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_records: Option<i64>,
}

// ---------------------------------------------------------------------------------------
// Consumer

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    pub id: String,
    #[serde(default)]
    pub semantics: Semantics,
    #[serde(default = "Processing::default_fixed")]
    pub processing: Processing,
    #[serde(default = "one_i64")]
    pub concurrency: i64,
    /// This consumer's prefetch (basic.qos), overriding its queue's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefetch: Option<i64>,
    #[serde(default)]
    pub retry: RetrySpec,
    /// The business side effect, e.g. "charge card". Consumers with the same effect share one
    /// effect ledger and one idempotency table, as the instances of one service share a
    /// database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<ConsumerFault>,
    /// When the consumer starts (joins its queue or its group), in ms.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub start_ms: i64,
    /// Where a topic consumer sends a record it gives up on (`retry.then: "dead_letter"`): a
    /// retry or dead-letter topic, or a dead-letter queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter: Option<String>,
    // The rest applies to a consumer that reads a topic.
    /// Consumer group (`group.id`); absent: a group of its own, named after the consumer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `partition.assignment.strategy`; every member of a group must name the same one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<AssignmentStrategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_commit_interval_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_poll_records: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_offset_reset: Option<OffsetReset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_timeout_ms: Option<i64>,
    /// `max.poll.interval.ms`: a member that takes longer than this between polls (a slow
    /// batch) leaves the group and rejoins at its next poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_poll_interval_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval_ms: Option<i64>,
    /// The business effect and the offset commit in one transaction (exactly-once on a log).
    #[serde(default, skip_serializing_if = "is_false")]
    pub transactional: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AssignmentStrategy {
    #[default]
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin", alias = "round-robin")]
    RoundRobin,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
}

impl AssignmentStrategy {
    pub const ALL: [AssignmentStrategy; 3] =
        [AssignmentStrategy::Range, AssignmentStrategy::RoundRobin, AssignmentStrategy::CooperativeSticky];

    /// The name Kafka's assignor reports (`ConsumerPartitionAssignor::name`), which is also
    /// the one the scenario file uses.
    pub fn name(self) -> &'static str {
        match self {
            AssignmentStrategy::Range => "range",
            AssignmentStrategy::RoundRobin => "roundrobin",
            AssignmentStrategy::CooperativeSticky => "cooperative-sticky",
        }
    }
}

impl std::fmt::Display for AssignmentStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// When a topic consumer commits its offsets (under at-least-once; at-most-once always
/// commits before processing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitMode {
    /// `enable.auto.commit`: at each poll, once `auto_commit_interval_ms` has passed since the
    /// last commit, and before giving up partitions in a rebalance.
    #[default]
    Auto,
    /// `commitSync` after every record.
    Record,
    /// `commitSync` after each poll's batch of up to `max_poll_records`.
    Batch,
}

/// `auto.offset.reset`: where a group starts when it has no committed offset, or when its
/// offset points before the log start (records deleted by retention).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    #[default]
    Latest,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Semantics {
    #[serde(rename = "at-most-once")]
    AtMostOnce,
    #[default]
    #[serde(rename = "at-least-once")]
    AtLeastOnce,
    #[serde(rename = "exactly-once")]
    ExactlyOnce,
}

impl Semantics {
    pub fn name(self) -> &'static str {
        match self {
            Semantics::AtMostOnce => "at-most-once",
            Semantics::AtLeastOnce => "at-least-once",
            Semantics::ExactlyOnce => "exactly-once",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Processing {
    Fixed { ms: f64 },
    Uniform { min_ms: f64, max_ms: f64 },
    Exponential { mean_ms: f64 },
}

impl Processing {
    fn default_fixed() -> Processing {
        Processing::Fixed { ms: 50.0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    #[serde(default)]
    pub policy: RetryPolicy,
    #[serde(default = "default_base_ms")]
    pub base_ms: f64,
    #[serde(default = "default_cap_ms")]
    pub cap_ms: f64,
    #[serde(default)]
    pub jitter: Jitter,
    /// Processing attempts per delivery, the first included. Absent: 1 with no retry policy,
    /// 3 otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<i64>,
    #[serde(default)]
    pub then: GiveUp,
}

impl Default for RetrySpec {
    fn default() -> Self {
        RetrySpec {
            policy: RetryPolicy::None,
            base_ms: default_base_ms(),
            cap_ms: default_cap_ms(),
            jitter: Jitter::None,
            max_attempts: None,
            then: GiveUp::Requeue,
        }
    }
}

fn default_base_ms() -> f64 {
    100.0
}
fn default_cap_ms() -> f64 {
    10_000.0
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryPolicy {
    #[default]
    None,
    Immediate,
    Fixed,
    Exponential,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    #[default]
    None,
    Full,
    Equal,
    Decorrelated,
}

/// What the consumer does with a message once its attempts are used up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GiveUp {
    /// basic.nack with requeue: the queue delivers it again (a poison loop, unless the queue
    /// has a delivery limit).
    #[default]
    Requeue,
    /// basic.nack without requeue: the queue dead-letters it (reason `rejected`), or drops it
    /// if it has no dead-letter target.
    DeadLetter,
    /// Ack it and move on: the message is dropped.
    Drop,
    /// Keep retrying forever; the message holds its consumer slot.
    Block,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConsumerFault {
    Crash {
        probability: f64,
        point: CrashPoint,
        #[serde(default = "default_recover_ms")]
        recover_after_ms: i64,
    },
    Slow {
        factor: f64,
    },
    TransientErrors {
        rate: f64,
    },
    Poison(PoisonSpec),
    LoseAcks {
        probability: f64,
    },
    /// The service the consumer calls is down from `at_ms` for `duration_ms`: every attempt
    /// in that window fails (the setting for retry storms).
    DownstreamOutage {
        at_ms: i64,
        duration_ms: i64,
    },
}

pub fn default_recover_ms() -> i64 {
    1_000
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashPoint {
    /// After the delivery arrives, before any work (and after the ack, under at-most-once).
    BeforeProcessing,
    /// After the side effect, before the ack.
    AfterEffect,
    /// After the ack.
    AfterAck,
}

/// Which messages the consumer cannot process, ever. Exactly one field is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoisonSpec {
    /// Every Nth message published in the scenario (by publish order, 1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_nth: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Messages whose schema version is above this one: the consumer cannot read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version_above: Option<i64>,
}

// ---------------------------------------------------------------------------------------
// Dead-letter queue

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadLetterQueueSpec {
    pub id: String,
}

// ---------------------------------------------------------------------------------------
// Wires, actions, view

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wire {
    pub from: String,
    pub to: String,
    /// For a wire from a direct or topic exchange to a queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_key: Option<String>,
    /// Network delay on a publish path (from a producer or an exchange).
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub delay_ms: f64,
    /// Extra delay drawn uniformly from [0, jitter_ms] per message: it reorders messages.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub jitter_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub at_ms: i64,
    #[serde(flatten)]
    pub what: ActionKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionKind {
    /// Crash a consumer now; it recovers after `recover_after_ms` (never, if absent).
    Crash {
        consumer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recover_after_ms: Option<i64>,
    },
    Recover {
        consumer: String,
    },
    /// The queue, exchange or topic refuses publishes and stops delivering for `duration_ms`; its
    /// consumers' channels are closed, so their unacked messages are requeued.
    Outage {
        node: String,
        duration_ms: i64,
    },
    /// Move every message in a dead-letter queue back to the queue it died in (or to `to`).
    Redrive {
        dlq: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Multiply a consumer's processing time by `factor` (1 restores it).
    Slow {
        consumer: String,
        factor: f64,
    },
    /// The consumer leaves its group (or cancels its queue subscription) cleanly.
    Leave {
        consumer: String,
    },
    /// The consumer joins again after a `leave`.
    Join {
        consumer: String,
    },
    /// Replay: move a group's committed offsets (`kafka-consumer-groups --reset-offsets`).
    ResetOffsets {
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        to: ResetTo,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ResetTo {
    Earliest,
    Latest,
    /// The same offset in every partition.
    Offset(i64),
    /// The first record at or after this time, per partition.
    TimeMs(i64),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    #[serde(default)]
    pub positions: BTreeMap<String, [f64; 2]>,
    #[serde(default = "one_f64")]
    pub zoom: f64,
}

fn one_i64() -> i64 {
    1
}
fn one_f64() -> f64 {
    1.0
}
fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}
fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}
fn is_false(v: &bool) -> bool {
    !*v
}

// ---------------------------------------------------------------------------------------
// Reading

impl Scenario {
    /// Reads scenario JSON. Every structural problem names the field's path; the result still
    /// has to pass the validator (`validate`) before it can run.
    pub fn from_json(text: &str) -> Result<Scenario, Vec<Problem>> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(vec![Problem::new(
                "",
                format!(
                    "the scenario is {} bytes; the most Brokerlab reads is {} bytes",
                    text.len(),
                    MAX_SCENARIO_BYTES
                ),
            )]);
        }
        let value: Value =
            serde_json::from_str(text).map_err(|e| vec![Problem::new("", format!("not valid JSON: {e}"))])?;
        if let Some(path) = crate::scenario::duplicate_keys::first_duplicate(text) {
            return Err(vec![Problem::new(path, "is written twice in the same object; keep one")]);
        }
        Scenario::from_value(value)
    }

    /// Reads a scenario from parsed JSON, collecting one problem per bad part rather than
    /// stopping at the first.
    pub fn from_value(value: Value) -> Result<Scenario, Vec<Problem>> {
        let mut problems = Vec::new();
        let Value::Object(mut top) = value else {
            return Err(vec![Problem::new("", "a scenario is a JSON object")]);
        };

        match top.get("version") {
            None => problems.push(Problem::new("version", "missing; this build reads \"version\": 1")),
            Some(v) => match v.as_i64() {
                Some(CURRENT_VERSION) => {}
                Some(n) if n > CURRENT_VERSION => problems.push(Problem::new(
                    "version",
                    format!("this scenario is from a newer Brokerlab (version {n}); this build reads version {CURRENT_VERSION}"),
                )),
                _ => problems.push(Problem::new("version", format!("must be {CURRENT_VERSION}"))),
            },
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let nodes = match top.remove("nodes") {
            Some(Value::Array(items)) => {
                let mut nodes = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match read_node(item, &format!("nodes[{i}]")) {
                        Ok(n) => nodes.push(n),
                        Err(p) => problems.push(p),
                    }
                }
                nodes
            }
            Some(_) => {
                problems.push(Problem::new("nodes", "must be a list of nodes"));
                Vec::new()
            }
            None => {
                problems.push(Problem::new("nodes", "missing; a scenario lists its nodes (an empty list is allowed)"));
                Vec::new()
            }
        };

        let wires = match top.remove("wires") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut wires = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match read_wire(item, &format!("wires[{i}]")) {
                        Ok(w) => wires.push(w),
                        Err(p) => problems.push(p),
                    }
                }
                wires
            }
            Some(_) => {
                problems.push(Problem::new("wires", "must be a list of wires"));
                Vec::new()
            }
        };

        let actions = match top.remove("actions") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut actions = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match read_action(item, &format!("actions[{i}]")) {
                        Ok(a) => actions.push(a),
                        Err(p) => problems.push(p),
                    }
                }
                actions
            }
            Some(_) => {
                problems.push(Problem::new("actions", "must be a list of actions"));
                Vec::new()
            }
        };

        let lesson = match top.remove("lesson") {
            None | Some(Value::Null) => None,
            Some(value) if !value.is_object() => {
                problems
                    .push(Problem::new("lesson", "must be an object: {\"watch\": ..., \"try\": ..., \"fix\": ...}"));
                None
            }
            Some(value) => match read_typed::<Lesson>(value, "lesson") {
                Ok(l) => Some(l),
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
        };

        // What is left is the flat part of the scenario.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Head {
            #[allow(dead_code)]
            version: i64,
            #[serde(default)]
            title: String,
            #[serde(default)]
            description: String,
            #[serde(default = "default_seed")]
            seed: u64,
            duration_ms: Option<i64>,
            #[serde(default)]
            view: Option<View>,
        }
        let head: Option<Head> = match read_typed::<Head>(Value::Object(top), "") {
            Ok(h) => Some(h),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        if let Some(h) = &head {
            if h.duration_ms.is_none() {
                problems.push(Problem::new(
                    "duration_ms",
                    "missing; every scenario says how long it runs, in milliseconds of virtual time",
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let head = head.expect("no problems means the head was read");
        Ok(Scenario {
            version: CURRENT_VERSION,
            title: head.title,
            description: head.description,
            lesson,
            seed: head.seed,
            duration_ms: head.duration_ms.unwrap_or_default(),
            nodes,
            wires,
            actions,
            view: head.view,
        })
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }
}

/// Deserializes `value` as `T`, and on failure names the deepest field that was wrong,
/// prefixed with `base`.
#[cfg(feature = "field-paths")]
fn read_typed<T: serde::de::DeserializeOwned>(value: Value, base: &str) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let inner = e.path().to_string();
        let inner = if inner == "." { String::new() } else { inner };
        let path = join_path(base, &inner);
        Problem::new(path, humanize_serde(&e.inner().to_string()))
    })
}

/// Deserializes `value` as `T`; a failure is reported at `base` (the node, wire or action),
/// with serde's message naming what was wrong.
#[cfg(not(feature = "field-paths"))]
fn read_typed<T: serde::de::DeserializeOwned>(value: Value, base: &str) -> Result<T, Problem> {
    serde_json::from_value::<T>(value).map_err(|e| Problem::new(base, humanize_serde(&e.to_string())))
}

#[cfg(feature = "field-paths")]
fn join_path(base: &str, inner: &str) -> String {
    match (base.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_string(),
        (false, true) => base.to_string(),
        (false, false) if inner.starts_with('[') => format!("{base}{inner}"),
        (false, false) => format!("{base}.{inner}"),
    }
}

/// serde's messages are precise but terse; the common ones read better rephrased.
fn humanize_serde(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    let got = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    let wants_whole = msg.ends_with("expected i64") || msg.ends_with("expected u64") || msg.ends_with("expected u32");
    if wants_whole && (msg.starts_with("invalid type: floating point") || msg.starts_with("invalid value: integer")) {
        let g = got(msg);
        return if g.starts_with('-') {
            format!("must not be negative (got {g})")
        } else if msg.starts_with("invalid type: floating point") {
            // serde_json reads the number: Rust's own float parser would add its tables to the wasm.
            match serde_json::from_str::<f64>(&g) {
                Ok(v) if v.abs() >= 9.2e18 => format!("is too large (got {g})"),
                Ok(v) if v.fract() == 0.0 => {
                    format!("must be a whole number written without a decimal point (got {g})")
                }
                _ => format!("must be a whole number (got {g})"),
            }
        } else {
            format!("is too large (got {g})")
        };
    }
    if msg.starts_with("invalid type: unit variant, expected struct variant")
        || msg.starts_with("invalid type: string") && msg.contains("expected struct variant")
    {
        return "must be an object with one key naming the choice, e.g. {\"poisson\": {\"rate_per_s\": 8}}".to_string();
    }
    if msg.starts_with("invalid type: ") && msg.contains(", expected ") {
        let (what, want) = msg.trim_start_matches("invalid type: ").split_once(", expected ").unwrap_or(("", ""));
        let want = match want {
            "i64" | "u64" | "u32" | "u16" => "a whole number",
            "f64" => "a number",
            other => other,
        };
        return format!("must be {want}, not {what}");
    }
    if let Some(rest) = msg.strip_prefix("invalid value: integer `") {
        if let Some(n) = rest.split('`').next() {
            if n.starts_with('-') {
                return format!("must not be negative (got {n})");
            }
        }
    }
    msg.to_string()
}

const NODE_KINDS: &str = "producer, exchange, queue, topic, consumer, dead_letter_queue";

fn read_node(value: Value, path: &str) -> Result<Node, Problem> {
    let Value::Object(mut map) = value else {
        return Err(Problem::new(path, "a node is a JSON object with an \"id\" and a \"kind\""));
    };
    let kind = match map.remove("kind") {
        Some(Value::String(k)) => k,
        Some(_) => return Err(Problem::new(format!("{path}.kind"), format!("must be one of {NODE_KINDS}"))),
        None => return Err(Problem::new(format!("{path}.kind"), format!("missing; one of {NODE_KINDS}"))),
    };
    let body = Value::Object(map);
    Ok(match kind.as_str() {
        "producer" => Node::Producer(read_typed(body, path)?),
        "exchange" => Node::Exchange(read_typed(body, path)?),
        "queue" => Node::Queue(read_typed(body, path)?),
        "consumer" => Node::Consumer(read_typed(body, path)?),
        "dead_letter_queue" | "dlq" => Node::DeadLetterQueue(read_typed(body, path)?),
        "topic" => Node::Topic(read_typed(body, path)?),
        other => {
            return Err(Problem::new(format!("{path}.kind"), format!("unknown kind {other:?}; one of {NODE_KINDS}")))
        }
    })
}

/// A wire is `["from", "to"]` or `{"from": ..., "to": ..., ...}`.
fn read_wire(value: Value, path: &str) -> Result<Wire, Problem> {
    match value {
        Value::Array(items) => {
            let ends: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if items.len() != 2 || ends.len() != 2 {
                return Err(Problem::new(path, "a short wire is a pair of node ids: [\"from\", \"to\"]"));
            }
            Ok(Wire {
                from: ends[0].to_string(),
                to: ends[1].to_string(),
                binding_key: None,
                delay_ms: 0.0,
                jitter_ms: 0.0,
            })
        }
        Value::Object(_) => read_typed(value, path),
        _ => Err(Problem::new(path, "a wire is [\"from\", \"to\"] or {\"from\": ..., \"to\": ...}")),
    }
}

const ACTION_KINDS: &str = "crash, recover, outage, redrive, slow, leave, join, reset_offsets";

/// An action is `{"at_ms": T, "<kind>": {...}}` with exactly one kind.
fn read_action(value: Value, path: &str) -> Result<Action, Problem> {
    let Value::Object(mut map) = value else {
        return Err(Problem::new(path, "an action is {\"at_ms\": T, \"crash\": {...}}"));
    };
    let at_ms = match map.remove("at_ms") {
        Some(v) => {
            v.as_i64().ok_or_else(|| Problem::new(format!("{path}.at_ms"), "must be a whole number of milliseconds"))?
        }
        None => return Err(Problem::new(format!("{path}.at_ms"), "missing; when the action happens, in ms")),
    };
    if map.len() != 1 {
        return Err(Problem::new(path, format!("needs exactly one of {ACTION_KINDS} beside at_ms")));
    }
    let what: ActionKind = read_typed(Value::Object(map), path).map_err(|p| {
        if p.message.starts_with("unknown variant") && p.path == path {
            Problem::new(p.path, format!("unknown action; one of {ACTION_KINDS}"))
        } else {
            p
        }
    })?;
    Ok(Action { at_ms, what })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        Scenario::from_json(text).unwrap_err().iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn reads_the_sketch_from_the_spec() {
        let s = Scenario::from_json(
            r#"{
              "version": 1, "title": "Poison", "seed": 42, "duration_ms": 20000,
              "nodes": [
                {"id": "orders", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": 8}},
                 "count": 100, "event_type": "OrderPlaced", "keys": "order-1..order-20"},
                {"id": "work", "kind": "queue", "prefetch": 1, "delivery_limit": 3,
                 "queue_type": "quorum", "dead_letter": "dlq"},
                {"id": "billing", "kind": "consumer", "semantics": "at-least-once",
                 "processing": {"exponential": {"mean_ms": 100}}, "effect": "charge card",
                 "faults": [{"poison": {"every_nth": 7}}]},
                {"id": "dlq", "kind": "dead_letter_queue"}
              ],
              "wires": [["orders", "work"], ["work", "billing"]],
              "actions": [{"at_ms": 5000, "crash": {"consumer": "billing", "recover_after_ms": 2000}}],
              "view": {"positions": {"orders": [80, 120]}, "zoom": 1.0}
            }"#,
        )
        .unwrap();
        assert_eq!(s.nodes.len(), 4);
        assert_eq!(s.wires[1].to, "billing");
        assert!(matches!(s.actions[0].what, ActionKind::Crash { .. }));
    }

    #[test]
    fn problems_name_the_field() {
        let p = problems(r#"{"version":1,"duration_ms":10,"nodes":[{"id":"q","kind":"queue","prefetchh":1}]}"#);
        assert!(p[0].starts_with("nodes[0].prefetchh: unknown field `prefetchh`"), "{p:?}");
        let p = problems(
            r#"{"version":1,"duration_ms":10,"nodes":[{"id":"c","kind":"consumer","processing":{"fixed":{"ms":"ten"}}}]}"#,
        );
        assert_eq!(p, ["nodes[0].processing.fixed.ms: must be a number, not string \"ten\""]);
    }

    #[test]
    fn every_bad_part_is_reported() {
        let p = problems(
            r#"{"version":1,"duration_ms":10,"nodes":[{"id":"a","kind":"blob"},{"id":"b"}],"wires":[["a"]],"actions":[{"at_ms":1,"explode":{}}]}"#,
        );
        assert_eq!(p.len(), 4, "{p:?}");
    }

    #[test]
    fn newer_versions_are_named() {
        let p = problems(r#"{"version":7,"duration_ms":10,"nodes":[]}"#);
        assert!(p[0].contains("newer Brokerlab"), "{p:?}");
    }

    #[test]
    fn not_json_is_one_clear_line() {
        let p = problems("{\"version\": 1,");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("not valid JSON"), "{p:?}");
    }

    #[test]
    fn a_scenario_survives_a_round_trip() {
        let text = r#"{"version":1,"duration_ms":1000,"seed":9,
          "nodes":[{"id":"p","kind":"producer","count":3},{"id":"q","kind":"queue"},{"id":"c","kind":"consumer"}],
          "wires":[["p","q"],{"from":"q","to":"c"}],
          "actions":[{"at_ms":10,"crash":{"consumer":"c"}}]}"#;
        let s = Scenario::from_json(text).unwrap();
        let again = Scenario::from_json(&s.to_json_pretty()).unwrap();
        assert_eq!(s, again);
    }
}
