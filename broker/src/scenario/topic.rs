//! The topic's spec (`"kind": "topic"`, see `docs/scenario-format.md`): a partitioned log, its
//! number of partitions, its retention by age or by record count, and how it is replicated
//! over the scenario's brokers (replication factor, `min.insync.replicas`, unclean leader
//! election, `replica.lag.time.max.ms`, and how long a follower takes to fetch).

use serde::Serialize;
use serde_json::Value;

use crate::scenario::is_false;
use crate::scenario::read::{boolean, int, string, At, Fields, Read};

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
}

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
        })
    }
}
