//! The canvas: nodes and wires in SVG (focusable, named, easy to style), with a `<canvas>`
//! layer on top where the animation draws the moving tokens. Pointer events (mouse, pen and
//! touch alike) select, move, wire, pan and draw a selection rectangle; the wheel zooms.
//!
//! ```text
//!   pointerdown on ─┬─ an output port ──▶ drag a wire ──▶ drop on a node ──▶ EditAction::Wire
//!                   ├─ a node ──────────▶ select (shift: add) and drag ──▶ EditAction::MoveNodes
//!                   └─ the background ──▶ pan (shift: selection rectangle ──▶ SelectNodes)
//! ```
//!
//! The drag in progress is local to this component; only its result becomes an action.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use broker::decimal::{plain, Plain};
use broker::{plural, NodeSnapshot};
use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, PointerEvent};
use yew::prelude::*;

use crate::model::doc::{self, NODE_H, NODE_W};
use crate::model::format::thousands;
use crate::model::service;
use crate::model::text_width::em_width;
use crate::state::{
    fit_with, AppState, CanvasArea, EditAction, PanelAction, Sel, SelectAction, ViewAction, DEAD_LETTER_DIP,
};
use crate::ui::editor::label_place::{above_middle, place_label, Rect, Segment};
use crate::ui::icons;
use crate::ui::panels::markup::esc;
use crate::ui::{class_list, raw, use_value, with_class, State};

/// The arrowheads of wires, dead-letter routes and replies: markup text (see
/// `panels::markup`), since they never change.
const ARROW_HEADS: &str = concat!(
    r#"<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/></marker>"#,
    r#"<marker id="arrow-dl" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head-dl"/></marker>"#,
    r#"<marker id="arrow-reply" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head-reply"/></marker>"#,
);

/// A drag in progress, in canvas units.
#[derive(Clone, Debug, PartialEq)]
enum Drag {
    Idle,
    /// Pointer went down on a node; it becomes a move once it travels a few pixels.
    Move {
        ids: Vec<String>,
        start: (f64, f64),
        now: (f64, f64),
        moved: bool,
    },
    Wire {
        from: String,
        now: (f64, f64),
    },
    Pan {
        last: (f64, f64),
    },
    Rect {
        start: (f64, f64),
        now: (f64, f64),
    },
}

/// What the canvas keeps between renders, from [`use_canvas`]. The canvas is a function, not
/// a component (each component costs the wasm its own copy of Yew's lifecycle code), so these
/// are the app's hooks.
pub struct CanvasHooks {
    legend_open: State<bool>,
    drag: Rc<RefCell<Drag>>,
    /// Re-render while dragging (the drag itself lives in `drag`).
    drag_view: State<Drag>,
}

/// The canvas's hooks: its key's open state, the drag in progress, and the wheel's zoom.
#[hook]
pub fn use_canvas(state: &UseReducerHandle<AppState>, region: &NodeRef) -> CanvasHooks {
    let legend_open = use_legend_open(state.compare.is_some());
    let drag = use_mut_ref(|| Drag::Idle);
    let drag_view = use_value(|| Drag::Idle);
    // The wheel zooms around the pointer. A non-passive listener, so the page does not scroll.
    {
        let region = region.clone();
        let dispatcher = state.dispatcher();
        crate::ui::use_on_mount(Box::new(move || {
            let listener = region.cast::<HtmlElement>().map(|el| {
                let target = el.clone();
                gloo::events::EventListener::new_with_options(
                    &el,
                    "wheel",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let e = e.dyn_ref::<web_sys::WheelEvent>().unwrap();
                        e.prevent_default();
                        let r = target.get_bounding_client_rect();
                        let around = (e.client_x() as f64 - r.left(), e.client_y() as f64 - r.top());
                        let factor = (-e.delta_y().clamp(-500.0, 500.0) * 0.0015).exp();
                        dispatcher.dispatch(ViewAction::Zoom { factor, around }.into());
                    },
                )
            });
            Box::new(move || drop(listener))
        }));
    }
    // A scenario just opened is fitted to the canvas. If its drawing needs the corner the
    // open key takes, the key folds (to its button, which the next frame's fit keeps clear)
    // rather than the drawing shrinking around it.
    {
        let d = state.dispatcher();
        let (region, open, doc) = (region.clone(), legend_open.clone(), state.doc.clone());
        crate::ui::use_effect_on(
            state.fit_request,
            Box::new(move |_| {
                let mut area = canvas_area(&region);
                if *open && fit_with(&doc, area).1 {
                    open.set(false);
                    area.key = (0.0, 0.0);
                }
                d.dispatch(ViewAction::FitView(area).into());
            }),
        );
    }
    CanvasHooks { legend_open, drag, drag_view }
}

/// A pointer event's position in CSS pixels relative to the region's top-left corner.
pub fn local_point(region: &NodeRef, client: (f64, f64)) -> (f64, f64) {
    match region.cast::<Element>() {
        Some(el) => {
            let r = el.get_bounding_client_rect();
            (client.0 - r.left(), client.1 - r.top())
        }
        None => client,
    }
}

/// The canvas; `token_layer` is the `<canvas>` the animation draws on (the app's frame loop
/// holds it too), `region` the element around it.
pub fn canvas(
    state: &UseReducerHandle<AppState>,
    token_layer: &NodeRef,
    region: &NodeRef,
    hooks: &CanvasHooks,
) -> Html {
    let state = state.clone();
    let CanvasHooks { legend_open, drag, drag_view } = hooks;
    let region = region.clone();

    let to_canvas = {
        let region = region.clone();
        let view = state.view;
        move |e: &PointerEvent| {
            let (x, y) = local_point(&region, (e.client_x() as f64, e.client_y() as f64));
            view.to_canvas(x, y)
        }
    };

    let set_drag = {
        let drag = drag.clone();
        let drag_view = drag_view.clone();
        move |d: Drag| {
            *drag.borrow_mut() = d.clone();
            drag_view.set(d);
        }
    };

    let on_down = {
        let state = state.clone();
        let set_drag = set_drag.clone();
        let to_canvas = to_canvas.clone();
        let region = region.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let p = to_canvas(&e);
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            let find = |attr: &str| target.as_ref().and_then(|t| t.closest(&format!("[{attr}]")).ok().flatten());
            if let Some(el) = region.cast::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            if let Some(port) = find("data-port-of") {
                let from = port.get_attribute("data-port-of").unwrap_or_default();
                e.prevent_default();
                set_drag(Drag::Wire { from, now: p });
            } else if let Some(msg) = state.engine.borrow().pick(p.0, p.1) {
                // A token: follow its message in the passport.
                state.dispatch(PanelAction::ShowMessage { msg, open: true, at: None }.into());
            } else if let Some(node) = find("data-node") {
                let id = node.get_attribute("data-node").unwrap_or_default();
                let sel = Sel::Node(id.clone());
                if e.shift_key() {
                    state.dispatch(SelectAction::Select { sel, extend: true }.into());
                    return;
                }
                let ids = if state.is_selected(&sel) { state.selected_nodes() } else { vec![id] };
                if !state.is_selected(&sel) {
                    state.dispatch(SelectAction::Select { sel, extend: false }.into());
                }
                set_drag(Drag::Move { ids, start: p, now: p, moved: false });
            } else if let Some(wire) = find("data-wire") {
                if let Some(i) = wire.get_attribute("data-wire").and_then(|v| v.parse().ok()) {
                    state.dispatch(SelectAction::Select { sel: Sel::Wire(i), extend: e.shift_key() }.into());
                }
            } else if e.shift_key() {
                set_drag(Drag::Rect { start: p, now: p });
            } else {
                state.dispatch(SelectAction::ClearSelection.into());
                state.dispatch(PanelAction::DismissNotice.into());
                set_drag(Drag::Pan { last: (e.client_x() as f64, e.client_y() as f64) });
            }
        })
    };

    let on_move = {
        let state = state.clone();
        let drag = drag.clone();
        let set_drag = set_drag.clone();
        let to_canvas = to_canvas.clone();
        Callback::from(move |e: PointerEvent| {
            let current = drag.borrow().clone();
            let p = to_canvas(&e);
            match current {
                Drag::Idle => {}
                Drag::Move { ids, start, moved, .. } => {
                    let far = ((p.0 - start.0).powi(2) + (p.1 - start.1).powi(2)).sqrt() * state.view.zoom > 4.0;
                    set_drag(Drag::Move { ids, start, now: p, moved: moved || far });
                }
                Drag::Wire { from, .. } => set_drag(Drag::Wire { from, now: p }),
                Drag::Pan { last } => {
                    let now = (e.client_x() as f64, e.client_y() as f64);
                    state.dispatch(ViewAction::Pan { dx: now.0 - last.0, dy: now.1 - last.1 }.into());
                    *drag.borrow_mut() = Drag::Pan { last: now };
                }
                Drag::Rect { start, .. } => set_drag(Drag::Rect { start, now: p }),
            }
        })
    };

    let on_up = {
        let state = state.clone();
        let drag = drag.clone();
        let set_drag = set_drag.clone();
        let to_canvas = to_canvas.clone();
        Callback::from(move |e: PointerEvent| {
            let current = std::mem::replace(&mut *drag.borrow_mut(), Drag::Idle);
            let p = to_canvas(&e);
            match current {
                Drag::Move { ids, start, moved: true, .. } => {
                    // Snap the dragged node that was grabbed to the grid; the rest keep their offsets.
                    let first = ids.first().map(|id| doc::position(&state.doc, id)).unwrap_or_default();
                    let dx = doc::snap(first.0 + p.0 - start.0) - first.0;
                    let dy = doc::snap(first.1 + p.1 - start.1) - first.1;
                    state.dispatch(EditAction::MoveNodes { ids, dx, dy, nudge: false }.into());
                }
                Drag::Wire { from, .. } => {
                    if let Some(to) = doc::node_at(&state.doc, p) {
                        if to != from {
                            state.dispatch(EditAction::Wire { from, to, at: Some(p) }.into());
                        }
                    }
                }
                Drag::Rect { start, .. } => {
                    let ids = doc::nodes_in_rect(&state.doc, start, p);
                    state.dispatch(SelectAction::SelectNodes(ids).into());
                }
                _ => {}
            }
            set_drag(Drag::Idle);
        })
    };

    // A node or a wire that takes the focus (Tab) is selected: one listener on the region for
    // them all, reading the focused element's own `data-node` or `data-wire`.
    let on_focus = {
        let state = state.clone();
        Callback::from(move |e: FocusEvent| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let sel = match (el.get_attribute("data-node"), el.get_attribute("data-wire").and_then(|v| v.parse().ok()))
            {
                (Some(id), _) => Sel::Node(id),
                (None, Some(i)) => Sel::Wire(i),
                (None, None) => return,
            };
            if !state.is_selected(&sel) {
                state.dispatch(SelectAction::Select { sel, extend: false }.into());
            }
        })
    };

    let on_cancel = {
        let set_drag = set_drag.clone();
        Callback::from(move |_: PointerEvent| set_drag(Drag::Idle))
    };

    let d = &state.doc;
    let current = (**drag_view).clone();
    let offset = |id: &str| match &current {
        Drag::Move { ids, start, now, moved: true } if ids.iter().any(|i| i == id) => {
            (now.0 - start.0, now.1 - start.1)
        }
        _ => (0.0, 0.0),
    };
    let pos = |id: &str| {
        let (x, y) = doc::position(d, id);
        let (dx, dy) = offset(id);
        (x + dx, y + dy)
    };
    let status_of = |id: &str| state.status.iter().find(|s| s.id == id);
    // The nodes of the followed flow (when the followed message is part of one): outlined,
    // with the wires between them.
    let in_flow: Vec<String> = {
        let e = state.engine.borrow();
        let nodes = &e.player.sim().model().nodes;
        e.flow_nodes.iter().filter_map(|&i| nodes.get(i as usize)).map(|n| n.name.clone()).collect()
    };
    let in_flow = |id: &str| in_flow.iter().any(|n| n == id);
    let view = state.view;
    let transform = format!("translate({} {}) scale({})", Plain(view.pan_x), Plain(view.pan_y), Plain(view.zoom));

    // Every wire's line and every node's box: what a wire's label keeps clear of.
    let segments: Vec<Option<Segment>> = doc::wires(d)
        .iter()
        .map(|w| {
            let (from, to) = doc::wire_ends(w);
            doc::find_node(d, from)?;
            doc::find_node(d, to)?;
            Some(wire_line(pos(from), pos(to)))
        })
        .collect();
    let boxes: Vec<Rect> = doc::nodes(d)
        .iter()
        .map(|n| {
            let (x, y) = pos(doc::node_id(n));
            (x, y, NODE_W, NODE_H)
        })
        .collect();
    let mut wires = Vec::new();
    for (i, w) in doc::wires(d).iter().enumerate() {
        let (from, to) = doc::wire_ends(w);
        let Some((x1, y1, x2, y2)) = segments[i] else {
            continue;
        };
        let path = curve(x1, y1, x2, y2);
        let selected = state.is_selected(&Sel::Wire(i));
        let label = doc::wire_label(w);
        // The label beside its wire where a spot is clear; else above the middle, shortened
        // to the gap between the boxes (the wire's name and the inspector keep all of it).
        let (shown, (label_x, label_y)) = if label.is_empty() {
            (String::new(), (0.0, 0.0))
        } else {
            let others: Vec<Segment> =
                segments.iter().enumerate().filter(|(j, _)| *j != i).filter_map(|(_, s)| *s).collect();
            let wire = (x1, y1, x2, y2);
            match place_label(wire, doc::wire_label_width(&label), &boxes, &others) {
                Some(at) => (label.clone(), at),
                None => (shorten(&label, (x2 - x1).abs() - 12.0), above_middle(wire)),
            }
        };
        let flowing = in_flow(from) && in_flow(to);
        let name = format!(
            "Wire from {from} to {to}{}{}",
            if label.is_empty() { String::new() } else { format!(", {label}") },
            if flowing { ", on the followed flow" } else { "" }
        );
        let wire = html! {
            <g key={format!("w{i}-{from}-{to}")} class="wire" data-wire={i.to_string()} tabindex="0" role="button" aria-label={name} aria-pressed={crate::ui::true_false(selected)}>
                <path class="wire-hit" d={path.clone()} />
                <path class="wire-line" d={path} marker-end="url(#arrow)" />
                if !label.is_empty() {
                    <text class="wire-label" x={plain(label_x)} y={plain(label_y)}>{ shown }</text>
                }
            </g>
        };
        let class = class_list(&["wire", if selected { "selected" } else { "" }, if flowing { "in-flow" } else { "" }]);
        wires.push(with_class(wire, class.into()));
    }

    // Dead-letter routes from a queue's or consumer's settings: dashed, not wires. Nothing in
    // them is focused or pressed, so they are markup text (see `panels::markup`).
    let mut routes = String::new();
    for n in doc::nodes(d) {
        let Some(target) = n.get("dead_letter").and_then(Value::as_str) else { continue };
        if doc::find_node(d, target).is_some() {
            side_route(&mut routes, "dead-letter-link", "dead letters", pos(doc::node_id(n)), pos(target));
        }
    }
    // Replies: from each responder (a consumer of a request's queue) to the requester's
    // reply-to, its own queue or, by direct reply-to, the requester itself. No wire carries
    // them: the default exchange routes a reply by the queue's name.
    for n in doc::nodes(d) {
        let requester = doc::node_id(n);
        let Some(r) = n.get("requests").filter(|r| r.is_object()) else { continue };
        let to = r.get("to").and_then(Value::as_str).unwrap_or("");
        let target = match r.get("reply_to").and_then(Value::as_str) {
            Some(broker::scenario::DIRECT_REPLY_TO) => Some(requester),
            Some(queue) => Some(queue),
            None => doc::wires(d).iter().map(doc::wire_ends).find(|(_, b)| *b == requester).map(|(a, _)| a),
        };
        let Some(target) = target.filter(|t| doc::find_node(d, t).is_some()) else { continue };
        for (_, responder) in doc::wires(d).iter().map(doc::wire_ends).filter(|(a, _)| *a == to) {
            if doc::find_node(d, responder).is_some_and(|(_, r)| doc::node_kind(r) == "consumer") {
                side_route(&mut routes, "reply-link", "replies", pos(responder), pos(target));
            }
        }
    }

    let mut nodes = Vec::new();
    for (index, n) in doc::nodes(d).iter().enumerate() {
        let id = doc::node_id(n).to_owned();
        let kind = doc::node_kind(n).to_owned();
        let shown = service::shown_kind(n);
        let (x, y) = pos(&id);
        let status = status_of(&id);
        let face = Face::of(shown, status);
        let state_word = status.map_or("", |s| s.state);
        let selected = state.is_selected(&Sel::Node(id.clone()));
        let problem = state.node_has_problem(index);
        let flowing = in_flow(&id);
        let label = face.label(shown, &id)
            + if problem { ", has a problem (see the inspector)" } else { "" }
            + if flowing { ", on the followed flow" } else { "" };
        // A consumer sends too: wired onwards, it is a service.
        let sends = matches!(kind.as_str(), "producer" | "exchange" | "queue" | "topic" | "consumer");
        let receives = matches!(kind.as_str(), "exchange" | "queue" | "topic" | "consumer" | "read_model");
        // Inside the node's group nothing is focused or pressed (a drag from the output port
        // is found by its `data-port-of`), so it is markup text (see `panels::markup`).
        let mut body = node_body(&id, shown, &face);
        if problem {
            let _ = write!(
                body,
                r#"<g class="problem-badge"><circle cx="{0}" cy="10" r="10"/><text x="{0}" y="15">!</text></g>"#,
                Plain(NODE_W - 10.0)
            );
        }
        if receives {
            let _ = write!(body, r#"<circle class="port port-in" cx="0" cy="{}" r="6"/>"#, Plain(NODE_H / 2.0));
        }
        if sends {
            // No tooltip of its own: its text would join the node's visible text, which the
            // accessible name must hold. The canvas's key says what a port is for.
            let _ = write!(
                body,
                r#"<circle class="port port-out" data-port-of="{}" cx="{}" cy="{}" r="8"/>"#,
                esc(&id),
                Plain(NODE_W),
                Plain(NODE_H / 2.0)
            );
        }
        let node = html! {
            <g key={format!("n-{id}")} class="node" transform={format!("translate({} {})", Plain(x), Plain(y))} data-node={id.clone()} tabindex="0" role="button"
               aria-label={label} aria-pressed={crate::ui::true_false(selected)}>
                { Html::from_html_unchecked(body.into()) }
            </g>
        };
        let class = class_list(&[
            "node",
            &format!("kind-{shown} state-{state_word}"),
            if selected { "selected" } else { "" },
            if problem { "problem" } else { "" },
            if flowing { "in-flow" } else { "" },
        ]);
        nodes.push(with_class(node, class.into()));
    }

    let ghost = match &current {
        Drag::Wire { from, now } if doc::find_node(d, from).is_some() => {
            let a = pos(from);
            html! { <path class="wire-ghost" d={curve(a.0 + NODE_W, a.1 + NODE_H / 2.0, now.0, now.1)} /> }
        }
        Drag::Rect { start, now } => html! {
            <rect class="rubber-band" x={plain(start.0.min(now.0))} y={plain(start.1.min(now.1))}
                  width={plain((start.0 - now.0).abs())} height={plain((start.1 - now.1).abs())} />
        },
        _ => html! {},
    };

    let notice = state.notice.as_ref().and_then(|n| n.at.map(|at| (n.text.clone(), at))).map(|(text, at)| {
        let (sx, sy) = (at.0 * view.zoom + view.pan_x, at.1 * view.zoom + view.pan_y);
        html! {
            <div class="wire-refusal" role="alert" style={format!("left:{}px;top:{}px", Plain(sx.max(0.0) + 12.0), Plain(sy.max(0.0) + 12.0))}>
                { text }
            </div>
        }
    });

    let empty = doc::nodes(d).is_empty();
    html! {
        <div class="canvas-region" role="region" aria-label="Canvas" ref={region}
             onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up} onpointercancel={on_cancel} onfocusin={on_focus}>
            <svg class="canvas-svg" xmlns="http://www.w3.org/2000/svg" aria-hidden="false">
                <defs>
                    <pattern id="grid" width="20" height="20" patternUnits="userSpaceOnUse"
                             patternTransform={format!("translate({} {}) scale({})", Plain(view.pan_x), Plain(view.pan_y), Plain(view.zoom))}>
                        <circle cx="1" cy="1" r="1" class="grid-dot" />
                    </pattern>
                    { Html::from_html_unchecked(AttrValue::Static(ARROW_HEADS)) }
                </defs>
                <rect class="grid" width="100%" height="100%" fill="url(#grid)" />
                <g transform={transform}>
                    { Html::from_html_unchecked(routes.into()) }
                    // Nodes before wires: Tab visits every node first. Wires run port to port,
                    // outside the boxes, so drawing them last hides nothing.
                    { for nodes }
                    { for wires }
                    { ghost }
                </g>
            </svg>
            <canvas class="token-layer" ref={token_layer.clone()} aria-hidden="true"></canvas>
            { legend(legend_open.clone()) }
            if empty {
                { raw(r#"<p class="canvas-empty">The canvas is empty. Drag a Producer, a Queue and a Consumer here from the palette, or press Enter on one.</p>"#) }
            }
            { for notice }
        </div>
    }
}

/// What a node shows besides its name, in reading order: its status lines, a topic's
/// partition lines, and a badge (CRASHED, DOWN). The drawing and the accessible name are both
/// made from it, so the name holds the visible text in the order it is seen (WCAG 2.5.3,
/// Label in Name): a speech-input user can say what they see.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Face {
    pub lines: Vec<String>,
    pub partitions: Vec<String>,
    /// The badge as drawn, and as said.
    pub badge: Option<(&'static str, &'static str)>,
}

impl Face {
    pub fn of(kind: &str, status: Option<&NodeSnapshot>) -> Face {
        let badge = match status.map_or("", |s| s.state) {
            "crashed" => Some(("CRASHED", "crashed")),
            "outage" | "down" => Some(("DOWN", "down")),
            _ => None,
        };
        let partitions = if kind == "read_model" { table_lines(status) } else { topic_lines(status) };
        Face { lines: status_lines(kind, status), partitions, badge }
    }

    /// "Consumer worker-b: 12 processed, crashed": the kind, then the visible text in order.
    pub fn label(&self, kind: &str, id: &str) -> String {
        let badge = self.badge.map(|(_, said)| said);
        let parts: Vec<&str> = self.lines.iter().chain(&self.partitions).map(String::as_str).chain(badge).collect();
        let status = if parts.is_empty() { String::new() } else { format!(": {}", parts.join(", ")) };
        format!("{} {id}{status}", doc::kind_label(kind))
    }
}

/// Where a node's text goes in its box, in canvas units (the sizes are the stylesheet's).
const TITLE_X: f64 = 34.0;
const TITLE_SIZE: f64 = 17.0;
const DETAIL_SIZE: f64 = 14.0;

/// What a node looks like inside its group: box, icon, name, status lines, a topic's partition
/// lines and a crashed or down badge. The editor's canvas and the compare pane share it. No
/// text is cut: a line too long for the box is drawn narrower to fit it (`textLength`), so the
/// whole of it is there to read, to select and for the accessible name. Nothing in it is
/// focused or pressed, so it is markup text (see `panels::markup`), not `html!` elements.
pub fn node_body(id: &str, kind: &str, face: &Face) -> String {
    // A space between the texts: the page's text then reads "orders 0 published", not
    // "orders0 published" (SVG draws no space between separate texts, and needs none).
    let mut out = format!(
        r#"<rect class="box" width="{}" height="{}" rx="8"/><g transform="translate(2 5) scale(1.05)">{}</g>"#,
        Plain(NODE_W),
        Plain(NODE_H),
        icons::node_icon_markup(kind)
    );
    fitted(&mut out, "node-title", TITLE_X, 25.0, id, TITLE_SIZE, NODE_W - TITLE_X - 8.0, true);
    for (i, l) in face.lines.iter().enumerate() {
        out.push(' ');
        fitted(&mut out, "node-detail", 10.0, 45.0 + 18.0 * i as f64, l, DETAIL_SIZE, NODE_W - 18.0, false);
    }
    for (i, l) in face.partitions.iter().enumerate() {
        let _ = write!(
            out,
            r#" <text class="partition-line{}" x="4" y="{}">{}</text>"#,
            if l.ends_with(BEHIND) { " behind-row" } else { "" },
            Plain(NODE_H + 15.0 + doc::PARTITION_LINE * i as f64),
            esc(l)
        );
    }
    if let Some((b, _)) = face.badge {
        let _ = write!(
            out,
            r#" <g class="crashed-badge"><rect x="0" y="-22" width="80" height="19" rx="3"/><text x="40" y="-7.5">{b}</text></g>"#
        );
    }
    out
}

/// A `<text>` that fits `room` canvas units: drawn as it is when it fits, narrower when not.
#[allow(clippy::too_many_arguments)]
fn fitted(out: &mut String, class: &str, x: f64, y: f64, text: &str, size: f64, room: f64, bold: bool) {
    let wide = em_width(text, bold) * size > room;
    let _ = write!(out, r#"<text class="{class}" x="{}" y="{}""#, Plain(x), Plain(y));
    if wide {
        let _ = write!(out, r#" textLength="{}" lengthAdjust="spacingAndGlyphs""#, Plain(room));
    }
    let _ = write!(out, ">{}</text>", esc(text));
}

/// A wire's line between the nodes whose top-left corners are `from` and `to`: from the edge
/// of the out port to the edge of the in port, so the ports stay grabbable.
pub fn wire_line(from: (f64, f64), to: (f64, f64)) -> Segment {
    (from.0 + NODE_W + 8.0, from.1 + NODE_H / 2.0, to.0 - 6.0, to.1 + NODE_H / 2.0)
}

/// A wire is a straight line, so that tokens, which glide in straight lines between nodes,
/// visibly travel along it.
pub fn curve(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    format!("M {} {} L {} {}", Plain(x1), Plain(y1), Plain(x2), Plain(y2))
}

/// `text` cut to fit `room` canvas units of 13-unit text, ending in "…" when cut (at least its
/// first character stays).
fn shorten(text: &str, room: f64) -> String {
    if doc::wire_label_width(text) <= room {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if !out.is_empty() && doc::wire_label_width(&format!("{out}{c}…")) > room {
            break;
        }
        out.push(c);
    }
    out + "…"
}

/// What a node shows about itself, a line each, in words and grouped numbers; `kind` is the
/// kind it is shown as (a service, an orchestrator, a requester).
fn status_lines(kind: &str, s: Option<&NodeSnapshot>) -> Vec<String> {
    let Some(s) = s else { return Vec::new() };
    let n = |v: Option<u64>| thousands(v.unwrap_or(0));
    match kind {
        "producer" => match s.schema_version {
            Some(v) => vec![format!("{} published", n(s.published)), format!("writes schema v{v}")],
            None => vec![format!("{} published", n(s.published))],
        },
        "queue" => vec![format!("{} ready", n(s.ready)), format!("{} unacked", n(s.unacked))],
        "dead_letter_queue" => vec![format!("{} dead letters", n(s.ready))],
        "topic" => vec![format!("{} records kept", n(s.ready))],
        "broker" => match s.replicas {
            Some([leads, in_sync, out]) => {
                let mut lines =
                    vec![format!("leads {} · follows {}", thousands(leads.into()), thousands(in_sync.into()))];
                if out > 0 {
                    lines.push(format!("{} out of sync", thousands(out.into())));
                }
                lines
            }
            None => Vec::new(),
        },
        "read_model" => match &s.table {
            Some(t) => vec![
                format!("{} · {} behind", plural(u64::from(t.rows), "row", "rows"), thousands(u64::from(t.behind))),
                format!(
                    "{} reads · {} missed",
                    thousands(u64::from(t.counts.reads)),
                    thousands(u64::from(t.counts.missed_own_write))
                ),
            ],
            None => Vec::new(),
        },
        "consumer" | "service" | "orchestrator" | "requester" => match (s.state, s.sagas) {
            // A requester counts its requests: waiting, answered, given up, and replies too late.
            (_, Some(c)) if kind == "requester" => vec![
                format!("{} waiting · {} answered", thousands(u64::from(c.running)), thousands(u64::from(c.completed))),
                format!(
                    "{} gave up · {} late",
                    thousands(u64::from(c.compensated)),
                    thousands(u64::from(c.late_replies))
                ),
            ],
            // An orchestrator counts its sagas: where they are, how they ended.
            (_, Some(c)) => vec![
                format!(
                    "{} running · {} done",
                    thousands(u64::from(c.running + c.compensating)),
                    thousands(u64::from(c.completed))
                ),
                format!(
                    "{} undone · {} need a person",
                    thousands(u64::from(c.compensated)),
                    thousands(u64::from(c.needs_a_person))
                ),
            ],
            // The CRASHED badge says the rest.
            ("crashed", _) => vec![format!("{} processed", n(s.processed))],
            ("away", _) => vec!["not in its group".to_owned()],
            _ => {
                let in_flight = format!("{} in flight", n(s.in_progress.max(s.unacked)));
                let first = match s.schema_version {
                    Some(v) => format!("{in_flight} · reads v{v}"),
                    None => in_flight,
                };
                vec![first, format!("{} processed", n(s.processed))]
            }
        },
        _ => Vec::new(),
    }
}

/// How a table row behind the write side ends, so that it is marked in words, not by colour
/// alone.
const BEHIND: &str = " behind";

/// A read model's table under its box, beside the write side's truth: the rows written last,
/// newest first, each with the version the table shows and the version the writer has
/// ("order-7    v2    v3 behind").
fn table_lines(s: Option<&NodeSnapshot>) -> Vec<String> {
    let Some(t) = s.and_then(|s| s.table.as_ref()) else { return Vec::new() };
    if t.recent.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!("{:<9} {:<4} truth", "key", "table")];
    for r in t.recent.iter().take(doc::TABLE_ROWS) {
        let key =
            if r.key.chars().count() > 9 { r.key.chars().take(8).chain(['…']).collect() } else { r.key.clone() };
        let shows = r.shows.as_ref().map_or("—".to_string(), |v| format!("v{}", v.version));
        let behind = r.shows.as_ref().map_or(0, |v| v.version) < r.truth.version;
        out.push(format!("{key:<9} {shows:<4} v{}{}", r.truth.version, if behind { BEHIND } else { "" }));
    }
    out
}

/// Per-partition offsets and lag under a topic: "p0 0–12 lag 3" (one lag per group); on a
/// replicated topic with its high watermark ("p0 0–12 hw 10 lag 1": two records only the
/// leader has) and a second line on its replicas, " b2 lead · b3 isr · b1 out", or
/// " OFFLINE · b1 isr" while no replica leads.
fn topic_lines(s: Option<&NodeSnapshot>) -> Vec<String> {
    // A queue on brokers: where it lives, under its box as a topic's partitions are.
    if let Some(p) = s.and_then(|s| s.placement.as_ref()) {
        return vec![p.clone()];
    }
    let Some(parts) = s.and_then(|s| s.partitions.as_ref()) else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for p in parts.iter().take(6) {
        let lag: Vec<String> = p
            .groups
            .iter()
            .map(|g| format!("lag {}{}", thousands(g.lag), if g.blocked { " BLOCKED" } else { "" }))
            .collect();
        let mut hw = p.high_watermark.map(|h| format!(" hw {}", thousands(h))).unwrap_or_default();
        if let Some(c) = p.cleaned {
            hw = hw + " · " + &thousands(c) + " cleaned ·";
        }
        let lso = p.last_stable_offset.map(|l| format!(" lso {}", thousands(l))).unwrap_or_default();
        out.push(format!(
            "p{} {}–{}{hw}{lso} {}",
            p.partition,
            thousands(p.log_start),
            thousands(p.log_end),
            lag.join(" ")
        ));
        // A bracket for each transaction not yet ended, from its first record on.
        for t in &p.transactions {
            out.push(format!(" [{} txn {} from {} {}…]", t.producer, t.number, thousands(t.first_offset), t.state));
        }
        if !p.replicas.is_empty() {
            // No replica leads while the partition is offline.
            let mut line = if p.replicas.iter().any(|r| r.leader) { String::new() } else { " OFFLINE ·".to_owned() };
            for (i, r) in p.replicas.iter().enumerate() {
                let role = if r.leader {
                    "lead"
                } else if r.in_sync {
                    "isr"
                } else {
                    "out"
                };
                line += &format!("{} {} {role}", if i == 0 { "" } else { " ·" }, r.broker);
            }
            out.push(line);
        }
    }
    if parts.len() > 6 {
        out.push(format!("+{} more partitions", parts.len() - 6));
    }
    out
}

/// Whether the key is open. Open where there is room for it; on a short screen (a projector
/// at 150%) it would cover the canvas, so it starts folded. When the canvas shares the stage
/// (`compact`: Compare) the key folds away.
#[hook]
fn use_legend_open(compact: bool) -> State<bool> {
    let open = use_value(|| {
        web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).is_none_or(|h| h >= 640.0)
    });
    {
        let open = open.clone();
        crate::ui::use_effect_on(
            compact,
            Box::new(move |compact| {
                if *compact {
                    open.set(false);
                }
            }),
        );
    }
    open
}

/// The canvas region's size and, so that a fit leaves it clear, the room its key takes in
/// the bottom-left corner (the key's box, its offset from the corner and a little air).
pub fn canvas_area(region: &NodeRef) -> CanvasArea {
    let Some(el) = region.cast::<Element>() else { return CanvasArea::default() };
    // The page has one canvas, and one key (the document's query is a binding the page has
    // already; the element's own would be one more).
    let doc = web_sys::window().and_then(|w| w.document());
    let key = doc.and_then(|d| d.query_selector(".legend").ok().flatten()).map_or((0.0, 0.0), |k| {
        let room = |size: i32| if size > 0 { f64::from(size) + 14.0 } else { 0.0 };
        (room(k.client_width()), room(k.client_height()))
    });
    CanvasArea { width: f64::from(el.client_width()), height: f64::from(el.client_height()), key }
}

/// What the tokens mean, in the canvas corner: a learner should not need the docs for it.
/// A function with its state in the canvas's hook, not a component of its own (each
/// component costs the wasm its own copy of Yew's lifecycle code).
fn legend(open: State<bool>) -> Html {
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="legend" onpointerdown={Callback::from(|e: PointerEvent| e.stop_propagation())}>
            <button type="button" class="small" aria-expanded={crate::ui::true_false(*open)} onclick={toggle}>{ "Key" }</button>
            if *open {
                { Html::from_html_unchecked(crate::model::texts::canvas_key().into()) }
            }
        </div>
    }
}

/// A side route between two nodes (dead letters, replies), dashed and not a wire: from the
/// bottom of one box to the bottom of the other, dipping below both, so it reads as a side
/// channel and does not cross the wires; its label hangs under the route's lowest point,
/// where no wire or node is. `class` picks its colour and its arrowhead.
fn side_route(out: &mut String, class: &str, label: &str, a: (f64, f64), b: (f64, f64)) {
    let (x1, y1, x2, y2) = (a.0 + NODE_W / 2.0, a.1 + NODE_H, b.0 + NODE_W / 2.0, b.1 + NODE_H);
    let dip = y1.max(y2) + DEAD_LETTER_DIP;
    let lowest = 0.125 * y1 + 0.75 * dip + 0.125 * y2;
    let (mid, below) = (Plain((x1 + x2) / 2.0), Plain(lowest + 15.0));
    let (x1, y1, x2, y2, dip) = (Plain(x1), Plain(y1), Plain(x2), Plain(y2), Plain(dip));
    let marker = if class == "reply-link" { "url(#arrow-reply)" } else { "url(#arrow-dl)" };
    let _ = write!(
        out,
        r#"<g class="{class}"><path d="M {x1} {y1} C {x1} {dip}, {x2} {dip}, {x2} {y2}" marker-end="{marker}"/><text x="{mid}" y="{below}" text-anchor="middle">{label}</text></g>"#
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumer(state: &'static str, processed: u64) -> NodeSnapshot {
        NodeSnapshot {
            id: "worker-b".into(),
            kind: "consumer",
            published: None,
            ready: None,
            unacked: Some(2),
            in_progress: Some(1),
            state,
            processed: Some(processed),
            partitions: None,
            group: None,
            assigned: None,
            sagas: None,
            table: None,
            schema_version: None,
            replicas: None,
            placement: None,
        }
    }

    #[test]
    fn a_replicated_topic_shows_its_high_watermark_and_replicas_and_a_broker_what_it_holds() {
        let scenario = |crash: &str| {
            format!(
                r#"{{"version":1,"duration_ms":6000,"nodes":[
                {{"id":"b1","kind":"broker"{crash}}},{{"id":"b2","kind":"broker"}},
                {{"id":"p","kind":"producer","count":4,"arrivals":{{"fixed":{{"interval_ms":100}}}},"acks":"1"}},
                {{"id":"t","kind":"topic","partitions":1,"replication_factor":2,"replica_fetch_ms":1000}},
                {{"id":"c","kind":"consumer","group":"g"}}],
                "wires":[["p","t"],["t","c"]]}}"#
            )
        };
        let mut sim = broker::load(&scenario("")).unwrap();
        sim.advance_to(broker::SimTime::from_ms(350));
        let snap = sim.node_snapshots();
        let face = Face::of("topic", snap.iter().find(|s| s.id == "t"));
        assert_eq!(face.partitions, ["p0 0–4 hw 0 lag 4", " b1 lead · b2 isr"], "four records only the leader has");
        let b1 = Face::of("broker", snap.iter().find(|s| s.id == "b1"));
        assert_eq!((b1.lines.as_slice(), b1.badge), (&["leads 1 · follows 0".to_owned()][..], None));
        assert_eq!(Face::of("broker", snap.iter().find(|s| s.id == "b2")).lines, ["leads 0 · follows 1"]);

        // b1 crashes at 0.5 s with nothing replicated: b2 leads an empty log.
        let mut sim = broker::load(&scenario(r#","crash":{"at_ms":500}"#)).unwrap();
        sim.advance_to(broker::SimTime::from_ms(600));
        let snap = sim.node_snapshots();
        let b1 = Face::of("broker", snap.iter().find(|s| s.id == "b1"));
        assert_eq!(b1.badge, Some(("DOWN", "down")));
        assert_eq!(
            Face::of("topic", snap.iter().find(|s| s.id == "t")).partitions,
            ["p0 0–0 hw 0 lag 0", " b1 out · b2 lead"]
        );
        assert!(
            b1.label("broker", "b1").starts_with("Broker b1: leads 0 · follows 0, 1 out of sync, down"),
            "{}",
            b1.label("broker", "b1")
        );
    }

    #[test]
    fn a_read_model_shows_its_rows_beside_the_truth_and_marks_those_behind_in_words() {
        // One order, three events; the projection is slow, so the table lags the writer.
        let json = r#"{"version":1,"duration_ms":2000,"nodes":[
            {"id":"orders","kind":"producer","count":3,"arrivals":{"fixed":{"interval_ms":10}},"keys":["order-1"],
             "event_type":["OrderPlaced","OrderPaid","OrderShipped"]},
            {"id":"q","kind":"queue"},{"id":"p","kind":"consumer","processing":{"fixed":{"ms":100}}},
            {"id":"view","kind":"read_model"}],
            "wires":[["orders","q"],["q","p"],["p","view"]]}"#;
        let mut sim = broker::load(json).unwrap();
        sim.advance_to(broker::SimTime::from_ms(150));
        let snap = sim.node_snapshots();
        let face = Face::of("read_model", snap.iter().find(|s| s.id == "view"));
        assert_eq!(face.lines, ["1 row · 1 behind", "0 reads · 0 missed"]);
        assert_eq!(face.partitions, ["key       table truth", "order-1   v1   v3 behind"]);
        sim.run_to_end();
        let snap = sim.node_snapshots();
        let face = Face::of("read_model", snap.iter().find(|s| s.id == "view"));
        assert_eq!(face.partitions[1], "order-1   v3   v3");
        assert!(face.label("read_model", "view").starts_with("Read model view: 1 row · 0 behind"));
    }

    #[test]
    fn a_label_too_long_for_its_gap_is_cut_with_an_ellipsis() {
        assert_eq!(shorten("key #", 200.0), "key #");
        let cut = shorten("key order.placed.*", 60.0);
        assert!(cut.ends_with('…') && "key order.placed.*".starts_with(cut.trim_end_matches('…')), "{cut}");
        assert!(doc::wire_label_width(&cut) <= 60.0);
        assert_eq!(shorten("key x", 1.0), "k…");
    }

    #[test]
    fn a_nodes_name_is_its_kind_then_its_visible_text_in_order() {
        let busy = Face::of("consumer", Some(&consumer("busy", 550_431)));
        assert_eq!(busy.lines, ["2 in flight", "550,431 processed"]);
        assert_eq!(busy.label("consumer", "worker-b"), "Consumer worker-b: 2 in flight, 550,431 processed");
        // The badge is drawn after the lines, and named after them.
        let crashed = Face::of("consumer", Some(&consumer("crashed", 12)));
        assert_eq!(crashed.label("consumer", "worker-b"), "Consumer worker-b: 12 processed, crashed");
        assert_eq!(Face::of("queue", None).label("queue", "work"), "Queue work");
    }

    #[test]
    fn a_requester_counts_its_requests_and_is_a_consumer_until_it_has_any() {
        let counts =
            broker::SagaCounts { running: 2, completed: 37, compensated: 1, late_replies: 1, ..Default::default() };
        let requester = NodeSnapshot { sagas: Some(counts), ..consumer("busy", 40) };
        assert_eq!(Face::of("requester", Some(&requester)).lines, ["2 waiting · 37 answered", "1 gave up · 1 late"]);
        assert_eq!(
            Face::of("orchestrator", Some(&requester)).lines,
            ["2 running · 37 done", "1 undone · 0 need a person"]
        );
        // Just made a requester in the inspector, while the run is still the consumer's.
        assert_eq!(Face::of("requester", Some(&consumer("busy", 40))).lines, ["2 in flight", "40 processed"]);
    }
}
