//! Opening a scenario: a lesson, a share link or a file becomes the document (one undo step,
//! at time zero); Start over goes back to where it started; Compare runs the lesson's other
//! variant, or the original, beside it on the same seed.

use std::rc::Rc;

use serde_json::{json, Value};

use super::{AppState, LogFilter, Notice, Prediction, Tab};
use crate::model::doc;
use crate::model::lessons;
use crate::model::presets::PRESETS;
use crate::play::compare::{CompareTo, Comparison, Lane};
use crate::play::player::Player;

/// Another scenario to open, or to run beside this one.
pub enum OpenAction {
    LoadLesson(usize),
    /// Back to the lesson's scenario as it shipped (an edit, so it can be undone).
    StartOver,
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
}

/// What a open action makes of the state; `None` when it changes nothing.
pub(super) fn reduce(s: AppState, action: OpenAction) -> Option<AppState> {
    let next = match action {
        OpenAction::LoadLesson(i) if i < PRESETS.len() => {
            s.open(crate::model::share::Opened { doc: lesson_doc(i), preset: Some(i) }, true)
        }
        OpenAction::LoadLesson(_) => return None,
        OpenAction::StartOver => {
            let start = s.original();
            let s = AppState { drafts: Rc::default(), selection: Rc::default(), ..s };
            s.engine.borrow_mut().playing = false;
            let mut s = s.commit(start, None).seek(0);
            s.fit_request += 1;
            s
        }
        OpenAction::CompareWith(None) => {
            s.engine.borrow_mut().compare = None;
            AppState { compare: None, ..s }
        }
        OpenAction::CompareWith(Some(CompareTo::Variant(b))) if b >= PRESETS.len() => return None,
        OpenAction::CompareWith(Some(with)) => s.open_compare(with),
        OpenAction::OpenLink { text, from_history } => match crate::model::share::open_link(&text) {
            Ok(opened) => {
                if opened.doc == *s.doc {
                    // The page's own link came back (a reload, or history at this entry).
                    return None;
                }
                s.open(opened, !from_history)
            }
            Err(why) => {
                AppState { notice: Some(Notice { text: why, at: None }), refused_links: s.refused_links + 1, ..s }
            }
        },
        OpenAction::Import { name, text } => match crate::model::share::open_file(&text) {
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
    };
    Some(next)
}

impl AppState {
    /// Makes a lesson, an opened link or a file the document (an undoable step), at time
    /// zero, on the lesson tab. `new_entry`: the page gives it its own history entry.
    pub(super) fn open(self, opened: crate::model::share::Opened, new_entry: bool) -> AppState {
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
                lesson_doc(b),
                lessons::lesson_of(PRESETS[b].slug)
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
}

/// A lesson's scenario as an editable document.
pub fn lesson_doc(lesson: usize) -> Value {
    let json = PRESETS.get(lesson).unwrap_or(&PRESETS[0]).json;
    doc::normalise(
        serde_json::from_str(json).unwrap_or_else(|_| json!({"version": 1, "duration_ms": 10000, "nodes": []})),
    )
}
