//! The animation: where each message token is drawn, frame by frame, and the short-lived
//! marks that tell what happened to it (lost, duplicate effect, failure). It reads only the
//! trace and the core's tokens, never keeps its own account of where a message is: each
//! frame, every copy the trace mentions is looked up again with `Simulation::token`, and a
//! changed place starts a glide from where the token is drawn now.
//!
//! ```text
//!   player.take_entries() ──▶ Animator::apply ──▶ tokens (copy ─▶ place, slot, glide) + marks
//!   after a seek ──────────▶ Animator::rebuild (sim.tokens(), no motion)
//!   each frame ────────────▶ Animator::for_each(wall, now) ──▶ Drawn { x, y, shape, .. } ──▶ ui::editor::draw
//! ```
//!
//! Pure Rust with no DOM, so it is tested natively. Positions are in canvas units; wall time
//! (ms) drives glides and fading, virtual time (µs) drives retry backoff rings, which
//! therefore pause with the player.

use std::collections::VecDeque;

use broker::sort::{sort, sort_by_key};
use broker::NodeKind;
use broker::{EnvId, Event, MsgId, NodeId, Place, Simulation, Token};
use broker::{LossReason, ProjectionWrite, ReadResult};
use serde_json::Value;

use crate::model::doc::{self, NODE_H, NODE_W};
use crate::play::by_copy::ByCopy;

/// How long a hop takes on screen, in wall milliseconds.
pub const GLIDE_MS: f64 = 350.0;
/// A dead letter's trip to its DLQ is slower, so that it is seen.
pub const DEAD_GLIDE_MS: f64 = 700.0;
/// Moving up one slot in a queue.
const SHIFT_MS: f64 = 200.0;
pub const LOSS_MS: f64 = 2500.0;
pub const DUPLICATE_MS: f64 = 1500.0;
pub const FAILURE_MS: f64 = 600.0;
/// Marks kept at most (a burst of losses at 100× keeps the newest).
const MAX_MARKS: usize = 400;
/// Distance between token slots, canvas units.
const PITCH: f64 = 10.0;
const CONSUMER_PITCH: f64 = 16.0;
/// Token radius, canvas units.
pub const RADIUS: f64 = 5.0;
pub const CONSUMER_RADIUS: f64 = 7.0;
const COLS: u32 = 13;
const ROWS: u32 = 3;
const CONSUMER_COLS: u32 = 7;
const PUBLISH_COLS: u32 = 4;
/// A topic shows at most this many partition lanes; further partitions share them.
const MAX_LANES: u32 = 6;
/// Colour indices past the key palette.
pub const GREY: u8 = 8;
pub const DEAD_RED: u8 = 9;

/// What a node is, for laying out the tokens in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Producer,
    Exchange,
    Queue,
    /// `copies`: one per consumer group reading it (each record has that many copies).
    Topic {
        partitions: u32,
        copies: u32,
    },
    Consumer,
    DeadLetterQueue,
    ReadModel,
    /// Holds replicas; no token stops at a broker.
    Broker,
}

/// Where each core node's box is on the canvas.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Per core node index: its box's top-left corner, in canvas units.
    pub at: Vec<(f64, f64)>,
    pub kinds: Vec<Kind>,
}

impl Layout {
    /// From the document's positions and the simulation's node names (node i = sim.model().name(NodeId(i))).
    pub fn new(doc: &Value, sim: &Simulation) -> Layout {
        let m = sim.model();
        let at = (0..m.nodes.len()).map(|i| doc::position(doc, m.name(NodeId(i as u32)))).collect();
        let kinds = m
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Producer(_) => Kind::Producer,
                NodeKind::Exchange(_) => Kind::Exchange,
                NodeKind::Queue(_) => Kind::Queue,
                NodeKind::Topic(t) => Kind::Topic { partitions: t.partitions.max(1), copies: t.slots() as u32 },
                NodeKind::Consumer(_) => Kind::Consumer,
                NodeKind::DeadLetterQueue => Kind::DeadLetterQueue,
                NodeKind::ReadModel(_) => Kind::ReadModel,
                NodeKind::Broker(_) => Kind::Broker,
            })
            .collect();
        Layout { at, kinds }
    }

    /// Top-left corner of node `n`'s box (the origin for a node the layout does not know).
    pub fn corner(&self, n: NodeId) -> (f64, f64) {
        self.at.get(n.index()).copied().unwrap_or((0.0, 0.0))
    }

    pub fn center(&self, n: NodeId) -> (f64, f64) {
        let (x, y) = self.corner(n);
        (x + NODE_W / 2.0, y + NODE_H / 2.0)
    }

    fn lanes(&self, n: NodeId) -> (u32, f64) {
        let lanes = match self.kinds.get(n.index()) {
            Some(Kind::Topic { partitions, .. }) => (*partitions).min(MAX_LANES),
            _ => 1,
        };
        // Lanes stay under the status line (the bottom 42 units of the box).
        (lanes, PITCH.min((NODE_H - 58.0) / lanes as f64))
    }

    /// How many distinct slots a place has; later tokens stack on the last one.
    pub fn capacity(&self, place: Place) -> u32 {
        match place {
            Place::Publishing { .. } => PUBLISH_COLS * ROWS,
            Place::Queued { .. } | Place::DeadLettered { .. } => COLS * ROWS,
            Place::InLog { .. } => COLS,
            Place::AtConsumer { .. } => CONSUMER_COLS * 2,
        }
    }

    /// Centre of slot `slot` (0 is the head) of a place.
    pub fn spot(&self, place: Place, slot: u32) -> (f64, f64) {
        let s = slot.min(self.capacity(place) - 1);
        let (x, y) = self.corner(place.node());
        let (right, bottom) = (x + NODE_W, y + NODE_H);
        match place {
            Place::Publishing { .. } => {
                let (c, r) = ((s / ROWS) as f64, (s % ROWS) as f64);
                (right + 8.0 + c * PITCH, y + NODE_H / 2.0 + (r - 1.0) * PITCH)
            }
            Place::Queued { .. } | Place::DeadLettered { .. } => {
                let (c, r) = ((s % COLS) as f64, (s / COLS) as f64);
                (right - 10.0 - c * PITCH, bottom - 9.0 - r * PITCH)
            }
            Place::InLog { topic, partition } => {
                let (lanes, pitch) = self.lanes(topic);
                let lane = (partition % lanes) as f64;
                (right - 10.0 - s as f64 * PITCH, bottom - 8.0 - (lanes as f64 - 1.0 - lane) * pitch)
            }
            Place::AtConsumer { .. } => {
                let (c, r) = ((s % CONSUMER_COLS) as f64, (s / CONSUMER_COLS) as f64);
                (right - 14.0 - c * CONSUMER_PITCH, bottom - 11.0 - r * CONSUMER_PITCH)
            }
        }
    }

    /// Token radius at a place.
    pub fn radius(&self, place: Place) -> f64 {
        match place {
            Place::AtConsumer { .. } => CONSUMER_RADIUS,
            Place::InLog { topic, .. } => RADIUS.min(self.lanes(topic).1 / 2.0 + 0.5),
            _ => RADIUS,
        }
    }
}

/// A token's outline: by key, so that colour is never the only signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    Circle,
    Square,
    Diamond,
    Triangle,
    /// A dead letter: a dark red square with a white cross.
    DeadLetter,
}

/// Colour index (0..8, [`GREY`] when unkeyed) and shape of key `key`: 32 distinct pairs.
pub fn key_style(key: Option<u32>) -> (u8, Shape) {
    match key {
        None => (GREY, Shape::Circle),
        Some(k) => {
            let shape = [Shape::Circle, Shape::Square, Shape::Diamond, Shape::Triangle][((k + k / 8) % 4) as usize];
            ((k % 8) as u8, shape)
        }
    }
}

/// One token as drawn this frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drawn {
    pub copy: u32,
    /// The message it is a copy of (its index in publish order).
    pub msg: u32,
    pub x: f64,
    pub y: f64,
    pub r: f64,
    pub shape: Shape,
    /// 0..8 by key, [`GREY`] unkeyed, [`DEAD_RED`] for a dead letter.
    pub colour: u8,
    /// The consumer's attempt (the next one while waiting out a backoff); shown from 2 on.
    pub attempt: u32,
    /// Share of the retry backoff still to wait, from 1 down to 0.
    pub backoff: Option<f64>,
    pub dead: bool,
    pub moving: bool,
    pub place: Place,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// Lost, dropped, expired or deleted: a cross with the word.
    Loss,
    /// An effect applied more than once: a flash on the consumer with "effect ×N".
    Duplicate,
    /// A processing failure: a brief ring.
    Failure,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub kind: MarkKind,
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub born_ms: f64,
    pub life_ms: f64,
    /// False under reduced motion: the mark stays still and opaque, then goes.
    pub fades: bool,
}

impl Mark {
    /// How far through its life, 0 to 1.
    pub fn age(&self, wall_ms: f64) -> f64 {
        ((wall_ms - self.born_ms) / self.life_ms).clamp(0.0, 1.0)
    }

    pub fn alpha(&self, wall_ms: f64) -> f64 {
        if self.fades {
            1.0 - self.age(wall_ms)
        } else {
            1.0
        }
    }

    fn alive(&self, wall_ms: f64) -> bool {
        wall_ms < self.born_ms + self.life_ms
    }
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    msg: MsgId,
    key: Option<u32>,
    place: Place,
    /// Rank among the tokens at its place (0 is the head).
    slot: u32,
    /// Orders the tokens at a place: lower is nearer the head.
    order: i64,
    from: (f64, f64),
    start_ms: f64,
    dur_ms: f64,
    attempt: u32,
    dead: bool,
    /// Virtual start and end of a retry backoff, and the attempt it leads to.
    backoff: Option<(u64, u64, u32)>,
    /// Its place changed in this `apply`: its slot is new, not a shift.
    fresh: bool,
}

impl Tok {
    /// A token that has just appeared at its place (gliding there from `from` for `dur_ms`).
    fn new(t: &Token, order: i64, from: (f64, f64), wall_ms: f64, dur_ms: f64) -> Tok {
        Tok {
            msg: t.msg,
            key: t.key,
            place: t.place,
            slot: 0,
            order,
            from,
            start_ms: wall_ms,
            dur_ms,
            attempt: t.attempt,
            dead: t.dead,
            backoff: None,
            fresh: true,
        }
    }
}

/// Every live token by copy id, and the transient marks.
#[derive(Clone, Debug, Default)]
pub struct Animator {
    toks: ByCopy<Tok>,
    marks: VecDeque<Mark>,
    counter: i64,
    busy_until: f64,
    /// The next copy id the core will make, as far as the trace tells (see `apply`).
    next_copy: u32,
}

fn lerp(a: (f64, f64), b: (f64, f64), k: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * k, a.1 + (b.1 - a.1) * k)
}

/// Places are grouped for slots by node and, in a topic, partition lane.
fn spot_key(p: Place) -> (u32, u32) {
    match p {
        Place::InLog { topic, partition } => (topic.0, partition),
        _ => (p.node().0, 0),
    }
}

impl Tok {
    fn pos(&self, layout: &Layout, wall_ms: f64) -> (f64, f64) {
        let to = layout.spot(self.place, self.slot);
        let k = (wall_ms - self.start_ms) / self.dur_ms;
        if self.dur_ms <= 0.0 || k >= 1.0 {
            return to;
        }
        let k = k.max(0.0);
        lerp(self.from, to, k * k * (3.0 - 2.0 * k))
    }
}

impl Animator {
    pub fn new() -> Animator {
        Animator::default()
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    fn next_order(&mut self, head: bool) -> i64 {
        self.counter += 1;
        if head {
            -self.counter
        } else {
            self.counter
        }
    }

    /// Forget everything and take every live copy from `sim.tokens()`, placed without motion (after a seek or a new scenario).
    pub fn rebuild(&mut self, sim: &Simulation, wall_ms: f64) {
        self.toks.clear();
        self.marks.clear();
        self.busy_until = wall_ms;
        self.next_copy = 0;
        for t in sim.tokens() {
            self.next_copy = self.next_copy.max(t.copy.0 + 1);
            let order = self.next_order(false);
            self.toks.insert(t.copy.0, Tok::new(&t, order, (0.0, 0.0), wall_ms, 0.0));
        }
        let mut all: Vec<(u32, u32)> = self.toks.values().map(|t| spot_key(t.place)).collect();
        sort(&mut all);
        all.dedup();
        self.rank(&all, &Layout::default(), wall_ms, true);
    }

    /// This frame's trace entries from the playhead (already applied to `sim`). Each copy an
    /// entry mentions is looked up again; a changed place starts a glide from where the token
    /// is drawn now (none under `reduced_motion`). Entries also leave marks.
    pub fn apply(
        &mut self,
        sim: &Simulation,
        entries: &[broker::Entry],
        layout: &Layout,
        wall_ms: f64,
        reduced_motion: bool,
    ) {
        if entries.is_empty() {
            return;
        }
        while self.marks.front().is_some_and(|m| !m.alive(wall_ms)) {
            self.marks.pop_front();
        }
        let mut touched: Vec<u32> = Vec::new();
        let mut heads: Vec<u32> = Vec::new();
        let mut published: Vec<(MsgId, NodeId)> = Vec::new();
        let mut recheck: Vec<u32> = Vec::new();
        let mut all_consumers = false;
        let mut everything = false;
        // Marks first, while the tokens are still drawn where they were.
        for e in entries {
            // Where the token is drawn, if it is drawn at the node where this happened; else
            // that node (within one frame a message can be published, delivered and lost).
            let at = |me: &Self| {
                e.env()
                    .and_then(|c| me.toks.get(&c.0))
                    .filter(|t| t.place.node() == e.node)
                    .map_or_else(|| layout.center(e.node), |t| t.pos(layout, wall_ms))
            };
            let (kind, label, life) = match &e.event {
                Event::Lost { reason } => {
                    (MarkKind::Loss, if *reason == LossReason::Retention { "deleted" } else { "lost" }.into(), LOSS_MS)
                }
                Event::Dropped { .. } => (MarkKind::Loss, "dropped".into(), LOSS_MS),
                Event::AbortedSkipped { .. } => (MarkKind::Loss, "aborted: skipped".into(), LOSS_MS),
                Event::Expired => (MarkKind::Loss, "expired".into(), LOSS_MS),
                Event::EffectApplied { count } if *count >= 2 => {
                    (MarkKind::Duplicate, format!("effect \u{d7}{count}"), DUPLICATE_MS)
                }
                Event::ProcessingFailed { .. } => (MarkKind::Failure, String::new(), FAILURE_MS),
                // A read model's row set back, and a read that did not find what it looked for.
                Event::Projected { write: ProjectionWrite::Regressed, version } => {
                    (MarkKind::Duplicate, format!("back to v{version}"), DUPLICATE_MS)
                }
                Event::ViewRead { result: ReadResult::Missing, .. } => {
                    (MarkKind::Duplicate, "read: not there".into(), DUPLICATE_MS)
                }
                Event::ViewRead { result: ReadResult::Stale, .. } => {
                    (MarkKind::Duplicate, "read: old version".into(), DUPLICATE_MS)
                }
                // Schemas: a message the reader's schema cannot read, and a deploy.
                Event::Unreadable { writer, .. } => {
                    (MarkKind::Duplicate, format!("can't read v{writer}"), DUPLICATE_MS)
                }
                Event::DeployRefused { version, .. } => {
                    (MarkKind::Duplicate, format!("v{version} refused"), DUPLICATE_MS)
                }
                Event::Deployed { version } => (MarkKind::Duplicate, format!("now v{version}"), DUPLICATE_MS),
                _ => (MarkKind::Failure, String::new(), 0.0),
            };
            if life > 0.0 {
                let (x, y) = if kind == MarkKind::Loss { at(self) } else { layout.center(e.node) };
                if self.marks.len() >= MAX_MARKS {
                    self.marks.pop_front();
                }
                let fades = !reduced_motion;
                self.marks.push_back(Mark { kind, x, y, label, born_ms: wall_ms, life_ms: life, fades });
                self.busy_until = self.busy_until.max(wall_ms + life);
            }
            match &e.event {
                Event::Published { .. } => published.extend(e.msg().map(|m| (m, e.node))),
                Event::Enqueued { position: 0 } | Event::Requeued { position: 0, .. } => {
                    heads.extend(e.env().map(|c| c.0))
                }
                Event::OffsetsReset { .. } | Event::Redriven { .. } => everything = true,
                _ => {}
            }
            if let Some(c) = e.env() {
                self.next_copy = self.next_copy.max(c.0 + 1);
            }
            // An append makes one copy per group reading the topic, and the trace names only
            // the first: the others are the next copy ids the core hands out.
            if let (Event::Appended { .. }, Some(msg)) = (&e.event, e.msg()) {
                let extra = match layout.kinds.get(e.node.index()) {
                    Some(Kind::Topic { copies, .. }) => copies.saturating_sub(1),
                    _ => 0,
                };
                for c in self.next_copy..self.next_copy + extra {
                    match sim.token(EnvId(c)) {
                        Some(t) if t.msg != msg => everything = true,
                        _ => touched.push(c),
                    }
                }
                self.next_copy += extra;
            }
            match e.env() {
                Some(c) => touched.push(c.0),
                // A crash, a commit, a rebalance...: copies at that node, and at consumers (a
                // commit by one member ends a zombie member's copy), may have moved unnamed.
                None => {
                    recheck.push(e.node.0);
                    all_consumers = true;
                }
            }
        }
        sort(&mut recheck);
        recheck.dedup();
        if !recheck.is_empty() || all_consumers {
            for (c, t) in &self.toks {
                let at_consumer = matches!(t.place, Place::AtConsumer { .. });
                if (all_consumers && at_consumer) || recheck.binary_search(&t.place.node().0).is_ok() {
                    touched.push(*c);
                }
            }
        }
        if everything {
            touched.extend(self.toks.keys().copied());
            touched.extend(sim.tokens().iter().map(|t| t.copy.0));
        }
        sort(&mut touched);
        touched.dedup();
        sort(&mut heads);
        let now: Vec<(u32, Option<Token>)> = touched.iter().map(|&c| (c, sim.token(EnvId(c)))).collect();

        let mut dirty: Vec<(u32, u32)> = Vec::new();
        // Copies gone this frame, by message: a new copy of the same message starts there.
        let mut gone: Vec<(MsgId, (f64, f64))> = Vec::new();
        for (c, t) in &now {
            if t.is_none() {
                if let Some(old) = self.toks.remove(c) {
                    dirty.push(spot_key(old.place));
                    gone.push((old.msg, old.pos(layout, wall_ms)));
                }
            }
        }
        sort_by_key(&mut gone, |g| g.0);
        sort_by_key(&mut published, |p| p.0);
        let glide = |place: Place| match (reduced_motion, place) {
            (true, _) => 0.0,
            (_, Place::DeadLettered { .. }) => DEAD_GLIDE_MS,
            _ => GLIDE_MS,
        };
        for (c, t) in now {
            let Some(t) = t else { continue };
            let head = heads.binary_search(&c).is_ok();
            match self.toks.get(&c).map(|o| (o.place, o.pos(layout, wall_ms))) {
                Some((place, _)) if place == t.place => {
                    let o = self.toks.get_mut(&c).unwrap();
                    (o.attempt, o.dead) = (t.attempt, t.dead);
                }
                Some((old, from)) => {
                    let order = self.next_order(head);
                    let o = self.toks.get_mut(&c).unwrap();
                    dirty.push(spot_key(old));
                    dirty.push(spot_key(t.place));
                    let dur = glide(t.place);
                    *o = Tok {
                        place: t.place,
                        order,
                        from,
                        start_ms: wall_ms,
                        dur_ms: dur,
                        backoff: None,
                        fresh: true,
                        ..*o
                    };
                    (o.attempt, o.dead) = (t.attempt, t.dead);
                    self.busy_until = self.busy_until.max(wall_ms + dur);
                }
                None => {
                    let order = self.next_order(head);
                    let from = gone.binary_search_by_key(&t.msg, |g| g.0).ok().map(|i| gone[i].1).or_else(|| {
                        let p = published[published.binary_search_by_key(&t.msg, |p| p.0).ok()?].1;
                        (t.place != Place::Publishing { producer: p })
                            .then(|| layout.spot(Place::Publishing { producer: p }, 0))
                    });
                    let dur = if from.is_some() { glide(t.place) } else { 0.0 };
                    dirty.push(spot_key(t.place));
                    self.busy_until = self.busy_until.max(wall_ms + dur);
                    self.toks.insert(c, Tok::new(&t, order, from.unwrap_or((0.0, 0.0)), wall_ms, dur));
                }
            }
        }
        for e in entries {
            let Some(t) = e.env().and_then(|c| self.toks.get_mut(&c.0)) else { continue };
            match e.event {
                Event::RetryScheduled { attempt, delay_us } => t.backoff = Some((e.t.0, e.t.0 + delay_us, attempt)),
                Event::ProcessingStarted { .. } => t.backoff = None,
                _ => {}
            }
        }
        sort(&mut dirty);
        dirty.dedup();
        self.rank(&dirty, layout, wall_ms, reduced_motion);
    }

    /// Gives the tokens at the `dirty` spots their rank; one moved up glides there.
    fn rank(&mut self, dirty: &[(u32, u32)], layout: &Layout, wall_ms: f64, reduced_motion: bool) {
        if dirty.is_empty() {
            return;
        }
        let mut at: Vec<((u32, u32), i64, u32)> = self
            .toks
            .iter()
            .filter(|(_, t)| dirty.binary_search(&spot_key(t.place)).is_ok())
            .map(|(c, t)| (spot_key(t.place), t.order, *c))
            .collect();
        sort(&mut at);
        let mut rank = 0;
        for i in 0..at.len() {
            rank = if i > 0 && at[i - 1].0 == at[i].0 { rank + 1 } else { 0 };
            let t = self.toks.get_mut(&at[i].2).unwrap();
            let cap = layout.capacity(t.place).max(1) - 1;
            if t.fresh || reduced_motion || t.slot.min(cap) == rank.min(cap) {
                t.slot = rank;
            } else {
                t.from = t.pos(layout, wall_ms);
                t.slot = rank;
                t.start_ms = wall_ms;
                t.dur_ms = SHIFT_MS;
                self.busy_until = self.busy_until.max(wall_ms + SHIFT_MS);
            }
            t.fresh = false;
        }
    }

    /// Where each token is drawn at this wall time and virtual time.
    pub fn for_each(&self, layout: &Layout, wall_ms: f64, now_us: u64, mut f: impl FnMut(&Drawn)) {
        for (c, t) in &self.toks {
            let moving = wall_ms < t.start_ms + t.dur_ms;
            // Tokens past a place's last slot sit exactly on it: one drawn is enough, which
            // keeps a frame cheap when a queue holds a hundred thousand messages.
            if !moving && t.slot >= layout.capacity(t.place) {
                continue;
            }
            let (x, y) = t.pos(layout, wall_ms);
            let (colour, shape) = if t.dead { (DEAD_RED, Shape::DeadLetter) } else { key_style(t.key) };
            let backoff = t.backoff.map(|(a, b, _)| {
                if b <= a {
                    0.0
                } else {
                    ((b.saturating_sub(now_us)) as f64 / (b - a) as f64).clamp(0.0, 1.0)
                }
            });
            f(&Drawn {
                copy: *c,
                msg: t.msg.index() as u32,
                x,
                y,
                r: layout.radius(t.place),
                shape,
                colour,
                attempt: t.backoff.map_or(t.attempt, |b| b.2),
                backoff,
                dead: t.dead,
                moving,
                place: t.place,
            });
        }
    }

    /// The message of the token nearest to a canvas point, if the point is on one.
    pub fn pick(&self, layout: &Layout, wall_ms: f64, now_us: u64, x: f64, y: f64) -> Option<u32> {
        let mut best: Option<(f64, u32)> = None;
        self.for_each(layout, wall_ms, now_us, |d| {
            let dist = (d.x - x).powi(2) + (d.y - y).powi(2);
            let reach = (d.r + 2.0).powi(2);
            if dist <= reach && best.is_none_or(|(b, _)| dist < b) {
                best = Some((dist, d.msg));
            }
        });
        best.map(|(_, m)| m)
    }

    /// Transient marks alive at this wall time.
    pub fn marks(&self, wall_ms: f64) -> impl Iterator<Item = &Mark> {
        self.marks.iter().filter(move |m| m.alive(wall_ms))
    }

    /// Whether anything is still moving or fading.
    pub fn busy(&self, wall_ms: f64) -> bool {
        wall_ms < self.busy_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;
    use crate::play::player::Player;

    fn setup(slug: &str) -> (Player, Layout) {
        let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
        let doc = doc::normalise(serde_json::from_str(p.json).unwrap());
        let player = Player::new(doc::check(&doc).unwrap());
        let layout = Layout::new(&doc, player.sim());
        (player, layout)
    }

    fn drawn(a: &Animator, layout: &Layout, wall: f64, now: u64) -> Vec<Drawn> {
        let mut v = Vec::new();
        a.for_each(layout, wall, now, |d| v.push(*d));
        v
    }

    fn inside(layout: &Layout, n: NodeId, (x, y): (f64, f64), margin: f64) -> bool {
        let (bx, by) = layout.corner(n);
        x >= bx - margin && x <= bx + NODE_W + margin && y >= by - margin && y <= by + NODE_H + margin
    }

    #[test]
    fn a_click_on_a_token_picks_its_message_and_a_click_beside_it_picks_nothing() {
        let (mut player, layout) = setup("poison-with-dlq");
        player.seek(3_000_000);
        let mut a = Animator::new();
        a.rebuild(player.sim(), 0.0);
        let all = drawn(&a, &layout, 0.0, player.now_us());
        let d = all.first().expect("tokens at 3 s");
        assert_eq!(a.pick(&layout, 0.0, player.now_us(), d.x + 1.0, d.y - 1.0), Some(d.msg));
        let far = (d.x + 500.0, d.y + 500.0);
        assert!(all.iter().all(|o| (o.x - far.0).abs() > 20.0 || (o.y - far.1).abs() > 20.0));
        assert_eq!(a.pick(&layout, 0.0, player.now_us(), far.0, far.1), None);
        // The picked message is the token's own: its copy is a copy of that message.
        let token = player.sim().token(broker::EnvId(d.copy)).unwrap();
        assert_eq!(token.msg.index() as u32, d.msg);
    }

    /// Plays a lesson frame by frame, calling `check` after each frame's `apply`.
    fn play(
        slug: &str,
        frame_us: u64,
        reduced: bool,
        mut check: impl FnMut(&Player, &Animator, &Layout, &[broker::Entry], f64),
    ) {
        let (mut p, layout) = setup(slug);
        let mut a = Animator::new();
        let mut wall = 0.0;
        a.rebuild(p.sim(), wall);
        let mut t = 0;
        while t < p.end_us() {
            t += frame_us;
            wall += 16.0;
            p.advance_to(t);
            let es = p.take_entries();
            a.apply(p.sim(), &es, &layout, wall, reduced);
            check(&p, &a, &layout, &es, wall);
        }
    }

    fn same_copies(p: &Player, a: &Animator, what: &str) {
        let live: Vec<(u32, Place)> = p.sim().tokens().iter().map(|t| (t.copy.0, t.place)).collect();
        let ours: Vec<(u32, Place)> = a.toks.iter().map(|(c, t)| (*c, t.place)).collect();
        assert_eq!(a.len(), live.len(), "{what} at {} µs", p.now_us());
        assert_eq!(ours, live, "{what} at {} µs", p.now_us());
    }

    #[test]
    fn the_animation_keeps_exactly_the_live_copies_in_every_lesson() {
        for preset in PRESETS {
            // 1×, 10× and 100× at 60 frames a second.
            for frame_us in [16_000, 170_000, 1_600_000] {
                let mut most = 0;
                play(preset.slug, frame_us, false, |p, a, _, _, _| {
                    same_copies(p, a, preset.slug);
                    most = most.max(a.len());
                });
                assert!(most > 0, "{}", preset.slug);
            }
        }
    }

    #[test]
    fn a_rebuild_after_a_seek_takes_every_live_copy() {
        for slug in ["work-queue", "consumer-lag-rebalance", "poison-with-dlq"] {
            let (mut p, layout) = setup(slug);
            let mut a = Animator::new();
            for t in [3_000_000, 1_000_000, 7_500_000, 0] {
                p.seek(t);
                p.take_entries();
                a.rebuild(p.sim(), 100.0);
                same_copies(&p, &a, slug);
                assert!(!a.busy(100.0));
                // And it goes on from there.
                p.advance_to(t + 500_000);
                let es = p.take_entries();
                a.apply(p.sim(), &es, &layout, 116.0, false);
                same_copies(&p, &a, slug);
            }
        }
    }

    #[test]
    fn queued_tokens_sit_inside_their_queue_and_reduced_motion_never_glides() {
        for slug in ["work-queue", "poison-with-dlq", "retry-storm", "consumer-lag-rebalance"] {
            play(slug, 50_000, true, |_, a, layout, _, wall| {
                for d in drawn(a, layout, wall, 0) {
                    assert!(!d.moving, "{slug}: a token glides under reduced motion");
                    let margin = match d.place {
                        Place::Publishing { .. } => continue,
                        Place::Queued { .. } | Place::DeadLettered { .. } | Place::InLog { .. } => -d.r,
                        Place::AtConsumer { .. } => 0.0,
                    };
                    let n = d.place.node();
                    assert!(inside(layout, n, (d.x, d.y), margin), "{slug}: {d:?} outside {:?}", layout.corner(n));
                }
                // Places match targets exactly: what a rebuild would draw at once.
                assert!(!a.busy(wall) || a.marks(wall).next().is_some());
            });
        }
    }

    #[test]
    fn a_dead_letter_turns_dead_and_travels_to_the_dlq() {
        let mut seen = false;
        play("poison-with-dlq", 16_000, false, |p, a, layout, es, wall| {
            for e in es.iter().filter(|e| matches!(e.event, Event::DeadLettered { .. })) {
                let Event::DeadLettered { target, .. } = e.event else { unreachable!() };
                let c = e.env().unwrap().0;
                let at = |w| drawn(a, layout, w, p.now_us()).into_iter().find(|d| d.copy == c).unwrap();
                let (now, mid, end) = (at(wall), at(wall + DEAD_GLIDE_MS / 2.0), at(wall + DEAD_GLIDE_MS));
                assert!(now.dead && now.shape == Shape::DeadLetter && now.colour == DEAD_RED);
                assert!(now.moving && !inside(layout, target, (now.x, now.y), 0.0), "{now:?}");
                assert!(mid.moving && !end.moving);
                assert!(inside(layout, target, (end.x, end.y), -end.r), "{end:?} vs {:?}", layout.corner(target));
                seen = true;
            }
        });
        assert!(seen);
    }

    #[test]
    fn a_lost_message_leaves_a_fading_cross_where_it_was() {
        for reduced in [false, true] {
            let mut seen = 0;
            play("crash-at-most-once", 16_000, reduced, |_, a, layout, es, wall| {
                let lost: Vec<_> = es.iter().filter(|e| matches!(e.event, Event::Lost { .. })).collect();
                let marks: Vec<_> = a.marks(wall).filter(|m| m.born_ms == wall && m.kind == MarkKind::Loss).collect();
                assert_eq!(lost.len(), marks.len());
                for (e, m) in lost.iter().zip(marks) {
                    assert_eq!(m.label, "lost");
                    // Where the token was: at rest (reduced motion), inside the consumer's box.
                    assert!(!reduced || inside(layout, e.node, (m.x, m.y), 0.0), "{m:?}");
                    assert_eq!(m.alpha(wall), 1.0);
                    assert_eq!(m.alpha(wall + LOSS_MS / 2.0), if reduced { 1.0 } else { 0.5 });
                    assert!(a.busy(wall + LOSS_MS - 1.0));
                    seen += 1;
                }
                assert!(a.marks(wall + LOSS_MS).next().is_none());
            });
            assert!(seen > 0);
        }
    }

    #[test]
    fn a_retry_shows_its_attempt_and_a_backoff_ring_that_empties_in_virtual_time() {
        let mut seen = false;
        play("retry-jitter", 16_000, false, |p, a, layout, es, wall| {
            for e in es {
                let Event::RetryScheduled { attempt, delay_us } = e.event else { continue };
                let c = e.env().unwrap().0;
                if delay_us < 1_000 || es.iter().any(|x| x.env() == e.env() && x.seq > e.seq) {
                    continue;
                }
                let at = |now| drawn(a, layout, wall, now).into_iter().find(|d| d.copy == c).unwrap();
                let t = e.t.0;
                assert_eq!(at(t).backoff, Some(1.0));
                assert!((at(t + delay_us / 2).backoff.unwrap() - 0.5).abs() < 0.01);
                assert_eq!(at(t + delay_us).backoff, Some(0.0));
                assert_eq!(at(t).attempt, attempt);
                assert!(attempt >= 2 && matches!(at(p.now_us()).place, Place::AtConsumer { .. }));
                seen = true;
            }
        });
        assert!(seen);
    }

    #[test]
    fn a_duplicate_effect_flashes_on_the_consumer() {
        let mut seen = false;
        play("duplicates-no-idempotency", 16_000, false, |_, a, layout, es, wall| {
            for e in es {
                let Event::EffectApplied { count: 2.. } = e.event else { continue };
                let m = a.marks(wall).find(|m| m.kind == MarkKind::Duplicate).unwrap();
                assert!(m.label.starts_with("effect \u{d7}"));
                assert_eq!((m.x, m.y), layout.center(e.node));
                seen = true;
            }
        });
        assert!(seen);
    }

    #[test]
    fn keys_get_distinct_colour_and_shape_pairs() {
        let pairs: std::collections::BTreeSet<_> = (0..32).map(|k| key_style(Some(k))).collect();
        assert_eq!(pairs.len(), 32);
        assert_eq!(key_style(None), (GREY, Shape::Circle));
    }
}
