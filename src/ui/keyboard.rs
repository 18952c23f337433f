//! Keyboard shortcuts for the whole page: Space plays and pauses, → steps (or nudges the
//! selected nodes), R rewinds, ? opens the help, Delete deletes, + and - zoom, Control+Z
//! undoes and Escape closes or clears. Typing in a field is never taken over.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::model::doc;
use crate::state::{Action, AppState, EditAction, PanelAction, Tab, TransportAction, ViewAction};

/// Keyboard shortcuts for the whole page. Typing in a field is never taken over: only
/// Escape is read there.
#[hook]
pub fn use_keyboard(state: &UseReducerHandle<AppState>, region: &NodeRef) {
    // The listener reads the newest state through this cell.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let region = region.clone();
    crate::ui::use_on_mount(Box::new(move || {
        let listener = web_sys::window().map(|w| {
            gloo::events::EventListener::new_with_options(
                &w,
                "keydown",
                gloo::events::EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                    let state = latest.borrow().clone();
                    if let Some(action) = shortcut(e, &state, &region) {
                        e.prevent_default();
                        state.dispatch(action);
                    }
                },
            )
        });
        Box::new(move || drop(listener))
    }));
}

/// The action a key press means here, if any.
fn shortcut(e: &KeyboardEvent, state: &AppState, region: &NodeRef) -> Option<Action> {
    if e.default_prevented() {
        // A control took the key for itself (the panel tabs' arrow keys).
        return None;
    }
    let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
    let tag = target.as_ref().map(|t| t.tag_name().to_ascii_lowercase()).unwrap_or_default();
    let typing = matches!(tag.as_str(), "input" | "textarea" | "select")
        || target.as_ref().and_then(|t| t.dyn_ref::<HtmlElement>().map(|h| h.is_content_editable())).unwrap_or(false);
    let key = e.key();
    if key == "Escape" {
        if typing {
            if let Some(t) = target.as_ref().and_then(|t| t.dyn_ref::<HtmlElement>()) {
                let _ = t.blur();
            }
        }
        return Some(PanelAction::Escape.into());
    }
    if typing || e.alt_key() {
        return None;
    }
    let ctrl = e.ctrl_key() || e.meta_key();
    if ctrl {
        return match key.as_str() {
            "z" | "Z" if e.shift_key() => Some(EditAction::Redo.into()),
            "z" | "Z" => Some(EditAction::Undo.into()),
            "y" | "Y" => Some(EditAction::Redo.into()),
            _ => None,
        };
    }
    if state.help {
        return matches!(key.as_str(), "?").then_some(PanelAction::ToggleHelp.into());
    }
    if state.gallery {
        // The gallery is a modal dialog: the page's shortcuts wait until it closes.
        return None;
    }
    let on_button = matches!(tag.as_str(), "button" | "a" | "summary");
    // Arrow keys move nodes when the focus is on the canvas (a node, a wire or the region).
    let on_canvas = target.as_ref().is_some_and(|t| t.closest(".canvas-region").ok().flatten().is_some());
    let nodes = state.selected_nodes();
    let step = if e.shift_key() { doc::NUDGE * 5.0 } else { doc::NUDGE };
    let nudge = |dx: f64, dy: f64| Some(EditAction::MoveNodes { ids: nodes.clone(), dx, dy, nudge: true }.into());
    let movable = on_canvas && !nodes.is_empty();
    match key.as_str() {
        " " | "Spacebar" if !on_button => Some(TransportAction::TogglePlay.into()),
        "ArrowRight" if movable => nudge(step, 0.0),
        "ArrowLeft" if movable => nudge(-step, 0.0),
        "ArrowUp" if movable => nudge(0.0, -step),
        "ArrowDown" if movable => nudge(0.0, step),
        "ArrowRight" => Some(TransportAction::Step.into()),
        "r" | "R" => Some(TransportAction::Rewind.into()),
        "?" => Some(PanelAction::ToggleHelp.into()),
        // Enter on a node or wire (focus has selected it): on to its settings, which would
        // otherwise be every later node and wire away by Tab.
        "Enter"
            if target
                .as_ref()
                .is_some_and(|t| t.get_attribute("data-node").or(t.get_attribute("data-wire")).is_some()) =>
        {
            crate::ui::panels::tabs::focus_tab(Tab::Inspector);
            Some(PanelAction::SetTab(Tab::Inspector).into())
        }
        "Delete" | "Backspace" if !state.selection.is_empty() => Some(EditAction::DeleteSelection.into()),
        "+" | "=" | "-" | "_" => {
            let (w, h) = region
                .cast::<Element>()
                .map_or((800.0, 600.0), |el| (el.client_width() as f64, el.client_height() as f64));
            let factor = if matches!(key.as_str(), "+" | "=") { 1.25 } else { 0.8 };
            Some(ViewAction::Zoom { factor, around: (w / 2.0, h / 2.0) }.into())
        }
        _ => None,
    }
}
