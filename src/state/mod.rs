//! The app's one state and its reducer. Every gesture becomes an [`Action`]; `reduce` edits
//! the document (with undo and redo), validates it with the core, and tells the engine what
//! to play. It never touches the DOM: the views render whatever state they are given, and the
//! animation loop carries out the engine's part frame by frame.
//!
//! ```text
//!   pointer / keyboard / inputs ──Action──▶ AppState::reduce ──▶ document (+ history)
//!                                               │                   │ core validate
//!                                               │        problems ◀─┤
//!                                               └──▶ Engine (player, animation) ◀─ model
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use broker::snapshot::NodeSnapshot;
use broker::{Outcome, Problem};
use serde_json::{json, Value};
use yew::Reducible;

use crate::model::doc;
use crate::model::fields::{self, Field, Target};
use crate::model::presets::PRESETS;
use crate::play::engine::{Engine, ViewPort};
use crate::play::player::{Marker, Player};

/// The most undo steps kept.
const HISTORY: usize = 200;
pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 100.0;
pub const MIN_ZOOM: f64 = 0.25;
pub const MAX_ZOOM: f64 = 4.0;

/// Something selected on the canvas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sel {
    Node(String),
    Wire(usize),
}

/// Text typed into a field that the document could not take as it is, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    pub error: String,
}

/// A short message for the user: a refused wire (next to where it was dropped), a failed
/// edit. Shown in a live region so screen readers announce it.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    /// Canvas point to show it next to, if it is about a place on the canvas.
    pub at: Option<(f64, f64)>,
}

/// What an inspector field belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldOwner {
    Node(String),
    Wire(usize),
}

/// The side panel's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Lesson,
    Inspector,
    Log,
    Passport,
    Charts,
    Checks,
}

impl Tab {
    pub const ALL: [Tab; 6] = [Tab::Lesson, Tab::Inspector, Tab::Log, Tab::Passport, Tab::Charts, Tab::Checks];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Lesson => "Lesson",
            Tab::Inspector => "Inspector",
            Tab::Log => "Event log",
            Tab::Passport => "Passport",
            Tab::Charts => "Charts",
            Tab::Checks => "Checks",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Tab::Lesson => "lesson",
            Tab::Inspector => "inspector",
            Tab::Log => "log",
            Tab::Passport => "passport",
            Tab::Charts => "charts",
            Tab::Checks => "checks",
        }
    }
}

/// The event log's filter: an event kind (a label of [`crate::play::words::KINDS`]), a node id and
/// a key or message name; empty means any. `limit` is how many rows it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter {
    pub kind: String,
    pub node: String,
    pub key: String,
    pub limit: usize,
}

/// Rows the event log shows at first, and adds per "Show earlier".
pub const LOG_PAGE: usize = 200;

impl Default for LogFilter {
    fn default() -> Self {
        LogFilter { kind: String::new(), node: String::new(), key: String::new(), limit: LOG_PAGE }
    }
}

/// A learner's answer to the lesson's "predict, then run" question.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prediction {
    pub text: String,
    /// Locked in before the run: the number the learner predicted.
    pub locked: Option<u64>,
    pub error: Option<String>,
}

/// Scenario-level settings the inspector shows when nothing is selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScenarioField {
    Title,
    Duration,
    Seed,
}

/// What Compare runs as B, beside the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareTo {
    /// Another lesson, by preset index (a lesson's other variant).
    Variant(usize),
    /// Where the document started: the lesson as shipped, or what a link or file opened.
    /// "What did my change do?"
    Original,
}

pub enum Action {
    /// Add a node from the palette: at a canvas point (a drop), or at a free spot.
    AddNode {
        kind: String,
        at: Option<(f64, f64)>,
    },
    Select {
        sel: Sel,
        extend: bool,
    },
    SelectNodes(Vec<String>),
    ClearSelection,
    /// Move nodes by a canvas offset (the end of a drag, or arrow keys). Consecutive nudges
    /// of the same nodes are one undo step; each drag is its own.
    MoveNodes {
        ids: Vec<String>,
        dx: f64,
        dy: f64,
        nudge: bool,
    },
    DeleteSelection,
    /// Wire two nodes; `at` is the canvas point of a drop (none when wired from the inspector).
    Wire {
        from: String,
        to: String,
        at: Option<(f64, f64)>,
    },
    DeleteWire(usize),
    Edit {
        owner: FieldOwner,
        field: &'static Field,
        text: String,
    },
    EditScenario {
        field: ScenarioField,
        text: String,
    },
    Rename {
        id: String,
        text: String,
    },
    Undo,
    Redo,
    LoadLesson(usize),
    /// Back to the lesson's scenario as it shipped (an edit, so it can be undone).
    StartOver,
    Play,
    Pause,
    TogglePlay,
    Step,
    /// Back to time zero (the transport's Reset).
    Rewind,
    Seek(u64),
    SetSpeed(f64),
    /// The engine moved: copy what the page shows from it.
    Sync {
        outcome: bool,
    },
    /// Record "crash this consumer now" into the action script at the playhead's time.
    CrashNow {
        consumer: String,
        recover_after_ms: Option<i64>,
    },
    /// Record an outage of a queue, exchange or topic now.
    OutageNow {
        node: String,
        duration_ms: i64,
    },
    /// Record another action of the script now: a DLQ's redrive, a consumer leaving or
    /// joining its group. `what` is the action without its time, e.g. `{"redrive": {...}}`.
    ActNow(Value),
    RemoveAction(usize),
    Pan {
        dx: f64,
        dy: f64,
    },
    /// Zoom by `factor` around a CSS point of the canvas region.
    Zoom {
        factor: f64,
        around: (f64, f64),
    },
    FitView {
        width: f64,
        height: f64,
    },
    ToggleHelp,
    /// Escape: close the help, drop the notice, clear the selection.
    Escape,
    DismissNotice,
    SetReducedMotion(bool),
    SetTab(Tab),
    /// Follow a message in the passport (by index in publish order); `open` shows the
    /// passport tab, `at` moves the timeline too.
    ShowMessage {
        msg: u32,
        open: bool,
        at: Option<u64>,
    },
    SetLogFilter(LogFilter),
    /// A narration point: move the timeline and select the node it is about.
    Point {
        at: Option<u64>,
        node: Option<String>,
    },
    SetPrediction(String),
    LockPrediction,
    ToggleGallery,
    /// Run another scenario beside this one on the same seed; `None` closes.
    CompareWith(Option<CompareTo>),
    /// Open a share link (the text after `#`). `from_history`: the browser's back or forward
    /// buttons (or the page's own address on load) brought it, so it is not a new entry.
    OpenLink {
        text: String,
        from_history: bool,
    },
    /// Open a scenario file's text (file picker or a drop on the canvas).
    Import {
        name: String,
        text: String,
    },
    /// Show text to copy by hand where the clipboard is not allowed; `None` hides it.
    ShowCopyText(Option<(String, String)>),
    Notify(String),
    /// Embed mode's read-only option: from now on the scenario cannot be edited.
    SetReadOnly,
}

impl Action {
    /// Whether the action changes the scenario (refused when read-only).
    fn edits(&self) -> bool {
        matches!(
            self,
            Action::AddNode { .. }
                | Action::MoveNodes { .. }
                | Action::DeleteSelection
                | Action::Wire { .. }
                | Action::DeleteWire(_)
                | Action::Edit { .. }
                | Action::EditScenario { .. }
                | Action::Rename { .. }
                | Action::Undo
                | Action::Redo
                | Action::CrashNow { .. }
                | Action::OutageNow { .. }
                | Action::ActNow(_)
                | Action::RemoveAction(_)
                | Action::Import { .. }
        )
    }
}

#[derive(Clone)]
pub struct AppState {
    pub doc: Rc<Value>,
    undo: Rc<Vec<Rc<Value>>>,
    redo: Rc<Vec<Rc<Value>>>,
    /// Consecutive edits of the same field fold into one undo step.
    coalesce: Option<String>,
    /// The core's problems with the document; empty when it runs as it is.
    pub problems: Rc<Vec<Problem>>,
    /// The document the player runs: the last one without problems.
    running: Rc<Value>,
    pub selection: Rc<Vec<Sel>>,
    pub drafts: Rc<BTreeMap<String, Draft>>,
    pub notice: Option<Notice>,
    /// The lesson the document started from.
    pub lesson: usize,
    pub playing: bool,
    pub speed: f64,
    pub t_us: u64,
    pub end_us: u64,
    pub markers: Rc<Vec<Marker>>,
    pub markers_left_out: usize,
    pub outcome: Rc<Outcome>,
    pub status: Rc<Vec<NodeSnapshot>>,
    pub view: ViewPort,
    pub help: bool,
    pub engine: Rc<RefCell<Engine>>,
    /// Bumped whenever the engine gets a new scenario or layout.
    pub rev: u64,
    /// Bumped when a new scenario should be fitted to the canvas (a lesson, Start over).
    pub fit_request: u64,
    pub tab: Tab,
    /// The message the passport follows.
    pub message: Option<u32>,
    pub log: LogFilter,
    pub prediction: Prediction,
    pub gallery: bool,
    /// How much of the run the journal holds (entries, samples, complete): when it changes
    /// the panels that read the journal render again.
    pub journal_rev: (usize, usize, bool),
    /// Compare's second variant, when open.
    pub compare: Option<Rc<crate::ui::player::compare::Comparison>>,
    /// The lesson the document belongs to, for its share link (none for an imported file).
    pub link_preset: Option<usize>,
    /// What a link or a file opened, for Start over (none: the lesson as shipped).
    origin: Option<Rc<Value>>,
    /// Bumped when the user opens another scenario: the page adds a history entry for it.
    pub nav: u64,
    /// Bumped when a link could not be opened: the address goes back to this document's own
    /// link, so that a reload does not lose it.
    pub refused_links: u64,
    /// Text to copy by hand (label, text) where the clipboard was refused.
    pub copy_text: Option<(String, String)>,
    /// Embed mode's read-only option.
    pub read_only: bool,
}

/// Two states look the same when everything a view reads is the same (by pointer for the
/// shared parts, which a reduce replaces whenever it changes them).
impl PartialEq for AppState {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &o.doc)
            && Rc::ptr_eq(&self.problems, &o.problems)
            && Rc::ptr_eq(&self.selection, &o.selection)
            && Rc::ptr_eq(&self.drafts, &o.drafts)
            && Rc::ptr_eq(&self.undo, &o.undo)
            && Rc::ptr_eq(&self.redo, &o.redo)
            && Rc::ptr_eq(&self.markers, &o.markers)
            && Rc::ptr_eq(&self.outcome, &o.outcome)
            && Rc::ptr_eq(&self.status, &o.status)
            && self.notice == o.notice
            && (self.lesson, self.playing, self.t_us, self.end_us, self.help, self.rev, self.fit_request)
                == (o.lesson, o.playing, o.t_us, o.end_us, o.help, o.rev, o.fit_request)
            && self.speed == o.speed
            && self.view == o.view
            && (self.tab, self.message, self.gallery, self.journal_rev) == (o.tab, o.message, o.gallery, o.journal_rev)
            && self.log == o.log
            && self.prediction == o.prediction
            && (self.link_preset, self.nav, self.refused_links) == (o.link_preset, o.nav, o.refused_links)
            && self.copy_text == o.copy_text
            && self.read_only == o.read_only
            && match (&self.compare, &o.compare) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl AppState {
    /// The app as it opens: the default lesson, loaded and paused at time zero.
    pub fn initial() -> AppState {
        AppState::with_lesson(crate::model::presets::default_index())
    }

    pub fn with_lesson(lesson: usize) -> AppState {
        let doc = Rc::new(lesson_doc(lesson));
        let model = doc::check(&doc).expect("every lesson validates (tested natively)");
        let engine = Engine::new(Player::new(model), &doc);
        let mut s = AppState {
            running: doc.clone(),
            doc,
            undo: Rc::default(),
            redo: Rc::default(),
            coalesce: None,
            problems: Rc::default(),
            selection: Rc::default(),
            drafts: Rc::default(),
            notice: None,
            lesson,
            playing: false,
            speed: 1.0,
            t_us: 0,
            end_us: 0,
            markers: Rc::default(),
            markers_left_out: 0,
            outcome: Rc::new(engine.player.outcome()),
            status: Rc::default(),
            view: ViewPort::default(),
            help: false,
            engine: Rc::new(RefCell::new(engine)),
            rev: 0,
            fit_request: 0,
            tab: Tab::Lesson,
            message: None,
            log: LogFilter::default(),
            prediction: Prediction::default(),
            gallery: false,
            journal_rev: (0, 0, false),
            compare: None,
            link_preset: Some(lesson),
            origin: None,
            nav: 0,
            refused_links: 0,
            copy_text: None,
            read_only: false,
        };
        s.sync(true);
        s
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn is_selected(&self, sel: &Sel) -> bool {
        self.selection.contains(sel)
    }

    pub fn selected_nodes(&self) -> Vec<String> {
        self.selection
            .iter()
            .filter_map(|s| match s {
                Sel::Node(id) => Some(id.clone()),
                Sel::Wire(_) => None,
            })
            .collect()
    }

    /// The draft key of a field: what it belongs to and its path.
    pub fn draft_key(owner: &FieldOwner, field: &Field) -> String {
        match owner {
            FieldOwner::Node(id) => format!("node:{id}:{}", field.path),
            FieldOwner::Wire(i) => format!("wire:{i}:{}", field.path),
        }
    }

    /// The core's problem about this field, if there is one.
    pub fn field_problem(&self, owner: &FieldOwner, field: &Field) -> Option<String> {
        let want = match owner {
            FieldOwner::Node(id) => Target::Node(doc::find_node(&self.doc, id)?.0),
            FieldOwner::Wire(i) => Target::Wire(*i),
        };
        self.problems.iter().find_map(|p| match fields::field_for_problem(&self.doc, &p.path) {
            Some((t, f)) if t == want && std::ptr::eq(f, field) => Some(p.message.clone()),
            _ => None,
        })
    }

    /// Problems about a node (for its outline on the canvas).
    pub fn node_has_problem(&self, index: usize) -> bool {
        let prefix = format!("nodes[{index}]");
        self.problems.iter().any(|p| p.path == prefix || p.path.starts_with(&(prefix.clone() + ".")))
    }

    /// Copies what the page shows from the engine.
    fn sync(&mut self, outcome: bool) {
        let e = self.engine.borrow();
        self.playing = e.playing;
        self.t_us = e.player.now_us();
        self.end_us = e.player.end_us();
        if e.player.markers.len() != self.markers.len() {
            self.markers = Rc::new(e.player.markers.clone());
            self.markers_left_out = e.player.markers_left_out;
        }
        self.status = Rc::new(e.player.sim().node_snapshots());
        {
            let j = e.player.journal.borrow();
            self.journal_rev = (j.entries.len(), j.times.len(), j.complete);
        }
        if outcome {
            self.outcome = Rc::new(e.player.outcome());
        }
        if let (Some(lane), Some(c)) = (&e.compare, &self.compare) {
            let status = lane.player.sim().node_snapshots();
            let outcome = if outcome { Rc::new(lane.player.outcome()) } else { c.outcome.clone() };
            self.compare = Some(Rc::new(crate::ui::player::compare::Comparison {
                status: Rc::new(status),
                outcome,
                ..(**c).clone()
            }));
        }
    }

    /// Makes `next` the document: one undo step (or folded into the last one, for repeated
    /// edits of the same field), validated, and played if the core accepts it.
    fn commit(mut self, next: Value, coalesce: Option<String>) -> AppState {
        if next == *self.doc {
            return self;
        }
        let folds = coalesce.is_some() && coalesce == self.coalesce;
        if !folds {
            let mut undo = (*self.undo).clone();
            undo.push(self.doc.clone());
            if undo.len() > HISTORY {
                undo.remove(0);
            }
            self.undo = Rc::new(undo);
        }
        self.redo = Rc::default();
        self.coalesce = coalesce;
        self.set_doc(Rc::new(next))
    }

    /// Shows `next` and, if it differs from what plays in more than layout, plays it.
    fn set_doc(mut self, next: Rc<Value>) -> AppState {
        self.doc = next;
        // A selection may point at something that no longer exists.
        let doc = self.doc.clone();
        let keep: Vec<Sel> = self
            .selection
            .iter()
            .filter(|s| match s {
                Sel::Node(id) => doc::find_node(&doc, id).is_some(),
                Sel::Wire(i) => *i < doc::wires(&doc).len(),
            })
            .cloned()
            .collect();
        if keep.len() != self.selection.len() {
            self.selection = Rc::new(keep);
        }
        match doc::check(&self.doc) {
            Ok(model) => {
                self.problems = Rc::default();
                if without_view(&self.doc) != without_view(&self.running) {
                    let player = Player::new(model);
                    self.engine.borrow_mut().load(player, &self.doc, true);
                    self.sync(true);
                } else {
                    self.engine.borrow_mut().relayout(&self.doc);
                }
                self.running = self.doc.clone();
                // Compare promises the same seed: a new seed here is a new seed for B.
                if let Some(c) = self.compare.clone() {
                    if c.doc.get("seed") != self.running.get("seed") {
                        self = self.open_compare(c.with);
                    }
                }
            }
            Err(problems) => {
                self.problems = Rc::new(problems);
                // Positions still follow the document, so the picture matches.
                if doc::nodes(&self.doc).len() == doc::nodes(&self.running).len() {
                    self.engine.borrow_mut().relayout(&self.doc);
                }
            }
        }
        self.rev += 1;
        self
    }

    fn edit(self, f: impl FnOnce(&mut Value) -> Result<(), String>, coalesce: Option<String>) -> AppState {
        let mut next = (*self.doc).clone();
        match f(&mut next) {
            Ok(()) => AppState { notice: None, ..self }.commit(next, coalesce),
            Err(text) => AppState { notice: Some(Notice { text, at: None }), ..self },
        }
    }

    fn with_drafts(mut self, f: impl FnOnce(&mut BTreeMap<String, Draft>)) -> AppState {
        let mut d = (*self.drafts).clone();
        f(&mut d);
        self.drafts = Rc::new(d);
        self
    }

    fn seek(mut self, t: u64) -> AppState {
        self.engine.borrow_mut().player.seek(t);
        self.sync(true);
        self
    }

    /// Makes a lesson, an opened link or a file the document (an undoable step), at time
    /// zero, on the lesson tab. `new_entry`: the page gives it its own history entry.
    fn open(self, opened: crate::model::share::Opened, new_entry: bool) -> AppState {
        let lesson = opened.preset.unwrap_or(self.lesson);
        let s = AppState {
            lesson,
            link_preset: opened.preset,
            origin: Some(Rc::new(opened.doc.clone())),
            drafts: Rc::default(),
            selection: Rc::default(),
            message: None,
            prediction: Prediction::default(),
            log: LogFilter::default(),
            gallery: false,
            compare: None,
            tab: Tab::Lesson,
            nav: if new_entry { self.nav + 1 } else { self.nav },
            ..self
        };
        {
            let mut e = s.engine.borrow_mut();
            e.playing = false;
            e.selected_msg = None;
            e.compare = None;
        }
        let mut s = s.commit(opened.doc, None).seek(0);
        s.coalesce = None;
        s.fit_request += 1;
        s
    }

    /// Where the document started: what a link or a file opened, else the lesson as shipped.
    fn original(&self) -> Value {
        self.origin.as_ref().map_or_else(|| lesson_doc(self.lesson), |o| (**o).clone())
    }

    /// Whether the learner has changed the scenario since it was opened (a new seed or a
    /// moved node does not count: they change no behaviour worth comparing).
    pub fn edited(&self) -> bool {
        let strip = |mut v: Value| {
            if let Some(o) = v.as_object_mut() {
                o.remove("seed");
                o.remove("view");
            }
            v
        };
        strip((*self.doc).clone()) != strip(self.original())
    }

    /// What the toolbar's Compare button offers: its name and what it runs. An edited
    /// scenario is compared with where it started; an unchanged one with the lesson's other
    /// variant, if it has one.
    pub fn compare_offer(&self) -> (String, CompareTo) {
        // Only a lesson's own document has variants; an imported file has none.
        let slug = self.link_preset.and_then(|i| PRESETS.get(i)).map_or("", |p| p.slug);
        match crate::ui::share::gallery::siblings(slug)
            .first()
            .and_then(|(label, other)| Some((label, crate::model::presets::position(other)?)))
        {
            Some((label, b)) if !self.edited() => (format!("Compare with {label}"), CompareTo::Variant(b)),
            _ => ("Compare with the original".to_string(), CompareTo::Original),
        }
    }

    /// Runs `with` beside the document, on the document's seed, from the playhead.
    fn open_compare(self, with: CompareTo) -> AppState {
        let (mut doc, label) = match with {
            CompareTo::Variant(b) => (
                lesson_doc(b),
                crate::ui::share::gallery::lesson_of(PRESETS[b].slug)
                    .map_or_else(|| PRESETS[b].info().title, |(l, i)| l.variants[i].0.to_string()),
            ),
            CompareTo::Original => {
                let doc = self.original();
                let label =
                    if doc == lesson_doc(self.lesson) { "the lesson as shipped" } else { "the scenario as opened" };
                (doc, label.to_string())
            }
        };
        doc["seed"] = self.running.get("seed").cloned().unwrap_or(json!(1));
        match doc::check(&doc) {
            Ok(model) => {
                let mut lane = crate::ui::player::compare::Lane::new(Player::new(model), &doc);
                lane.player.seek(self.t_us);
                let c = crate::ui::player::compare::Comparison {
                    with,
                    label,
                    outcome: Rc::new(lane.player.outcome()),
                    status: Rc::new(lane.player.sim().node_snapshots()),
                    doc: Rc::new(doc),
                };
                self.engine.borrow_mut().compare = Some(lane);
                AppState { compare: Some(Rc::new(c)), gallery: false, ..self }
            }
            Err(p) => AppState {
                notice: Some(Notice {
                    text: format!("Cannot compare: {}", p.first().map_or("", |p| p.message.as_str())),
                    at: None,
                }),
                ..self
            },
        }
    }

    /// Stops playback and puts the playhead at `t` (a click on a log row, a marker, a point).
    fn pause_and_seek(self, t: u64) -> AppState {
        self.engine.borrow_mut().playing = false;
        self.seek(t)
    }

    fn set_playing(mut self, playing: bool) -> AppState {
        {
            let mut e = self.engine.borrow_mut();
            if playing && e.player.now_us() >= e.player.end_us() {
                e.player.seek(0);
            }
            e.playing = playing;
        }
        self.sync(!playing);
        self
    }

    /// Shows the canvas with `view`, in the page and in the engine that draws the tokens;
    /// `auto_fit` says whether the view keeps following the canvas size (until the user pans
    /// or zooms).
    fn with_view(self, view: ViewPort, auto_fit: bool) -> AppState {
        {
            let mut e = self.engine.borrow_mut();
            e.view = view;
            e.auto_fit = auto_fit;
        }
        AppState { view, ..self }
    }

    fn action_at_playhead(self, action: Value) -> AppState {
        let at_ms = (self.t_us / 1_000) as i64;
        self.edit(
            |d| {
                doc::record_action(d, at_ms, action);
                Ok(())
            },
            None,
        )
    }
}

/// A lesson's scenario as an editable document.
pub fn lesson_doc(lesson: usize) -> Value {
    let json = PRESETS.get(lesson).unwrap_or(&PRESETS[0]).json;
    doc::normalise(
        serde_json::from_str(json).unwrap_or_else(|_| json!({"version": 1, "duration_ms": 10000, "nodes": []})),
    )
}

fn without_view(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("view");
    }
    v
}

fn parse_speed(s: f64) -> f64 {
    if s.is_finite() {
        s.clamp(MIN_SPEED, MAX_SPEED)
    } else {
        1.0
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.read_only && action.edits() {
            return self;
        }
        let s = (*self).clone();
        let next = match action {
            Action::AddNode { kind, at } => {
                let at = at.unwrap_or_else(|| doc::free_spot(&s.doc, &kind));
                let mut d = (*s.doc).clone();
                match doc::add_node(&mut d, &kind, at) {
                    Ok(id) => {
                        let mut s = s.commit(d, None);
                        s.selection = Rc::new(vec![Sel::Node(id)]);
                        s.notice = None;
                        s.tab = Tab::Inspector;
                        s
                    }
                    Err(text) => AppState { notice: Some(Notice { text, at: None }), ..s },
                }
            }
            Action::Select { sel, extend } => {
                let mut list = if extend { (*s.selection).clone() } else { Vec::new() };
                match list.iter().position(|x| *x == sel) {
                    Some(i) if extend => {
                        list.remove(i);
                    }
                    Some(_) => {}
                    None => list.push(sel),
                }
                if *s.selection == list {
                    return self;
                }
                AppState { selection: Rc::new(list), coalesce: None, tab: Tab::Inspector, ..s }
            }
            Action::SelectNodes(ids) => {
                let tab = if ids.is_empty() { s.tab } else { Tab::Inspector };
                AppState { selection: Rc::new(ids.into_iter().map(Sel::Node).collect()), coalesce: None, tab, ..s }
            }
            Action::ClearSelection if s.selection.is_empty() => return self,
            Action::ClearSelection => AppState { selection: Rc::default(), ..s },
            Action::MoveNodes { ids, dx, dy, nudge } => {
                if ids.is_empty() || (dx == 0.0 && dy == 0.0) || !dx.is_finite() || !dy.is_finite() {
                    return self;
                }
                let key = nudge.then(|| format!("nudge:{}", ids.join(",")));
                s.edit(
                    |d| {
                        for id in &ids {
                            let (x, y) = doc::position(d, id);
                            doc::set_position(d, id, (x + dx, y + dy));
                        }
                        Ok(())
                    },
                    key,
                )
            }
            Action::DeleteSelection => {
                if s.selection.is_empty() {
                    return self;
                }
                let nodes = s.selected_nodes();
                let mut wires: Vec<usize> = s
                    .selection
                    .iter()
                    .filter_map(|x| match x {
                        Sel::Wire(i) => Some(*i),
                        Sel::Node(_) => None,
                    })
                    .collect();
                broker::sort::sort(&mut wires);
                let mut s = s.edit(
                    |d| {
                        for i in wires.iter().rev() {
                            doc::remove_wire(d, *i);
                        }
                        doc::remove_nodes(d, &nodes);
                        Ok(())
                    },
                    None,
                );
                s.selection = Rc::default();
                s
            }
            Action::Wire { from, to, at } => {
                let mut d = (*s.doc).clone();
                match doc::add_wire(&mut d, &from, &to) {
                    Ok(i) => {
                        let mut s = s.commit(d, None);
                        // A wire drawn with the pointer is selected; one added from the
                        // inspector leaves its node selected, to add the next one.
                        if at.is_some() {
                            s.selection = Rc::new(vec![Sel::Wire(i)]);
                        }
                        s.notice = None;
                        s
                    }
                    Err(text) => AppState { notice: Some(Notice { text, at }), ..s },
                }
            }
            Action::DeleteWire(i) => {
                let mut s = s.edit(
                    |d| {
                        doc::remove_wire(d, i);
                        Ok(())
                    },
                    None,
                );
                s.selection = Rc::default();
                s
            }
            Action::Edit { owner, field, text } => {
                let key = AppState::draft_key(&owner, field);
                let mut d = (*s.doc).clone();
                let obj = match &owner {
                    FieldOwner::Node(id) => doc::find_node(&d, id).map(|(i, _)| i).map(|i| &mut d["nodes"][i]),
                    FieldOwner::Wire(i) if *i < doc::wires(&d).len() => Some(&mut d["wires"][*i]),
                    FieldOwner::Wire(_) => None,
                };
                let Some(obj) = obj else { return self };
                match fields::write(obj, field, &text) {
                    // The typed text stays as typed ("1.50" is not rewritten to "1.5" under the caret).
                    Ok(()) => s
                        .with_drafts(|m| {
                            m.insert(key.clone(), Draft { text, error: String::new() });
                        })
                        .commit(d, Some(key)),
                    Err(error) => s.with_drafts(|m| {
                        m.insert(key, Draft { text, error });
                    }),
                }
            }
            Action::EditScenario { field, text } => {
                let key = format!("scenario:{field:?}");
                let parsed: Result<Value, String> = match field {
                    ScenarioField::Title => Ok(json!(text)),
                    ScenarioField::Duration => text
                        .trim()
                        .parse::<i64>()
                        .map(|v| json!(v))
                        .map_err(|_| "Enter a whole number of milliseconds, e.g. 30000".to_owned()),
                    ScenarioField::Seed => crate::model::seed::parse_seed(&text).map(|v| json!(v)),
                };
                match parsed {
                    Ok(v) => {
                        let name = match field {
                            ScenarioField::Title => "title",
                            ScenarioField::Duration => "duration_ms",
                            ScenarioField::Seed => "seed",
                        };
                        s.with_drafts(|m| {
                            m.remove(&key);
                        })
                        .edit(
                            |d| {
                                d[name] = v;
                                Ok(())
                            },
                            Some(key.clone()),
                        )
                    }
                    Err(error) => s.with_drafts(|m| {
                        m.insert(key, Draft { text, error });
                    }),
                }
            }
            Action::Rename { id, text } => {
                let key = format!("rename:{id}");
                let mut d = (*s.doc).clone();
                match doc::rename(&mut d, &id, &text) {
                    Ok(()) => {
                        let new_id = text.trim().to_owned();
                        let mut s = s
                            .with_drafts(|m| {
                                m.remove(&key);
                            })
                            .commit(d, None);
                        s.selection = Rc::new(
                            s.selection
                                .iter()
                                .map(|x| match x {
                                    Sel::Node(n) if *n == id => Sel::Node(new_id.clone()),
                                    other => other.clone(),
                                })
                                .collect(),
                        );
                        s
                    }
                    Err(error) => s.with_drafts(|m| {
                        m.insert(key, Draft { text, error });
                    }),
                }
            }
            Action::Undo | Action::Redo => {
                let undo = matches!(action, Action::Undo);
                let (from, to) = if undo { (&s.undo, &s.redo) } else { (&s.redo, &s.undo) };
                let mut from = (**from).clone();
                let Some(prev) = from.pop() else { return self };
                let mut to = (**to).clone();
                to.push(s.doc.clone());
                let (u, r) = if undo { (from, to) } else { (to, from) };
                let s = AppState {
                    undo: Rc::new(u),
                    redo: Rc::new(r),
                    coalesce: None,
                    drafts: Rc::default(),
                    notice: None,
                    ..s
                };
                s.set_doc(prev)
            }
            Action::LoadLesson(i) if i < PRESETS.len() => {
                s.open(crate::model::share::Opened { doc: lesson_doc(i), preset: Some(i) }, true)
            }
            Action::LoadLesson(_) => return self,
            Action::StartOver => {
                let start = s.original();
                let s = AppState { drafts: Rc::default(), selection: Rc::default(), ..s };
                s.engine.borrow_mut().playing = false;
                let mut s = s.commit(start, None).seek(0);
                s.fit_request += 1;
                s
            }
            Action::Play => s.set_playing(true),
            Action::Pause => s.set_playing(false),
            Action::TogglePlay => {
                let playing = s.engine.borrow().playing;
                s.set_playing(!playing)
            }
            Action::Step => {
                {
                    let mut e = s.engine.borrow_mut();
                    e.playing = false;
                    e.player.step();
                }
                let mut s = s;
                s.sync(true);
                s
            }
            Action::Rewind => {
                s.engine.borrow_mut().playing = false;
                s.seek(0)
            }
            Action::Seek(t) => s.seek(t),
            Action::SetSpeed(v) => {
                let speed = parse_speed(v);
                s.engine.borrow_mut().speed = speed;
                AppState { speed, ..s }
            }
            Action::Sync { outcome } => {
                let mut s = s;
                s.sync(outcome);
                s
            }
            Action::CrashNow { consumer, recover_after_ms } => {
                let mut body = json!({"consumer": consumer});
                if let Some(r) = recover_after_ms {
                    body["recover_after_ms"] = json!(r);
                }
                s.action_at_playhead(json!({ "crash": body }))
            }
            Action::OutageNow { node, duration_ms } => {
                s.action_at_playhead(json!({"outage": {"node": node, "duration_ms": duration_ms}}))
            }
            Action::ActNow(what) => s.action_at_playhead(what),
            Action::RemoveAction(i) => s.edit(
                |d| {
                    doc::remove_action(d, i);
                    Ok(())
                },
                None,
            ),
            Action::Pan { dx, dy } => {
                if !(dx.is_finite() && dy.is_finite()) {
                    return self;
                }
                let view = ViewPort { pan_x: s.view.pan_x + dx, pan_y: s.view.pan_y + dy, ..s.view };
                s.with_view(view, false)
            }
            Action::Zoom { factor, around } => {
                if !factor.is_finite() || factor <= 0.0 {
                    return self;
                }
                let zoom = (s.view.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
                let (cx, cy) = s.view.to_canvas(around.0, around.1);
                let view = ViewPort { zoom, pan_x: around.0 - cx * zoom, pan_y: around.1 - cy * zoom };
                s.with_view(view, false)
            }
            Action::FitView { width, height } => {
                let view = fit(&s.doc, width, height);
                s.with_view(view, true)
            }
            Action::ToggleHelp => AppState { help: !s.help, ..s },
            Action::Escape => {
                if s.help {
                    AppState { help: false, ..s }
                } else if s.gallery {
                    AppState { gallery: false, ..s }
                } else if s.notice.is_some() {
                    AppState { notice: None, ..s }
                } else if !s.selection.is_empty() {
                    AppState { selection: Rc::default(), ..s }
                } else {
                    return self;
                }
            }
            Action::DismissNotice if s.notice.is_none() => return self,
            Action::DismissNotice => AppState { notice: None, ..s },
            Action::SetReducedMotion(on) => {
                s.engine.borrow_mut().reduced_motion = on;
                return self;
            }
            Action::SetTab(tab) if tab == s.tab => return self,
            Action::SetTab(tab) => AppState { tab, ..s },
            Action::ShowMessage { msg, open, at } => {
                s.engine.borrow_mut().selected_msg = Some(msg);
                let tab = if open { Tab::Passport } else { s.tab };
                let s = AppState { message: Some(msg), tab, ..s };
                match at {
                    Some(t) => s.pause_and_seek(t),
                    None => s,
                }
            }
            Action::SetLogFilter(f) if f == s.log => return self,
            Action::SetLogFilter(log) => AppState { log, ..s },
            Action::Point { at, node } => {
                let mut s = s;
                if let Some(id) = node.filter(|id| doc::find_node(&s.doc, id).is_some()) {
                    s.selection = Rc::new(vec![Sel::Node(id)]);
                }
                match at {
                    Some(t) => s.pause_and_seek(t),
                    None => s,
                }
            }
            Action::SetPrediction(text) => AppState { prediction: Prediction { text, locked: None, error: None }, ..s },
            Action::LockPrediction => {
                let text = s.prediction.text.trim().to_string();
                let prediction = match text.parse::<u64>() {
                    Ok(n) if text.len() <= 12 => Prediction { text, locked: Some(n), error: None },
                    _ => Prediction {
                        text,
                        locked: None,
                        error: Some("Type a whole number, such as 0, 1 or 12.".to_string()),
                    },
                };
                AppState { prediction, ..s }
            }
            Action::ToggleGallery => AppState { gallery: !s.gallery, ..s },
            Action::CompareWith(None) => {
                s.engine.borrow_mut().compare = None;
                AppState { compare: None, ..s }
            }
            Action::CompareWith(Some(CompareTo::Variant(b))) if b >= PRESETS.len() => return self,
            Action::CompareWith(Some(with)) => s.open_compare(with),
            Action::OpenLink { text, from_history } => match crate::model::share::open_link(&text) {
                Ok(opened) => {
                    if opened.doc == *s.doc {
                        // The page's own link came back (a reload, or history at this entry).
                        return self;
                    }
                    s.open(opened, !from_history)
                }
                Err(why) => {
                    AppState { notice: Some(Notice { text: why, at: None }), refused_links: s.refused_links + 1, ..s }
                }
            },
            Action::Import { name, text } => match crate::model::share::open_file(&text) {
                Ok(opened) => {
                    let mut s = s.open(opened, true);
                    s.notice = Some(Notice { text: format!("Opened {name}."), at: None });
                    s
                }
                Err(why) => AppState {
                    notice: Some(Notice {
                        text: format!("{name} was not opened, and nothing here changed. {why}"),
                        at: None,
                    }),
                    ..s
                },
            },
            Action::ShowCopyText(copy_text) => AppState { copy_text, ..s },
            Action::Notify(text) => AppState { notice: Some(Notice { text, at: None }), ..s },
            Action::SetReadOnly => AppState { read_only: true, selection: Rc::default(), ..s },
        };
        Rc::new(next)
    }
}

/// Pan and zoom so that every node fits a region of `width` × `height` CSS pixels.
pub fn fit(d: &Value, width: f64, height: f64) -> ViewPort {
    let ns = doc::nodes(d);
    if ns.is_empty() || width <= 0.0 || height <= 0.0 {
        return ViewPort::default();
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for n in ns {
        let (x, y) = doc::position(d, doc::node_id(n));
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x + doc::NODE_W);
        y1 = y1.max(y + doc::NODE_H + 40.0);
    }
    let margin = 30.0;
    let zoom = ((width - 2.0 * margin) / (x1 - x0)).min((height - 2.0 * margin) / (y1 - y0)).clamp(MIN_ZOOM, 1.5);
    ViewPort {
        zoom,
        pan_x: (width - (x1 - x0) * zoom) / 2.0 - x0 * zoom,
        pan_y: (height - (y1 - y0) * zoom) / 2.0 - y0 * zoom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: Rc<AppState>, a: Action) -> Rc<AppState> {
        s.reduce(a)
    }

    #[test]
    fn opens_on_a_working_lesson() {
        let s = AppState::initial();
        assert!(s.problems.is_empty());
        assert!(!doc::nodes(&s.doc).is_empty());
        assert_eq!(s.t_us, 0);
        assert_eq!(s.end_us, 30_000_000);
    }

    #[test]
    fn every_edit_undoes_and_redoes() {
        let s = Rc::new(AppState::initial());
        let before = s.doc.clone();
        let s = reduce(s, Action::AddNode { kind: "queue".into(), at: Some((500.0, 500.0)) });
        assert_eq!(doc::nodes(&s.doc).len(), doc::nodes(&before).len() + 1);
        assert_eq!(*s.selection, [Sel::Node("queue".into())]);
        let s = reduce(s, Action::Undo);
        assert_eq!(s.doc, before);
        let s = reduce(s, Action::Redo);
        assert!(doc::find_node(&s.doc, "queue").is_some());
        let s = reduce(s, Action::Undo);
        let s = reduce(s, Action::Undo);
        assert_eq!(s.doc, before, "nothing more to undo leaves the first document");
    }

    #[test]
    fn an_invalid_setting_stays_in_the_document_but_never_reaches_the_player() {
        let s = Rc::new(AppState::initial());
        let prefetch = fields::fields_for("queue").iter().find(|f| f.label == "Prefetch").unwrap();
        let hash_before = s.outcome.trace_hash.clone();
        let owner = FieldOwner::Node("work".into());
        let s = reduce(s, Action::Edit { owner: owner.clone(), field: prefetch, text: "-3".into() });
        assert_eq!(s.doc["nodes"][1]["prefetch"], json!(-3));
        let why = s.field_problem(&owner, prefetch).expect("the core's message next to the field");
        assert!(why.contains("at least 1"), "{why}");
        assert_eq!(s.outcome.trace_hash, hash_before);
        // Text that is not a number is kept as a draft, with a reason, and the document is untouched.
        let s = reduce(s, Action::Edit { owner: owner.clone(), field: prefetch, text: "lots".into() });
        let d = &s.drafts[&AppState::draft_key(&owner, prefetch)];
        assert_eq!(d.text, "lots");
        assert!(d.error.contains("whole number"), "{}", d.error);
        let s = reduce(s, Action::Edit { owner: owner.clone(), field: prefetch, text: "5".into() });
        assert!(s.problems.is_empty() && s.drafts.values().all(|d| d.error.is_empty()));
        // Typing "-3" then "5" into one field is one undo step.
        let s = reduce(s, Action::Undo);
        assert_eq!(s.doc["nodes"][1].get("prefetch"), Some(&json!(1)));
    }

    #[test]
    fn an_absurd_duration_is_refused_by_the_core_and_the_run_stays() {
        let s = Rc::new(AppState::initial());
        let end = s.end_us;
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Duration, text: "1000000000000".into() });
        assert!(s.problems.iter().any(|p| p.path == "duration_ms"), "{:?}", s.problems);
        assert_eq!(s.end_us, end);
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Duration, text: "ten".into() });
        assert!(s.drafts.values().any(|d| d.text == "ten" && d.error.contains("whole number")));
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Duration, text: "20000".into() });
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.end_us, 20_000_000);
    }

    #[test]
    fn a_refused_wire_says_why_where_it_was_dropped() {
        let s = Rc::new(AppState::initial());
        let s = reduce(s, Action::Wire { from: "worker-a".into(), to: "orders".into(), at: Some((10.0, 20.0)) });
        let n = s.notice.clone().unwrap();
        assert_eq!(n.text, "A consumer cannot publish to a producer.");
        assert_eq!(n.at, Some((10.0, 20.0)));
        assert!(!s.can_undo());
    }

    #[test]
    fn crash_now_is_recorded_at_the_playhead() {
        let s = Rc::new(AppState::initial());
        let s = reduce(s, Action::Seek(2_500_000));
        let s = reduce(s, Action::CrashNow { consumer: "worker-a".into(), recover_after_ms: Some(1000) });
        let actions = s.doc["actions"].as_array().unwrap();
        assert!(actions.iter().any(|a| a["at_ms"] == json!(2500) && a["crash"]["consumer"] == json!("worker-a")));
        assert_eq!(s.t_us, 2_500_000, "the playhead stays where it was");
        assert!(s.problems.is_empty());
        // A redrive of a dead-letter queue, recorded the same way, is one the core accepts and
        // carries out: the poison messages go round once more.
        let s = reduce(s, Action::LoadLesson(crate::model::presets::position("poison-with-dlq").unwrap()));
        let end = s.end_us;
        let without = reduce(s.clone(), Action::Seek(end)).outcome.clone();
        let s = reduce(s, Action::Seek(8_000_000));
        let s = reduce(s, Action::ActNow(json!({"redrive": {"dlq": "dlq"}})));
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert!(s.doc["actions"].as_array().unwrap().iter().any(|a| a["at_ms"] == json!(8000)));
        let with = reduce(s, Action::Seek(end)).outcome.clone();
        assert_ne!(with.trace_hash, without.trace_hash);
        assert!(with.redeliveries + with.retries > without.redeliveries + without.retries, "{with:?}");
    }

    #[test]
    fn transport_plays_steps_seeks_and_rewinds() {
        let s = Rc::new(AppState::initial());
        let s = reduce(s, Action::Step);
        assert!(s.t_us > 0);
        let s = reduce(s, Action::Seek(12_000_000));
        assert_eq!(s.t_us, 12_000_000);
        let s = reduce(s, Action::Play);
        assert!(s.playing);
        let s = reduce(s, Action::TogglePlay);
        assert!(!s.playing);
        let s = reduce(s, Action::Rewind);
        assert_eq!(s.t_us, 0);
        let s = reduce(s, Action::SetSpeed(1e12));
        assert_eq!(s.speed, MAX_SPEED);
        let s = reduce(s, Action::SetSpeed(f64::NAN));
        assert_eq!(s.speed, 1.0);
    }

    #[test]
    fn start_over_returns_to_the_lesson_and_can_be_undone() {
        let s = Rc::new(AppState::initial());
        let original = s.doc.clone();
        let s = reduce(s, Action::SelectNodes(vec!["work".into(), "orders".into()]));
        let s = reduce(s, Action::DeleteSelection);
        assert!(doc::find_node(&s.doc, "work").is_none());
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let s = reduce(s, Action::StartOver);
        assert_eq!(s.doc, original);
        let s = reduce(s, Action::Undo);
        assert!(doc::find_node(&s.doc, "work").is_none());
    }

    #[test]
    fn each_drag_is_an_undo_step_and_a_run_of_nudges_is_one() {
        let s = Rc::new(AppState::initial());
        let at = |s: &AppState| doc::position(&s.doc, "work");
        let start = at(&s);
        let drag = |s: Rc<AppState>, nudge: bool| {
            reduce(s, Action::MoveNodes { ids: vec!["work".into()], dx: 20.0, dy: 0.0, nudge })
        };
        let s = drag(drag(s, false), false);
        assert_eq!(at(&s), (start.0 + 40.0, start.1));
        let s = reduce(s, Action::Undo);
        assert_eq!(at(&s), (start.0 + 20.0, start.1));
        let s = drag(drag(drag(s, true), true), true);
        assert_eq!(at(&s), (start.0 + 80.0, start.1));
        let s = reduce(s, Action::Undo);
        assert_eq!(at(&s), (start.0 + 20.0, start.1));
        // Moving never changes the run, so the player is not reloaded.
        assert!(s.problems.is_empty());
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let s = Rc::new(AppState::initial());
        let before = s.view.to_canvas(300.0, 200.0);
        let s = reduce(s, Action::Zoom { factor: 2.0, around: (300.0, 200.0) });
        let after = s.view.to_canvas(300.0, 200.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(s.view.zoom, 2.0);
        let s = reduce(s, Action::Zoom { factor: 1000.0, around: (0.0, 0.0) });
        assert_eq!(s.view.zoom, MAX_ZOOM);
    }

    #[test]
    fn following_a_message_opens_its_passport_and_rings_its_tokens() {
        let s = Rc::new(AppState::initial());
        assert_eq!(s.tab, Tab::Lesson);
        let s = reduce(s, Action::ShowMessage { msg: 3, open: true, at: Some(2_000_000) });
        assert_eq!((s.tab, s.message, s.t_us), (Tab::Passport, Some(3), 2_000_000));
        assert_eq!(s.engine.borrow().selected_msg, Some(3));
        // From the log: the tab stays, the timeline moves.
        let s = reduce(s, Action::SetTab(Tab::Log));
        let s = reduce(s, Action::ShowMessage { msg: 5, open: false, at: Some(1_000_000) });
        assert_eq!((s.tab, s.message, s.t_us), (Tab::Log, Some(5), 1_000_000));
        // Selecting a node shows the inspector; a narration point selects without leaving.
        let s = reduce(s, Action::Select { sel: Sel::Node("work".into()), extend: false });
        assert_eq!(s.tab, Tab::Inspector);
        let s = reduce(s, Action::SetTab(Tab::Lesson));
        let s = reduce(s, Action::Point { at: Some(6_000_000), node: Some("worker-b".into()) });
        assert_eq!((s.tab, s.t_us), (Tab::Lesson, 6_000_000));
        assert_eq!(*s.selection, [Sel::Node("worker-b".into())]);
        // A point naming a node that is not there only moves the timeline.
        let s = reduce(s, Action::Point { at: Some(1), node: Some("ghost".into()) });
        assert_eq!(*s.selection, [Sel::Node("worker-b".into())]);
    }

    #[test]
    fn a_prediction_is_a_whole_number_and_a_new_lesson_forgets_it() {
        let s = Rc::new(AppState::initial());
        let s = reduce(s, Action::SetPrediction(" 12 ".into()));
        let s = reduce(s, Action::LockPrediction);
        assert_eq!(s.prediction.locked, Some(12));
        for bad in ["-1", "1.5", "lots", "", "99999999999999999999"] {
            let t = reduce(s.clone(), Action::SetPrediction(bad.into()));
            let t = reduce(t, Action::LockPrediction);
            assert_eq!(t.prediction.locked, None, "{bad}");
            assert!(t.prediction.error.is_some(), "{bad}");
        }
        let s = reduce(s, Action::LoadLesson(1));
        assert_eq!(s.prediction, Prediction::default());
    }

    #[test]
    fn an_edited_scenario_is_compared_with_where_it_started() {
        let s = Rc::new(AppState::initial());
        let s = reduce(s, Action::LoadLesson(crate::model::presets::position("poison-with-dlq").unwrap()));
        let (_, with) = s.compare_offer();
        assert_eq!(with, CompareTo::Variant(crate::model::presets::position("poison-no-dlq").unwrap()));
        // A new seed alone is not an edit worth comparing.
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Seed, text: "5".into() });
        assert!(!s.edited());
        let shipped = s.doc["duration_ms"].clone();
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Duration, text: "4000".into() });
        assert!(s.edited());
        assert_eq!(s.compare_offer(), ("Compare with the original".to_string(), CompareTo::Original));
        let s = reduce(s, Action::CompareWith(Some(CompareTo::Original)));
        let c = s.compare.clone().expect("compare is open");
        assert_eq!(c.label, "the lesson as shipped");
        assert_eq!((&c.doc["duration_ms"], &c.doc["seed"]), (&shipped, &json!(5)));
        // Undoing the edit makes it the lesson again.
        let s = reduce(s, Action::CompareWith(None));
        let s = reduce(s, Action::Undo);
        assert!(!s.edited());
        // A scenario opened from a file is compared with the file as opened.
        let mut file = lesson_doc(0);
        file["title"] = json!("My own scenario");
        let s = reduce(s, Action::Import { name: "mine.json".into(), text: file.to_string() });
        assert_eq!(s.compare_offer().1, CompareTo::Original, "a file has no variants");
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Duration, text: "3000".into() });
        let (_, with) = s.compare_offer();
        let s = reduce(s, Action::CompareWith(Some(with)));
        let c = s.compare.clone().expect("compare is open");
        assert_eq!((c.label.as_str(), &c.doc["title"]), ("the scenario as opened", &json!("My own scenario")));
    }

    #[test]
    fn compare_runs_the_other_variant_on_this_seed_and_a_new_lesson_closes_it() {
        let s = Rc::new(AppState::initial());
        let s = reduce(s, Action::LoadLesson(crate::model::presets::position("crash-at-most-once").unwrap()));
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Seed, text: "99".into() });
        let s = reduce(s, Action::Seek(5_000_000));
        let b = crate::model::presets::position("crash-at-least-once").unwrap();
        let s = reduce(s, Action::CompareWith(Some(CompareTo::Variant(b))));
        let c = s.compare.clone().expect("compare is open");
        assert_eq!(c.label, "At-least-once");
        assert_eq!(c.doc["seed"], json!(99), "B runs on A's seed");
        {
            let e = s.engine.borrow();
            let lane = e.compare.as_ref().unwrap();
            assert_eq!(lane.player.now_us(), 5_000_000, "B starts where A is");
            assert_eq!(lane.player.sim().rng_seed(), 99);
        }
        // A new seed for A is a new seed for B.
        let s = reduce(s, Action::EditScenario { field: ScenarioField::Seed, text: "7".into() });
        assert_eq!(s.compare.as_ref().unwrap().doc["seed"], json!(7));
        assert_eq!(s.engine.borrow().compare.as_ref().unwrap().player.sim().rng_seed(), 7);
        let s = reduce(s, Action::LoadLesson(0));
        assert!(s.compare.is_none() && s.engine.borrow().compare.is_none());
        // The lesson against itself as shipped.
        let s = reduce(s, Action::CompareWith(Some(CompareTo::Original)));
        assert_eq!(s.compare.as_ref().unwrap().label, "the lesson as shipped");
        let s = reduce(s, Action::CompareWith(None));
        assert!(s.compare.is_none());
    }
}
