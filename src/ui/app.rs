//! The root component: the one [`AppState`], the page layout, the keyboard shortcuts and the
//! animation-frame loop that drives the [`Engine`](crate::play::engine::Engine).
//!
//! ```text
//!   ┌ toolbar: Lesson · Undo · Redo · Start over · zoom · Help ────────────────┐
//!   │ palette │ Canvas (SVG nodes and wires + <canvas> tokens) │ Inspector     │
//!   │         │ Transport: Play Step Reset · Speed · Timeline  │ Outcome       │
//!   └─────────┴────────────────────────────────────────────────┴───────────────┘
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::model::doc::{self, NODE_H, NODE_W};
use crate::model::presets;
use crate::state::{Action, AppState, CompareTo, EditAction, OpenAction, PanelAction, TransportAction, ViewAction};
use crate::ui::editor::canvas::{local_point, Canvas};
use crate::ui::editor::draw;
use crate::ui::editor::palette::Palette;
use crate::ui::help::Help;
use crate::ui::icons;
use crate::ui::panels::tabs::Panels;
use crate::ui::player::compare::ComparePane;
use crate::ui::player::outcome::OutcomePanel;
use crate::ui::player::transport::Transport;
use crate::ui::share::gallery::Gallery;
use crate::ui::share::toolbar::{CopyByHand, ShareTools};

/// How often (wall ms) the page copies the playhead's state while playing, and how often it
/// recomputes the outcome (which looks at every message).
const SYNC_EVERY_MS: f64 = 100.0;
const OUTCOME_EVERY_MS: f64 = 400.0;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::initial);
    let token_layer = use_node_ref();
    let region = use_node_ref();

    use_frame_loop(&state, &token_layer, &region);
    use_keyboard(&state, &region);
    let embed = use_memo((), |_| crate::ui::share::embed::Embed::from_page());
    // Framed in a course page, the player never adds history entries: they would be the
    // page's back button's.
    crate::ui::share::toolbar::use_address(&state, !embed.on);
    crate::ui::share::embed::use_post_messages(&state);
    // Embed options, once the page's own link has been read.
    {
        let d = state.dispatcher();
        let embed = (*embed).clone();
        use_effect_with((), move |_| {
            if embed.read_only {
                d.dispatch(PanelAction::SetReadOnly.into());
            }
            if let Some(speed) = embed.speed {
                d.dispatch(TransportAction::SetSpeed(speed).into());
            }
            if let Some(ms) = embed.start_ms {
                d.dispatch(TransportAction::Seek(ms.saturating_mul(1_000)).into());
            }
            if embed.autoplay {
                d.dispatch(TransportAction::Play.into());
            }
        });
    }

    // prefers-reduced-motion: tokens step instead of gliding.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let reduced = web_sys::window()
                .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
                .is_some_and(|m| m.matches());
            d.dispatch(ViewAction::SetReducedMotion(reduced).into());
        });
    }

    // Fit the scenario to the canvas when one is opened.
    {
        let d = state.dispatcher();
        let region = region.clone();
        use_effect_with(state.fit_request, move |_| {
            if let Some(el) = region.cast::<Element>() {
                d.dispatch(
                    ViewAction::FitView { width: el.client_width() as f64, height: el.client_height() as f64 }.into(),
                );
            }
        });
    }

    let on_add = {
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
    };

    let on_message = {
        let d = state.dispatcher();
        Callback::from(move |msg: u32| d.dispatch(PanelAction::ShowMessage { msg, open: true, at: None }.into()))
    };
    // A scenario file dropped anywhere on the stage is imported.
    let on_drop = {
        let d = state.dispatcher();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) {
                crate::ui::share::toolbar::import_file(d.clone(), file);
            }
        })
    };
    // The select shows the current lesson however it changed (a link, back and forward):
    // an option's `selected` attribute stops steering a select once the user has used it.
    let lesson_select = use_node_ref();
    {
        let select = lesson_select.clone();
        let slug = presets::PRESETS.get(state.lesson).map_or("", |p| p.slug).to_string();
        use_effect_with(slug, move |slug| {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(slug);
            }
        });
    }
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
                { icons::button_icon(icon) }<span>{ label }</span>
            </button>
        }
    };
    let zoom = |label: &'static str, icon: &'static str, factor: f64| {
        let d = state.dispatcher();
        let region = region.clone();
        html! {
            <button type="button" class="tool icon-only" aria-label={label} title={label} onclick={Callback::from(move |_| {
                let (w, h) = region.cast::<Element>().map_or((800.0, 600.0), |el| (el.client_width() as f64, el.client_height() as f64));
                if factor == 0.0 {
                    d.dispatch(ViewAction::FitView { width: w, height: h }.into());
                } else {
                    d.dispatch(ViewAction::Zoom { factor, around: (w / 2.0, h / 2.0) }.into());
                }
            })}>{ icons::button_icon(icon) }</button>
        }
    };
    // Read once: every lesson's title, not re-parsed on each of the many renders while playing.
    let catalog = use_memo((), |_| presets::catalog());
    let lesson_slug = presets::PRESETS.get(state.lesson).map_or("", |p| p.slug);
    let title = state.doc.get("title").and_then(|t| t.as_str()).unwrap_or("").to_owned();
    let description = state.doc.get("description").and_then(|t| t.as_str()).unwrap_or("").to_owned();
    let a_label = crate::ui::share::gallery::lesson_of(lesson_slug)
        .map_or_else(|| title.clone(), |(l, i)| l.variants[i].0.to_string());
    let general_notice = state.notice.as_ref().filter(|n| n.at.is_none()).map(|n| n.text.clone());
    // What Compare offers changes only with the document (a new Rc) or the lesson it belongs
    // to; working it out compares the whole document with where it started, so not on every
    // render while playing.
    let compare_offer = {
        let state = state.clone();
        use_memo((state.doc.clone(), state.link_preset, state.lesson), move |_| state.compare_offer())
    };

    if embed.on {
        return html! {
            <div class={classes!("app", "embed", state.read_only.then_some("read-only"))}>
                <main class={classes!("workspace", (!embed.outcome && embed.tabs.is_empty()).then_some("no-side"))}>
                    <div class="stage">
                        <div class="scenario-head">
                            <p class="scenario-title">{ title.clone() }</p>
                            <a class="open-full" href={crate::ui::share::toolbar::share_address(&state)} target="_blank" rel="noopener">
                                { "Open in Brokerlab" }
                            </a>
                        </div>
                        <Canvas state={state.clone()} token_layer={token_layer.clone()} region={region.clone()} />
                        <div class="notice" role="status" aria-live="polite">
                            if let Some(text) = general_notice.clone() { <p>{ text }</p> }
                        </div>
                        <Transport state={state.clone()} />
                    </div>
                    if embed.outcome || !embed.tabs.is_empty() {
                        <aside class="side">
                            if embed.outcome {
                                <OutcomePanel outcome={state.outcome.clone()} t_us={state.t_us} end_us={state.end_us} playing={state.playing}
                                              selected={state.message} on_message={on_message.clone()} />
                            }
                            <Panels state={state.clone()} tabs={embed.tabs.clone()} />
                        </aside>
                    }
                </main>
            </div>
        };
    }
    html! {
        <div class="app">
            <header class="toolbar">
                <h1 class="brand">{ "Brokerlab" }</h1>
                <div class="field lesson">
                    <label for="lesson">{ "Lesson" }</label>
                    <select id="lesson" onchange={on_lesson} ref={lesson_select.clone()}>
                        { for catalog.iter().map(|p| html! {
                            <option key={p.slug} value={p.slug} selected={p.slug == lesson_slug}>{ &p.title }</option>
                        }) }
                    </select>
                </div>
                <div class="tools" role="group" aria-label="Lessons">
                    { button("Lessons", "lessons", || PanelAction::ToggleGallery.into(), true, "") }
                    { compare_button(&state, &compare_offer) }
                </div>
                <ShareTools state={state.clone()} />
                <div class="tools" role="group" aria-label="Edit">
                    { button("Undo", "undo", || EditAction::Undo.into(), state.can_undo(), "Control+Z") }
                    { button("Redo", "redo", || EditAction::Redo.into(), state.can_redo(), "Control+Shift+Z") }
                    { button("Start over", "restart", || OpenAction::StartOver.into(), true, "") }
                </div>
                <div class="tools" role="group" aria-label="View">
                    { zoom("Zoom in", "zoom-in", 1.25) }
                    { zoom("Zoom out", "zoom-out", 0.8) }
                    { zoom("Fit to screen", "fit", 0.0) }
                    { button("Help", "help", || PanelAction::ToggleHelp.into(), true, "?") }
                </div>
            </header>
            <CopyByHand state={state.clone()} />
            <main class="workspace">
                <Palette on_add={on_add} />
                <div class="stage" ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
                    <div class="scenario-head">
                        <p class="scenario-title">{ title }</p>
                        if !description.is_empty() {
                            <details class="about">
                                <summary>{ "About this scenario" }</summary>
                                <p>{ description }</p>
                            </details>
                        }
                    </div>
                    if state.compare.is_some() {
                        <div class="pane-label a-label"><span><strong>{ "A: " }</strong>{ a_label.clone() }{ " (editable)" }</span></div>
                    }
                    <Canvas state={state.clone()} token_layer={token_layer.clone()} region={region.clone()} />
                    if let Some(c) = state.compare.clone() {
                        <ComparePane state={state.clone()} compare={c} a_label={a_label.clone()} />
                    }
                    <div class="notice" role="status" aria-live="polite">
                        if let Some(text) = general_notice { <p>{ text }</p> }
                    </div>
                    <Transport state={state.clone()} />
                </div>
                <aside class="side">
                    <OutcomePanel outcome={state.outcome.clone()} t_us={state.t_us} end_us={state.end_us} playing={state.playing}
                                  selected={state.message} on_message={on_message} />
                    <Panels state={state.clone()} />
                </aside>
            </main>
            if state.help {
                <Help state={state.clone()} />
            }
            if state.gallery {
                <Gallery state={state.clone()} />
            }
        </div>
    }
}

/// The animation-frame loop: advance the engine, draw the tokens, and now and then copy the
/// playhead's state into the page. Stops when the component goes away (the handle drops).
#[hook]
fn use_frame_loop(state: &UseReducerHandle<AppState>, token_layer: &NodeRef, region: &NodeRef) {
    let engine = state.engine.clone();
    let dispatcher = state.dispatcher();
    let token_layer = token_layer.clone();
    let region = region.clone();
    use_effect_with((), move |_| {
        let handle: Rc<RefCell<Option<gloo::render::AnimationFrame>>> = Rc::default();
        let mut timing = Timing::default();
        let mut last_size = (0.0, 0.0);
        let probe = FrameProbe::install();
        fn schedule(handle: Rc<RefCell<Option<gloo::render::AnimationFrame>>>, mut tick: impl FnMut(f64) + 'static) {
            let next = handle.clone();
            *handle.borrow_mut() = Some(gloo::render::request_animation_frame(move |ts| {
                tick(ts);
                schedule(next, tick);
            }));
        }
        let tick = move |ts: f64| {
            let started = now_ms();
            let mut e = engine.borrow_mut();
            let report = e.frame(ts);
            if let (Some(canvas), Some(el)) = (token_layer.cast::<HtmlCanvasElement>(), region.cast::<Element>()) {
                let (w, h) = (el.client_width() as f64, el.client_height() as f64);
                let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
                let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
                if canvas.width() != pw || canvas.height() != ph {
                    canvas.set_width(pw);
                    canvas.set_height(ph);
                }
                if let Some(ctx) =
                    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
                {
                    let view = draw::View {
                        pan_x: e.view.pan_x,
                        pan_y: e.view.pan_y,
                        zoom: e.view.zoom,
                        width: w,
                        height: h,
                        dpr,
                    };
                    let now_us = e.player.now_us();
                    draw::draw(&ctx, &e.anim, &e.layout, &view, ts, now_us, e.selected_msg);
                }
            }
            if let Some(lane) = &e.compare {
                draw_compare(lane, ts);
            }
            // Until the user pans or zooms, the view keeps the scenario fitted to the canvas.
            let size =
                region.cast::<Element>().map_or((0.0, 0.0), |el| (el.client_width() as f64, el.client_height() as f64));
            let refit = size != last_size && size.0 > 0.0 && e.auto_fit;
            last_size = size;
            let work = now_ms() - started;
            e.note_frame_time(work);
            probe.push(work, e.anim.len());
            drop(e);
            if refit {
                dispatcher.dispatch(ViewAction::FitView { width: size.0, height: size.1 }.into());
            }
            if report.stopped || report.scouted || report.followed {
                dispatcher.dispatch(TransportAction::Sync { outcome: true }.into());
                timing.synced(ts, true);
            } else if report.moved && ts - timing.last_sync >= SYNC_EVERY_MS {
                let outcome = ts - timing.last_outcome >= OUTCOME_EVERY_MS;
                dispatcher.dispatch(TransportAction::Sync { outcome }.into());
                timing.synced(ts, outcome);
            }
        };
        schedule(handle.clone(), tick);
        move || drop(handle.borrow_mut().take())
    });
}

/// Draws B's tokens in the compare pane, fitted the way its SVG is.
fn draw_compare(lane: &crate::ui::player::compare::Lane, ts: f64) {
    let Some(canvas) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("compare-tokens"))
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return;
    };
    let (w, h) = (canvas.client_width() as f64, canvas.client_height() as f64);
    if w <= 0.0 || h <= 0.0 {
        return;
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let (pan_x, pan_y, zoom) = crate::ui::player::compare::meet(lane.scene, w, h);
    let view = draw::View { pan_x, pan_y, zoom, width: w, height: h, dpr };
    draw::draw(&ctx, &lane.anim, &lane.layout, &view, ts, lane.player.now_us(), None);
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
        <button type="button" class="tool" aria-pressed={state.compare.is_some().to_string()} title={label.clone()}
                aria-label={label} onclick={Callback::from(move |_| d.dispatch(OpenAction::CompareWith(target).into()))}>
            { icons::button_icon("compare") }<span>{ short }</span>
        </button>
    }
}

#[derive(Default)]
struct Timing {
    last_sync: f64,
    last_outcome: f64,
}

impl Timing {
    fn synced(&mut self, ts: f64, outcome: bool) {
        self.last_sync = ts;
        if outcome {
            self.last_outcome = ts;
        }
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The frame-time probe the benchmark script reads: `window.brokerlabFrames` holds
/// `[work ms, tokens]` pairs for the most recent frames. It is a figure for measuring, not
/// something the app itself looks at.
struct FrameProbe {
    frames: Option<js_sys::Array>,
}

impl FrameProbe {
    fn install() -> FrameProbe {
        let frames = js_sys::Array::new();
        let ok = web_sys::window()
            .is_some_and(|w| js_sys::Reflect::set(&w, &"brokerlabFrames".into(), &frames).unwrap_or(false));
        FrameProbe { frames: ok.then_some(frames) }
    }

    fn push(&self, work_ms: f64, tokens: usize) {
        if let Some(f) = &self.frames {
            if f.length() >= 4_000 {
                f.splice(0, 2_000, &wasm_bindgen::JsValue::UNDEFINED);
            }
            f.push(&js_sys::Array::of2(&work_ms.into(), &(tokens as f64).into()));
        }
    }
}

/// Keyboard shortcuts for the whole page. Typing in a field is never taken over: only
/// Escape is read there.
#[hook]
fn use_keyboard(state: &UseReducerHandle<AppState>, region: &NodeRef) {
    // The listener reads the newest state through this cell.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let region = region.clone();
    use_effect_with((), move |_| {
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
        move || drop(listener)
    });
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
