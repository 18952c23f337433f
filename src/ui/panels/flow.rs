//! The flow view: the followed message's whole flow as a timeline, the passport grown to
//! every message of one correlation id. One row per service with each handling linked to the
//! message that caused it, or a parent-child tree (`play::flow`). Waits are light bars,
//! processing dark ones, backoff striped; failures, crashes, dead letters, losses, effects
//! applied twice and compensations are glyphs on them. A line marks the playhead, what is
//! later than it is faded, and every bar is a button that moves the timeline to its start.
//!
//! The chart is written as markup text and clicks reach it through one listener on the chart
//! (each bar carries its message and time): built with `html!`, bar by bar, the same chart
//! was 19 KB of gzip'd wasm against a budget with 13 KB to spare. Rebuilding the markup
//! replaces the bars, so the bar last pressed gets the focus back after the render
//! (`markup::refocus`).

use std::fmt::Write;

use broker::decimal::Plain;
use broker::Names;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::flow::{Flow, Part, Row, Sign, SpanKind};
use crate::state::{AppState, PanelAction};
use crate::ui::panels::markup::{esc, on_press, pressed};

/// The most rows drawn; a flow amplified into hundreds of messages says how many are left out.
const MAX_ROWS: usize = 80;

pub fn flow_view(state: &UseReducerHandle<AppState>) -> Html {
    let body = match state.message {
        None => "<p class=\"hint\">Choose a message to see its whole flow: click a token on the canvas, a row in the event log, a message named in the Outcome, or \"See the flow\" on a flow's line in the verdict.</p>".to_string(),
        Some(msg) => markup(state, msg),
    };
    // One listener each for the whole view: a bar moves the timeline, a radio button
    // changes the layout; each gets the focus back once the view is rebuilt.
    let onclick = on_press(state);
    let onchange = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            let Some(radio) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let id = radio.id();
            if id.starts_with("flow-as-") {
                let tree = id == "flow-as-tree";
                pressed(id);
                d.dispatch(PanelAction::SetFlowTree(tree).into());
            }
        })
    };
    html! {
        <section class="flow-view" aria-label="Flow view" {onclick} {onchange}>{ Html::from_html_unchecked(body.into()) }</section>
    }
}

/// The view of the flow of `msg`: what it is and how it ended, the layout's choice, the
/// chart and its key.
fn markup(state: &AppState, msg: u32) -> String {
    let engine = state.engine.borrow();
    let journal = engine.player.journal.borrow();
    let sim = engine.player.sim();
    let flow = Flow::read(&journal, sim, msg, state.t_us);
    let now = state.t_us;
    let mut out = format!(r#"<h3 class="passport-title">Flow of {}</h3>"#, esc(&journal.label(sim, flow.root)));
    // How it ended and its effect ledger, at the outcome's moment, when the scenario names
    // its flows.
    let record =
        state.outcome.flows.as_ref().and_then(|f| f.records.iter().find(|r| r.refs.first() == Some(&flow.root)));
    if let Some(r) = record {
        let _ = write!(
            out,
            r#"<p class="flow-state flow-{}"><strong>{}</strong>: {}.</p>"#,
            r.state.name(),
            state_label(r.state),
            esc(&r.why)
        );
    }
    let mut handlers: Vec<u32> = Vec::new();
    for s in flow.spans.iter().filter(|s| s.kind == SpanKind::Handling) {
        if !handlers.contains(&s.node.0) {
            handlers.push(s.node.0);
        }
    }
    let (n, h) = (flow.members.len(), handlers.len());
    let _ = write!(
        out,
        r#"<p class="passport-fate">{n} message{}, handled at {h} consumer{}, from {} to {}{}. Now: {}.</p>"#,
        if n == 1 { "" } else { "s" },
        if h == 1 { "" } else { "s" },
        format_time(flow.from),
        format_time(flow.last),
        if flow.open { ", something of it still waiting" } else { "" },
        format_time(now),
    );
    if let Some(r) = record.filter(|r| !r.effects.is_empty()) {
        out.push_str(r#"<p class="passport-fate">Effects applied: "#);
        for (i, (e, n)) in r.effects.iter().enumerate() {
            let _ = write!(out, "{}{} {n}", if i > 0 { ", " } else { "" }, esc(e));
        }
        out.push_str(".</p>");
    }
    let tree = state.flow_tree;
    let _ = write!(
        out,
        r#"<div class="flow-choices" role="radiogroup" aria-label="Draw the flow"><label class="flow-choice"><input type="radio" name="flow-layout" id="flow-as-links"{}>By service, with links</label><label class="flow-choice"><input type="radio" name="flow-layout" id="flow-as-tree"{}>Parent-child tree</label></div><div class="flow-chart{}">"#,
        if tree { "" } else { " checked" },
        if tree { " checked" } else { "" },
        if tree { " tree" } else { "" },
    );
    let (rows, links) = if tree { (flow.as_tree(&journal, sim), Vec::new()) } else { flow.by_service(sim) };
    chart(&mut out, &flow, &rows, &links, &journal, sim, now, tree);
    out.push_str(r#"</div><p class="flow-legend"><span class="key-bar bar-wait"></span> waiting <span class="key-bar bar-work"></span> processing <span class="key-bar bar-backoff"></span> retry backoff"#);
    for s in Sign::ALL {
        let _ = write!(out, r#" · <span class="glyph">{}</span> {}"#, s.glyph(), s.meaning());
    }
    out.push_str("</p>");
    out
}

/// The chart's markup: the rows with their bars and marks, then the links, the arrowheads
/// and the playhead drawn over the lanes (100 units a row, 1,000 across).
#[allow(clippy::too_many_arguments)]
fn chart(
    out: &mut String,
    flow: &Flow,
    rows: &[Row],
    links: &[crate::play::flow::Link],
    journal: &crate::play::journal::Journal,
    sim: &broker::Simulation,
    now: u64,
    tree: bool,
) {
    let shown = rows.len().min(MAX_ROWS);
    let span_us = (flow.to - flow.from).max(1) as f64;
    // Percent across the lane; a little room on the right so the last bar shows.
    let x = |t: u64| (t.saturating_sub(flow.from) as f64 / span_us * 97.0).clamp(0.0, 100.0);
    let _ = write!(
        out,
        r#"<ol class="flow-rows" aria-label="{}">"#,
        if tree { "Spans, each under its parent" } else { "Services" }
    );
    for r in &rows[..shown] {
        let _ = write!(
            out,
            r#"<li class="flow-row"><span class="flow-label" style="padding-left:{}em">{}</span><div class="flow-lane">"#,
            Plain(r.depth as f64 * 0.5),
            esc(&r.label)
        );
        for &i in &r.spans {
            let s = &flow.spans[i];
            let node = sim.node_name(s.node);
            let who = journal.label(sim, s.msg);
            // A wait that took no time is no bar (a publish is, however short).
            for (k, g) in s.segs.iter().enumerate().filter(|(_, g)| g.open || g.to > g.from || g.part == Part::Publish)
            {
                let what = match g.part {
                    Part::Publish => "published",
                    Part::Wait if s.kind == SpanKind::Queue => "waiting in the queue",
                    Part::Wait => "waiting",
                    Part::Work => "processing",
                    Part::Backoff => "waiting to retry",
                };
                let work = g.part == Part::Work;
                let effect = s.effect.as_deref().filter(|_| work).map_or(String::new(), |e| format!(" ({e})"));
                let when = match (g.open, g.to > g.from) {
                    (true, _) => format!("from {}, still going", format_time(g.from)),
                    (false, true) => format!("from {} until {}", format_time(g.from), format_time(g.to)),
                    (false, false) => format!("at {}", format_time(g.from)),
                };
                let name = esc(&format!("{node}: {what} {} {who}{effect}, {when}", s.event_type));
                let text = if work { s.effect.as_deref().unwrap_or(&s.event_type) } else { "" };
                let _ = write!(
                    out,
                    r#"<button type="button" id="flow-bar-{i}-{k}" class="bar {}{}{}" data-m="{}" data-t="{}" aria-label="{name}" title="{name}" style="left:{}%;width:{}%">{}</button>"#,
                    g.part.class(),
                    if g.open { " open" } else { "" },
                    if g.from > now { " later" } else { "" },
                    s.msg,
                    g.from,
                    Plain(x(g.from)),
                    Plain(x(g.to) - x(g.from)),
                    esc(text)
                );
            }
            for m in &s.marks {
                let text = esc(&m.text);
                let _ = write!(
                    out,
                    r#"<span class="{}{}" role="img" aria-label="{}: {text}" title="{text}" style="left:{}%">{}</span>"#,
                    m.sign.class(),
                    if m.t > now { " later" } else { "" },
                    m.sign.meaning(),
                    Plain(x(m.t)),
                    m.sign.glyph()
                );
            }
        }
        out.push_str("</div></li>");
    }
    // Rows are 2rem high: the overlay covers exactly the rows drawn.
    let _ = write!(out, r#"</ol><div class="flow-over" aria-hidden="true" style="height:{}rem">"#, shown * 2);
    let drawn: Vec<_> = links.iter().filter(|l| l.from.0 < shown && l.to.0 < shown).collect();
    if !drawn.is_empty() {
        let _ = write!(out, r#"<svg viewBox="0 0 1000 {}" preserveAspectRatio="none">"#, shown * 100);
        for l in &drawn {
            let down = l.to.0 > l.from.0;
            let (x1, y1) = (Plain(x(l.from.1) * 10.0), l.from.0 * 100 + 50);
            let (x2, y2) = (Plain(x(l.to.1) * 10.0), l.to.0 * 100 + if down { 22 } else { 78 });
            let mid = (y1 + y2) / 2;
            let _ = write!(out, r#"<path d="M{x1} {y1}C{x1} {mid},{x2} {mid},{x2} {y2}"/>"#);
        }
        out.push_str("</svg>");
        for l in &drawn {
            let down = l.to.0 > l.from.0;
            let top = (l.to.0 as f64 + if down { 0.05 } else { 0.68 }) / shown as f64 * 100.0;
            let _ = write!(
                out,
                r#"<span class="flow-head" style="left:{}%;top:{}%">{}</span>"#,
                Plain(x(l.to.1)),
                Plain(top),
                if down { "▼" } else { "▲" }
            );
        }
    }
    if now >= flow.from && now <= flow.to {
        let _ = write!(out, r#"<div class="flow-now" style="left:{}%"></div>"#, Plain(x(now)));
    }
    out.push_str("</div>");
    if rows.len() > shown {
        let _ = write!(out, r#"<p class="hint">{} more rows are not drawn.</p>"#, rows.len() - shown);
    }
}

/// A flow state as the Outcome's counts name it ("Still in flight").
fn state_label(s: broker::scenario::FlowState) -> &'static str {
    crate::play::fates::FLOW_LABELS[broker::scenario::FlowState::ALL.iter().position(|x| *x == s).unwrap_or(0)]
}
