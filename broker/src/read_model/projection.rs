//! A projection's write: a consumer wired to a read model handles an event by writing it into
//! the table as its key's row. With `version_check` it first compares the event's version
//! with the row's and skips an event that is not newer (the row stays right whatever order the
//! events come in); without, it writes whatever it handles last, so an event that arrives
//! after a newer one (a retry, a redelivery, two consumers racing on one queue, jitter on the
//! wire) sets the row back, and the table can end with an older value than the truth.
//!
//! The write is the projection's effect, not a business effect: it is not in the effect
//! ledger (a rebuild writes every event again, which is the point of it), and an exactly-once
//! projection's idempotence is its version check.

use crate::model::ids::EnvId;
use crate::model::Projection;
use crate::sim::trace::{Event, ProjectionWrite};
use crate::sim::Simulation;

impl Simulation {
    pub(crate) fn project(&mut self, env: EnvId, p: Projection) {
        let msg = self.envs[env.index()].msg;
        let m = &self.msgs[msg.index()];
        let Some(key) = m.key() else { return };
        let (version, event_type, written_at) = (m.key_seq + 1, m.event_type, m.published_at);
        let rm = p.read_model;
        let (shown, seen) = self.read_model(rm).rows.get(key as usize).map_or((0, 0), |r| (r.shown, r.seen));
        let write = if version <= shown && p.version_check {
            ProjectionWrite::Skipped
        } else if version < shown {
            ProjectionWrite::Regressed
        } else {
            ProjectionWrite::Applied
        };
        if write != ProjectionWrite::Skipped {
            self.change_row(rm, key, |row| {
                row.shown = version;
                row.shown_type = event_type;
                row.seen = row.seen.max(version);
            });
        }
        let now = self.now;
        let s = self.read_model_mut(rm);
        s.touch(key);
        match write {
            ProjectionWrite::Applied => s.counts.applied += 1,
            ProjectionWrite::Skipped => s.counts.skipped_stale += 1,
            ProjectionWrite::Regressed => s.counts.overwrote_newer += 1,
        }
        // The first time the table shows this version: a replay after a rebuild shows it
        // again, and is not a new write's way into the table.
        if version > seen && write != ProjectionWrite::Skipped {
            s.visible_after.push(now.since(written_at).0);
        }
        self.emit_env(rm, env, Event::Projected { version, write });
    }
}
