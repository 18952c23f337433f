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
    FitView(CanvasArea),
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
        ViewAction::FitView(area) => {
            let view = fit_with(&s.doc, area).0;
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

/// The canvas region a fit fills, in CSS pixels, and the size of the key in its bottom-left
/// corner (zero when there is none).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CanvasArea {
    pub width: f64,
    pub height: f64,
    pub key: (f64, f64),
}

/// The view alone, for the tests.
#[cfg(test)]
fn fit(d: &Value, area: CanvasArea) -> ViewPort {
    fit_with(d, area).0
}

/// Pan and zoom so that every node, with what is drawn under it (a topic's partition lines, a
/// dead-letter route and its label), fits the area with a margin, centred, at most
/// [`FIT_MAX_ZOOM`]. A node under the key could not be seen: when the centred fit puts one
/// there, the nodes are fitted beside the key or above it instead, whichever draws them
/// bigger. Also says whether the centred fit put a node under the key (the canvas folds an
/// open key rather than draw a new scenario smaller around it).
pub fn fit_with(d: &Value, area: CanvasArea) -> (ViewPort, bool) {
    let CanvasArea { width, height, key } = area;
    let ns = doc::nodes(d);
    if ns.is_empty() || width <= 0.0 || height <= 0.0 {
        return (ViewPort::default(), false);
    }
    // A node's box with its badge above and what is drawn under it, in canvas units.
    let node_box = |n: &Value| {
        let (x, y) = doc::position(d, doc::node_id(n));
        let mut bottom = y + doc::NODE_H + doc::below(d, n);
        if let Some(target) = n.get("dead_letter").and_then(Value::as_str).filter(|t| doc::find_node(d, t).is_some()) {
            let lowest = y.max(doc::position(d, target).1);
            bottom = bottom.max(lowest + doc::NODE_H + DEAD_LETTER_DIP + 20.0);
        }
        // Room for a CRASHED or DOWN badge above the box.
        [x, y - 22.0, x + doc::width(n) + 8.0, bottom]
    };
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for n in ns {
        let b = node_box(n);
        (x0, y0, x1, y1) = (x0.min(b[0]), y0.min(b[1]), x1.max(b[2]), y1.max(b[3]));
    }
    // Centred in the part of the region from `left` that is `w` wide and `h` high.
    let fit_in = |left: f64, w: f64, h: f64| {
        let margin = (w.min(h) * 0.04).clamp(6.0, 24.0);
        let zoom = ((w - 2.0 * margin) / (x1 - x0)).min((h - 2.0 * margin) / (y1 - y0)).clamp(MIN_ZOOM, FIT_MAX_ZOOM);
        ViewPort {
            zoom,
            pan_x: left + (w - (x1 - x0) * zoom) / 2.0 - x0 * zoom,
            pan_y: (h - (y1 - y0) * zoom) / 2.0 - y0 * zoom,
        }
    };
    let whole = fit_in(0.0, width, height);
    let (key_w, key_h) = key;
    // The key's corner, in canvas units under the centred fit.
    let (key_right, key_top) = whole.to_canvas(key_w, height - key_h);
    let mut under_key = false;
    for n in ns {
        let b = node_box(n);
        under_key |= b[0] < key_right && b[3] > key_top;
    }
    if !under_key || key_w >= width || key_h >= height {
        return (whole, under_key);
    }
    let beside = fit_in(key_w, width - key_w, height);
    let above = fit_in(0.0, width, height - key_h);
    (if beside.zoom >= above.zoom { beside } else { above }, true)
}

/// How far a dead-letter route dips below the lower of its two nodes, in canvas units.
pub const DEAD_LETTER_DIP: f64 = 40.0;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Three nodes on a row and one below the first, at the bottom-left.
    fn doc() -> Value {
        json!({
            "version": 1,
            "nodes": [
                {"id": "orders", "kind": "producer"}, {"id": "work", "kind": "queue"},
                {"id": "w1", "kind": "consumer"}, {"id": "b1", "kind": "broker"}
            ],
            "wires": [["orders", "work"], ["work", "w1"]],
            "view": {"positions": {"orders": [40, 40], "work": [300, 40], "w1": [560, 40], "b1": [40, 400]}}
        })
    }

    /// The CSS box of node `id` under `v`.
    fn on_screen(d: &Value, v: &ViewPort, id: &str) -> [f64; 4] {
        let (_, n) = doc::find_node(d, id).unwrap();
        let (x, y) = doc::position(d, id);
        [
            x * v.zoom + v.pan_x,
            y * v.zoom + v.pan_y,
            (x + doc::width(n)) * v.zoom + v.pan_x,
            (y + doc::NODE_H) * v.zoom + v.pan_y,
        ]
    }

    #[test]
    fn a_node_the_centred_fit_would_put_under_the_key_is_fitted_clear_of_it() {
        let d = doc();
        let (width, height, key) = (1000.0, 520.0, (250.0, 140.0));
        let centred = fit(&d, CanvasArea { width, height, key: (0.0, 0.0) });
        let b1 = on_screen(&d, &centred, "b1");
        assert!(b1[0] < key.0 && b1[3] > height - key.1, "the test needs b1 under the key: {b1:?}");
        let v = fit(&d, CanvasArea { width, height, key });
        for id in ["orders", "work", "w1", "b1"] {
            let b = on_screen(&d, &v, id);
            assert!(!(b[0] < key.0 && b[3] > height - key.1), "{id} under the key: {b:?}");
            assert!(b[0] >= 0.0 && b[2] <= width && b[1] >= 0.0 && b[3] <= height, "{id} outside: {b:?}");
        }
        assert!(v.zoom >= 0.5 * centred.zoom, "{} against {}", v.zoom, centred.zoom);
    }

    #[test]
    fn a_fit_that_leaves_the_key_clear_stays_centred() {
        let mut d = doc();
        d["view"]["positions"]["b1"] = json!([560, 400]);
        let area = CanvasArea { width: 1000.0, height: 520.0, key: (0.0, 0.0) };
        assert_eq!(fit(&d, CanvasArea { key: (250.0, 140.0), ..area }), fit(&d, area));
    }
}
