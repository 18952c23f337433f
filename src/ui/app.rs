//! The root component: the one [`AppState`] and the page layout, the full editor or, in
//! embed mode, the player alone. The keyboard shortcuts live in `ui::keyboard`, the
//! animation-frame loop that drives the [`Engine`](crate::play::engine::Engine) in
//! `ui::frame_loop`, and the toolbar along the top in `ui::toolbar`.
//!
//! ```text
//!   ┌ toolbar: Lesson · Undo · Redo · Start over · zoom · Help ────────────────┐
//!   │ palette │ Canvas (SVG nodes and wires + <canvas> tokens) │ Inspector     │
//!   │         │ Transport: Play Step Reset · Speed · Timeline  │ Outcome       │
//!   └─────────┴────────────────────────────────────────────────┴───────────────┘
//! ```

use web_sys::Element;
use yew::prelude::*;

use crate::model::doc::{NODE_H, NODE_W};
use crate::model::{lessons, presets};
use crate::state::{AppState, EditAction, OpenAction, PanelAction, Tab, TransportAction, ViewAction};
use crate::ui::editor::canvas::{canvas, local_point, use_canvas};
use crate::ui::editor::inspector::use_wire_to_choice;
use crate::ui::editor::palette::{palette, use_palette};
use crate::ui::frame_loop::use_frame_loop;
use crate::ui::help::help;
use crate::ui::keyboard::use_keyboard;
use crate::ui::panels::markup::esc;
use crate::ui::panels::passport::use_passport_in_view;
use crate::ui::panels::tabs::{panels, showing};
use crate::ui::player::compare::{compare_pane, ComparePaneProps};
use crate::ui::player::outcome::{outcome_panel, OutcomePanelProps};
use crate::ui::player::outcome_line::{outcome_line, OutcomeLineProps};
use crate::ui::player::transport::TransportProps;
use crate::ui::share::embed::{self, Embed};
use crate::ui::share::gallery::gallery;
use crate::ui::share::tools::{self, copy_by_hand, use_copy_field};
use crate::ui::toolbar::{toolbar, use_toolbar};
use crate::ui::{raw, text_in, with_class};
use crate::ui::{use_dialog_close, use_on_mount, use_value};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::initial);
    let token_layer = crate::ui::use_element_ref();
    let region = crate::ui::use_element_ref();

    use_frame_loop(&state, &token_layer, &region);
    use_keyboard(&state, &region);
    // Read from the page's address once: kept as `use_mut_ref` keeps a value, not in a
    // `use_memo`, whose code the wasm would carry for this one type.
    let embed = use_mut_ref(Embed::from_page);
    let embed = embed.borrow();
    // A small embed frame's outcome and panels, open over the canvas.
    let details_open = use_value(|| false);
    // Framed in a course page, the player never adds history entries: they would be the
    // page's back button's.
    tools::use_address(&state, !embed.on);
    crate::ui::share::lesson_files::use_lesson_files(&state);
    embed::use_post_messages(&state);
    embed::use_embed_options(&state, &embed);
    use_reduced_motion(&state);
    let copy_field = use_copy_field(&state);
    let help_close = use_dialog_close(state.help);
    let gallery_close = use_dialog_close(state.gallery);
    let offered: &[Tab] = if embed.on { &embed.tabs } else { &Tab::ALL };
    let toolbar_hooks = use_toolbar(&state, !embed.on);
    let palette_hooks = use_palette();
    let canvas_hooks = use_canvas(&state, &region);
    use_passport_in_view(&state, showing(offered, state.tab) == Some(Tab::Passport));
    let wire_to = use_wire_to_choice(&state, showing(offered, state.tab) == Some(Tab::Inspector));

    let title = state.doc.get("title").and_then(|t| t.as_str()).unwrap_or("").to_owned();
    let description = state.doc.get("description").and_then(|t| t.as_str()).unwrap_or("").to_owned();
    let general_notice = state.notice.as_ref().filter(|n| n.at.is_none()).map(|n| n.text.clone());

    if embed.on {
        let side = embed.outcome || !embed.tabs.is_empty();
        let toggle_details = {
            let open = details_open.clone();
            Callback::from(move |()| open.set(!*open))
        };
        let close_details = {
            let open = details_open.clone();
            Callback::from(move |_: MouseEvent| open.set(false))
        };
        let on_details_key = {
            let open = details_open.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Escape" && *open {
                    e.stop_propagation();
                    open.set(false);
                }
            })
        };
        // A small frame shows the outcome as one line under the transport; the full outcome
        // and the panels open over the canvas (the stylesheet decides which frames are small).
        let details_id = AttrValue::Static("embed-details");
        let details = side.then(|| {
            let details = html! {
                <aside id={details_id.clone()} class="side">
                    <button type="button" class="small close-details" onclick={close_details}>{ "Close" }</button>
                    if embed.outcome {
                        { outcome(&state) }
                    }
                    { panels(&state, &embed.tabs, &wire_to) }
                </aside>
            };
            with_class(details, AttrValue::Static(if *details_open { "side open" } else { "side" }))
        });
        let workspace = html! {
            <main class="workspace" onkeydown={on_details_key}>
                <div class="stage">
                    <div class="scenario-head">
                        // The embed's one level-one heading: what it shows.
                        { text_in(r#"<h1 class="scenario-title">"#, &title, "</h1>") }
                        <a class="open-full" href={tools::share_address(&state)} target="_blank" rel="noopener">
                            { "Open in Brokerlab" }
                        </a>
                    </div>
                    { canvas(&state, &token_layer, &region, &canvas_hooks) }
                    { notice(general_notice.clone()) }
                    { transport(&state) }
                    if side {
                        { outcome_line(&OutcomeLineProps {
                            outcome: state.outcome.clone(),
                            with_outcome: embed.outcome,
                            panels: embed.tabs.iter().map(|t| t.label()).collect(),
                            open: *details_open,
                            controls: details_id,
                            on_toggle: toggle_details,
                        }) }
                    }
                </div>
                { details }
            </main>
        };
        let workspace = with_class(workspace, AttrValue::Static(if side { "workspace" } else { "workspace no-side" }));
        let page = html! { <div class="app embed">{ workspace }</div> };
        return with_class(page, AttrValue::Static(if state.read_only { "app embed read-only" } else { "app embed" }));
    }
    let close_compare = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(OpenAction::CompareWith(None).into()))
    };
    let close_help = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(PanelAction::ToggleHelp.into()))
    };
    let lesson_slug = presets::PRESETS.get(state.lesson).map_or("", |p| p.slug);
    let a_label = lessons::lesson_of(lesson_slug).map_or_else(|| title.clone(), |(l, i)| l.variants[i].0.to_string());
    html! {
        <div class="app">
            { toolbar(&state, &region, toolbar_hooks) }
            { copy_by_hand(&state, copy_field) }
            <main class="workspace">
                { palette(&add_node(&state, &region), &palette_hooks) }
                <div class="stage" ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={import_dropped(&state)}>
                    <div class="scenario-head">
                        { text_in(r#"<p class="scenario-title">"#, &title, "</p>") }
                        if !description.is_empty() {
                            <details class="about">
                                { raw("<summary>About this scenario</summary>") }
                                { text_in("<p>", &description, "</p>") }
                            </details>
                        }
                    </div>
                    if state.compare.is_some() {
                        { Html::from_html_unchecked(format!(r#"<div class="pane-label a-label"><span><strong>A: </strong>{} (editable)</span></div>"#, esc(&a_label)).into()) }
                    }
                    { canvas(&state, &token_layer, &region, &canvas_hooks) }
                    if let Some(c) = state.compare.clone() {
                        { compare_pane(&ComparePaneProps { compare: c, a_outcome: state.outcome.clone(), on_close: close_compare }) }
                    }
                    { notice(general_notice) }
                    { transport(&state) }
                </div>
                <aside class="side">
                    { outcome(&state) }
                    { panels(&state, &Tab::ALL, &wire_to) }
                </aside>
            </main>
            if state.help {
                { help(close_help, help_close) }
            }
            if state.gallery {
                { gallery(&state, gallery_close) }
            }
        </div>
    }
}

/// prefers-reduced-motion: tokens step instead of gliding. (The canvas's own hooks fit a
/// scenario to it whenever one is opened.)
#[hook]
fn use_reduced_motion(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    use_on_mount(Box::new(move || {
        let reduced = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
            .is_some_and(|m| m.matches());
        d.dispatch(ViewAction::SetReducedMotion(reduced).into());
        Box::new(|| ())
    }));
}

/// A node from the palette: dropped at a point of the canvas (a drop outside it adds
/// nothing), or pressed, at a free spot.
fn add_node(state: &UseReducerHandle<AppState>, region: &NodeRef) -> Callback<(String, Option<(f64, f64)>)> {
    let d = state.dispatcher();
    let region = region.clone();
    let view = state.view;
    Callback::from(move |(kind, drop): (String, Option<(f64, f64)>)| {
        let at = match drop {
            None => None,
            Some(client) => {
                let inside = region.cast::<Element>().is_some_and(|el| {
                    let r = el.get_bounding_client_rect();
                    client.0 >= r.left() && client.0 <= r.right() && client.1 >= r.top() && client.1 <= r.bottom()
                });
                if !inside {
                    // Dropped outside the canvas: nothing to add.
                    return;
                }
                let (x, y) = local_point(&region, client);
                let (cx, cy) = view.to_canvas(x, y);
                Some((cx - NODE_W / 2.0, cy - NODE_H / 2.0))
            }
        };
        d.dispatch(EditAction::AddNode { kind, at }.into());
    })
}

/// A scenario file dropped anywhere on the stage is imported.
fn import_dropped(state: &UseReducerHandle<AppState>) -> Callback<DragEvent> {
    let d = state.dispatcher();
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        if let Some(file) = e.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) {
            tools::import_file(d.clone(), file);
        }
    })
}

/// The notice that belongs to no node (a refused import, a link that could not be read): a
/// polite live region, there whether or not it says anything. One `html!` for the full page
/// and the embed.
fn notice(text: Option<String>) -> Html {
    html! {
        <div class="notice" role="status" aria-live="polite">
            if let Some(text) = text { <p>{ text }</p> }
        </div>
    }
}

/// The transport, fed what it shows from the state; its actions go to the reducer.
fn transport(state: &UseReducerHandle<AppState>) -> Html {
    let d = state.dispatcher();
    crate::ui::player::transport::transport(&TransportProps {
        playing: state.playing,
        speed: state.speed,
        t_us: state.t_us,
        end_us: state.end_us,
        seeking: state.seeking,
        markers: state.markers.clone(),
        markers_left_out: state.markers_left_out,
        on_action: Callback::from(move |a: TransportAction| d.dispatch(a.into())),
    })
}

/// The Outcome region, fed what it shows from the state.
fn outcome(state: &UseReducerHandle<AppState>) -> Html {
    outcome_panel(&OutcomePanelProps {
        outcome: state.outcome.clone(),
        t_us: state.t_us,
        end_us: state.end_us,
        playing: state.playing,
        selected: state.message,
        on_press: crate::ui::panels::markup::on_press(state),
    })
}
