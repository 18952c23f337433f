//! The topic's spec (`"kind": "topic"`, see `docs/scenario-format.md`): a partitioned log, its
//! number of partitions and its retention by age or by record count.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{int, string, At, Fields, Read};

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
}

impl TopicSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<TopicSpec> {
        let f = Fields::new(v, at, &["id", "partitions", "retention_ms", "retention_records"], "a topic")?;
        Ok(TopicSpec {
            id: f.req("id", string)?,
            partitions: f.or("partitions", int, 1)?,
            retention_ms: f.opt("retention_ms", int)?,
            retention_records: f.opt("retention_records", int)?,
        })
    }
}
