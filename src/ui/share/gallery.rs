//! The lesson gallery: a dialog listing every lesson of the lesson table
//! ([`crate::model::lessons`]) with what it teaches and its variants. A variant opens with one
//! press; a lesson with two or more variants can open them side by side in Compare, on the
//! same seed.

use std::fmt::Write;

use yew::prelude::*;

use crate::model::lessons::LESSONS;
use crate::model::presets;
use crate::state::{AppState, OpenAction, PanelAction};
use crate::ui::raw;

/// The dialog; `close_ref` is the app's [`crate::ui::use_dialog_close`] for it.
pub fn gallery(state: &UseReducerHandle<AppState>, close_ref: NodeRef) -> Html {
    let close = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(PanelAction::ToggleGallery.into()))
    };
    // The list as markup, heard by one listener: a variant's button opens it (`data-open`),
    // a lesson's Compare button opens its first two variants side by side (`data-a`, `data-b`).
    let onclick = {
        let d = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            use wasm_bindgen::JsCast;
            let Some(b) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("button[data-open],button[data-a]").ok().flatten())
            else {
                return;
            };
            let num = |name: &str| b.get_attribute(name).and_then(|v| v.parse::<usize>().ok());
            match (num("data-open"), num("data-a"), num("data-b")) {
                (Some(i), _, _) => d.dispatch(OpenAction::LoadLesson(i).into()),
                (None, Some(lesson), Some(with)) => d.dispatch(OpenAction::OpenBoth { lesson, with }.into()),
                _ => {}
            }
        })
    };
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="gallery-heading" onkeydown={Callback::from(trap_focus)}>
            <div class="overlay-card gallery-card">
                <div class="overlay-head">
                    { raw(r#"<h2 id="gallery-heading">Lessons</h2>"#) }
                    <button type="button" ref={close_ref} onclick={close}>{ "Close" }</button>
                </div>
                { raw(r#"<p class="hint">Each lesson narrates what to watch, what to try and what the fix is. Where a lesson has two variants, Compare runs them side by side on the same seed.</p>"#) }
                <div {onclick}>{ Html::from_html_unchecked(list(state.lesson).into()) }</div>
            </div>
        </div>
    }
}

/// The lessons, their variants (the one open marked `current`) and their Compare buttons.
/// The names are the lesson table's own text.
fn list(open: usize) -> String {
    let current = presets::PRESETS.get(open).map_or("", |p| p.slug);
    let mut out = String::from(r#"<ol class="gallery">"#);
    for (n, l) in LESSONS.iter().enumerate() {
        let _ = write!(
            out,
            r#"<li class="gallery-item"><h3>{}. {}</h3><p>{}</p><div class="gallery-variants">"#,
            n + 1,
            l.title,
            crate::model::texts::teaches(l)
        );
        for (label, slug) in l.variants {
            let Some(i) = presets::position(slug) else { continue };
            let _ = write!(
                out,
                r#"<button type="button"{} data-open="{i}" aria-label="Open {}: {label}">{label}</button>"#,
                if current == *slug { r#" class="current""# } else { "" },
                l.title
            );
        }
        if let [(a_label, a), (b_label, b), ..] = l.variants {
            if let (Some(a), Some(b)) = (presets::position(a), presets::position(b)) {
                let _ = write!(
                    out,
                    r#"<button type="button" class="compare-both" data-a="{a}" data-b="{b}" aria-label="Compare {a_label} and {b_label}"><svg class="icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false"><path d="M3 3h6v14H3z M11 3h6v14h-6z"/></svg>Compare {a_label} and {b_label}</button>"#
                );
            }
        }
        out.push_str("</div></li>");
    }
    out.push_str("</ol>");
    out
}

/// Keeps Tab inside the dialog: from its last button to its first, and back with Shift.
fn trap_focus(e: web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if e.key() != "Tab" {
        return;
    }
    let Some(dialog) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("[role=dialog]").ok().flatten())
    else {
        return;
    };
    let Ok(list) = dialog.query_selector_all("button") else { return };
    let item = |i: u32| list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    let (Some(first), Some(last)) = (item(0), item(list.length().saturating_sub(1))) else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let on = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    if e.shift_key() && on(&first) {
        e.prevent_default();
        let _ = last.focus();
    } else if !e.shift_key() && on(&last) {
        e.prevent_default();
        let _ = first.focus();
    }
}
