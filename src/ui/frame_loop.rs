//! The animation-frame loop: every frame it advances the [`Engine`](crate::play::engine::Engine), draws its tokens (and
//! Compare's) on the `<canvas>` layers, keeps an untouched view fitted to the canvas, and now
//! and then copies the playhead's state into the page with a `Sync` action. It also leaves a
//! frame-time probe for the benchmark script.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};
use yew::prelude::*;

use crate::play::compare::{meet, Lane};
use crate::state::{AppState, TransportAction, ViewAction};
use crate::ui::editor::draw;

/// How often (wall ms) the page copies the playhead's state while playing, and how often it
/// recomputes the outcome (which looks at every message).
const SYNC_EVERY_MS: f64 = 100.0;
const OUTCOME_EVERY_MS: f64 = 400.0;

/// The animation-frame loop: advance the engine, draw the tokens, and now and then copy the
/// playhead's state into the page. Stops when the component goes away (the handle drops).
#[hook]
pub fn use_frame_loop(state: &UseReducerHandle<AppState>, token_layer: &NodeRef, region: &NodeRef) {
    // The tick reads the newest state (its speed and view) through this cell.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let engine = state.engine.clone();
    let dispatcher = state.dispatcher();
    let token_layer = token_layer.clone();
    let region = region.clone();
    crate::ui::use_on_mount(Box::new(move || {
        let handle: Rc<RefCell<Option<gloo::render::AnimationFrame>>> = Rc::default();
        let mut timing = Timing::default();
        let mut last_area = crate::state::CanvasArea::default();
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
            let (speed, view, auto_fit) = {
                let s = latest.borrow();
                (s.speed, s.view, s.auto_fit)
            };
            let mut e = engine.borrow_mut();
            let report = e.frame(ts, speed);
            if let (Some(canvas), Some(el)) = (token_layer.cast::<HtmlCanvasElement>(), region.cast::<Element>()) {
                let (w, h) = (el.client_width() as f64, el.client_height() as f64);
                if let Some((ctx, dpr)) = context_for(&canvas, w, h) {
                    let view =
                        draw::View { pan_x: view.pan_x, pan_y: view.pan_y, zoom: view.zoom, width: w, height: h, dpr };
                    let now_us = e.player.now_us();
                    draw::draw(&ctx, &e.anim, &e.layout, &view, ts, now_us, e.selected_msg, &e.flow);
                }
            }
            if let Some(lane) = &e.compare {
                draw_compare(lane, ts);
            }
            // Until the user pans or zooms, the view keeps the scenario fitted to the canvas.
            let area = crate::ui::editor::canvas::canvas_area(&region);
            let refit = area != last_area && area.width > 0.0 && auto_fit;
            last_area = area;
            let work = now_ms() - started;
            e.note_frame_time(work);
            probe.push(work, e.anim.len());
            drop(e);
            if refit {
                dispatcher.dispatch(ViewAction::FitView(area).into());
            }
            if report.stopped || report.scouted || report.followed || report.landed {
                dispatcher.dispatch(TransportAction::Sync { outcome: true }.into());
                timing.synced(ts, true);
            } else if report.outcome {
                // A big run's outcome, built over the last frames, is ready.
                dispatcher.dispatch(TransportAction::Sync { outcome: false }.into());
                timing.synced(ts, false);
            } else if (report.moved || report.seeking) && ts - timing.last_sync >= SYNC_EVERY_MS {
                let outcome = ts - timing.last_outcome >= OUTCOME_EVERY_MS;
                dispatcher.dispatch(TransportAction::Sync { outcome }.into());
                timing.synced(ts, outcome);
            }
        };
        schedule(handle.clone(), tick);
        Box::new(move || drop(handle.borrow_mut().take()))
    }));
}

/// Draws B's tokens in the compare pane, fitted the way its SVG is.
fn draw_compare(lane: &Lane, ts: f64) {
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
    let Some((ctx, dpr)) = context_for(&canvas, w, h) else { return };
    let (pan_x, pan_y, zoom) = meet(lane.scene, w, h);
    let view = draw::View { pan_x, pan_y, zoom, width: w, height: h, dpr };
    draw::draw(&ctx, &lane.anim, &lane.layout, &view, ts, lane.player.now_us(), None, &[]);
}

/// `canvas` sized to `w` by `h` CSS pixels at the screen's pixel ratio (at most 3), and its
/// 2D context with that ratio: the page's token layer and Compare's share it.
fn context_for(canvas: &HtmlCanvasElement, w: f64, h: f64) -> Option<(CanvasRenderingContext2d, f64)> {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let ctx = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())?;
    Some((ctx, dpr))
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
