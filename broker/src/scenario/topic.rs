//! The topic's spec (`"kind": "topic"`, see `docs/scenario-format.md`): a partitioned log, its
//! number of partitions, its retention by age or by record count, and how it is replicated
//! over the scenario's brokers (replication factor, `min.insync.replicas`, unclean leader
//! election, `replica.lag.time.max.ms`, and how long a follower takes to fetch), and its
//! cleanup policy: deletion by retention, log compaction (`cleanup.policy`,
//! `delete.retention.ms`, `min.compaction.lag.ms`, `segment.ms` and the cleaner's backoff), or
//! both.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::is_false;
use crate::scenario::read::{boolean, int, named_choice, string, At, Fields, Read};

/// A partitioned log in Kafka's style. Records stay after they are read; each consumer group
/// keeps its own committed offset per partition. Retention, if set, deletes records by age
/// or by count per partition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicSpec {
    pub id: String,
    pub partitions: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_ms: Option<i64>,
    /// Most records kept per partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_records: Option<i64>,
    /// Copies of each partition, on distinct brokers (Kafka's replication factor).
    #[serde(skip_serializing_if = "is_one")]
    pub replication_factor: i64,
    /// Kafka's `min.insync.replicas`: an `acks=all` write is refused while fewer replicas
    /// are in sync.
    #[serde(skip_serializing_if = "is_one")]
    pub min_insync_replicas: i64,
    /// Kafka's `unclean.leader.election.enable`: a replica outside the ISR may become leader.
    #[serde(skip_serializing_if = "is_false")]
    pub unclean_leader_election: bool,
    /// Kafka's `replica.lag.time.max.ms`: a follower that has not caught up for this long
    /// leaves the ISR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_lag_time_max_ms: Option<i64>,
    /// How long a follower takes to fetch what its leader appended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_fetch_ms: Option<i64>,
    /// Kafka's `cleanup.policy`: delete old records by retention, compact (keep the latest
    /// record per key), or both.
    #[serde(skip_serializing_if = "CleanupPolicy::is_delete")]
    pub cleanup_policy: CleanupPolicy,
    /// Kafka's `delete.retention.ms`: how long a tombstone stays after the cleaner first
    /// reaches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_retention_ms: Option<i64>,
    /// Kafka's `min.compaction.lag.ms`: a record younger than this is not compacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_compaction_lag_ms: Option<i64>,
    /// Kafka's `segment.ms`: how long a segment stays the active one, which is never compacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_ms: Option<i64>,
    /// Kafka's broker setting `log.cleaner.backoff.ms`: how often the cleaner looks at the
    /// topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleaner_backoff_ms: Option<i64>,
}

/// Kafka's topic setting `cleanup.policy`
/// (<https://kafka.apache.org/37/generated/topic_config.html>): `"delete"` (the
/// default) deletes old segments by retention; `"compact"` keeps the latest record per key
/// instead (log compaction); `"compact,delete"` does both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum CleanupPolicy {
    #[default]
    #[serde(rename = "delete")]
    Delete,
    #[serde(rename = "compact")]
    Compact,
    #[serde(rename = "compact,delete")]
    CompactDelete,
}

impl CleanupPolicy {
    fn is_delete(&self) -> bool {
        *self == CleanupPolicy::Delete
    }

    /// Whether the log cleaner compacts the topic.
    pub fn compacts(self) -> bool {
        self != CleanupPolicy::Delete
    }

    /// Whether retention deletes old records.
    pub fn deletes(self) -> bool {
        self != CleanupPolicy::Compact
    }

    /// The value as Kafka writes it.
    pub fn name(self) -> &'static str {
        match self {
            CleanupPolicy::Delete => "delete",
            CleanupPolicy::Compact => "compact",
            CleanupPolicy::CompactDelete => "compact,delete",
        }
    }
}

named_choice!(CleanupPolicy { Delete = "delete", Compact = "compact", CompactDelete = "compact,delete" });

fn is_one(v: &i64) -> bool {
    *v == 1
}

impl TopicSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<TopicSpec> {
        let names = [
            "id",
            "partitions",
            "retention_ms",
            "retention_records",
            "replication_factor",
            "min_insync_replicas",
            "unclean_leader_election",
            "replica_lag_time_max_ms",
            "replica_fetch_ms",
            "cleanup_policy",
            "delete_retention_ms",
            "min_compaction_lag_ms",
            "segment_ms",
            "cleaner_backoff_ms",
        ];
        let f = Fields::new(v, at, &names, "a topic")?;
        Ok(TopicSpec {
            id: f.req("id", string)?,
            partitions: f.or("partitions", int, 1)?,
            retention_ms: f.opt("retention_ms", int)?,
            retention_records: f.opt("retention_records", int)?,
            replication_factor: f.or("replication_factor", int, 1)?,
            min_insync_replicas: f.or("min_insync_replicas", int, 1)?,
            unclean_leader_election: f.or("unclean_leader_election", boolean, false)?,
            replica_lag_time_max_ms: f.opt("replica_lag_time_max_ms", int)?,
            replica_fetch_ms: f.opt("replica_fetch_ms", int)?,
            cleanup_policy: f.or("cleanup_policy", CleanupPolicy::read, CleanupPolicy::Delete)?,
            delete_retention_ms: f.opt("delete_retention_ms", int)?,
            min_compaction_lag_ms: f.opt("min_compaction_lag_ms", int)?,
            segment_ms: f.opt("segment_ms", int)?,
            cleaner_backoff_ms: f.opt("cleaner_backoff_ms", int)?,
        })
    }
}
