//! Opening a scenario: a lesson, a share link or a file becomes the document (one undo step,
//! at time zero); Start over goes back to where it started; Compare runs the lesson's other
//! variant, or the original, beside it on the same seed.
//!
//! A lesson's file may not be on hand yet (the page fetches lesson files when they are first
//! needed, see `model::presets`): an action that needs one waits in [`AppState::awaiting`]
//! while the page fetches it, and goes on when it arrives. Any other opening overtakes it.

use std::rc::Rc;

use broker::link::{LinkError, Shared};
use broker::scenario::json::object;
use serde_json::Value;

use super::{AppState, LogFilter, Notice, Prediction, Tab};
use crate::model::doc;
use crate::model::lessons;
use crate::model::presets::{self, PRESETS};
use crate::play::compare::{CompareTo, Comparison, Lane};
use crate::play::player::Player;

/// Another scenario to open, or to run beside this one.
#[derive(Clone, PartialEq)]
pub enum OpenAction {
    LoadLesson(usize),
    /// Back to the lesson's scenario as it shipped (an edit, so it can be undone).
    StartOver,
    /// Run another scenario beside this one on the same seed; `None` closes.
    CompareWith(Option<CompareTo>),
    /// Open a lesson's variant and run another of its variants beside it (the gallery's
    /// "Compare both").
    OpenBoth {
        lesson: usize,
        with: usize,
    },
    /// Open what a share link held (read from the text after `#`, or why it could not be).
    /// `from_history`: the browser's back or forward buttons (or the page's own address on
    /// load) brought it, so it is not a new entry.
    OpenLink {
        link: Result<Shared, LinkError>,
        from_history: bool,
    },
    /// Open a scenario file's text (file picker or a drop on the canvas).
    Import {
        name: String,
        text: String,
    },
    /// A lesson file the page fetched, or why it could not: it goes on the shelf, and the
    /// action that waited for it goes on.
    Fetched {
        lesson: usize,
        text: Result<String, String>,
    },
}

/// An opening that waits for lesson files the page is fetching.
#[derive(PartialEq)]
pub struct Awaiting {
    /// The lessons it needs that are not on hand yet.
    pub lessons: Vec<usize>,
    pub then: OpenAction,
}

/// The lesson files an action needs, other than the current lesson's (which is on hand).
fn needs(action: &OpenAction) -> Vec<usize> {
    match action {
        OpenAction::LoadLesson(i) | OpenAction::CompareWith(Some(CompareTo::Variant(i))) => vec![*i],
        OpenAction::OpenBoth { lesson, with } => vec![*lesson, *with],
        // The lesson a link names, for the narration it leaves out.
        OpenAction::OpenLink { link, .. } => crate::model::share::link_lesson(link).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// What a open action makes of the state; `None` when it changes nothing.
pub(super) fn reduce(mut s: AppState, action: OpenAction) -> Option<AppState> {
    if let OpenAction::Fetched { lesson, text } = action {
        return s.fetched(lesson, text);
    }
    let missing: Vec<usize> =
        needs(&action).into_iter().filter(|&i| i < PRESETS.len() && !presets::on_hand(i)).collect();
    if !missing.is_empty() {
        s.awaiting = Some(Rc::new(Awaiting { lessons: missing, then: action }));
        return Some(s);
    }
    // Whatever was waiting is overtaken by this opening.
    s.awaiting = None;
    let next = match action {
        OpenAction::LoadLesson(i) => s.open_lesson(i)?,
        OpenAction::StartOver => {
            let start = s.original();
            s.drafts = Rc::default();
            s.selection = Rc::default();
            s.engine.borrow_mut().playing = false;
            let mut s = s.commit(start, None).seek(0);
            s.fit_request += 1;
            s
        }
        OpenAction::CompareWith(None) => {
            s.engine.borrow_mut().compare = None;
            {
                s.compare = None;
                s
            }
        }
        OpenAction::CompareWith(Some(CompareTo::Variant(b))) if b >= PRESETS.len() => return None,
        OpenAction::CompareWith(Some(with)) => s.open_compare(with),
        OpenAction::OpenBoth { lesson, with } if with < PRESETS.len() => {
            s.open_lesson(lesson)?.open_compare(CompareTo::Variant(with))
        }
        OpenAction::OpenBoth { .. } => return None,
        OpenAction::OpenLink { link, from_history } => return s.open_link(link, from_history),
        OpenAction::Import { name, text } => match crate::model::share::open_file(&text) {
            Ok(opened) => {
                let mut s = s.open(opened, true);
                s.notice = Some(Notice { text: format!("Opened {name}."), at: None });
                s
            }
            Err(why) => s.with_notice(format!("{name} was not opened, and nothing here changed. {why}"), None),
        },
        // Handled above, before anything waiting is overtaken.
        OpenAction::Fetched { .. } => return None,
    };
    Some(next)
}

impl AppState {
    /// A lesson file arrived (or could not be fetched): shelve it, and go on with the opening
    /// that waited for it once it has everything it needs.
    fn fetched(self, lesson: usize, text: Result<String, String>) -> Option<AppState> {
        if let Ok(t) = &text {
            presets::shelve(lesson, t);
        }
        let waiting = self.awaiting.clone().filter(|a| a.lessons.contains(&lesson))?;
        let mut s = self;
        s.awaiting = None;
        match text {
            Ok(_) if waiting.lessons.iter().all(|&i| presets::on_hand(i)) => reduce(s, waiting.then.clone()),
            Ok(_) => {
                let lessons = waiting.lessons.iter().copied().filter(|&i| !presets::on_hand(i)).collect();
                Some({
                    s.awaiting = Some(Rc::new(Awaiting { lessons, then: waiting.then.clone() }));
                    s
                })
            }
            Err(why) => {
                let title = PRESETS.get(lesson).map_or("", |p| p.title);
                match &waiting.then {
                    // The link carries the whole scenario; only the lesson's narration is missing.
                    OpenAction::OpenLink { link, from_history } => {
                        let mut s = s.open_link(link.clone(), *from_history)?;
                        s.notice = Some(Notice {
                            text: format!("The link opened without the narration of the lesson “{title}”: {why}."),
                            at: None,
                        });
                        Some(s)
                    }
                    _ => Some(s.with_notice(
                        format!("The lesson “{title}” could not be loaded, and nothing here changed: {why}."),
                        None,
                    )),
                }
            }
        }
    }

    /// Opens a lesson as shipped; `None` when its file is not on hand.
    fn open_lesson(self, lesson: usize) -> Option<AppState> {
        let doc = lesson_doc(lesson)?;
        Some(self.open(crate::model::share::Opened { doc, preset: Some(lesson) }, true))
    }

    /// Opens a share link, or says why it cannot.
    fn open_link(self, link: Result<Shared, LinkError>, from_history: bool) -> Option<AppState> {
        let read = self.address_read;
        let mut s = self;
        s.address_read = true;
        match crate::model::share::open_shared(link) {
            Ok(opened) => {
                if opened.doc == *s.doc {
                    // The page's own link came back (a reload, or history at this entry).
                    return (!read).then_some(s);
                }
                Some(s.open(opened, !from_history))
            }
            Err(why) => {
                let mut s = s.with_notice(why, None);
                s.refused_links += 1;
                Some(s)
            }
        }
    }

    /// Makes a lesson, an opened link or a file the document (an undoable step), at time
    /// zero, on the lesson tab. `new_entry`: the page gives it its own history entry.
    pub(super) fn open(self, opened: crate::model::share::Opened, new_entry: bool) -> AppState {
        let lesson = opened.preset.unwrap_or(self.lesson);
        let mut s = self;
        s.lesson = lesson;
        s.link_preset = opened.preset;
        s.origin = Some(Rc::new(opened.doc.clone()));
        s.drafts = Rc::default();
        s.selection = Rc::default();
        s.message = None;
        s.prediction = Prediction::default();
        s.log = LogFilter::default();
        s.gallery = false;
        s.compare = None;
        s.tab = Tab::Lesson;
        if new_entry {
            s.nav += 1;
        }
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
        self.origin.as_ref().map_or_else(|| lesson_doc(self.lesson).unwrap_or_else(empty_doc), |o| (**o).clone())
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
        match lessons::siblings(slug)
            .first()
            .and_then(|(label, other)| Some((label, crate::model::presets::position(other)?)))
        {
            Some((label, b)) if !self.edited() => (format!("Compare with {label}"), CompareTo::Variant(b)),
            _ => ("Compare with the original".to_string(), CompareTo::Original),
        }
    }

    /// Runs `with` beside the document, on the document's seed, from the playhead.
    pub(super) fn open_compare(self, with: CompareTo) -> AppState {
        let (mut doc, label) = match with {
            CompareTo::Variant(b) => (
                lesson_doc(b).unwrap_or_else(empty_doc),
                lessons::lesson_of(PRESETS[b].slug)
                    .map_or_else(|| PRESETS[b].title.to_string(), |(l, i)| l.variants[i].0.to_string()),
            ),
            CompareTo::Original => {
                let doc = self.original();
                let label = if Some(&doc) == lesson_doc(self.lesson).as_ref() {
                    "the lesson as shipped"
                } else {
                    "the scenario as opened"
                };
                (doc, label.to_string())
            }
        };
        doc["seed"] = self.running.get("seed").cloned().unwrap_or(Value::from(1));
        match doc::check(&doc) {
            Ok(model) => {
                let mut lane = Lane::new(Player::new(model), &doc);
                lane.player.seek(self.t_us);
                let c = Comparison {
                    with,
                    label,
                    outcome: Rc::new(lane.player.outcome()),
                    status: Rc::new(lane.player.sim().node_snapshots()),
                    doc: Rc::new(doc),
                };
                self.engine.borrow_mut().compare = Some(lane);
                {
                    let mut s = self;
                    s.compare = Some(Rc::new(c));
                    s.gallery = false;
                    s
                }
            }
            Err(p) => {
                let text = format!("Cannot compare: {}", p.first().map_or("", |p| p.message.as_str()));
                self.with_notice(text, None)
            }
        }
    }
}

/// A lesson's scenario as an editable document, if its file is on hand and is JSON.
pub fn lesson_doc(lesson: usize) -> Option<Value> {
    let text = presets::text(lesson)?;
    broker::scenario::json::read(&text).ok().map(doc::normalise)
}

/// The scenario with nothing in it, for when no lesson is on hand.
pub fn empty_doc() -> Value {
    doc::normalise(object([
        ("version", Value::from(1)),
        ("duration_ms", Value::from(10_000)),
        ("nodes", Value::Array(Vec::new())),
    ]))
}
