//! Read models: the query side of CQRS. A read model's table holds one row per key (the
//! business id): the version and event type of the last event its projections wrote there.
//! Beside it the simulation keeps the write side's truth for each key (the version and event
//! type its writer, one producer, last published), so every row can be held to the truth at
//! any moment: a row behind the truth is stale, and for how long it has been behind is known.
//!
//! ```text
//!   writer ──event (key, version)──▶ queue or topic ──▶ projection ──write──▶ table
//!     │ (the truth moves at once)                     (version check?)        ▲
//!     └── a share of writes: the writer reads its key a little later ─────────┘
//! ```
//!
//! The projection's write is in `projection.rs`, the readers in `reader.rs`, the rebuild by
//! replay in `rebuild.rs`. A version is the key's event count at its writer: the first event
//! for a key is version 1 (`Message::key_seq` + 1). The table lives in the chunked
//! copy-on-write store by key id, so a checkpoint shares it.

mod projection;
mod reader;
mod rebuild;

pub use reader::AGE_EDGES_MS;

use crate::model::ids::{MsgId, NodeId};
use crate::model::time::SimTime;
use crate::model::NodeKind;
use crate::sim::cow_vec::CowVec;
use crate::sim::{NodeState, Simulation};

/// One key's row, with the write side's truth for it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Row {
    /// The version the table shows (0: the key is not in the table) and its event type.
    pub shown: u32,
    pub shown_type: u16,
    /// The write side's version (0: never written) and its event type.
    pub truth: u32,
    pub truth_type: u16,
    /// The highest version the table has ever shown for the key (a rebuild keeps it).
    pub seen: u32,
    /// While `shown < truth`: since when the row has been behind.
    pub behind_since: SimTime,
}

impl Row {
    /// The table shows an older version than the write side has (or none).
    pub(crate) fn behind(&self) -> bool {
        self.shown < self.truth
    }
}

/// How many of the most recently written keys the table remembers, for the app to draw.
const RECENT: usize = 8;

#[derive(Clone, Debug, Default)]
pub(crate) struct ReadModelState {
    /// By key id, as far as the highest key written.
    pub rows: CowVec<Row>,
    /// The keys whose rows changed last (a write, or a projection's write), oldest first, each
    /// once: the app draws these.
    pub recent: Vec<u32>,
    /// Rows in the table, and rows behind the write side.
    pub in_table: u32,
    pub behind: u32,
    pub counts: TableCounts,
    /// For each event the table showed for the first time: how long after its write (µs).
    pub visible_after: CowVec<u64>,
    /// For each read that did not find the latest version: how long the row had been behind.
    pub behind_at_read: CowVec<u64>,
    /// Reads, and reads that missed the reader's own write, by the time since the write
    /// (`AGE_EDGES_MS`, then beyond the last edge).
    pub by_age: [(u32, u32); AGE_EDGES_MS.len() + 1],
}

/// A read model's events and reads counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct TableCounts {
    /// Events its writer published: writes to the truth.
    pub writes: u32,
    /// Events the projections wrote into the table.
    pub applied: u32,
    /// Events a version check skipped, as no newer than the row.
    pub skipped_stale: u32,
    /// Events written over a newer version (no version check): the row went back in time.
    pub overwrote_newer: u32,
    pub rebuilds: u32,
    pub reads: u32,
    pub fresh: u32,
    pub stale: u32,
    pub missing: u32,
    /// Sent to the write side by read-your-writes routing.
    pub routed: u32,
    /// Stale or missing reads that did not show the reader's own write.
    pub missed_own_write: u32,
}

impl ReadModelState {
    /// The key's row changed (written on the write side, or by a projection): it is the most
    /// recent now.
    pub(crate) fn touch(&mut self, key: u32) {
        self.recent.retain(|&k| k != key);
        if self.recent.len() == RECENT {
            self.recent.remove(0);
        }
        self.recent.push(key);
    }
}

/// One row as the app draws it and the outcome names it: the key, what the table shows and
/// what the write side has.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RowView {
    pub key: String,
    /// None when the key is not in the table.
    pub shows: Option<Version>,
    pub truth: Version,
}

/// A key's version and the event type that made it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Version {
    pub version: u32,
    pub event_type: String,
}

impl Simulation {
    pub(crate) fn read_model(&self, id: NodeId) -> &ReadModelState {
        match &self.nodes[id.index()] {
            NodeState::ReadModel(s) => s,
            _ => unreachable!("not a read model"),
        }
    }

    pub(crate) fn read_model_mut(&mut self, id: NodeId) -> &mut ReadModelState {
        match &mut self.nodes[id.index()] {
            NodeState::ReadModel(s) => s,
            _ => unreachable!("not a read model"),
        }
    }

    /// Changes key `key`'s row in read model `rm`, keeping the table's counts of rows in it and
    /// rows behind, and the time each row fell behind.
    pub(crate) fn change_row(&mut self, rm: NodeId, key: u32, change: impl FnOnce(&mut Row)) {
        let now = self.now;
        let s = self.read_model_mut(rm);
        while s.rows.len() <= key as usize {
            s.rows.push(Row::default());
        }
        let before = s.rows[key as usize];
        let row = &mut s.rows[key as usize];
        change(row);
        if row.behind() && !before.behind() {
            row.behind_since = now;
        }
        let after = *row;
        s.in_table = s.in_table + u32::from(after.shown > 0) - u32::from(before.shown > 0);
        s.behind = s.behind + u32::from(after.behind()) - u32::from(before.behind());
    }

    /// The writer published `msg`: the truth of its key moves to the message's version, and
    /// perhaps the writer will look for it in a moment.
    pub(crate) fn view_write(&mut self, rm: NodeId, msg: MsgId) {
        let m = &self.msgs[msg.index()];
        let Some(key) = m.key() else { return };
        let (version, event_type) = (m.key_seq + 1, m.event_type);
        self.change_row(rm, key, |row| {
            row.truth = version;
            row.truth_type = event_type;
        });
        let s = self.read_model_mut(rm);
        s.counts.writes += 1;
        s.touch(key);
        self.schedule_read(rm, msg);
    }

    /// Every read model, with its state: in node order.
    pub(crate) fn read_models(&self) -> impl Iterator<Item = (NodeId, &ReadModelState)> {
        self.nodes.iter().enumerate().filter_map(|(i, n)| match n {
            NodeState::ReadModel(s) => Some((NodeId(i as u32), &**s)),
            _ => None,
        })
    }

    /// The read model's most recently written rows, newest first, for the app to draw beside
    /// the truth.
    pub fn read_model_rows(&self, id: NodeId) -> Vec<RowView> {
        let Some(NodeState::ReadModel(s)) = self.nodes.get(id.index()) else { return Vec::new() };
        s.recent.iter().rev().map(|&k| self.row_view(s, k)).collect()
    }

    pub(crate) fn row_view(&self, s: &ReadModelState, key: u32) -> RowView {
        let row = s.rows[key as usize];
        let version = |version: u32, t: u16| Version { version, event_type: self.event_types[t as usize].clone() };
        RowView {
            key: self.keys[key as usize].clone(),
            shows: (row.shown > 0).then(|| version(row.shown, row.shown_type)),
            truth: version(row.truth, row.truth_type),
        }
    }

    /// Whether the node is a read model.
    pub fn is_read_model(&self, id: NodeId) -> bool {
        matches!(self.model.nodes.get(id.index()).map(|n| &n.kind), Some(NodeKind::ReadModel(_)))
    }
}
