//! The topic's spec (`"kind": "topic"`, see `docs/scenario-format.md`): a partitioned log, its
//! number of partitions and its retention by age or by record count.

use serde::{Deserialize, Serialize};

use crate::scenario::one_i64;

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
