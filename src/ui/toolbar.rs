//! The toolbar along the top of the full editor: the lesson picker, the gallery and Compare,
//! the share tools, undo, redo and Start over, zoom and the help.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::model::presets;
use crate::play::compare::CompareTo;
use crate::state::{Action, AppState, EditAction, OpenAction, PanelAction, ViewAction};
use crate::ui::icons;
use crate::ui::raw;
use crate::ui::share::tools::share_tools;

/// What the toolbar keeps between renders, from [`use_toolbar`]: the toolbar is a function,
/// not a component (each component costs the wasm its own copy of Yew's lifecycle code), so
/// its hooks are the app's.
pub struct ToolbarHooks {
    /// What Compare offers, and whether the learner has changed the scenario (none in an
    /// embed, which has no toolbar).
    offer: Rc<Option<((String, CompareTo), bool)>>,
    lesson_select: NodeRef,
    /// The share tools' hidden file input.
    picker: NodeRef,
}

/// The toolbar's hooks; `shown` is whether the page has a toolbar (an embed has none).
#[hook]
pub fn use_toolbar(state: &UseReducerHandle<AppState>, shown: bool) -> ToolbarHooks {
    // What Compare offers, and whether the learner has changed the scenario, change only with
    // the document (a new Rc) or the lesson it belongs to; working them out compares the
    // whole document with where it started, so not on every render while playing.
    // Kept as `use_mut_ref` keeps a value, with what it was worked out from, rather than in a
    // `use_memo`, whose code the wasm would carry for this one type.
    let offer = {
        let kept = use_mut_ref(|| None);
        let deps = (shown, state.doc.clone(), state.link_preset, state.lesson);
        let mut kept = kept.borrow_mut();
        match &*kept {
            Some((seen, offer)) if *seen == deps => Rc::clone(offer),
            _ => {
                let offer = Rc::new(shown.then(|| (state.compare_offer(), state.edited())));
                *kept = Some((deps, offer.clone()));
                offer
            }
        }
    };
    let lesson_select = crate::ui::use_element_ref();
    let picker = crate::ui::use_element_ref();
    {
        let select = lesson_select.clone();
        let slug = lesson_slug(state, offer.as_ref().as_ref().is_some_and(|o| o.1)).to_string();
        // A notice (a lesson that could not be fetched) also puts the select back.
        let notice = state.notice.as_ref().map(|n| n.text.clone());
        crate::ui::use_effect_on(
            (slug, notice),
            Box::new(move |(slug, _)| {
                if let Some(el) = select.cast::<HtmlSelectElement>() {
                    el.set_value(slug);
                }
            }),
        );
    }
    ToolbarHooks { offer, lesson_select, picker }
}

/// The lesson the select shows. It shows the current lesson however it changed (a link, back
/// and forward): an option's `selected` attribute stops steering a select once the user has
/// used it. A file, a link that names no lesson, or a lesson the learner has changed is the
/// learner's own scenario: "" selects the option that says so.
fn lesson_slug(state: &AppState, edited: bool) -> &'static str {
    let preset = state.link_preset.and_then(|i| presets::PRESETS.get(i));
    if edited {
        ""
    } else {
        preset.map_or("", |p| p.slug)
    }
}

/// The toolbar; `region` is the canvas region, whose size the zoom buttons zoom around and
/// fit to.
pub fn toolbar(state: &UseReducerHandle<AppState>, region: &NodeRef, hooks: ToolbarHooks) -> Html {
    let ToolbarHooks { offer, lesson_select, picker } = hooks;
    let Some((compare_offer, edited)) = offer.as_ref() else { return html! {} };
    let edited = *edited;
    let preset = state.link_preset.and_then(|i| presets::PRESETS.get(i));
    let lesson_slug = lesson_slug(state, edited);
    let own = match preset {
        Some(p) if edited => Some(format!("Your own scenario (from {})", p.title)),
        Some(_) => None,
        None => Some("Your own scenario".to_string()),
    };
    let on_lesson = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            let slug = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(i) = presets::position(&slug) {
                d.dispatch(OpenAction::LoadLesson(i).into());
            }
        })
    };
    let button = |label: &'static str,
                  icon: &'static str,
                  action: fn() -> Action,
                  enabled: bool,
                  keys: &'static str| {
        let d = state.dispatcher();
        html! {
            <button type="button" class="tool" onclick={Callback::from(move |_| d.dispatch(action()))} disabled={!enabled}
                    aria-keyshortcuts={(!keys.is_empty()).then_some(keys)} title={if keys.is_empty() { label.to_owned() } else { format!("{label} ({keys})") }}>
                { icons::icon_label(icon, label) }
            </button>
        }
    };
    let zoom = |label: &'static str, icon: &'static str, factor: f64| {
        let d = state.dispatcher();
        let region = region.clone();
        html! {
            <button type="button" class="tool icon-only" aria-label={label} title={label} onclick={Callback::from(move |_| {
                let area = crate::ui::editor::canvas::canvas_area(&region);
                let (w, h) = if area.width > 0.0 { (area.width, area.height) } else { (800.0, 600.0) };
                if factor == 0.0 {
                    d.dispatch(ViewAction::FitView(area).into());
                } else {
                    d.dispatch(ViewAction::Zoom { factor, around: (w / 2.0, h / 2.0) }.into());
                }
            })}>{ icons::button_icon(icon) }</button>
        }
    };

    html! {
        <header class="toolbar">
            { raw(r#"<h1 class="brand">Brokerlab</h1>"#) }
            <div class="field lesson">
                { raw(r#"<label for="lesson">Lesson</label>"#) }
                <select id="lesson" onchange={on_lesson} ref={lesson_select.clone()}>
                    if let Some(own) = own {
                        <option key="" value="" selected=true disabled=true>{ own }</option>
                    }
                    { for presets::PRESETS.iter().map(|p| html! {
                        <option key={p.slug} value={p.slug} selected={p.slug == lesson_slug}>{ p.title }</option>
                    }) }
                </select>
            </div>
            <div class="tools" role="group" aria-label="Lessons">
                { button("Lessons", "lessons", || PanelAction::ToggleGallery.into(), true, "") }
                { compare_button(state, compare_offer) }
            </div>
            // The view's tools come next, short as they are, so that below 1300 px the
            // toolbar is two rows (the lesson and the view; sharing and editing), not three.
            <div class="tools" role="group" aria-label="View">
                { zoom("Zoom in", "zoom-in", 1.25) }
                { zoom("Zoom out", "zoom-out", 0.8) }
                { zoom("Fit to screen", "fit", 0.0) }
                { button("Help", "help", || PanelAction::ToggleHelp.into(), true, "?") }
            </div>
            { share_tools(state, picker) }
            <div class="tools" role="group" aria-label="Edit">
                { button("Undo", "undo", || EditAction::Undo.into(), state.can_undo(), "Control+Z") }
                { button("Redo", "redo", || EditAction::Redo.into(), state.can_redo(), "Control+Shift+Z") }
                { button("Start over", "restart", || OpenAction::StartOver.into(), true, "") }
            </div>
        </header>
    }
}

/// "Compare": runs what `offer` names (the lesson's other variant, or the original of an
/// edited scenario; see `AppState::compare_offer`), or closes the comparison.
fn compare_button(state: &UseReducerHandle<AppState>, offer: &(String, CompareTo)) -> Html {
    let d = state.dispatcher();
    let (label, target) = match &state.compare {
        Some(_) => ("Close compare".to_string(), None),
        None => (offer.0.clone(), Some(offer.1)),
    };
    let short = if state.compare.is_some() { "Close compare" } else { "Compare" };
    html! {
        <button type="button" class="tool" aria-pressed={crate::ui::true_false(state.compare.is_some())} title={label.clone()}
                aria-label={label} onclick={Callback::from(move |_| d.dispatch(OpenAction::CompareWith(target).into()))}>
            { icons::icon_label("compare", short) }
        </button>
    }
}
