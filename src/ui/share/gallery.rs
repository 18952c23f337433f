//! The lesson gallery: a dialog listing every lesson of the lesson table
//! ([`crate::model::lessons`]) with what it teaches and its variants. A variant opens with one
//! press; a lesson with two or more variants can open them side by side in Compare, on the
//! same seed.

use yew::prelude::*;

use crate::model::lessons::LESSONS;
use crate::model::presets;
use crate::state::{AppState, OpenAction, PanelAction};

pub fn gallery(state: &UseReducerHandle<AppState>) -> Html {
    let close = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(PanelAction::ToggleGallery.into()))
    };
    let current = presets::PRESETS.get(state.lesson).map_or("", |p| p.slug);
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="gallery-heading" onkeydown={Callback::from(trap_focus)}>
            <div class="overlay-card gallery-card">
                <div class="overlay-head">
                    <h2 id="gallery-heading">{ "Lessons" }</h2>
                    <button type="button" onclick={close} autofocus=true>{ "Close" }</button>
                </div>
                <p class="hint">{ "Each lesson narrates what to watch, what to try and what the fix is. Where a lesson has two variants, Compare runs them side by side on the same seed." }</p>
                <ol class="gallery">
                    { for LESSONS.iter().enumerate().map(|(n, l)| html! {
                        <li class="gallery-item">
                            <h3>{ format!("{}. {}", n + 1, l.title) }</h3>
                            <p>{ l.teaches }</p>
                            <div class="gallery-variants">
                                { for l.variants.iter().map(|(label, slug)| {
                                    let d = state.dispatcher();
                                    let i = presets::position(slug);
                                    let open = Callback::from(move |_: MouseEvent| if let Some(i) = i { d.dispatch(OpenAction::LoadLesson(i).into()) });
                                    html! {
                                        <button type="button" class={classes!((current == *slug).then_some("current"))} onclick={open}
                                                aria-label={format!("Open {}: {label}", l.title)}>
                                            { *label }
                                        </button>
                                    }
                                }) }
                                if l.variants.len() >= 2 {
                                    {{
                                        let d = state.dispatcher();
                                        let (a, b) = (presets::position(l.variants[0].1), presets::position(l.variants[1].1));
                                        let compare = Callback::from(move |_: MouseEvent| if let (Some(a), Some(b)) = (a, b) {
                                            d.dispatch(OpenAction::OpenBoth { lesson: a, with: b }.into());
                                        });
                                        html! {
                                            <button type="button" class="compare-both" onclick={compare}
                                                    aria-label={format!("Compare {} and {}", l.variants[0].0, l.variants[1].0)}>
                                                { crate::ui::icons::button_icon("compare") }{ format!("Compare {} and {}", l.variants[0].0, l.variants[1].0) }
                                            </button>
                                        }
                                    }}
                                }
                            </div>
                        </li>
                    }) }
                </ol>
            </div>
        </div>
    }
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
