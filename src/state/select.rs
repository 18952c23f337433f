//! The canvas selection: which nodes and wires are selected, by a click, a shift-click or a
//! selection rectangle. Selecting something shows the inspector.

use std::rc::Rc;

use super::{AppState, Tab};

/// Something selected on the canvas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sel {
    Node(String),
    Wire(usize),
}

/// A change to what is selected on the canvas.
pub enum SelectAction {
    Select { sel: Sel, extend: bool },
    SelectNodes(Vec<String>),
    ClearSelection,
}

/// What a select action makes of the state; `None` when it changes nothing.
// Not inlined into `AppState::reduce`: measured, the wasm is smaller with each part of the
// reducer a function of its own.
#[inline(never)]
pub(super) fn reduce(mut s: AppState, action: SelectAction) -> Option<AppState> {
    let next = match action {
        SelectAction::Select { sel, extend } => {
            let mut list = if extend { (*s.selection).clone() } else { Vec::new() };
            match list.iter().position(|x| *x == sel) {
                Some(i) if extend => {
                    list.remove(i);
                }
                Some(_) => {}
                None => list.push(sel),
            }
            if *s.selection == list {
                return None;
            }
            {
                s.selection = Rc::new(list);
                s.coalesce = None;
                s.tab = Tab::Inspector;
                s
            }
        }
        SelectAction::SelectNodes(ids) => {
            let tab = if ids.is_empty() { s.tab } else { Tab::Inspector };
            {
                s.selection = Rc::new(ids.into_iter().map(Sel::Node).collect());
                s.coalesce = None;
                s.tab = tab;
                s
            }
        }
        SelectAction::ClearSelection if s.selection.is_empty() => return None,
        SelectAction::ClearSelection => {
            s.selection = Rc::default();
            s
        }
    };
    Some(next)
}

impl AppState {
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
}
