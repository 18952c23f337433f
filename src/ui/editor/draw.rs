//! Draws the animation on the `<canvas>` laid over the canvas's nodes and wires: every
//! message token and every transient mark, once per animation frame. Tokens are batched by
//! colour and shape into one path each (one fill style, one fill, one stroke per batch), so
//! that two thousand tokens cost a few dozen canvas state changes, not thousands.
//!
//! ```text
//!   Animator::for_each ──▶ reused scratch Vec<Drawn> (off-screen ones skipped)
//!        sort by (colour, shape) ──▶ one path per batch ──▶ dead-letter crosses, backoff
//!        rings, attempt numbers
//!   Animator::marks ─────▶ loss crosses, duplicate flashes, failure rings, with their words
//! ```
//!
//! Colour is never the only signal: keys differ by shape too (see `animation::key_style`),
//! a dead letter is a square with a cross, and every mark carries a word.

use std::cell::RefCell;
use std::f64::consts::{FRAC_PI_2, TAU};

use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::doc::NODE_H;
use crate::play::animation::{Animator, Drawn, Layout, MarkKind, Shape};

/// Okabe–Ito's colour-blind-safe palette for keys 0..8, then grey (unkeyed) and dark red
/// (dead letters). Every token has a dark outline, which carries the contrast on white.
pub const COLOURS: [&str; 10] =
    ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#8C8C8C", "#8B0000"];
const OUTLINE: &str = "#1F2933";
const TRACK: &str = "#C4CAD3";
const LOSS: &str = "#B3261E";
const DUPLICATE: &str = "#9A5B00";
const HALO: &str = "#FFFFFF";
const FONT: &str = "600 10px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const SMALL_FONT: &str = "600 9px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const TRIES: [&str; 11] = ["", "", "try 2", "try 3", "try 4", "try 5", "try 6", "try 7", "try 8", "try 9", "try 10"];

/// The canvas element's size in CSS pixels and the pan and zoom of the editor:
/// canvas units → screen is `x * zoom + pan_x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub pan_x: f64,
    pub pan_y: f64,
    pub zoom: f64,
    pub width: f64,
    pub height: f64,
    pub dpr: f64,
}

impl View {
    /// The part of the canvas on screen, in canvas units: (left, top, right, bottom).
    pub fn visible(&self) -> (f64, f64, f64, f64) {
        let z = self.zoom.max(1e-6);
        (-self.pan_x / z, -self.pan_y / z, (self.width - self.pan_x) / z, (self.height - self.pan_y) / z)
    }
}

thread_local! {
    /// Reused every frame, so that a frame allocates nothing per token.
    static SCRATCH: RefCell<Vec<Drawn>> = const { RefCell::new(Vec::new()) };
}

/// Clears and draws every token and mark. Called once per animation frame.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    ctx: &Ctx,
    anim: &Animator,
    layout: &Layout,
    view: &View,
    wall_ms: f64,
    now_us: u64,
    selected: Option<u32>,
    flow: &[u32],
) {
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, view.width * view.dpr, view.height * view.dpr);
    let s = view.dpr * view.zoom;
    let _ = ctx.set_transform(s, 0.0, 0.0, s, view.dpr * view.pan_x, view.dpr * view.pan_y);
    ctx.set_line_join("round");
    ctx.set_line_cap("round");
    // About one screen pixel, but never thicker than a token can carry when zoomed out.
    let hair = (1.0 / view.zoom.max(1e-6)).min(1.5);
    let (x0, y0, x1, y1) = view.visible();
    let m = 24.0;
    SCRATCH.with(|cell| {
        let Ok(mut v) = cell.try_borrow_mut() else { return };
        v.clear();
        anim.for_each(layout, wall_ms, now_us, |d| {
            if d.x > x0 - m && d.x < x1 + m && d.y > y0 - m && d.y < y1 + m {
                v.push(*d);
            }
        });
        broker::sort::sort_by_key(&mut v[..], |d: &Drawn| (d.colour, d.shape));
        tokens(ctx, &v, hair);
        if !flow.is_empty() {
            flow_ring(ctx, v.iter().filter(|d| Some(d.msg) != selected && flow.binary_search(&d.msg).is_ok()));
        }
        if let Some(m) = selected {
            highlight(ctx, v.iter().filter(|d| d.msg == m));
        }
    });
    marks(ctx, anim, wall_ms);
}

/// The selected message's copies: a white halo and a thick dark ring, so it can be followed
/// through the crowd whatever its colour.
fn highlight<'a>(ctx: &Ctx, v: impl Iterator<Item = &'a Drawn> + Clone) {
    for (width, colour) in [(5.0, HALO), (2.5, OUTLINE)] {
        ctx.begin_path();
        for d in v.clone() {
            let r = d.r + 5.0;
            ctx.move_to(d.x + r, d.y);
            let _ = ctx.arc(d.x, d.y, r, 0.0, TAU);
        }
        ctx.set_line_width(width);
        ctx.set_stroke_style_str(colour);
        ctx.stroke();
    }
}

/// The other tokens of the followed message's flow: a dashed ring on a white halo, so one
/// flow reads as one thing across the canvas, whatever its tokens' colours.
fn flow_ring<'a>(ctx: &Ctx, v: impl Iterator<Item = &'a Drawn> + Clone) {
    ctx.begin_path();
    for d in v {
        let r = d.r + 4.0;
        ctx.move_to(d.x + r, d.y);
        let _ = ctx.arc(d.x, d.y, r, 0.0, TAU);
    }
    ctx.set_line_width(4.0);
    ctx.set_stroke_style_str(HALO);
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::of2(&3.0.into(), &2.5.into()));
    ctx.set_line_width(2.0);
    ctx.set_stroke_style_str(OUTLINE);
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
}

fn tokens(ctx: &Ctx, v: &[Drawn], hair: f64) {
    ctx.set_line_width(hair);
    ctx.set_stroke_style_str(OUTLINE);
    for run in v.chunk_by(|a, b| (a.colour, a.shape) == (b.colour, b.shape)) {
        ctx.begin_path();
        for d in run {
            outline(ctx, d);
        }
        ctx.set_fill_style_str(COLOURS[(run[0].colour as usize).min(COLOURS.len() - 1)]);
        ctx.fill();
        ctx.stroke();
    }
    // The white cross on each dead letter.
    if v.iter().any(|d| d.shape == Shape::DeadLetter) {
        ctx.begin_path();
        for d in v.iter().filter(|d| d.shape == Shape::DeadLetter) {
            let a = d.r * 0.5;
            ctx.move_to(d.x - a, d.y - a);
            ctx.line_to(d.x + a, d.y + a);
            ctx.move_to(d.x + a, d.y - a);
            ctx.line_to(d.x - a, d.y + a);
        }
        ctx.set_line_width(1.5);
        ctx.set_stroke_style_str(HALO);
        ctx.stroke();
    }
    // Backoff rings: a grey track, and the share of the wait still to go in dark.
    if !v.iter().any(|d| d.backoff.is_some() || d.attempt >= 2) {
        return;
    }
    ctx.set_line_width(2.0);
    for (track, colour) in [(true, TRACK), (false, OUTLINE)] {
        ctx.begin_path();
        for d in v {
            let Some(left) = d.backoff else { continue };
            let r = d.r + 3.5;
            // The track starts at 3 o'clock, the wait at 12 (no sin/cos: they cost wasm).
            let ((a, b), (sx, sy)) =
                if track { ((0.0, TAU), (r, 0.0)) } else { ((-FRAC_PI_2, -FRAC_PI_2 + TAU * left), (0.0, -r)) };
            ctx.move_to(d.x + sx, d.y + sy);
            let _ = ctx.arc(d.x, d.y, r, a, b);
        }
        ctx.set_stroke_style_str(colour);
        ctx.stroke();
    }
    // Attempt numbers, with a white halo so they read over wires and boxes.
    ctx.set_font(SMALL_FONT);
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    ctx.set_line_width(3.0);
    ctx.set_stroke_style_str(HALO);
    ctx.set_fill_style_str(OUTLINE);
    for d in v.iter().filter(|d| d.attempt >= 2) {
        let owned;
        let text = match TRIES.get(d.attempt as usize) {
            Some(t) => *t,
            None => {
                owned = format!("try {}", d.attempt);
                owned.as_str()
            }
        };
        let (x, y) = (d.x + d.r + if d.backoff.is_some() { 6.0 } else { 2.0 }, d.y - d.r);
        let _ = ctx.stroke_text(text, x, y);
        let _ = ctx.fill_text(text, x, y);
    }
}

/// Adds a token's outline to the current path.
fn outline(ctx: &Ctx, d: &Drawn) {
    let (x, y, r) = (d.x, d.y, d.r);
    match d.shape {
        Shape::Circle => {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, TAU);
        }
        Shape::Square => ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7),
        Shape::DeadLetter => ctx.rect(x - r, y - r, r * 2.0, r * 2.0),
        Shape::Diamond => {
            let a = r * 1.2;
            ctx.move_to(x, y - a);
            ctx.line_to(x + a, y);
            ctx.line_to(x, y + a);
            ctx.line_to(x - a, y);
            ctx.close_path();
        }
        Shape::Triangle => {
            ctx.move_to(x, y - r * 1.2);
            ctx.line_to(x + r * 1.15, y + r * 0.85);
            ctx.line_to(x - r * 1.15, y + r * 0.85);
            ctx.close_path();
        }
    }
}

fn marks(ctx: &Ctx, anim: &Animator, wall_ms: f64) {
    let mut first = true;
    for m in anim.marks(wall_ms) {
        if first {
            ctx.set_font(FONT);
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            first = false;
        }
        ctx.set_global_alpha(m.alpha(wall_ms));
        let grow = if m.fades { m.age(wall_ms) } else { 0.5 };
        let (x, y) = (m.x, m.y);
        ctx.begin_path();
        let (colour, label_y) = match m.kind {
            MarkKind::Loss => {
                let a = 5.5;
                ctx.move_to(x - a, y - a);
                ctx.line_to(x + a, y + a);
                ctx.move_to(x + a, y - a);
                ctx.line_to(x - a, y + a);
                ctx.set_line_width(2.5);
                (LOSS, y + 15.0)
            }
            MarkKind::Duplicate => {
                let r = 14.0 + 16.0 * grow;
                ctx.move_to(x + r, y);
                let _ = ctx.arc(x, y, r, 0.0, TAU);
                ctx.set_line_width(3.0);
                (DUPLICATE, y - NODE_H / 2.0 - 8.0)
            }
            MarkKind::Failure => {
                let r = 9.0 + 5.0 * grow;
                ctx.move_to(x + r, y);
                let _ = ctx.arc(x, y, r, 0.0, TAU);
                ctx.set_line_width(2.0);
                (LOSS, y)
            }
        };
        ctx.set_stroke_style_str(colour);
        ctx.stroke();
        if !m.label.is_empty() {
            ctx.set_line_width(3.5);
            ctx.set_stroke_style_str(HALO);
            let _ = ctx.stroke_text(&m.label, x, label_y);
            ctx.set_fill_style_str(colour);
            let _ = ctx.fill_text(&m.label, x, label_y);
        }
    }
    ctx.set_global_alpha(1.0);
}
