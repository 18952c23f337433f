//! The consumer's spec (`"kind": "consumer"`, see `docs/scenario-format.md`): delivery
//! semantics, processing time, concurrency and prefetch, the retry policy (`RetrySpec`,
//! `RetryPolicy`, `Jitter`, `GiveUp`), the business effect, the consumer's faults (crashes
//! at a `CrashPoint`, slowness, transient errors, poison messages, lost acks, downstream
//! outages), and the settings that apply when it reads a topic: group, assignment strategy,
//! commit mode, offset reset, polling, session and transactions.

use serde::{Deserialize, Serialize};

use crate::scenario::{default_recover_ms, is_false, is_zero_i64, one_i64};

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
