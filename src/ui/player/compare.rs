//! Compare's pane: B drawn read-only under A's canvas (its nodes and wires in SVG, its tokens
//! on a `<canvas>` the frame loop draws), with the difference in outcome spelled out above
//! it. The run itself is [`crate::play::compare`].

use std::rc::Rc;

use broker::decimal::Plain;
use broker::Outcome;
use yew::prelude::*;

use crate::model::format::thousands;
use crate::model::{doc, service};
use crate::play::compare::{differences, scene_box, Comparison};
use crate::ui::editor::canvas::{curve, node_body, wire_line, Face};

pub struct ComparePaneProps {
    /// What the page shows of B.
    pub compare: Rc<Comparison>,
    /// A's outcome, for the difference strip.
    pub a_outcome: Rc<Outcome>,
    /// "Close compare".
    pub on_close: Callback<MouseEvent>,
}

/// B's pane (read-only) with the difference strip above it.
pub fn compare_pane(props: &ComparePaneProps) -> Html {
    let c = &props.compare;
    let d = &c.doc;
    let b = scene_box(d);
    let close = props.on_close.clone();
    let diffs = differences(&props.a_outcome, &c.outcome);
    let wires = doc::wires(d).iter().filter_map(|w| {
        let (from, to) = doc::wire_ends(w);
        doc::find_node(d, from)?;
        doc::find_node(d, to)?;
        let (x1, y1, x2, y2) = wire_line(doc::position(d, from), doc::position(d, to));
        let path = curve(x1, y1, x2, y2);
        Some(html! { <path class="wire-line" d={path} marker-end="url(#arrow)" /> })
    });
    let nodes = doc::nodes(d).iter().map(|n| {
        let id = doc::node_id(n);
        let shown = service::shown_kind(n);
        let (x, y) = doc::position(d, id);
        let status = c.status.iter().find(|s| s.id == id);
        let face = Face::of(shown, status);
        html! {
            <g class={format!("node read-only kind-{shown} state-{}", status.map_or("", |s| s.state))}
               transform={format!("translate({} {})", Plain(x), Plain(y))} role="img"
               aria-label={face.label(shown, id)}>
                { node_body(id, shown, &face) }
            </g>
        }
    });
    html! {
        <>
            <div class="compare-diff" role="status" aria-label="Difference between A and B">
                <strong>{ "B against A: " }</strong>
                if diffs.is_empty() {
                    { "the same so far." }
                } else {
                    { for diffs.iter().enumerate().map(|(i, (label, a, b))| html! {
                        <span class="diff">
                            { if i > 0 { "; " } else { "" } }
                            { format!("{} {label} (A: {})", thousands(*b), thousands(*a)) }
                        </span>
                    }) }
                }
            </div>
            <div class="compare-pane" role="region" aria-label={format!("Compare: B, {}", c.label)}>
                <div class="pane-label">
                    <span><strong>{ "B: " }</strong>{ c.label.clone() }{ " (same seed, read-only)" }</span>
                    <button type="button" class="small" onclick={close}>{ "Close compare" }</button>
                </div>
                <svg class="canvas-svg" viewBox={format!("{} {} {} {}", Plain(b.0), Plain(b.1), Plain(b.2), Plain(b.3))} preserveAspectRatio="xMidYMid meet">
                    { for wires }
                    { for nodes }
                </svg>
                <canvas class="token-layer" id="compare-tokens" aria-hidden="true"></canvas>
                <p class="pane-verdict">{ c.outcome.verdict.first().cloned().unwrap_or_default() }</p>
            </div>
        </>
    }
}
