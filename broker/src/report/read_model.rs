//! A read model in the outcome: its table held to the write side at the end, its
//! projections' writes and its readers' reads counted, how long events took to show in the
//! table, and the sentences the verdict says about it ("12% of reads within 200 ms of the
//! write did not find it").

use serde::Serialize;

use crate::model::ids::NodeId;
use crate::read_model::{ReadModelState, RowView, TableCounts, AGE_EDGES_MS};
use crate::report::outcome::{latency, Latency};
use crate::report::verdict::{plural, thousands};
use crate::sim::Simulation;

/// How many rows behind the write side the outcome names.
const BEHIND_EXAMPLES: usize = 3;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReadModelReport {
    /// Rows in the table at the end, and those behind the write side.
    pub rows: u32,
    pub rows_behind: u32,
    #[serde(flatten)]
    pub counts: TableCounts,
    /// From an event's write to the moment the table first showed it.
    pub visible_after_ms: Latency,
    /// For the reads that did not find the latest version: how long the row had been behind.
    pub behind_at_read_ms: Latency,
    /// Reads by the time from the write to the read, and those that missed the write.
    pub by_age: Vec<AgeBucket>,
    /// The first rows behind the write side at the end, by key.
    pub behind: Vec<RowView>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct AgeBucket {
    /// Reads at least the previous bucket's `under_ms` and less than this after the write
    /// (none: the reads beyond the last edge).
    pub under_ms: Option<u64>,
    pub reads: u32,
    pub missed: u32,
}

impl ReadModelReport {
    pub(crate) fn of(sim: &Simulation, s: &ReadModelState) -> ReadModelReport {
        let behind = (0..s.rows.len() as u32)
            .filter(|&k| s.rows[k as usize].behind())
            .take(BEHIND_EXAMPLES)
            .map(|k| sim.row_view(s, k))
            .collect();
        let by_age = s
            .by_age
            .iter()
            .enumerate()
            .map(|(i, &(reads, missed))| AgeBucket { under_ms: AGE_EDGES_MS.get(i).copied(), reads, missed })
            .collect();
        ReadModelReport {
            rows: s.in_table,
            rows_behind: s.behind,
            counts: s.counts,
            visible_after_ms: latency(s.visible_after.iter().copied().collect()),
            behind_at_read_ms: latency(s.behind_at_read.iter().copied().collect()),
            by_age,
            behind,
        }
    }

    /// The reads up to the bucket that holds the median read: its edge, the reads and the
    /// misses among them. None without reads, or when half the reads come after the last edge.
    pub fn early_reads(&self) -> Option<(u64, u32, u32)> {
        let total: u32 = self.by_age.iter().map(|b| b.reads).sum();
        let (mut reads, mut missed) = (0, 0);
        for b in &self.by_age {
            reads += b.reads;
            missed += b.missed;
            if total > 0 && reads * 2 >= total {
                return b.under_ms.map(|edge| (edge, reads, missed));
            }
        }
        None
    }

    /// The verdict's sentences about this read model; `ended`: the run is over (else the
    /// table is held to the truth of this moment).
    pub fn lines(&self, name: &str, ended: bool) -> Vec<String> {
        let when = if ended { "at the end" } else { "now" };
        let c = &self.counts;
        let mut lines = Vec::new();
        if c.reads > 0 {
            let mut line = if c.missed_own_write == 0 {
                format!(
                    "{name}: every one of {} found the write it followed",
                    plural(u64::from(c.reads), "read", "reads")
                )
            } else {
                let early = self.early_reads().map_or(String::new(), |(edge, reads, missed)| {
                    format!(
                        "{} of reads within {edge} ms of the write did not find it ({missed} of {reads}); ",
                        percent(missed, reads)
                    )
                });
                format!(
                    "{name}: {early}{} of {} in all did not find the write they followed ({} not there, {} showing an older state; the row behind by {} ms at the median)",
                    thousands(u64::from(c.missed_own_write)),
                    plural(u64::from(c.reads), "read", "reads"),
                    thousands(u64::from(c.missing)),
                    thousands(u64::from(c.stale)),
                    libm::round(self.behind_at_read_ms.p50) as u64,
                )
            };
            if c.routed > 0 {
                line += &format!(
                    "; {} went to the write side, which had it (read-your-writes)",
                    thousands(u64::from(c.routed))
                );
            }
            lines.push(line + ".");
        }
        let v = &self.visible_after_ms;
        if v.samples > 0 {
            lines.push(format!(
                "{name}: an event showed in the table {} ms after its write (median), {} ms at the 99th percentile.",
                libm::round(v.p50) as u64,
                libm::round(v.p99) as u64
            ));
        }
        if c.overwrote_newer > 0 {
            lines.push(format!(
                "{name}: {} written over a newer version (no version check): those rows went back in time.",
                plural(u64::from(c.overwrote_newer), "event was", "events were")
            ));
        }
        if c.skipped_stale > 0 {
            lines.push(format!(
                "{name}: the version check skipped {} that came after a newer one.",
                plural(u64::from(c.skipped_stale), "event", "events")
            ));
        }
        let rebuilt = match c.rebuilds {
            0 => String::new(),
            1 => " (rebuilt once)".to_string(),
            n => format!(" (rebuilt {n} times)"),
        };
        if self.rows > 0 && self.rows_behind == 0 {
            lines.push(format!(
                "{name}: all {} match the write side {when}{rebuilt}.",
                plural(u64::from(self.rows), "row", "rows")
            ));
        }
        if let Some(first) = self.behind.first() {
            let shows = match &first.shows {
                Some(v) => format!("shows {} (version {})", v.event_type, v.version),
                None => "is not in the table".to_string(),
            };
            lines.push(format!(
                "{name}: {} behind the write side {when}{rebuilt}; {} {shows} where the write side has {} (version {}).",
                plural(u64::from(self.rows_behind), "row is", "rows are"),
                first.key,
                first.truth.event_type,
                first.truth.version
            ));
        }
        lines
    }
}

/// `part` of `whole` as a whole percentage, "under 1%" rather than "0%" for a few.
fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = libm::round(f64::from(part) * 100.0 / f64::from(whole)) as u64;
    if p == 0 && part > 0 {
        "under 1%".into()
    } else {
        format!("{p}%")
    }
}

impl Simulation {
    /// Each read model's report, by its id, in node order.
    pub(crate) fn read_model_reports(&self) -> Vec<(String, ReadModelReport)> {
        self.read_models()
            .map(|(id, s): (NodeId, &ReadModelState)| (self.model.name(id).to_string(), ReadModelReport::of(self, s)))
            .collect()
    }
}
