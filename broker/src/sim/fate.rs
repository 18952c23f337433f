//! Fates: what became of a message, decided from the simulation's state. It lives
//! beside the runtime because the invariants count fates after every event; the outcome reads
//! it. Fates, worst first:
//!
//! - `processed_more_than_once`: some business effect for it was applied twice or more;
//! - `lost`: a copy vanished without its effect (a crash after an at-most-once ack, a publish
//!   that never got through);
//! - `dead_lettered`: a copy sits in a dead-letter queue (or in a plain queue it was
//!   dead-lettered into, if nothing consumes from that queue);
//! - `dropped`: a copy was discarded by a rule (unroutable, max length, no dead-letter target);
//! - `in_flight`: not finished yet;
//! - `processed_once`: every copy was processed, each effect applied exactly once.
//!
//! A copy whose effect was applied counts as processed whatever happened to it afterwards.
//! Copies made by publish retries are attempts at the same delivery (the best counts); copies
//! made by fan-out go to different subscribers (each must be processed). A group's copy of a
//! write that a leader failover cut before it was confirmed does not count: the producer's
//! retry made the copy that does.

pub use crate::scenario::fate::Fate;

use crate::model::ids::{EnvId, MsgId};
use crate::sim::few::Few;
use crate::sim::message::{EnvState, Envelope, UNROUTED};
use crate::sim::Simulation;

/// A fate, its reason, and the copy that decided it (none when every copy was fine).
pub(crate) type Decided = (Fate, Option<&'static str>, Option<EnvId>);

/// Among retries of one delivery, the best one counts: lower is better.
fn best_rank(f: Fate) -> u8 {
    match f {
        Fate::ProcessedOnce | Fate::ProcessedMoreThanOnce => 0,
        Fate::InFlight => 1,
        Fate::DeadLettered => 2,
        Fate::Dropped => 3,
        Fate::Lost => 4,
    }
}

/// Across subscribers, the worst one decides: higher is worse.
fn severity(f: Fate) -> u8 {
    match f {
        Fate::ProcessedOnce => 0,
        Fate::InFlight => 1,
        Fate::Dropped => 2,
        Fate::DeadLettered => 3,
        Fate::Lost => 4,
        Fate::ProcessedMoreThanOnce => 5,
    }
}

impl Simulation {
    /// The fate of one copy on its own.
    fn copy_fate(&self, e: &Envelope) -> (Fate, Option<&'static str>) {
        if e.effect_at.is_some() {
            return (Fate::ProcessedOnce, None);
        }
        match e.state {
            EnvState::Lost(r) => (Fate::Lost, Some(r.name())),
            EnvState::DeadLettered { .. } => (Fate::DeadLettered, e.deaths.first().map(|d| d.reason.name())),
            EnvState::Dropped(r) => (Fate::Dropped, Some(r.name())),
            EnvState::Acked => (Fate::ProcessedOnce, None),
            // A plain queue used as a dead-letter target, with no consumer to drain it, is a
            // dead-letter queue in all but name.
            EnvState::Ready { queue } if !e.deaths.is_empty() && self.queue_model(queue).consumers.is_empty() => {
                (Fate::DeadLettered, e.deaths.first().map(|d| d.reason.name()))
            }
            // Likewise a dead-letter topic that no group reads.
            EnvState::InLog { topic, .. } if !e.deaths.is_empty() && self.topic_model(topic).groups.is_empty() => {
                (Fate::DeadLettered, e.deaths.first().map(|d| d.reason.name()))
            }
            EnvState::InLog { .. } => (Fate::InFlight, None),
            EnvState::Publishing
            | EnvState::Ready { .. }
            | EnvState::Unacked { .. }
            | EnvState::AckedInProcess { .. } => (Fate::InFlight, None),
        }
    }

    /// The fate of one message now, and the reason for it. Copies on one route (one
    /// subscriber) are attempts at the same delivery, so the best of them counts; every route
    /// must succeed, so the worst route decides. Copies that never reached the broker count
    /// only if no copy did.
    pub fn fate(&self, id: MsgId) -> (Fate, Option<&'static str>) {
        let (fate, reason, _) = self.fate_and_copy(id);
        (fate, reason)
    }

    /// The fate, its reason, and the copy that decided it (none when every copy was fine).
    pub(crate) fn fate_and_copy(&self, id: MsgId) -> Decided {
        let m = &self.msgs[id.index()];
        if m.max_effect_count() > 1 {
            return (Fate::ProcessedMoreThanOnce, None, None);
        }
        if m.envelopes().is_empty() {
            // Written to an outbox, not yet published by the relay.
            return (Fate::InFlight, None, None);
        }
        let reached = m.envelopes().iter().any(|e| self.envs[e.index()].route != UNROUTED);
        // Nearly every message has one route: kept inline, it costs no allocation.
        let mut routes: Few<(u16, Decided)> = Few::default();
        for env in m.envelopes() {
            let e = &self.envs[env.index()];
            // A group's copy of a write a failover cut before it was confirmed: the producer's
            // retry made the copy that counts.
            let superseded = e.state == EnvState::Dropped(crate::sim::trace::DropReason::SentAgainAfterFailover);
            if (reached && e.route == UNROUTED) || superseded {
                continue;
            }
            let (f, r) = self.copy_fate(e);
            let here = (f, r, Some(*env));
            match routes.as_mut_slice().iter_mut().find(|(route, _)| *route == e.route) {
                Some((_, best)) if best_rank(f) < best_rank(best.0) => *best = here,
                Some(_) => {}
                None => routes.push((e.route, here)),
            }
        }
        routes.iter().map(|(_, f)| *f).fold((Fate::ProcessedOnce, None, None), |worst, f| {
            if severity(f.0) > severity(worst.0) {
                f
            } else {
                worst
            }
        })
    }
}
