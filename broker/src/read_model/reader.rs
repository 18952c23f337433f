//! Readers: after a share of its writes, the writer looks for its key in the read model a
//! little later, as a customer who has just placed an order opens "my orders". Each read is
//! held to the write side's truth at that moment: **fresh** (the latest version), **stale** (an
//! older one) or **missing** (the key is not in the table yet); a stale or missing read that
//! does not show the reader's own write is a read-your-writes failure. With read-your-writes
//! routing the reader carries the version it wrote, and a read that finds the table behind it
//! goes to the write side instead (**routed**), which always has it.

use crate::model::ids::{MsgId, NodeId};
use crate::model::time::Duration;
use crate::model::{NodeKind, ProcessingModel, ReadersModel};
use crate::sim::trace::{Event, ReadResult};
use crate::sim::{Due, Simulation};

/// The edges of the read-age buckets (time from the write to the read), in ms.
pub const AGE_EDGES_MS: [u64; 8] = [50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000];

impl Simulation {
    fn readers(&self, rm: NodeId) -> Option<&ReadersModel> {
        match &self.model.nodes[rm.index()].kind {
            NodeKind::ReadModel(m) => m.readers.as_ref(),
            _ => None,
        }
    }

    /// Draws whether the writer of `msg` will read its key, and when.
    pub(crate) fn schedule_read(&mut self, rm: NodeId, msg: MsgId) {
        let Some(r) = self.readers(rm) else { return };
        let (share, after) = (r.share, r.after);
        if !self.rng.chance(share) {
            return;
        }
        let ms = match after {
            ProcessingModel::Fixed { ms } => ms,
            ProcessingModel::Uniform { min_ms, max_ms } => self.rng.uniform(min_ms, max_ms),
            ProcessingModel::Exponential { mean_ms } => self.rng.exponential(mean_ms),
        };
        let at = self.later(Duration::from_ms_f64(ms));
        if at <= self.end {
            self.sched.schedule(at, Due::Read { read_model: rm, msg });
        }
    }

    /// The writer of `msg` reads its key now.
    pub(crate) fn read_due(&mut self, rm: NodeId, msg: MsgId) {
        let m = &self.msgs[msg.index()];
        let Some(key) = m.key() else { return };
        let (own, age) = (m.key_seq + 1, self.now.since(m.published_at).0);
        let routing = self.readers(rm).is_some_and(|r| r.read_your_writes);
        let row = self.read_model(rm).rows.get(key as usize).copied().unwrap_or_default();
        let result = if routing && row.shown < own {
            ReadResult::Routed
        } else if row.shown == 0 {
            ReadResult::Missing
        } else if row.shown < row.truth {
            ReadResult::Stale
        } else {
            ReadResult::Fresh
        };
        let missed = matches!(result, ReadResult::Missing | ReadResult::Stale) && row.shown < own;
        let behind_us = if matches!(result, ReadResult::Missing | ReadResult::Stale) {
            self.now.since(row.behind_since).0
        } else {
            0
        };
        let s = self.read_model_mut(rm);
        let c = &mut s.counts;
        c.reads += 1;
        match result {
            ReadResult::Fresh => c.fresh += 1,
            ReadResult::Stale => c.stale += 1,
            ReadResult::Missing => c.missing += 1,
            ReadResult::Routed => c.routed += 1,
        }
        c.missed_own_write += u32::from(missed);
        if behind_us > 0 {
            s.behind_at_read.push(behind_us);
        }
        let bucket = AGE_EDGES_MS.iter().position(|&edge| age < edge * 1000).unwrap_or(AGE_EDGES_MS.len());
        s.by_age[bucket].0 += 1;
        s.by_age[bucket].1 += u32::from(missed);
        self.emit(rm, Some(msg), None, Event::ViewRead { result, behind_us });
    }
}
