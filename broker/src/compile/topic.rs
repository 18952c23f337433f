//! A topic: its partitions and its retention (by age, by number of records, or both). The
//! consumer groups that read it are added once the consumers are compiled.

use super::Checker;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::limits::MAX_PARTITIONS;
use crate::scenario::*;

impl Checker {
    pub(super) fn compile_topic(&mut self, p: &str, s: &TopicSpec) -> TopicModel {
        let partitions = self.int_range(p, ".partitions", s.partitions, 1, MAX_PARTITIONS, "") as u32;
        let retention = s.retention_ms.map(|v| Duration::from_ms(self.whole_ms(p, ".retention_ms", v, 1)));
        let retention_records =
            s.retention_records.map(|v| self.int_range(p, ".retention_records", v, 1, 10_000_000, " records") as u32);
        TopicModel {
            partitions,
            retention,
            retention_records,
            groups: Vec::new(),
            consumers: Vec::new(),
            replication: None,
        }
    }
}
