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
//! budget each frame, so a long scenario never blocks the page. A seek the scout has not
//! prepared yet (the end of a run of a million messages) is worked on the same way: the app
//! starts it with [`Player::begin_seek`] and goes on with [`Player::seek_work`] each frame,
//! showing [`Player::seeking`]'s progress; the playhead stays where it was until the seek
//! lands, and another seek or Reset replaces it. Checkpoints are cheap to take and to copy:
//! the simulation keeps its messages in shared chunks, so a copy costs what is in flight.

use std::cell::RefCell;
use std::rc::Rc;

use broker::Model;
use broker::{Entry, Event, Outcome, SimTime, Simulation};

use crate::model::format::one_decimal;
use crate::play::journal::Journal;

/// Checkpoints cover the run in about this many slices.
const CHECKPOINT_SLICES: u64 = 64;
/// Checkpoints stop being taken once they hold this many live copies between them. Finished
/// messages are shared among the checkpoints (the core's store is copy-on-write), so what a
/// checkpoint costs of its own is what was in flight when it was taken: a million-message
/// run that keeps a short queue keeps every checkpoint, one with a huge backlog fewer.
const CHECKPOINT_LIVE_BUDGET: usize = 3_000_000;
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
    /// Where a simulation's trace is drained when its entries are read once and let go: the
    /// trace and this keep their buffers from drain to drain, so a long run does not leave a
    /// freed buffer behind at every drain among its messages.
    scratch: Vec<Entry>,
    /// Set by a seek: the animation must rebuild from the simulation instead of the trace.
    pub jumped: bool,
    /// The whole run as the scout read it, for the panels (shared with the page).
    pub journal: Rc<RefCell<Journal>>,
    /// A seek still on its way.
    pending: Option<PendingSeek>,
}

/// A seek still being prepared: first the scout gets past its target, then a copy of the
/// nearest checkpoint replays up to it. The playhead moves only when the replay arrives.
struct PendingSeek {
    target: u64,
    replay: Option<Simulation>,
    /// How far it has got (0 to 1), never going back.
    progress: f64,
}

/// Replay drains its trace this often, so that a long replay holds no more than this.
const REPLAY_DRAIN_EVERY: usize = 4_096;

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
            scratch: Vec::new(),
            jumped: true,
            journal,
            pending: None,
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
        self.scout_counting(budget).0
    }

    /// [`Player::scout`], also saying how many events it ran.
    fn scout_counting(&mut self, budget: u64) -> (bool, u64) {
        let Some(mut scout) = self.scout.take() else { return (false, 0) };
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
                    return (false, spent);
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
        (true, spent)
    }

    fn take_checkpoint(&mut self, scout: &Simulation) {
        let held: usize = self.checkpoints.iter().map(Simulation::live_copies).sum();
        if self.checkpoints.is_empty() || held + scout.live_copies() <= CHECKPOINT_LIVE_BUDGET {
            self.checkpoints.push(scout.clone());
        }
        self.next_checkpoint_us = scout.now().0 + self.checkpoint_every_us;
    }

    fn note_markers(&mut self, scout: &mut Simulation) {
        let mut journal = self.journal.borrow_mut();
        let mut batch = std::mem::take(&mut self.scratch);
        scout.drain_trace_into(&mut batch);
        for e in batch.drain(..) {
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
        self.scratch = batch;
    }

    /// The playhead's new trace entries, onto `fresh` for the animation.
    fn drain_playhead(&mut self) {
        self.sim.drain_trace_into(&mut self.scratch);
        self.fresh.append(&mut self.scratch);
    }

    /// Moves the playhead forward to `t_us` (never past the end), keeping the trace.
    pub fn advance_to(&mut self, t_us: u64) {
        let t = t_us.min(self.end_us());
        if t > self.now_us() {
            self.sim.advance_to(SimTime(t));
            self.drain_playhead();
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
        self.drain_playhead();
    }

    /// Moves the playhead to the next moment something happens. Returns false at the end.
    pub fn step(&mut self) -> bool {
        match self.sim.next_event_at() {
            Some(t) if t <= self.sim.end() => {
                self.sim.advance_to(t);
                self.drain_playhead();
                true
            }
            _ => {
                self.advance_to(self.end_us());
                false
            }
        }
    }

    /// Puts the playhead at `t_us`, forwards or backwards, from the nearest checkpoint, at
    /// once however long it takes (tests, Compare's second run, a reload).
    pub fn seek(&mut self, t_us: u64) {
        self.begin_seek(t_us, u64::MAX);
    }

    /// Starts a seek to `t_us` and works on it for at most `budget` events; returns whether
    /// it landed. A seek in a lesson lands at once; a far one in a big run goes on with
    /// [`Player::seek_work`]. Replaces a seek still on its way.
    pub fn begin_seek(&mut self, t_us: u64, budget: u64) -> bool {
        let target = t_us.min(self.end_us());
        self.pending = Some(PendingSeek { target, replay: None, progress: 0.0 });
        self.seek_work(budget)
    }

    /// Goes on with the pending seek for at most `budget` events (about that many: the
    /// scout works in slices). Returns whether there is none left (it landed, or there was
    /// none).
    pub fn seek_work(&mut self, budget: u64) -> bool {
        let Some(mut p) = self.pending.take() else { return true };
        let mut spent = 0;
        // Past what the scout has prepared: let it get there first, leaving its checkpoints,
        // so that this seek replays only a slice and later ones are quick.
        while spent < budget && p.replay.is_none() && self.scout.as_ref().is_some_and(|s| s.now().0 < p.target) {
            let slice = (budget - spent).min(20_000);
            let (_, ran) = self.scout_counting(slice);
            // A scout that only moved its clock (a quiet stretch) still counts for one.
            spent += ran.max(1);
        }
        if p.replay.is_none() && self.scout.as_ref().is_some_and(|s| s.now().0 < p.target) {
            let reached = self.scout.as_ref().map_or(0, |s| s.now().0);
            p.progress = p.progress.max(reached as f64 / p.target.max(1) as f64);
            self.pending = Some(p);
            return false;
        }
        let mut replay = p.replay.take().unwrap_or_else(|| self.replay_from(p.target));
        loop {
            match replay.next_event_at() {
                Some(at) if at.0 <= p.target && !replay.is_halted() => {
                    if spent >= budget {
                        p.progress = p.progress.max(replay.now().0 as f64 / p.target.max(1) as f64);
                        p.replay = Some(replay);
                        self.pending = Some(p);
                        return false;
                    }
                    replay.step();
                    spent += 1;
                    if replay.pending_trace().len() >= REPLAY_DRAIN_EVERY {
                        replay.drain_trace_into(&mut self.scratch);
                    }
                }
                _ => break,
            }
        }
        replay.advance_to(SimTime(p.target));
        // What the playhead jumped over is not animated.
        replay.drain_trace_into(&mut self.scratch);
        self.scratch.clear();
        self.sim = replay;
        self.fresh.clear();
        self.jumped = true;
        true
    }

    /// Where a replay towards `t` starts: forwards from the playhead unless a checkpoint is
    /// closer, backwards from the nearest checkpoint before `t`.
    fn replay_from(&self, t: u64) -> Simulation {
        let from = if t >= self.now_us() {
            self.checkpoint_before(t).filter(|c| c.now().0 > self.now_us()).unwrap_or(&self.sim)
        } else {
            self.checkpoint_before(t).unwrap_or(&self.sim)
        };
        let mut replay = from.clone();
        replay.check_invariants = false;
        replay
    }

    /// The seek on its way, if any: its target and how far it has got (0 to 1).
    pub fn seeking(&self) -> Option<(u64, f64)> {
        self.pending.as_ref().map(|p| (p.target, p.progress.clamp(0.0, 1.0)))
    }

    /// Drops the seek on its way (a step or a new scenario acts on the playhead as it is).
    pub fn cancel_seek(&mut self) {
        self.pending = None;
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
    let msg = e.msg().map(|m| sim.message_name(m)).unwrap_or_default();
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
    fn a_far_seek_goes_on_frame_by_frame_and_lands_where_a_straight_run_is() {
        let mut p = player("work-queue");
        p.advance_to(2_000_000);
        let (before, hash_before) = (p.now_us(), p.sim().trace_hash());
        // Nothing scouted yet: a seek to 25 s needs far more than 20 events.
        assert!(!p.begin_seek(25_000_000, 20));
        let (target, done) = p.seeking().expect("on its way");
        assert_eq!(target, 25_000_000);
        assert!((0.0..1.0).contains(&done), "{done}");
        assert_eq!((p.now_us(), p.sim().trace_hash()), (before, hash_before), "the playhead waits");
        let mut frames = 0;
        let mut progress = done;
        while !p.seek_work(20) {
            let (_, now) = p.seeking().unwrap();
            assert!(now >= progress, "progress goes forward ({progress} then {now})");
            progress = now;
            frames += 1;
            assert!(frames < 100_000, "the seek never lands");
        }
        assert!(frames > 3, "it took {frames} frames");
        assert!(p.seeking().is_none());
        let mut straight = Simulation::new(broker::load_model(PRESETS[0].json).unwrap());
        straight.advance_to(SimTime(25_000_000));
        assert_eq!(p.now_us(), 25_000_000);
        assert_eq!(p.sim().snapshot(), straight.snapshot());
        assert_eq!(p.sim().trace_hash(), straight.trace_hash());
        assert!(p.take_entries().is_empty(), "what a seek jumps over is not animated");
    }

    #[test]
    fn a_new_seek_replaces_one_on_its_way_and_a_near_one_lands_at_once() {
        let mut p = player("work-queue");
        assert!(!p.begin_seek(29_000_000, 100));
        // Back to the start: the first checkpoint is there, so it lands at once.
        assert!(p.begin_seek(0, 100));
        assert_eq!((p.now_us(), p.seeking()), (0, None));
        assert!(!p.begin_seek(20_000_000, 100));
        p.cancel_seek();
        assert_eq!((p.now_us(), p.seeking()), (0, None));
        assert!(p.seek_work(100), "nothing left to do");
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
