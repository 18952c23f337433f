//! What the page shows around the canvas: the side panel's tab, the message the passport
//! follows, the event log's filter, the lesson's prediction, the help, the gallery, notices
//! and the text to copy by hand.

use std::rc::Rc;

use super::{AppState, MadeLink, Sel};
use crate::model::doc;

/// A short message for the user: a refused wire (next to where it was dropped), a failed
/// edit. Shown in a live region so screen readers announce it.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    /// Canvas point to show it next to, if it is about a place on the canvas.
    pub at: Option<(f64, f64)>,
}

/// The side panel's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Lesson,
    Inspector,
    Log,
    Passport,
    Flow,
    Charts,
    Checks,
}

impl Tab {
    pub const ALL: [Tab; 7] =
        [Tab::Lesson, Tab::Inspector, Tab::Log, Tab::Passport, Tab::Flow, Tab::Charts, Tab::Checks];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Lesson => "Lesson",
            Tab::Inspector => "Inspector",
            Tab::Log => "Event log",
            Tab::Passport => "Passport",
            Tab::Flow => "Flow",
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
            Tab::Flow => "flow",
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

/// A change to what the page shows, not to the scenario or the run.
pub enum PanelAction {
    ToggleHelp,
    /// Escape: close the help, drop the notice, clear the selection.
    Escape,
    DismissNotice,
    SetTab(Tab),
    /// Follow a message in the passport (by index in publish order); `open` shows the
    /// passport tab, `at` moves the timeline too.
    ShowMessage {
        msg: u32,
        open: bool,
        at: Option<u64>,
    },
    /// Follow a message's whole flow in the flow view.
    ShowFlow(u32),
    /// Draw the flow view as a parent-child tree (else one row per service, with links).
    SetFlowTree(bool),
    SetLogFilter(LogFilter),
    /// A narration point: move the timeline and select the node it is about.
    Point {
        at: Option<u64>,
        node: Option<String>,
    },
    SetPrediction(String),
    LockPrediction,
    ToggleGallery,
    /// Show text to copy by hand where the clipboard is not allowed; `None` hides it.
    ShowCopyText(Option<(String, String)>),
    Notify(String),
    /// The share link of a document, made.
    LinkMade(Rc<MadeLink>),
    /// The page's address holds no link to open.
    AddressRead,
    /// Embed mode's read-only option: from now on the scenario cannot be edited.
    SetReadOnly,
}

/// What a panel action makes of the state; `None` when it changes nothing.
// Not inlined into `AppState::reduce`: measured, the wasm is smaller with each part of the
// reducer a function of its own. The fields are set in place: a struct update
// (`AppState { help, ..s }`) moves every field of the state, and the wasm held that for
// each arm.
#[inline(never)]
pub(super) fn reduce(mut s: AppState, action: PanelAction) -> Option<AppState> {
    match action {
        PanelAction::ToggleHelp => s.help = !s.help,
        PanelAction::Escape => {
            if s.help {
                s.help = false;
            } else if s.gallery {
                s.gallery = false;
            } else if s.copy_text.is_some() {
                s.copy_text = None;
            } else if s.notice.is_some() {
                s.notice = None;
            } else if !s.selection.is_empty() {
                s.selection = Rc::default();
            } else {
                return None;
            }
        }
        PanelAction::DismissNotice if s.notice.is_none() => return None,
        PanelAction::DismissNotice => s.notice = None,
        PanelAction::SetTab(tab) if tab == s.tab => return None,
        PanelAction::SetTab(tab) => s.tab = tab,
        PanelAction::ShowMessage { msg, open, at } => {
            s.engine.borrow_mut().selected_msg = Some(msg);
            s.message = Some(msg);
            if open {
                s.tab = Tab::Passport;
            }
            s.engine.borrow_mut().follow(Some(msg));
            if let Some(t) = at {
                s = s.pause_and_seek(t);
            }
        }
        PanelAction::ShowFlow(msg) => {
            s.engine.borrow_mut().selected_msg = Some(msg);
            s.message = Some(msg);
            s.tab = Tab::Flow;
            s.engine.borrow_mut().follow(Some(msg));
        }
        PanelAction::SetFlowTree(tree) if tree == s.flow_tree => return None,
        PanelAction::SetFlowTree(tree) => s.flow_tree = tree,
        PanelAction::SetLogFilter(f) if f == s.log => return None,
        PanelAction::SetLogFilter(log) => s.log = log,
        PanelAction::Point { at, node } => {
            if let Some(id) = node.filter(|id| doc::find_node(&s.doc, id).is_some()) {
                s.selection = Rc::new(vec![Sel::Node(id)]);
            }
            if let Some(t) = at {
                s = s.pause_and_seek(t);
            }
        }
        PanelAction::SetPrediction(text) => s.prediction = Prediction { text, locked: None, error: None },
        PanelAction::LockPrediction => {
            let text = s.prediction.text.trim().to_string();
            s.prediction = match text.parse::<u64>() {
                Ok(n) if text.len() <= 12 => Prediction { text, locked: Some(n), error: None },
                _ => Prediction {
                    text,
                    locked: None,
                    error: Some("Type a whole number, such as 0, 1 or 12.".to_string()),
                },
            };
        }
        PanelAction::ToggleGallery => s.gallery = !s.gallery,
        PanelAction::ShowCopyText(copy_text) => s.copy_text = copy_text,
        PanelAction::Notify(text) => s.notice = Some(Notice { text, at: None }),
        PanelAction::LinkMade(made) => s.made_link = Some(made),
        PanelAction::AddressRead if s.address_read => return None,
        PanelAction::AddressRead => s.address_read = true,
        PanelAction::SetReadOnly => {
            s.read_only = true;
            s.selection = Rc::default();
        }
    }
    Some(s)
}
