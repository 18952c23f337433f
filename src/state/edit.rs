//! Editing the scenario: adding, moving, wiring, deleting and renaming nodes, setting their
//! fields, adding and removing a service's rules, recording the action script at the playhead, and undo and redo. Every edit goes
//! through [`AppState::commit`]: one undo step (or folded into the last one), validated by
//! the core, and played if the core accepts it; text the document cannot take stays as a
//! [`Draft`] with its reason.

use std::rc::Rc;

use serde_json::Value;

use super::{AppState, Sel, Tab};
use crate::model::fields::{self, Field, Target};
use crate::model::{doc, service};
use crate::play::player::Player;

/// The most undo steps kept.
const HISTORY: usize = 200;

/// Text typed into a field that the document could not take as it is, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    pub error: String,
}

/// The drafts of the fields, by field key. Only the fields being typed into have one, so a
/// short list does; a map of its own would cost the wasm more code than it saves time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drafts(Vec<(String, Draft)>);

impl Drafts {
    pub fn get(&self, key: &str) -> Option<&Draft> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, d)| d)
    }

    pub fn values(&self) -> impl Iterator<Item = &Draft> {
        self.0.iter().map(|(_, d)| d)
    }

    fn insert(&mut self, key: String, draft: Draft) {
        self.remove(&key);
        self.0.push((key, draft));
    }

    fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }
}

/// What an inspector field belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldOwner {
    Node(String),
    Wire(usize),
}

/// Scenario-level settings the inspector shows when nothing is selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScenarioField {
    Title,
    Duration,
    Seed,
    /// The schema registry's mode, or empty for none.
    Registry,
    /// The `schemas` object, as JSON text.
    Schemas,
}

impl ScenarioField {
    /// Its name in the page: the field's id is `scenario-` and this, its draft's key
    /// `scenario:` and this.
    pub fn slug(self) -> &'static str {
        match self {
            ScenarioField::Title => "title",
            ScenarioField::Duration => "duration",
            ScenarioField::Seed => "seed",
            ScenarioField::Registry => "registry",
            ScenarioField::Schemas => "schemas",
        }
    }
}

/// A change to the scenario (refused in read-only embeds).
pub enum EditAction {
    /// Add a node from the palette: at a canvas point (a drop), or at a free spot.
    AddNode {
        kind: String,
        at: Option<(f64, f64)>,
    },
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
    /// Give a consumer another rule of what it publishes (its first makes it a service), or
    /// remove the rule with index `remove`; with its last rule, its outgoing wire goes too.
    Rule {
        id: String,
        remove: Option<usize>,
    },
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
    /// Record an action into the script at the playhead's time: "crash this consumer now", an
    /// outage, a DLQ's redrive, a consumer leaving or joining its group, a deploy. `what` is
    /// the action without its time, e.g. `{"crash": {"consumer": "worker", "recover_after_ms":
    /// 2000}}`.
    ActNow(Value),
    RemoveAction(usize),
}

/// What a edit action makes of the state; `None` when it changes nothing.
// Not inlined into `AppState::reduce`: measured, the wasm is smaller with each part of the
// reducer a function of its own.
#[inline(never)]
pub(super) fn reduce(s: AppState, action: EditAction) -> Option<AppState> {
    let next = match action {
        EditAction::AddNode { kind, at } => {
            let dropped = at.is_some();
            let at = at.unwrap_or_else(|| doc::free_spot(&s.doc, &kind));
            let mut d = (*s.doc).clone();
            match doc::add_node(&mut d, &kind, at) {
                Ok(id) => {
                    let mut s = s.commit(d, None);
                    s.selection = Rc::new(vec![Sel::Node(id)]);
                    s.notice = None;
                    s.tab = Tab::Inspector;
                    // A node added at a free spot (by a key or a click) may land outside the
                    // view: a view that follows the drawing fits it in. A node dropped where the
                    // user wanted it, or a view of their own, is left alone.
                    if !dropped && s.auto_fit {
                        s.fit_request += 1;
                    }
                    s
                }
                Err(text) => s.with_notice(text, None),
            }
        }
        EditAction::MoveNodes { ids, dx, dy, nudge } => {
            if ids.is_empty() || (dx == 0.0 && dy == 0.0) || !dx.is_finite() || !dy.is_finite() {
                return None;
            }
            let key = nudge.then(|| format!("nudge:{}", ids.join(",")));
            s.edit(
                Box::new(|d| {
                    for id in &ids {
                        let (x, y) = doc::position(d, id);
                        doc::set_position(d, id, (x + dx, y + dy));
                    }
                }),
                key,
            )
        }
        EditAction::DeleteSelection => {
            if s.selection.is_empty() {
                return None;
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
                Box::new(|d| {
                    for i in wires.iter().rev() {
                        doc::remove_wire(d, *i);
                    }
                    doc::remove_nodes(d, &nodes);
                }),
                None,
            );
            s.selection = Rc::default();
            s
        }
        EditAction::Wire { from, to, at } => {
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
                Err(text) => s.with_notice(text, at),
            }
        }
        EditAction::DeleteWire(i) => {
            let mut s = s.edit(
                Box::new(|d| {
                    doc::remove_wire(d, i);
                }),
                None,
            );
            s.selection = Rc::default();
            s
        }
        EditAction::Rule { id, remove } => {
            let mut d = (*s.doc).clone();
            let wire_to = match remove {
                None => {
                    service::add_rule(&mut d, &id);
                    None
                }
                Some(k) => service::remove_rule(&mut d, &id, k),
            };
            let mut s = s.commit(d, None);
            s.notice = None;
            // The rules after a removed one move up a slot: what was typed into their fields
            // is theirs no more.
            if remove.is_some() {
                s.drafts = Rc::default();
            }
            match wire_to {
                Some(to) => {
                    s.with_notice(format!("{id} publishes nothing now: its wire to {to} is removed too."), None)
                }
                None => s,
            }
        }
        EditAction::Edit { owner, field, text } => {
            let key = AppState::draft_key(&owner, field);
            let mut d = (*s.doc).clone();
            let obj = match &owner {
                FieldOwner::Node(id) => doc::find_node(&d, id).map(|(i, _)| i).map(|i| &mut d["nodes"][i]),
                FieldOwner::Wire(i) if *i < doc::wires(&d).len() => Some(&mut d["wires"][*i]),
                FieldOwner::Wire(_) => None,
            };
            let obj = obj?;
            match fields::write(obj, field, &text) {
                // The typed text stays as typed ("1.50" is not rewritten to "1.5" under the caret).
                Ok(()) => s.with_draft(key.clone(), Some(Draft { text, error: String::new() })).commit(d, Some(key)),
                Err(error) => s.with_draft(key, Some(Draft { text, error })),
            }
        }
        EditAction::EditScenario { field: field @ (ScenarioField::Registry | ScenarioField::Schemas), text } => {
            let key = format!("scenario:{}", field.slug());
            let (name, parsed) = match field {
                ScenarioField::Registry => {
                    ("registry", Ok((!text.is_empty()).then(|| serde_json::json!({ "compatibility": text.as_str() }))))
                }
                _ if text.trim().is_empty() => ("schemas", Ok(None)),
                _ => (
                    "schemas",
                    match broker::scenario::json::read(&text) {
                        Ok(v) if v.is_object() => Ok(Some(v)),
                        Ok(_) => Err(
                            "Write an object from event type to its versions: {\"OrderPlaced\": {\"versions\": [...]}}"
                                .to_owned(),
                        ),
                        Err(e) => Err(format!("Not JSON yet: {e}")),
                    },
                ),
            };
            match parsed {
                // The text stays as typed, so the caret does not jump while the JSON is written.
                Ok(v) => s.with_draft(key.clone(), Some(Draft { text, error: String::new() })).edit(
                    Box::new(|d| {
                        match (v, d.as_object_mut()) {
                            (Some(v), Some(o)) => o.insert(name.to_owned(), v),
                            (None, Some(o)) => o.remove(name),
                            _ => None,
                        };
                    }),
                    Some(key.clone()),
                ),
                Err(error) => s.with_draft(key, Some(Draft { text, error })),
            }
        }
        EditAction::EditScenario { field, text } => {
            let key = format!("scenario:{}", field.slug());
            let parsed: Result<Value, String> = match field {
                ScenarioField::Title => Ok(Value::from(text.as_str())),
                ScenarioField::Duration => text
                    .trim()
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| "Enter a whole number of milliseconds, e.g. 30000".to_owned()),
                ScenarioField::Seed => crate::model::seed::parse_seed(&text).map(Value::from),
                ScenarioField::Registry | ScenarioField::Schemas => unreachable!("edited above"),
            };
            match parsed {
                Ok(v) => {
                    let name = match field {
                        ScenarioField::Title => "title",
                        ScenarioField::Duration => "duration_ms",
                        _ => "seed",
                    };
                    s.with_draft(key.clone(), None).edit(
                        Box::new(|d| {
                            d[name] = v;
                        }),
                        Some(key.clone()),
                    )
                }
                Err(error) => s.with_draft(key, Some(Draft { text, error })),
            }
        }
        EditAction::Rename { id, text } => {
            let key = format!("rename:{id}");
            let mut d = (*s.doc).clone();
            match doc::rename(&mut d, &id, &text) {
                Ok(()) => {
                    // The selection follows the node to its new id before the commit, which
                    // drops what no longer exists.
                    let new_id = text.trim().to_owned();
                    let mut s = s.with_draft(key.clone(), None);
                    s.selection = Rc::new(
                        s.selection
                            .iter()
                            .map(|x| match x {
                                Sel::Node(n) if *n == id => Sel::Node(new_id.clone()),
                                other => other.clone(),
                            })
                            .collect(),
                    );
                    s.commit(d, None)
                }
                Err(error) => s.with_draft(key, Some(Draft { text, error })),
            }
        }
        EditAction::Undo | EditAction::Redo => {
            let undo = matches!(action, EditAction::Undo);
            let (from, to) = if undo { (&s.undo, &s.redo) } else { (&s.redo, &s.undo) };
            let mut from = (**from).clone();
            let prev = from.pop()?;
            let mut to = (**to).clone();
            to.push(s.doc.clone());
            let (u, r) = if undo { (from, to) } else { (to, from) };
            let mut s = s;
            s.undo = Rc::new(u);
            s.redo = Rc::new(r);
            s.coalesce = None;
            s.drafts = Rc::default();
            s.notice = None;
            s.set_doc(prev)
        }
        EditAction::ActNow(what) => s.action_at_playhead(what),
        EditAction::RemoveAction(i) => s.edit(
            Box::new(|d| {
                doc::remove_action(d, i);
            }),
            None,
        ),
    };
    Some(next)
}

impl AppState {
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
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

    /// Makes `next` the document: one undo step (or folded into the last one, for repeated
    /// edits of the same field), validated, and played if the core accepts it.
    pub(super) fn commit(mut self, next: Value, coalesce: Option<String>) -> AppState {
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
    pub(super) fn set_doc(mut self, next: Rc<Value>) -> AppState {
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

    /// Commits the document as `f` changes it. `f` is boxed: one copy of this for every edit,
    /// not one for each closure.
    pub(super) fn edit(mut self, f: Box<dyn FnOnce(&mut Value) + '_>, coalesce: Option<String>) -> AppState {
        let mut next = (*self.doc).clone();
        f(&mut next);
        self.notice = None;
        self.commit(next, coalesce)
    }

    /// The state with `draft` as the draft of field `key`, or with none for it. One function
    /// for every draft the reducer keeps or drops: a closure each was a copy of it each.
    pub(super) fn with_draft(mut self, key: String, draft: Option<Draft>) -> AppState {
        let mut d = (*self.drafts).clone();
        match draft {
            Some(draft) => d.insert(key, draft),
            None => d.remove(&key),
        }
        self.drafts = Rc::new(d);
        self
    }

    fn action_at_playhead(self, action: Value) -> AppState {
        let at_ms = (self.t_us / 1_000) as i64;
        self.edit(
            Box::new(|d| {
                doc::record_action(d, at_ms, action);
            }),
            None,
        )
    }
}

fn without_view(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("view");
    }
    v
}
