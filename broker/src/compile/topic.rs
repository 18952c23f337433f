//! A topic: its partitions, its retention (by age, by number of records, or both) and its
//! cleanup policy, with the log cleaner's settings when it is compacted. The consumer groups
//! that read it are added once the consumers are compiled.

use super::{sub_path, Checker};
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::limits::MAX_PARTITIONS;
use crate::scenario::*;

/// Kafka's default `delete.retention.ms`: one day.
pub const DEFAULT_DELETE_RETENTION_MS: i64 = 86_400_000;
/// Kafka's default `segment.ms`: seven days, longer than any run, so a topic that does not
/// set it is never compacted within a run (its one segment stays the active one).
pub const DEFAULT_SEGMENT_MS: u64 = 604_800_000;
/// Kafka's default `log.cleaner.backoff.ms`.
pub const DEFAULT_CLEANER_BACKOFF_MS: i64 = 15_000;

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
            compaction: self.compaction(p, s),
        }
    }

    /// The log cleaner's settings of a compacted topic; a cleaner setting on a topic that is
    /// not compacted, or a retention on one that only compacts, is refused with the reason.
    fn compaction(&mut self, p: &str, s: &TopicSpec) -> Option<CompactionModel> {
        let settings = [
            (".delete_retention_ms", s.delete_retention_ms),
            (".min_compaction_lag_ms", s.min_compaction_lag_ms),
            (".segment_ms", s.segment_ms),
            (".cleaner_backoff_ms", s.cleaner_backoff_ms),
        ];
        if !s.cleanup_policy.compacts() {
            for (rest, v) in settings {
                if v.is_some() {
                    self.err(
                        sub_path(p, rest),
                        "is a setting of log compaction, and this topic is not compacted: set \"cleanup_policy\" to \"compact\" (or \"compact,delete\")",
                    );
                }
            }
            return None;
        }
        if !s.cleanup_policy.deletes() {
            for (rest, v) in
                [(".retention_ms", s.retention_ms.is_some()), (".retention_records", s.retention_records.is_some())]
            {
                if v {
                    self.err(
                        sub_path(p, rest),
                        "does nothing on a topic whose cleanup_policy is \"compact\", which deletes no record by age or count: make it \"compact,delete\" to have both",
                    );
                }
            }
        }
        let delete_retention =
            self.whole_ms(p, ".delete_retention_ms", s.delete_retention_ms.unwrap_or(DEFAULT_DELETE_RETENTION_MS), 0);
        let min_lag = self.whole_ms(p, ".min_compaction_lag_ms", s.min_compaction_lag_ms.unwrap_or(0), 0);
        let segment = s.segment_ms.map_or(DEFAULT_SEGMENT_MS, |v| self.whole_ms(p, ".segment_ms", v, 1));
        let backoff = self.ms_setting(p, ".cleaner_backoff_ms", s.cleaner_backoff_ms, DEFAULT_CLEANER_BACKOFF_MS);
        Some(CompactionModel {
            delete_retention: Duration::from_ms(delete_retention),
            min_lag: Duration::from_ms(min_lag),
            segment: Duration::from_ms(segment),
            backoff: Duration::from_ms(backoff),
        })
    }
}
