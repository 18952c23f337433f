//! Compare's pane: B drawn read-only under A's canvas (its nodes and wires in SVG, its tokens
//! on a `<canvas>` the frame loop draws), with the difference in outcome spelled out above
//! it. The run itself is [`crate::play::compare`].

use std::fmt::Write;
use std::rc::Rc;

use broker::decimal::Plain;
use broker::Outcome;
use yew::prelude::*;

use crate::model::format::thousands;
use crate::model::{doc, service};
use crate::play::compare::{differences, scene_box, Comparison};
use crate::ui::editor::canvas::{curve, node_body, wire_line, Face};
use crate::ui::panels::markup::esc;

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
    // B's wires and nodes: nothing in them is focused or pressed, so they are markup text
    // (see `panels::markup`).
    let mut scene = String::new();
    for w in doc::wires(d) {
        let (from, to) = doc::wire_ends(w);
        if doc::find_node(d, from).is_none() || doc::find_node(d, to).is_none() {
            continue;
        }
        let (x1, y1, x2, y2) = wire_line(doc::position(d, from), doc::position(d, to));
        let _ = write!(scene, r#"<path class="wire-line" d="{}" marker-end="url(#arrow)"/>"#, curve(x1, y1, x2, y2));
    }
    for n in doc::nodes(d) {
        let id = doc::node_id(n);
        let shown = service::shown_kind(n);
        let (x, y) = doc::position(d, id);
        let status = c.status.iter().find(|s| s.id == id);
        let face = Face::of(shown, status);
        let _ = write!(
            scene,
            r#"<g class="node read-only kind-{shown} state-{}" transform="translate({} {})" role="img" aria-label="{}">{}</g>"#,
            status.map_or("", |s| s.state),
            Plain(x),
            Plain(y),
            esc(&face.label(shown, id)),
            node_body(id, shown, &face)
        );
    }
    // The difference and the labels are text too: a change of the difference is announced
    // whole either way (a status region is atomic).
    let mut diff = String::from("<strong>B against A: </strong>");
    if diffs.is_empty() {
        diff.push_str("the same so far.");
    }
    for (i, (label, a, b)) in diffs.iter().enumerate() {
        let _ = write!(
            diff,
            r#"<span class="diff">{}{} {label} (A: {})</span>"#,
            if i > 0 { "; " } else { "" },
            thousands(*b),
            thousands(*a)
        );
    }
    let label = format!("<span><strong>B: </strong>{} (same seed, read-only)</span>", esc(&c.label));
    let verdict =
        format!(r#"<p class="pane-verdict">{}</p>"#, esc(c.outcome.verdict.first().map_or("", String::as_str)));
    html! {
        <>
            <div class="compare-diff" role="status" aria-label="Difference between A and B">
                { Html::from_html_unchecked(diff.into()) }
            </div>
            <div class="compare-pane" role="region" aria-label={format!("Compare: B, {}", c.label)}>
                <div class="pane-label">
                    { Html::from_html_unchecked(label.into()) }
                    <button type="button" class="small" onclick={close}>{ "Close compare" }</button>
                </div>
                <svg class="canvas-svg" viewBox={format!("{} {} {} {}", Plain(b.0), Plain(b.1), Plain(b.2), Plain(b.3))} preserveAspectRatio="xMidYMid meet">
                    { Html::from_html_unchecked(scene.into()) }
                </svg>
                <canvas class="token-layer" id="compare-tokens" aria-hidden="true"></canvas>
                { Html::from_html_unchecked(verdict.into()) }
            </div>
        </>
    }
}
