//! Views written as markup text: a list of rows or bars that would cost the wasm an `html!`
//! element, an attribute and a callback each is one string instead, shown with
//! `Html::from_html_unchecked` after every name in it is escaped, and its buttons are heard
//! by one listener on the view ([`on_press`]): each carries the message it is about and the
//! moment it moves the timeline to (`data-m`, `data-t`). Rebuilding the text replaces the
//! view's DOM, so the control last pressed gets the focus back after the render ([`refocus`],
//! run by the passport's effect).

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{AppState, PanelAction, TransportAction};

thread_local! {
    /// The id of the control last pressed, to focus again once the view is rebuilt, and how
    /// many presses there have been (so that two presses in a row are two changes).
    static REFOCUS: RefCell<(Option<String>, u32)> = const { RefCell::new((None, 0)) };
}

/// The press waiting to get the focus back, if one is.
pub fn refocus_pending() -> Option<u32> {
    REFOCUS.with(|r| {
        let r = r.borrow();
        r.0.as_ref().map(|_| r.1)
    })
}

pub fn pressed(id: String) {
    REFOCUS.with(|r| {
        let mut r = r.borrow_mut();
        *r = (Some(id), r.1.wrapping_add(1));
    });
}

/// Gives the focus back to the bar last pressed, after the chart was rebuilt around it (run
/// by the passport's effect, `use_passport_in_view`).
pub fn refocus() {
    if let Some(id) = REFOCUS.with(|r| r.borrow_mut().0.take()) {
        let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id));
        if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }
}

/// Text for markup: `&`, `<`, `>` and quotes written as entities (names come from the
/// scenario file); the core's, which `brokerlab test` writes its XML with.
pub fn esc(s: &str) -> String {
    broker::markup::escape(s)
}

/// The one listener of a view written as markup: a press on a button with `data-m` follows
/// that message (in the passport, shown with `data-open`) and with `data-t` moves the
/// timeline there too; one with `data-t` alone moves the timeline; a lesson's point
/// (`data-point`) moves it to `data-t` and selects the node `data-node`; `data-flow` shows
/// that message's flow in the flow view. The focus stays on it (by its `id`).
pub fn on_press(state: &UseReducerHandle<AppState>) -> Callback<MouseEvent> {
    let d = state.dispatcher();
    Callback::from(move |e: MouseEvent| {
        let button = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| {
            el.closest("button[data-t],button[data-m],button[data-point],button[data-flow]").ok().flatten()
        });
        let Some(button) = button else { return };
        let num = |name: &str| button.get_attribute(name).and_then(|v| v.parse::<u64>().ok());
        pressed(button.id());
        if let Some(m) = num("data-flow") {
            return d.dispatch(PanelAction::ShowFlow(m as u32).into());
        }
        if button.has_attribute("data-point") {
            let node = button.get_attribute("data-node");
            return d.dispatch(PanelAction::Point { at: num("data-t"), node }.into());
        }
        match (num("data-m"), num("data-t")) {
            (Some(m), at) => {
                let open = button.has_attribute("data-open");
                d.dispatch(PanelAction::ShowMessage { msg: m as u32, open, at }.into())
            }
            (None, Some(t)) => d.dispatch(TransportAction::Seek(t).into()),
            (None, None) => {}
        }
    })
}
