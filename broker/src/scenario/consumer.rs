//! The consumer's spec (`"kind": "consumer"`, see `docs/scenario-format.md`): delivery
//! semantics, processing time, concurrency and prefetch, the retry policy (`RetrySpec`,
//! `RetryPolicy`, `Jitter`, `GiveUp`), the business effect, the consumer's faults (crashes
//! at a `CrashPoint`, slowness, transient errors, poison messages, lost acks, downstream
//! outages), and the settings that apply when it reads a topic: group, assignment strategy,
//! commit mode, offset reset, polling, session and transactions.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::producer::PublishSpec;
use crate::scenario::read::{
    boolean, choice, float, int, list, named_choice, settings, string, tagged, At, Fields, Read,
};
use crate::scenario::request::RequestSpec;
use crate::scenario::saga::SagaSpec;
use crate::scenario::service::{PublishMode, PublishRule};
use crate::scenario::{default_recover_ms, is_false, is_zero_i64};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerSpec {
    pub id: String,
    pub semantics: Semantics,
    pub processing: Processing,
    pub concurrency: i64,
    /// This consumer's prefetch (basic.qos), overriding its queue's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefetch: Option<i64>,
    pub retry: RetrySpec,
    /// The business side effect, e.g. "charge card". Consumers with the same effect share one
    /// effect ledger and one idempotency table, as the instances of one service share a
    /// database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<ConsumerFault>,
    /// When the consumer starts (joins its queue or its group), in ms.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub start_ms: i64,
    /// Where a topic consumer sends a record it gives up on (`retry.then: "dead_letter"`): a
    /// retry or dead-letter topic, or a dead-letter queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter: Option<String>,
    // The rest applies to a consumer that reads a topic.
    /// Consumer group (`group.id`); absent: a group of its own, named after the consumer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `partition.assignment.strategy`; every member of a group must name the same one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<AssignmentStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_commit_interval_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_poll_records: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_offset_reset: Option<OffsetReset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_timeout_ms: Option<i64>,
    /// `max.poll.interval.ms`: a member that takes longer than this between polls (a slow
    /// batch) leaves the group and rejoins at its next poll.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_poll_interval_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval_ms: Option<i64>,
    /// The business effect and the offset commit in one transaction (exactly-once on a log).
    #[serde(skip_serializing_if = "is_false")]
    pub transactional: bool,
    /// Kafka's `isolation.level`: read_uncommitted (the default) reads every record up to the
    /// high watermark, aborted ones too; read_committed reads only up to the last stable
    /// offset and skips records of aborted transactions.
    #[serde(skip_serializing_if = "IsolationLevel::is_default")]
    pub isolation_level: IsolationLevel,
    // What it publishes, which makes it a service (`service.rs`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub publishes: Vec<PublishRule>,
    #[serde(skip_serializing_if = "PublishMode::is_default")]
    pub publish_mode: PublishMode,
    /// Publisher confirms for what it publishes, as a producer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish: Option<PublishSpec>,
    /// The saga it runs, which makes it an orchestrator (`saga.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orchestrates: Option<Box<SagaSpec>>,
    /// The request it sends and the reply it waits for, which makes it a requester
    /// (`request.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Box<RequestSpec>>,
    /// A projection (a consumer wired to a read model) that skips an event older than the
    /// row it would write.
    #[serde(skip_serializing_if = "is_false")]
    pub version_check: bool,
    /// The version of its event types' schemas it reads with (its reader schema); absent: it
    /// reads each message with the schema it was written with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<i64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum AssignmentStrategy {
    #[default]
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin")]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    #[default]
    Latest,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
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

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RetrySpec {
    pub policy: RetryPolicy,
    pub base_ms: f64,
    pub cap_ms: f64,
    pub jitter: Jitter,
    /// Processing attempts per delivery, the first included. Absent: 1 with no retry policy,
    /// 3 otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<i64>,
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryPolicy {
    #[default]
    None,
    Immediate,
    Fixed,
    Exponential,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    #[default]
    None,
    Full,
    Equal,
    Decorrelated,
}

/// What the consumer does with a message once its attempts are used up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerFault {
    Crash {
        probability: f64,
        point: CrashPoint,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashPoint {
    /// After the delivery arrives, before any work (and after the ack, under at-most-once).
    BeforeProcessing,
    /// After the side effect, before the ack.
    AfterEffect,
    /// After the ack.
    AfterAck,
    /// A service only: right after it publishes its output (before the effect, with
    /// `publish_mode` "before_effect"; before the ack, otherwise).
    AfterPublish,
}

/// Which messages the consumer cannot process, ever. Exactly one field is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PoisonSpec {
    /// Every Nth message published in the scenario (by publish order, 1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_nth: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Messages whose schema version is above this one: the consumer cannot read them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version_above: Option<i64>,
}

// ---------------------------------------------------------------------------------------
// Reading

impl ConsumerSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<ConsumerSpec> {
        let names = [
            "id",
            "semantics",
            "processing",
            "concurrency",
            "prefetch",
            "retry",
            "effect",
            "faults",
            "start_ms",
            "dead_letter",
            "group",
            "assignment",
            "commit",
            "auto_commit_interval_ms",
            "max_poll_records",
            "auto_offset_reset",
            "session_timeout_ms",
            "max_poll_interval_ms",
            "heartbeat_interval_ms",
            "transactional",
            "isolation_level",
            "publishes",
            "publish_mode",
            "publish",
            "orchestrates",
            "requests",
            "version_check",
            "schema_version",
        ];
        let f = Fields::new(v, at, &names, "a consumer")?;
        Ok(ConsumerSpec {
            id: f.req("id", string)?,
            semantics: f.or("semantics", Semantics::read, Semantics::AtLeastOnce)?,
            processing: f.or("processing", Processing::read, Processing::default_fixed())?,
            concurrency: f.or("concurrency", int, 1)?,
            prefetch: f.opt("prefetch", int)?,
            retry: f.or("retry", RetrySpec::read, RetrySpec::default())?,
            effect: f.opt("effect", string)?,
            faults: f.or("faults", |v, at| list(v, at, ConsumerFault::read), Vec::new())?,
            start_ms: f.or("start_ms", int, 0)?,
            dead_letter: f.opt("dead_letter", string)?,
            group: f.opt("group", string)?,
            assignment: f.opt("assignment", AssignmentStrategy::read)?,
            commit: f.opt("commit", CommitMode::read)?,
            auto_commit_interval_ms: f.opt("auto_commit_interval_ms", int)?,
            max_poll_records: f.opt("max_poll_records", int)?,
            auto_offset_reset: f.opt("auto_offset_reset", OffsetReset::read)?,
            session_timeout_ms: f.opt("session_timeout_ms", int)?,
            max_poll_interval_ms: f.opt("max_poll_interval_ms", int)?,
            heartbeat_interval_ms: f.opt("heartbeat_interval_ms", int)?,
            transactional: f.or("transactional", boolean, false)?,
            isolation_level: f.or("isolation_level", IsolationLevel::read, IsolationLevel::ReadUncommitted)?,
            publishes: f.or("publishes", PublishRule::read_all, Vec::new())?,
            publish_mode: f.or("publish_mode", PublishMode::read, PublishMode::AfterEffect)?,
            publish: f.opt("publish", PublishSpec::read)?,
            orchestrates: f.opt("orchestrates", SagaSpec::read)?.map(Box::new),
            requests: f.opt("requests", RequestSpec::read)?.map(Box::new),
            version_check: f.or("version_check", boolean, false)?,
            schema_version: f.opt("schema_version", int)?,
        })
    }
}

impl AssignmentStrategy {
    pub(crate) fn read(v: &Value, at: &At) -> Read<AssignmentStrategy> {
        // Kafka's name is "roundrobin"; "round-robin" is read too.
        if v.as_str() == Some("round-robin") {
            return Ok(AssignmentStrategy::RoundRobin);
        }
        choice(v, at, &AssignmentStrategy::ALL.map(AssignmentStrategy::name), &AssignmentStrategy::ALL)
    }
}

named_choice!(CommitMode { Auto = "auto", Record = "record", Batch = "batch" });

named_choice!(OffsetReset { Earliest = "earliest", Latest = "latest" });

/// Kafka's consumer `isolation.level`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    #[default]
    ReadUncommitted,
    ReadCommitted,
}

impl IsolationLevel {
    fn is_default(&self) -> bool {
        *self == IsolationLevel::ReadUncommitted
    }
}

named_choice!(IsolationLevel { ReadUncommitted = "read_uncommitted", ReadCommitted = "read_committed" });

impl Semantics {
    const ALL: [Semantics; 3] = [Semantics::AtMostOnce, Semantics::AtLeastOnce, Semantics::ExactlyOnce];

    fn read(v: &Value, at: &At) -> Read<Semantics> {
        choice(v, at, &Semantics::ALL.map(Semantics::name), &Semantics::ALL)
    }
}

impl Processing {
    pub(crate) fn read(v: &Value, at: &At) -> Read<Processing> {
        let (i, name, body) = tagged(v, at, &["fixed", "uniform", "exponential"], "{\"fixed\": {\"ms\": 50}}")?;
        let at = at.key(name);
        Ok(match i {
            0 => Processing::Fixed { ms: settings(body, &at, &["ms"])?.req("ms", float)? },
            1 => {
                let f = settings(body, &at, &["min_ms", "max_ms"])?;
                Processing::Uniform { min_ms: f.req("min_ms", float)?, max_ms: f.req("max_ms", float)? }
            }
            _ => Processing::Exponential { mean_ms: settings(body, &at, &["mean_ms"])?.req("mean_ms", float)? },
        })
    }
}

impl RetrySpec {
    fn read(v: &Value, at: &At) -> Read<RetrySpec> {
        let names = ["policy", "base_ms", "cap_ms", "jitter", "max_attempts", "then"];
        let wanted = "a retry policy like {\"policy\": \"exponential\", \"max_attempts\": 5}";
        let f = Fields::new(v, at, &names, wanted)?;
        Ok(RetrySpec {
            policy: f.or("policy", RetryPolicy::read, RetryPolicy::None)?,
            base_ms: f.or("base_ms", float, default_base_ms())?,
            cap_ms: f.or("cap_ms", float, default_cap_ms())?,
            jitter: f.or("jitter", Jitter::read, Jitter::None)?,
            max_attempts: f.opt("max_attempts", int)?,
            then: f.or("then", GiveUp::read, GiveUp::Requeue)?,
        })
    }
}

named_choice!(RetryPolicy { None = "none", Immediate = "immediate", Fixed = "fixed", Exponential = "exponential" });

named_choice!(Jitter { None = "none", Full = "full", Equal = "equal", Decorrelated = "decorrelated" });

named_choice!(GiveUp { Requeue = "requeue", DeadLetter = "dead_letter", Drop = "drop", Block = "block" });

impl ConsumerFault {
    fn read(v: &Value, at: &At) -> Read<ConsumerFault> {
        let names = ["crash", "slow", "transient_errors", "poison", "lose_acks", "downstream_outage"];
        let (i, name, body) =
            tagged(v, at, &names, "{\"crash\": {\"probability\": 0.1, \"point\": \"after_effect\"}}")?;
        let at = at.key(name);
        Ok(match i {
            0 => {
                let f = settings(body, &at, &["probability", "point", "recover_after_ms"])?;
                ConsumerFault::Crash {
                    probability: f.req("probability", float)?,
                    point: f.req("point", CrashPoint::read)?,
                    recover_after_ms: f.or("recover_after_ms", int, default_recover_ms())?,
                }
            }
            1 => ConsumerFault::Slow { factor: settings(body, &at, &["factor"])?.req("factor", float)? },
            2 => ConsumerFault::TransientErrors { rate: settings(body, &at, &["rate"])?.req("rate", float)? },
            3 => ConsumerFault::Poison(PoisonSpec::read(body, &at)?),
            4 => ConsumerFault::LoseAcks {
                probability: settings(body, &at, &["probability"])?.req("probability", float)?,
            },
            _ => {
                let f = settings(body, &at, &["at_ms", "duration_ms"])?;
                ConsumerFault::DownstreamOutage { at_ms: f.req("at_ms", int)?, duration_ms: f.req("duration_ms", int)? }
            }
        })
    }
}

named_choice!(CrashPoint { BeforeProcessing = "before_processing", AfterEffect = "after_effect", AfterAck = "after_ack", AfterPublish = "after_publish" });

impl PoisonSpec {
    fn read(v: &Value, at: &At) -> Read<PoisonSpec> {
        let wanted = "one of {\"every_nth\": 7}, {\"key\": \"order-13\"} or {\"schema_version_above\": 1}";
        let f = Fields::new(v, at, &["every_nth", "key", "schema_version_above"], wanted)?;
        Ok(PoisonSpec {
            every_nth: f.opt("every_nth", int)?,
            key: f.opt("key", string)?,
            schema_version_above: f.opt("schema_version_above", int)?,
        })
    }
}
