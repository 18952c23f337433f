//! The app's one state and its reducer. Every gesture becomes an [`Action`], sorted by what it
//! changes: the scenario ([`EditAction`]), the selection ([`SelectAction`]), the playhead
//! ([`TransportAction`]), the canvas view ([`ViewAction`]), what the page shows around it
//! ([`PanelAction`]) or which scenario is open ([`OpenAction`]). Each kind has its own file
//! with its part of the reducer. `reduce` edits the document (with undo and redo), validates
//! it with the core, and tells the engine what to play. It never touches the DOM: the views
//! render whatever state they are given, and the animation loop carries out the engine's part
//! frame by frame.
//!
//! ```text
//!   pointer / keyboard / inputs ──Action──▶ AppState::reduce ──▶ document (+ history)
//!                                               │                   │ core validate
//!                                               │        problems ◀─┤
//!                                               └──▶ Engine (player, animation) ◀─ model
//! ```

mod edit;
mod open;
mod panel;
mod select;
#[cfg(test)]
mod tests;
mod transport;
mod view;

use std::cell::RefCell;
use std::rc::Rc;

use broker::NodeSnapshot;
use broker::{Outcome, Problem};
use serde_json::Value;
use yew::Reducible;

pub use edit::{Draft, Drafts, EditAction, FieldOwner, ScenarioField};
pub use open::{empty_doc, lesson_doc, Awaiting, OpenAction};
pub use panel::{LogFilter, Notice, PanelAction, Prediction, Tab, LOG_PAGE};
pub use select::{Sel, SelectAction};
pub use transport::{TransportAction, MAX_SPEED, MIN_SPEED};
pub use view::{fit_with, CanvasArea, ViewAction, ViewPort, DEAD_LETTER_DIP, MAX_ZOOM, MIN_ZOOM};

use crate::model::doc;
use crate::play::compare::Comparison;
use crate::play::engine::Engine;
use crate::play::player::{Marker, Player};

/// Every gesture, by what it changes; each kind has its own file and its own part of the
/// reducer.
pub enum Action {
    Edit(EditAction),
    Select(SelectAction),
    Transport(TransportAction),
    View(ViewAction),
    Panel(PanelAction),
    Open(OpenAction),
}

impl From<EditAction> for Action {
    fn from(a: EditAction) -> Action {
        Action::Edit(a)
    }
}

impl From<SelectAction> for Action {
    fn from(a: SelectAction) -> Action {
        Action::Select(a)
    }
}

impl From<TransportAction> for Action {
    fn from(a: TransportAction) -> Action {
        Action::Transport(a)
    }
}

impl From<ViewAction> for Action {
    fn from(a: ViewAction) -> Action {
        Action::View(a)
    }
}

impl From<PanelAction> for Action {
    fn from(a: PanelAction) -> Action {
        Action::Panel(a)
    }
}

impl From<OpenAction> for Action {
    fn from(a: OpenAction) -> Action {
        Action::Open(a)
    }
}

impl Action {
    /// Whether the action changes the scenario (refused when read-only).
    fn edits(&self) -> bool {
        matches!(self, Action::Edit(_) | Action::Open(OpenAction::Import { .. }))
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
    pub drafts: Rc<Drafts>,
    pub notice: Option<Notice>,
    /// The lesson the document started from.
    pub lesson: usize,
    /// A copy of the engine's (which stops itself at the end), taken by `sync`: the reducer
    /// tells the engine to play or pause and never sets this itself.
    pub playing: bool,
    /// Virtual seconds per wall second. The state owns it; the frame loop hands it to the
    /// engine every frame.
    pub speed: f64,
    pub t_us: u64,
    pub end_us: u64,
    /// A seek on its way (a far seek in a big run): its target and how far it has got, in
    /// percent. A copy of the player's, taken by `sync`.
    pub seeking: Option<(u64, u8)>,
    pub markers: Rc<Vec<Marker>>,
    pub markers_left_out: usize,
    pub outcome: Rc<Outcome>,
    pub status: Rc<Vec<NodeSnapshot>>,
    /// Pan and zoom of the canvas. The state owns it; the frame loop draws the tokens with it.
    pub view: ViewPort,
    /// The view follows the canvas size (fitted) until the user pans or zooms.
    pub auto_fit: bool,
    pub help: bool,
    pub engine: Rc<RefCell<Engine>>,
    /// Bumped whenever the engine gets a new scenario or layout.
    pub rev: u64,
    /// Bumped when a new scenario should be fitted to the canvas (a lesson, Start over).
    pub fit_request: u64,
    pub tab: Tab,
    /// The message the passport follows (and whose flow the flow view shows).
    pub message: Option<u32>,
    /// The flow view draws a parent-child tree, not one row per service.
    pub flow_tree: bool,
    pub log: LogFilter,
    pub prediction: Prediction,
    pub gallery: bool,
    /// How much of the run the journal holds (entries, samples, complete): when it changes
    /// the panels that read the journal render again.
    pub journal_rev: (usize, usize, bool),
    /// Compare's second variant, when open.
    pub compare: Option<Rc<Comparison>>,
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
    /// Whether the page's own address has been read: its link opened (or refused), or it had
    /// none. Embed options wait for it, so that opening the link does not undo them.
    pub address_read: bool,
    /// The share link last made (the browser compresses it, so it arrives a moment after the
    /// document changes), with the document and lesson it was made for: see `link`.
    made_link: Option<Rc<MadeLink>>,
    /// Embed mode's read-only option.
    pub read_only: bool,
    /// An opening that waits for lesson files the page is fetching.
    pub awaiting: Option<Rc<open::Awaiting>>,
}

/// Two states look the same when everything a view reads is the same: the shared parts by
/// pointer (a reduce replaces them whenever it changes them), the rest by value. The pattern
/// names every field, so a new field does not compile until it is compared here or said not
/// to matter (`_`).
impl PartialEq for AppState {
    fn eq(&self, o: &Self) -> bool {
        let AppState {
            doc,
            undo,
            redo,
            // Only the next edit reads these: no view shows them.
            coalesce: _,
            running: _,
            origin: _,
            problems,
            selection,
            drafts,
            notice,
            lesson,
            playing,
            speed,
            t_us,
            end_us,
            seeking,
            markers,
            // Changes only together with `markers`.
            markers_left_out: _,
            outcome,
            status,
            view,
            // The frame loop reads it; no view shows it.
            auto_fit: _,
            help,
            // The same engine throughout; what the page shows of it is copied by `sync`.
            engine: _,
            rev,
            fit_request,
            tab,
            message,
            flow_tree,
            log,
            prediction,
            gallery,
            journal_rev,
            compare,
            link_preset,
            nav,
            refused_links,
            copy_text,
            made_link,
            address_read,
            read_only,
            awaiting,
        } = self;
        Rc::ptr_eq(doc, &o.doc)
            && Rc::ptr_eq(undo, &o.undo)
            && Rc::ptr_eq(redo, &o.redo)
            && Rc::ptr_eq(problems, &o.problems)
            && Rc::ptr_eq(selection, &o.selection)
            && Rc::ptr_eq(drafts, &o.drafts)
            && Rc::ptr_eq(markers, &o.markers)
            && Rc::ptr_eq(outcome, &o.outcome)
            && Rc::ptr_eq(status, &o.status)
            && match (compare, &o.compare) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && *notice == o.notice
            && (*lesson, *playing, *t_us, *end_us, *help, *rev, *fit_request)
                == (o.lesson, o.playing, o.t_us, o.end_us, o.help, o.rev, o.fit_request)
            && *speed == o.speed
            && *seeking == o.seeking
            && *view == o.view
            && (*tab, *message, *gallery, *journal_rev, *flow_tree)
                == (o.tab, o.message, o.gallery, o.journal_rev, o.flow_tree)
            && *log == o.log
            && *prediction == o.prediction
            && (*link_preset, *nav, *refused_links) == (o.link_preset, o.nav, o.refused_links)
            && *copy_text == o.copy_text
            && *address_read == o.address_read
            && match (made_link, &o.made_link) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && *read_only == o.read_only
            && *awaiting == o.awaiting
    }
}

/// A share link and what it was made from.
#[derive(Debug)]
pub struct MadeLink {
    pub doc: Rc<Value>,
    pub preset: Option<usize>,
    pub link: String,
}

impl AppState {
    /// The share link (the text after `#`) of the document as it is now, once it is made.
    pub fn link(&self) -> Option<&str> {
        self.made_link
            .as_deref()
            .filter(|m| Rc::ptr_eq(&m.doc, &self.doc) && m.preset == self.link_preset)
            .map(|m| m.link.as_str())
    }

    /// The state with `text` as its notice (at a canvas point, or the page's).
    fn with_notice(mut self, text: String, at: Option<(f64, f64)>) -> AppState {
        self.notice = Some(Notice { text, at });
        self
    }

    /// The app as it opens: the default lesson, loaded and paused at time zero.
    pub fn initial() -> AppState {
        AppState::with_lesson(crate::model::presets::default_index())
    }

    /// The app opened on a lesson. Should its file be missing or damaged (the page could not
    /// fetch it), the app opens on an empty scenario and says so.
    pub fn with_lesson(lesson: usize) -> AppState {
        let shipped = lesson_doc(lesson).and_then(|d| doc::check(&d).ok().map(|m| (d, m)));
        let missing = shipped.is_none();
        let (doc, model) = shipped.unwrap_or_else(|| {
            let d = empty_doc();
            let m = doc::check(&d).expect("the empty scenario validates (tested natively)");
            (d, m)
        });
        let doc = Rc::new(doc);
        let origin = missing.then(|| doc.clone());
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
            notice: missing.then(|| Notice {
                text: "The lesson files could not be loaded, so this is an empty scenario. Links and files still open; reloading the page tries again.".into(),
                at: None,
            }),
            lesson,
            playing: false,
            speed: 1.0,
            t_us: 0,
            end_us: 0,
            seeking: None,
            markers: Rc::default(),
            markers_left_out: 0,
            outcome: Rc::new(engine.player.outcome()),
            status: Rc::default(),
            view: ViewPort::default(),
            auto_fit: true,
            help: false,
            engine: Rc::new(RefCell::new(engine)),
            rev: 0,
            fit_request: 0,
            tab: Tab::Lesson,
            message: None,
            flow_tree: false,
            log: LogFilter::default(),
            prediction: Prediction::default(),
            gallery: false,
            journal_rev: (0, 0, false),
            compare: None,
            link_preset: (!missing).then_some(lesson),
            origin,
            nav: 0,
            refused_links: 0,
            copy_text: None,
            made_link: None,
            address_read: false,
            read_only: false,
            awaiting: None,
        };
        s.sync(true);
        s
    }

    /// Copies what the page shows from the engine.
    pub(super) fn sync(&mut self, outcome: bool) {
        let mut e = self.engine.borrow_mut();
        self.playing = e.playing;
        self.t_us = e.player.now_us();
        self.end_us = e.player.end_us();
        self.seeking = e.player.seeking().map(|(t, done)| (t, (done * 100.0).floor() as u8));
        if e.player.markers.len() != self.markers.len() {
            self.markers = Rc::new(e.player.markers.clone());
            self.markers_left_out = e.player.markers_left_out;
        }
        self.status = Rc::new(e.player.sim().node_snapshots());
        {
            let j = e.player.journal.borrow();
            self.journal_rev = (j.entries.len(), j.times.len(), j.complete);
        }
        e.follow(self.message);
        // Computed now (a small run), or a big run's built over the last frames.
        let now = if outcome { e.outcome() } else { None };
        if let Some(o) = now.or_else(|| e.take_outcome()) {
            self.outcome = Rc::new(o);
        }
        if let (Some(lane), Some(c)) = (&e.compare, &self.compare) {
            let status = lane.player.sim().node_snapshots();
            let outcome = if outcome { Rc::new(lane.player.outcome()) } else { c.outcome.clone() };
            self.compare = Some(Rc::new(Comparison { status: Rc::new(status), outcome, ..(**c).clone() }));
        }
    }
}

/// The parts of the reducer set the fields they change in place (`s.help = false`) rather
/// than with a struct update (`AppState { help: false, ..s }`): a struct update moves every
/// field of this big state, and the wasm held that code for each one (5 KB gzip'd in all).
impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.read_only && action.edits() {
            return self;
        }
        let s = (*self).clone();
        let next = match action {
            Action::Edit(a) => edit::reduce(s, a),
            Action::Select(a) => select::reduce(s, a),
            Action::Transport(a) => transport::reduce(s, a),
            Action::View(a) => view::reduce(s, a),
            Action::Panel(a) => panel::reduce(s, a),
            Action::Open(a) => open::reduce(s, a),
        };
        next.map_or(self, Rc::new)
    }
}
