//! The player: a simulation at the playhead, and the means to move the playhead anywhere at
//! once. Seeking uses the core's determinism: a scout runs the scenario ahead in small
//! slices, leaving a checkpoint (a clone of the simulation) every so often and noting the
//! moments worth a marker on the timeline; a seek clones the nearest checkpoint at or before
//! the target and replays only the stretch after it.
//!
//! ```text
//!   scout ──run ahead──▶ checkpoints [t0, t1, t2, ...]   markers (crash, dead letter, loss)
//!                              │ clone the one at or before t
//!   seek(t) ───────────────────┴──▶ playhead sim ──advance_to(t)──▶ trace entries ──▶ animation
//! ```
//!
//! Pure computation: no DOM and no clock. The app calls [`Player::scout`] with an event
//! budget each frame, so a long scenario never blocks the page.

use std::cell::RefCell;
use std::rc::Rc;

use broker::Model;
use broker::{Entry, Event, Outcome, SimTime, Simulation};

use crate::model::format::one_decimal;
use crate::play::journal::Journal;

/// Checkpoints cover the run in about this many slices.
const CHECKPOINT_SLICES: u64 = 64;
/// Checkpoints stop being taken once they hold this many messages between them: a run of a
/// million messages keeps only a few, a lesson keeps all of them.
const CHECKPOINT_MESSAGE_BUDGET: usize = 3_000_000;
/// The timeline shows at most this many markers.
pub const MAX_MARKERS: usize = 400;

/// What a timeline marker is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A consumer crashed, or a queue, exchange or topic went down.
    Failure,
    /// A message was dead-lettered.
    DeadLetter,
    /// A message was lost, dropped or expired.
    Loss,
    /// A promised delivery guarantee broke here (the invariant monitor).
    Breach,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub t_us: u64,
    pub kind: MarkerKind,
    /// What happened, in words, for the marker's tooltip and accessible name.
    pub label: String,
}

pub struct Player {
    /// The simulation at the playhead; its trace is drained into `fresh`.
    sim: Simulation,
    /// Clones of the scout's simulation, by time; the first is the start of the run.
    checkpoints: Vec<Simulation>,
    scout: Option<Simulation>,
    next_checkpoint_us: u64,
    checkpoint_every_us: u64,
    pub markers: Vec<Marker>,
    /// Markers the scout found beyond [`MAX_MARKERS`].
    pub markers_left_out: usize,
    /// Entries the playhead produced since the last [`Player::take_entries`].
    fresh: Vec<Entry>,
    /// Set by a seek: the animation must rebuild from the simulation instead of the trace.
    pub jumped: bool,
    /// The whole run as the scout read it, for the panels (shared with the page).
    pub journal: Rc<RefCell<Journal>>,
}

impl Player {
    pub fn new(model: Model) -> Player {
        let mut sim = Simulation::new(model);
        sim.check_invariants = false;
        let scout = sim.clone();
        let journal = Rc::new(RefCell::new(Journal::new(&sim)));
        let end = sim.end().0;
        let every = (end / CHECKPOINT_SLICES).max(1_000);
        Player {
            checkpoint_every_us: every,
            next_checkpoint_us: every,
            // The start of the run is always there to go back to.
            checkpoints: vec![sim.clone()],
            scout: Some(scout),
            sim,
            markers: Vec::new(),
            markers_left_out: 0,
            fresh: Vec::new(),
            jumped: true,
            journal,
        }
    }

    pub fn now_us(&self) -> u64 {
        self.sim.now().0
    }

    pub fn end_us(&self) -> u64 {
        self.sim.end().0
    }

    pub fn is_finished(&self) -> bool {
        self.sim.is_finished()
    }

    /// Whether the scout has run the whole scenario (every marker is known).
    pub fn scouted(&self) -> bool {
        self.scout.is_none()
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// Runs the scout ahead by at most `budget` events, taking checkpoints and markers on
    /// the way. Returns whether it has anything left to do.
    pub fn scout(&mut self, budget: u64) -> bool {
        let Some(mut scout) = self.scout.take() else { return false };
        let mut spent = 0;
        while spent < budget {
            if scout.now().0 >= self.next_checkpoint_us {
                // Drained first: a checkpoint carries no trace entries.
                self.note_markers(&mut scout);
                self.take_checkpoint(&scout);
            }
            let next_sample = self.journal.borrow().next_sample_us();
            if scout.now().0 >= next_sample {
                self.journal.borrow_mut().sample(&scout);
            }
            let stop = self.next_checkpoint_us.min(self.journal.borrow().next_sample_us());
            let end = scout.end();
            match scout.next_event_at() {
                _ if scout.is_halted() || scout.now() >= end => {
                    scout.run_to_end();
                    self.note_markers(&mut scout);
                    let mut j = self.journal.borrow_mut();
                    if j.times.last() != Some(&scout.now().0) {
                        j.sample(&scout);
                    }
                    j.complete = true;
                    return false;
                }
                Some(t) if t.0 <= stop && t <= end => {
                    scout.step();
                    spent += 1;
                }
                // Nothing happens before the next checkpoint or sample: stop the clock there,
                // so both are evenly spaced even through quiet stretches.
                _ => scout.advance_to(SimTime(stop.min(end.0))),
            }
        }
        self.note_markers(&mut scout);
        self.scout = Some(scout);
        true
    }

    fn take_checkpoint(&mut self, scout: &Simulation) {
        let held: usize = self.checkpoints.iter().map(Simulation::messages).sum();
        if self.checkpoints.is_empty() || held + scout.messages() <= CHECKPOINT_MESSAGE_BUDGET {
            self.checkpoints.push(scout.clone());
        }
        self.next_checkpoint_us = scout.now().0 + self.checkpoint_every_us;
    }

    fn note_markers(&mut self, scout: &mut Simulation) {
        let mut journal = self.journal.borrow_mut();
        for e in scout.drain_trace() {
            let kind = match e.event {
                Event::Crashed { .. } | Event::OutageStarted { .. } => Some(MarkerKind::Failure),
                Event::DeadLettered { .. } => Some(MarkerKind::DeadLetter),
                Event::Lost { .. } | Event::Dropped { .. } | Event::Expired => Some(MarkerKind::Loss),
                _ => None,
            };
            let label = kind.map(|_| marker_label(scout, &e));
            let t_us = e.t.0;
            // A broken guarantee outranks the loss or duplicate that broke it.
            let (kind, label) = match journal.note(scout, e) {
                Some(text) => (
                    Some(MarkerKind::Breach),
                    Some(format!("{} s: guarantee broken: {text}", one_decimal(t_us as f64 / 1e6))),
                ),
                None => (kind, label),
            };
            let (Some(kind), Some(label)) = (kind, label) else { continue };
            if self.markers.len() >= MAX_MARKERS {
                self.markers_left_out += 1;
                continue;
            }
            self.markers.push(Marker { t_us, kind, label });
        }
    }

    /// Moves the playhead forward to `t_us` (never past the end), keeping the trace.
    pub fn advance_to(&mut self, t_us: u64) {
        let t = t_us.min(self.end_us());
        if t > self.now_us() {
            self.sim.advance_to(SimTime(t));
            self.fresh.extend(self.sim.drain_trace());
        }
    }

    /// Moves the playhead towards `t_us`, running at most `budget` events: a scenario busier
    /// than the page can animate plays slower instead of freezing the page.
    pub fn advance_bounded(&mut self, t_us: u64, budget: u64) {
        let t = t_us.min(self.end_us());
        let mut spent = 0;
        loop {
            match self.sim.next_event_at() {
                Some(at) if at.0 <= t && !self.sim.is_halted() => {
                    if spent >= budget {
                        break;
                    }
                    self.sim.step();
                    spent += 1;
                }
                _ => {
                    self.sim.advance_to(SimTime(t));
                    break;
                }
            }
        }
        self.fresh.extend(self.sim.drain_trace());
    }

    /// Moves the playhead to the next moment something happens. Returns false at the end.
    pub fn step(&mut self) -> bool {
        match self.sim.next_event_at() {
            Some(t) if t <= self.sim.end() => {
                self.sim.advance_to(t);
                self.fresh.extend(self.sim.drain_trace());
                true
            }
            _ => {
                self.advance_to(self.end_us());
                false
            }
        }
    }

    /// Puts the playhead at `t_us`, forwards or backwards, from the nearest checkpoint.
    pub fn seek(&mut self, t_us: u64) {
        let t = t_us.min(self.end_us());
        // Past what the scout has prepared: let it get there first, leaving its checkpoints,
        // so that this seek replays only a slice and later ones are instant.
        while self.scout.as_ref().is_some_and(|s| s.now().0 < t) {
            self.scout(50_000);
        }
        if t >= self.now_us() {
            // Forward: replay only what lies between, unless a checkpoint is closer.
            let from_checkpoint = self.checkpoint_before(t).filter(|c| c.now().0 > self.now_us());
            if let Some(c) = from_checkpoint {
                self.sim = c.clone();
            }
        } else if let Some(c) = self.checkpoint_before(t) {
            self.sim = c.clone();
        }
        self.sim.check_invariants = false;
        self.sim.advance_to(SimTime(t));
        // What the playhead jumped over is not animated.
        self.sim.drain_trace();
        self.fresh.clear();
        self.jumped = true;
    }

    fn checkpoint_before(&self, t: u64) -> Option<&Simulation> {
        let i = self.checkpoints.partition_point(|c| c.now().0 <= t);
        match i {
            0 => None,
            i => Some(&self.checkpoints[i - 1]),
        }
    }

    /// The trace entries the playhead produced since the last call.
    pub fn take_entries(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.fresh)
    }

    /// The outcome so far, at the playhead.
    pub fn outcome(&self) -> Outcome {
        self.sim.outcome()
    }
}

fn marker_label(sim: &Simulation, e: &Entry) -> String {
    let at = format!("{} s", one_decimal(e.t.0 as f64 / 1e6));
    let node = sim.model().name(e.node);
    let msg = e.msg.map(|m| sim.message_name(m)).unwrap_or_default();
    match e.event {
        Event::Crashed { .. } => format!("{at}: {node} crashed"),
        Event::OutageStarted { .. } => format!("{at}: {node} went down"),
        Event::DeadLettered { .. } => format!("{at}: {msg} dead-lettered from {node}"),
        Event::Expired => format!("{at}: {msg} expired in {node}"),
        Event::Dropped { .. } => format!("{at}: {msg} dropped at {node}"),
        _ => format!("{at}: {msg} lost at {node}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    fn player(slug: &str) -> Player {
        let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
        Player::new(broker::load_model(p.json).unwrap())
    }

    fn scout_all(p: &mut Player) {
        let mut rounds = 0;
        while p.scout(5_000) {
            rounds += 1;
            assert!(rounds < 100_000, "the scout never finishes");
        }
    }

    #[test]
    fn seeking_anywhere_gives_the_same_state_as_playing_there() {
        let mut p = player("work-queue");
        scout_all(&mut p);
        assert!(p.checkpoints.len() > 10, "{} checkpoints", p.checkpoints.len());
        for t in [0, 1_234_567, 6_000_000, 17_500_000, 29_999_999, 30_000_000] {
            let mut straight = Simulation::new(broker::load_model(PRESETS[0].json).unwrap());
            straight.advance_to(SimTime(t));
            p.seek(t);
            assert_eq!(p.now_us(), t);
            assert_eq!(p.sim().snapshot(), straight.snapshot(), "at {t}");
            assert_eq!(p.sim().trace_hash(), straight.trace_hash(), "at {t}");
        }
        // Backwards too, then forwards again by playing.
        p.seek(5_000_000);
        p.advance_to(30_000_000);
        let mut straight = Simulation::new(broker::load_model(PRESETS[0].json).unwrap());
        straight.run_to_end();
        assert_eq!(p.sim().trace_hash(), straight.trace_hash());
    }

    #[test]
    fn the_scout_marks_crashes_and_dead_letters() {
        let mut p = player("poison-with-dlq");
        scout_all(&mut p);
        assert!(p.markers.iter().any(|m| m.kind == MarkerKind::DeadLetter), "{:?}", p.markers);
        assert!(p.markers.windows(2).all(|w| w[0].t_us <= w[1].t_us));
        let mut p = player("work-queue");
        scout_all(&mut p);
        let crash = p.markers.iter().find(|m| m.kind == MarkerKind::Failure).unwrap();
        assert!(crash.label.contains("worker-b crashed"), "{}", crash.label);
    }

    #[test]
    fn a_bounded_advance_runs_at_most_its_budget_and_ends_where_a_plain_one_does() {
        let mut p = player("work-queue");
        let mut q = player("work-queue");
        p.advance_bounded(30_000_000, 10);
        assert!(!p.take_entries().is_empty());
        assert!(p.now_us() < 1_000_000, "ten events are the first moments of the run, not {} µs", p.now_us());
        while p.now_us() < 30_000_000 {
            p.advance_bounded(30_000_000, 100);
        }
        q.advance_to(30_000_000);
        assert_eq!(p.sim().trace_hash(), q.sim().trace_hash());
    }

    #[test]
    fn stepping_moves_to_the_next_event_and_stops_at_the_end() {
        let mut p = player("fan-out");
        assert!(p.step());
        let first = p.take_entries();
        assert!(!first.is_empty());
        assert!(first.iter().all(|e| e.t == first[0].t));
        while p.step() {}
        assert_eq!(p.now_us(), p.end_us());
        assert!(p.is_finished());
    }
}
