//! Compare's second run: a second scenario (B) runs beside the one being edited (A), on A's
//! seed, and follows A's playhead: play, step, seek and reset move both timelines together.
//! B has its own player and animation (a [`Lane`]); the page shows what [`Comparison`] holds
//! of it, and [`differences`] spells out how the two outcomes differ.
//!
//! ```text
//!   Engine::frame ──▶ A: player.advance ──▶ animate ──▶ draw(A's <canvas>)
//!                 └─▶ B: Lane::follow(A's time) ──▶ animate ──▶ draw(B's <canvas>)
//! ```

use std::rc::Rc;

use broker::NodeSnapshot;
use broker::Outcome;
use serde_json::Value;

use crate::model::doc::{self, NODE_H, NODE_W};
use crate::play::animation::{Animator, Layout};
use crate::play::player::Player;

/// What Compare runs as B, beside the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareTo {
    /// Another lesson, by preset index (a lesson's other variant).
    Variant(usize),
    /// Where the document started: the lesson as shipped, or what a link or file opened.
    /// "What did my change do?"
    Original,
}

/// Scout events per frame for B: half of A's, so a compare costs the page no more than
/// half as much again.
const SCOUT_EVENTS_PER_FRAME: u64 = 3_000;
const PLAY_EVENTS_PER_FRAME: u64 = 20_000;

/// B's player and animation.
pub struct Lane {
    pub player: Player,
    pub anim: Animator,
    pub layout: Layout,
    /// The part of the canvas B's pane shows (see [`scene_box`]).
    pub scene: (f64, f64, f64, f64),
}

impl Lane {
    pub fn new(player: Player, doc: &Value) -> Lane {
        let layout = Layout::new(doc, player.sim());
        Lane { player, anim: Animator::new(), layout, scene: scene_box(doc) }
    }

    /// Brings B to A's time `t_us`: a seek when A jumped (or went back), else a bounded
    /// advance like A's own; then animates what happened.
    pub fn follow(&mut self, t_us: u64, jumped: bool, wall: f64, reduced_motion: bool) {
        if !self.player.scouted() {
            self.player.scout(SCOUT_EVENTS_PER_FRAME);
        }
        let t = t_us.min(self.player.end_us());
        if jumped || t < self.player.now_us() {
            self.player.seek(t);
        } else if t > self.player.now_us() {
            self.player.advance_bounded(t, PLAY_EVENTS_PER_FRAME);
        }
        crate::play::engine::animate(&mut self.player, &mut self.anim, &self.layout, wall, reduced_motion);
    }
}

/// What the page shows of B.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// What B is and its label ("With a DLQ", "the lesson as shipped").
    pub with: CompareTo,
    pub label: String,
    pub doc: Rc<Value>,
    pub outcome: Rc<Outcome>,
    pub status: Rc<Vec<NodeSnapshot>>,
}

/// The part of the canvas a scenario covers, with a margin: (x, y, width, height).
pub fn scene_box(d: &Value) -> (f64, f64, f64, f64) {
    let ns = doc::nodes(d);
    if ns.is_empty() {
        return (0.0, 0.0, 400.0, 200.0);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for n in ns {
        let (x, y) = doc::position(d, doc::node_id(n));
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x + NODE_W);
        y1 = y1.max(y + NODE_H + 50.0);
    }
    let m = 24.0;
    (x0 - m, y0 - m - 20.0, x1 - x0 + 2.0 * m, y1 - y0 + 2.0 * m + 20.0)
}

/// Pan and zoom that show `scene_box` centred in a `width` × `height` pane, as SVG's
/// `preserveAspectRatio="xMidYMid meet"` does, so tokens land on the SVG's nodes.
pub fn meet(b: (f64, f64, f64, f64), width: f64, height: f64) -> (f64, f64, f64) {
    let zoom = (width / b.2).min(height / b.3).max(1e-6);
    ((width - b.2 * zoom) / 2.0 - b.0 * zoom, (height - b.3 * zoom) / 2.0 - b.1 * zoom, zoom)
}

/// The outcome figures compared, with their labels: (label, A, B).
pub fn differences(a: &Outcome, b: &Outcome) -> Vec<(&'static str, u64, u64)> {
    [
        ("processed once", a.processed_once, b.processed_once),
        ("processed more than once", a.processed_more_than_once, b.processed_more_than_once),
        ("dead-lettered", a.dead_lettered, b.dead_lettered),
        ("dropped", a.dropped, b.dropped),
        ("lost", a.lost, b.lost),
        ("in flight", a.in_flight, b.in_flight),
        ("duplicate effects", a.duplicate_effects, b.duplicate_effects),
        ("out of order", a.out_of_order, b.out_of_order),
        ("retries", a.retries, b.retries),
        ("redeliveries", a.redeliveries, b.redeliveries),
    ]
    .into_iter()
    .filter(|(_, x, y)| x != y)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    #[test]
    fn b_follows_a_and_ends_with_its_own_outcome_on_the_same_seed() {
        let load = |slug: &str| {
            let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
            let doc = crate::model::doc::normalise(serde_json::from_str(p.json).unwrap());
            (Player::new(crate::model::doc::check(&doc).unwrap()), doc)
        };
        let (a, _) = load("poison-no-dlq");
        let (b, doc) = load("poison-with-dlq");
        let mut lane = Lane::new(b, &doc);
        let mut t = 0;
        let mut wall = 0.0;
        while t < a.end_us() {
            t += 250_000;
            wall += 16.0;
            lane.follow(t, false, wall, false);
        }
        assert_eq!(lane.player.now_us(), lane.player.end_us());
        let mut straight = broker::Simulation::new(crate::model::doc::check(&doc).unwrap());
        straight.run_to_end();
        assert_eq!(lane.player.sim().trace_hash(), straight.trace_hash());
        lane.follow(1_000_000, true, wall, false);
        assert_eq!(lane.player.now_us(), 1_000_000);
        let d = differences(&straight.outcome(), &lane.player.outcome());
        assert!(d.iter().any(|x| x.0 == "dead-lettered"), "{d:?}");
    }

    #[test]
    fn meet_centres_the_scene_like_svg_does() {
        let (px, py, z) = meet((0.0, 0.0, 200.0, 100.0), 400.0, 400.0);
        assert_eq!(z, 2.0);
        assert_eq!((px, py), (0.0, 100.0));
    }
}
