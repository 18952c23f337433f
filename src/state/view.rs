//! The canvas view: pan, zoom and fit, owned by the state (the canvas draws its SVG of nodes
//! and wires with it, the frame loop the tokens), and the reduced-motion preference, which
//! the engine's animation follows.

use serde_json::Value;

use super::AppState;
use crate::model::doc;

pub const MIN_ZOOM: f64 = 0.25;
pub const MAX_ZOOM: f64 = 4.0;

/// Pan and zoom of the canvas: canvas units to CSS pixels is `x * zoom + pan`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewPort {
    pub pan_x: f64,
    pub pan_y: f64,
    pub zoom: f64,
}

impl Default for ViewPort {
    fn default() -> Self {
        ViewPort { pan_x: 0.0, pan_y: 0.0, zoom: 1.0 }
    }
}

impl ViewPort {
    /// A CSS point inside the canvas region to canvas units.
    pub fn to_canvas(&self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.pan_x) / self.zoom, (y - self.pan_y) / self.zoom)
    }
}

/// A change of how the canvas is looked at.
pub enum ViewAction {
    Pan {
        dx: f64,
        dy: f64,
    },
    /// Zoom by `factor` around a CSS point of the canvas region.
    Zoom {
        factor: f64,
        around: (f64, f64),
    },
    FitView {
        width: f64,
        height: f64,
    },
    SetReducedMotion(bool),
}

/// What a view action makes of the state; `None` when it changes nothing.
// Not inlined into `AppState::reduce`: measured, the wasm is smaller with each part of the
// reducer a function of its own.
#[inline(never)]
pub(super) fn reduce(s: AppState, action: ViewAction) -> Option<AppState> {
    let next = match action {
        ViewAction::Pan { dx, dy } => {
            if !(dx.is_finite() && dy.is_finite()) {
                return None;
            }
            let view = ViewPort { pan_x: s.view.pan_x + dx, pan_y: s.view.pan_y + dy, ..s.view };
            s.with_view(view, false)
        }
        ViewAction::Zoom { factor, around } => {
            if !factor.is_finite() || factor <= 0.0 {
                return None;
            }
            let zoom = (s.view.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
            let (cx, cy) = s.view.to_canvas(around.0, around.1);
            let view = ViewPort { zoom, pan_x: around.0 - cx * zoom, pan_y: around.1 - cy * zoom };
            s.with_view(view, false)
        }
        ViewAction::FitView { width, height } => {
            let view = fit(&s.doc, width, height);
            s.with_view(view, true)
        }
        ViewAction::SetReducedMotion(on) => {
            s.engine.borrow_mut().reduced_motion = on;
            return None;
        }
    };
    Some(next)
}

impl AppState {
    /// Shows the canvas with `view` (the frame loop draws the tokens with it too); `auto_fit`
    /// says whether the view keeps following the canvas size (until the user pans or zooms).
    fn with_view(mut self, view: ViewPort, auto_fit: bool) -> AppState {
        self.view = view;
        self.auto_fit = auto_fit;
        self
    }
}

/// The largest zoom a fit chooses: a two-node scenario is drawn big, not huge.
pub const FIT_MAX_ZOOM: f64 = 1.5;

/// Pan and zoom so that every node, with what is drawn under it (a topic's partition lines, a
/// dead-letter route and its label), fits a region of `width` × `height` CSS pixels with a
/// margin, centred, at most [`FIT_MAX_ZOOM`].
pub fn fit(d: &Value, width: f64, height: f64) -> ViewPort {
    let ns = doc::nodes(d);
    if ns.is_empty() || width <= 0.0 || height <= 0.0 {
        return ViewPort::default();
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for n in ns {
        let (x, y) = doc::position(d, doc::node_id(n));
        x0 = x0.min(x);
        // Room for a CRASHED or DOWN badge above the box.
        y0 = y0.min(y - 22.0);
        x1 = x1.max(x + doc::width(n) + 8.0);
        y1 = y1.max(y + doc::NODE_H + doc::below(d, n));
        if let Some(target) = n.get("dead_letter").and_then(Value::as_str).filter(|t| doc::find_node(d, t).is_some()) {
            let lowest = y.max(doc::position(d, target).1);
            y1 = y1.max(lowest + doc::NODE_H + DEAD_LETTER_DIP + 20.0);
        }
    }
    let margin = (width.min(height) * 0.04).clamp(6.0, 24.0);
    let zoom =
        ((width - 2.0 * margin) / (x1 - x0)).min((height - 2.0 * margin) / (y1 - y0)).clamp(MIN_ZOOM, FIT_MAX_ZOOM);
    ViewPort {
        zoom,
        pan_x: (width - (x1 - x0) * zoom) / 2.0 - x0 * zoom,
        pan_y: (height - (y1 - y0) * zoom) / 2.0 - y0 * zoom,
    }
}

/// How far a dead-letter route dips below the lower of its two nodes, in canvas units.
pub const DEAD_LETTER_DIP: f64 = 40.0;
