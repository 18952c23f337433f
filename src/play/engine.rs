//! The engine: what runs between renders. It owns the player (the simulation at the
//! playhead), the animation of its tokens and their layout, and moves them on each animation
//! frame: run the scout ahead a little, advance the playhead by the wall time that passed
//! times the speed, feed the new trace entries to the animation, and draw.
//!
//! ```text
//!   requestAnimationFrame(wall) ──▶ Engine::frame ──▶ player.scout / advance_to
//!                                        │                 │ entries
//!                                        │                 ▼
//!                                        │            Animator ──▶ draw(<canvas>)
//!                                        └──▶ "sync" now and then ──▶ AppState (transport,
//!                                                                     outcome, node status)
//! ```
//!
//! The reducer owns the decisions (play, pause, seek, load); the engine only carries them
//! out frame by frame. It is shared between the two through one `Rc<RefCell<_>>`.

use serde_json::Value;

use crate::play::animation::{Animator, Layout};
use crate::play::player::Player;

/// Scout events per frame: a few milliseconds of work at the core's speed in wasm.
const SCOUT_EVENTS_PER_FRAME: u64 = 6_000;
/// A frame never advances the playhead by more than this much wall time (a tab that was in
/// the background does not jump ahead).
const MAX_FRAME_MS: f64 = 100.0;
/// Nor does it run more than this many events: a scenario busier than the page can show
/// plays slower than asked rather than freezing the page.
const PLAY_EVENTS_PER_FRAME: u64 = 20_000;
/// Events a frame spends on a seek still on its way, to begin with. The engine then adjusts
/// it to the time frames take on this machine, aiming at [`SEEK_FRAME_MS`].
const SEEK_EVENTS_START: u64 = 20_000;
const SEEK_EVENTS_MIN: u64 = 2_000;
const SEEK_EVENTS_MAX: u64 = 400_000;
/// The work a seeking frame aims at: the page keeps answering (a long task is one over 50 ms)
/// while the seek shows its progress.
const SEEK_FRAME_MS: f64 = 35.0;
/// Up to this many messages, the outcome is computed at once when the page asks for it;
/// beyond, it is built over several frames.
const OUTCOME_AT_ONCE: usize = 50_000;
/// Outcome rows a frame builds.
const OUTCOME_ROWS_PER_FRAME: usize = 60_000;

pub struct Engine {
    pub player: Player,
    pub anim: Animator,
    pub layout: Layout,
    /// Whether the playhead moves with wall time. The engine owns it, since it stops itself
    /// at the end; the state keeps a copy for the page, taken by its `sync`.
    pub playing: bool,
    pub reduced_motion: bool,
    last_wall: Option<f64>,
    /// The message the passport follows: its tokens are ringed on the canvas.
    pub selected_msg: Option<u32>,
    /// The messages of its flow, when it has more than one (in publish order): their tokens
    /// share a look on the canvas.
    pub flow: Vec<u32>,
    /// The nodes that flow passed through (by index), outlined on the canvas.
    pub flow_nodes: Vec<u32>,
    /// Compare's second variant, following this one's playhead.
    pub compare: Option<crate::play::compare::Lane>,
    /// Frame work times (ms), newest last, for the frame-time probe.
    pub frame_ms: Vec<f64>,
    /// The outcome of a big run, being built a slice per frame from a copy of the playhead.
    outcome_job: Option<broker::OutcomeBuilder>,
    /// A built outcome the page has not taken yet.
    outcome_ready: Option<broker::Outcome>,
    /// Events a seeking frame runs, adjusted to the time frames take here.
    pub seek_budget: u64,
    /// Whether the last frame worked on a seek (its time then adjusts the budget).
    seeked_last_frame: bool,
}

/// What a frame changed that the page should hear about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameReport {
    /// The playhead moved.
    pub moved: bool,
    /// Playback reached the end and stopped.
    pub stopped: bool,
    /// The scout finished (every marker is known now).
    pub scouted: bool,
    /// Compare's B jumped to follow a seek: its outcome is new.
    pub followed: bool,
    /// A seek is on its way: its progress changed.
    pub seeking: bool,
    /// A seek that was on its way landed: the playhead is somewhere new.
    pub landed: bool,
    /// An outcome built over several frames is ready to take.
    pub outcome: bool,
}

impl Engine {
    pub fn new(player: Player, doc: &Value) -> Engine {
        let layout = Layout::new(doc, player.sim());
        let mut anim = Animator::new();
        anim.rebuild(player.sim(), 0.0);
        Engine {
            player,
            anim,
            layout,
            playing: false,
            reduced_motion: false,
            last_wall: None,
            selected_msg: None,
            flow: Vec::new(),
            flow_nodes: Vec::new(),
            compare: None,
            frame_ms: Vec::new(),
            outcome_job: None,
            outcome_ready: None,
            seek_budget: SEEK_EVENTS_START,
            seeked_last_frame: false,
        }
    }

    /// Follows the flow of `msg` (none: no flow): its messages and the nodes it passed
    /// through, as far as the scout has read. A message alone is no flow to follow.
    pub fn follow(&mut self, msg: Option<u32>) {
        let j = self.player.journal.borrow();
        self.flow = msg.map(|m| j.flow(m)).filter(|f| f.len() > 1).unwrap_or_default();
        self.flow_nodes = j.nodes_of(&self.flow);
    }

    /// Replaces the scenario, keeping the playhead's time and the playback state.
    pub fn load(&mut self, player: Player, doc: &Value, keep_time: bool) {
        let t = self.player.now_us();
        self.player = player;
        // An outcome on its way belongs to the scenario that was there.
        self.outcome_job = None;
        self.outcome_ready = None;
        if keep_time && t > 0 {
            self.player.seek(t);
        }
        self.layout = Layout::new(doc, self.player.sim());
        self.player.jumped = true;
    }

    /// The document's node positions changed (nothing else did).
    pub fn relayout(&mut self, doc: &Value) {
        self.layout = Layout::new(doc, self.player.sim());
        self.player.jumped = true;
    }

    /// One animation frame at wall time `wall` (ms), playing at `speed` (virtual seconds per
    /// wall second; the state owns it). Advances and animates; drawing is the caller's (it
    /// owns the canvas).
    pub fn frame(&mut self, wall: f64, speed: f64) -> FrameReport {
        let mut report = FrameReport::default();
        let dt = self.last_wall.map_or(0.0, |w| (wall - w).clamp(0.0, MAX_FRAME_MS));
        self.last_wall = Some(wall);
        let seeking = self.player.seeking().is_some();
        self.seeked_last_frame = seeking;
        if seeking {
            // The frame's work goes to the seek; playback waits for it to land.
            let was_scouted = self.player.scouted();
            report.landed = self.player.seek_work(self.seek_budget);
            report.seeking = !report.landed;
            report.scouted = !was_scouted && self.player.scouted();
        } else if !self.player.scouted() && !self.player.scout(SCOUT_EVENTS_PER_FRAME) {
            report.scouted = true;
        }
        // Read before this frame animates: a seek since the last frame means B seeks too.
        let jumped = self.player.jumped;
        if self.playing && !seeking {
            let before = self.player.now_us();
            let step = (dt * 1_000.0 * speed).round() as u64;
            self.player.advance_bounded(before.saturating_add(step.max(1)), PLAY_EVENTS_PER_FRAME);
            report.moved = self.player.now_us() != before;
            if self.player.now_us() >= self.player.end_us() || self.player.sim().is_halted() {
                self.playing = false;
                report.stopped = true;
            }
        }
        if let Some(job) = &mut self.outcome_job {
            if job.work(OUTCOME_ROWS_PER_FRAME) {
                self.outcome_ready = self.outcome_job.take().map(broker::OutcomeBuilder::finish);
                report.outcome = true;
            }
        }
        self.animate(wall);
        let now = self.player.now_us();
        if let Some(lane) = &mut self.compare {
            lane.follow(now, jumped, wall, self.reduced_motion);
            report.followed = jumped;
        }
        report
    }

    /// The outcome at the playhead: at once for a run of up to [`OUTCOME_AT_ONCE`] messages,
    /// else `None`, and a build over the next frames ([`FrameReport::outcome`] says when it
    /// is ready to [`Engine::take_outcome`]). While playing, a build on its way is left to
    /// finish; paused, it is started again from the playhead as it is now.
    pub fn outcome(&mut self) -> Option<broker::Outcome> {
        if self.player.sim().messages() <= OUTCOME_AT_ONCE {
            self.outcome_job = None;
            return Some(self.player.outcome());
        }
        if self.outcome_job.is_none() || !self.playing {
            self.outcome_job = Some(broker::OutcomeBuilder::new(self.player.sim()));
        }
        None
    }

    /// An outcome built over several frames, once it is ready.
    pub fn take_outcome(&mut self) -> Option<broker::Outcome> {
        self.outcome_ready.take()
    }

    /// Brings the animation up to the playhead.
    pub fn animate(&mut self, wall: f64) {
        animate(&mut self.player, &mut self.anim, &self.layout, wall, self.reduced_motion);
    }

    /// The message whose token is drawn at a canvas point, if any.
    pub fn pick(&self, x: f64, y: f64) -> Option<u32> {
        self.anim.pick(&self.layout, self.last_wall.unwrap_or(0.0), self.player.now_us(), x, y)
    }

    /// Records one frame's work time for the probe, keeping the last 1,000.
    pub fn note_frame_time(&mut self, ms: f64) {
        if self.seeked_last_frame && ms.is_finite() && ms > 0.0 {
            // Towards SEEK_FRAME_MS, by at most a factor of two a frame.
            let factor = (SEEK_FRAME_MS / ms).clamp(0.5, 2.0);
            self.seek_budget = ((self.seek_budget as f64 * factor) as u64).clamp(SEEK_EVENTS_MIN, SEEK_EVENTS_MAX);
        }
        if self.frame_ms.len() >= 1_000 {
            self.frame_ms.drain(..500);
        }
        self.frame_ms.push(ms);
    }
}

/// Brings an animation up to its player's playhead: rebuilt after a jump, else fed the new
/// trace entries.
pub fn animate(player: &mut Player, anim: &mut Animator, layout: &Layout, wall: f64, reduced_motion: bool) {
    if player.jumped {
        player.jumped = false;
        player.take_entries();
        anim.rebuild(player.sim(), wall);
    } else {
        let entries = player.take_entries();
        if !entries.is_empty() {
            anim.apply(player.sim(), &entries, layout, wall, reduced_motion);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    fn engine(slug: &str) -> (Engine, Value) {
        let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
        let doc = crate::model::doc::normalise(serde_json::from_str(p.json).unwrap());
        let player = Player::new(crate::model::doc::check(&doc).unwrap());
        (Engine::new(player, &doc), doc)
    }

    #[test]
    fn playing_moves_the_playhead_by_wall_time_times_speed_and_stops_at_the_end() {
        let (mut e, _) = engine("fan-out");
        e.frame(0.0, 1.0);
        e.playing = true;
        let speed = 10.0;
        let r = e.frame(16.0, speed);
        assert!(r.moved);
        assert_eq!(e.player.now_us(), 160_000);
        // A long pause between frames is clamped.
        e.frame(10_000.0, speed);
        assert_eq!(e.player.now_us(), 160_000 + 1_000_000);
        let mut wall = 10_000.0;
        let mut stopped = false;
        for _ in 0..100_000 {
            wall += 100.0;
            if e.frame(wall, speed).stopped {
                stopped = true;
                break;
            }
        }
        assert!(stopped && !e.playing);
        assert_eq!(e.player.now_us(), e.player.end_us());
    }

    #[test]
    fn frames_carry_a_far_seek_on_and_playback_waits_for_it() {
        let (mut e, _) = engine("work-queue");
        e.playing = true;
        let before = e.player.now_us();
        // A seek far ahead of a scout that has not started: too much for a slice of one event.
        assert!(!e.player.begin_seek(29_000_000, 1));
        let mut wall = 0.0;
        let mut landed = false;
        for _ in 0..10_000 {
            wall += 16.0;
            let r = e.frame(wall, 1.0);
            if r.landed {
                landed = true;
                break;
            }
            assert!(r.seeking && !r.moved, "playback waits while the seek works");
            assert_eq!(e.player.now_us(), before);
        }
        assert!(landed);
        assert_eq!(e.player.now_us(), 29_000_000);
        assert!(e.player.seeking().is_none());
        assert!(e.frame(wall + 16.0, 1.0).moved, "then playback goes on from there");
    }

    #[test]
    fn a_big_runs_outcome_is_built_over_frames_and_equals_the_one_at_once() {
        let doc = crate::model::doc::normalise(serde_json::json!({
            "version": 1, "seed": 5, "duration_ms": 70_000,
            "nodes": [
                {"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 1}}, "count": 60_000},
                {"id": "q", "kind": "queue"},
                {"id": "c", "kind": "consumer", "concurrency": 4, "processing": {"fixed": {"ms": 2}}}
            ],
            "wires": [["p", "q"], ["q", "c"]]
        }));
        let mut e = Engine::new(Player::new(crate::model::doc::check(&doc).unwrap()), &doc);
        e.player.seek(e.player.end_us());
        assert!(e.player.sim().messages() > OUTCOME_AT_ONCE);
        assert!(e.outcome().is_none(), "too big to build at once");
        let mut frames = 0;
        let built = loop {
            frames += 1;
            if e.frame(16.0 * frames as f64, 1.0).outcome {
                break e.take_outcome().expect("ready");
            }
            assert!(frames < 1_000);
        };
        assert!(frames >= 1);
        assert_eq!(built, e.player.outcome());
        assert_eq!(built.published, 60_000);
        // A new scenario drops a build on its way.
        assert!(e.outcome().is_none());
        e.load(Player::new(crate::model::doc::check(&doc).unwrap()), &doc, false);
        for f in 0..10 {
            assert!(!e.frame(2_000.0 + 16.0 * f as f64, 1.0).outcome);
        }
        assert!(e.take_outcome().is_none());
    }

    #[test]
    fn the_seek_budget_follows_the_time_seeking_frames_take() {
        let (mut e, _) = engine("work-queue");
        let start = e.seek_budget;
        // A frame that did not seek leaves it alone.
        e.note_frame_time(500.0);
        assert_eq!(e.seek_budget, start);
        assert!(!e.player.begin_seek(29_000_000, 1));
        e.frame(0.0, 1.0);
        e.note_frame_time(140.0);
        assert_eq!(e.seek_budget, start / 2, "a slow frame halves it, no more");
        assert!(!e.player.begin_seek(29_999_000, 1) || e.player.seeking().is_none());
        if e.player.seeking().is_some() {
            e.frame(16.0, 1.0);
            e.note_frame_time(1.0);
            assert_eq!(e.seek_budget, start, "a quick frame doubles it, no more");
        }
    }

    #[test]
    fn loading_an_edited_scenario_keeps_the_time() {
        let (mut e, doc) = engine("work-queue");
        e.player.seek(4_000_000);
        let player = Player::new(crate::model::doc::check(&doc).unwrap());
        e.load(player, &doc, true);
        assert_eq!(e.player.now_us(), 4_000_000);
    }
}
