//! Small charts over virtual time, drawn in SVG from the journal's samples: messages in each
//! queue, lag of each consumer group, and deliveries in flight at each consumer. Lines differ
//! by dash pattern as well as colour, each is named in a legend with its value at the
//! playhead, and the stretch after the playhead is shaded. A click on a chart moves the
//! timeline to that moment. A chart is written as markup text (`markup`): its lines, legend
//! and shading are no `html!` elements of their own.

use std::fmt::Write;

use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::journal::{Journal, Line, Measure};
use crate::state::{AppState, TransportAction};
use crate::ui::panels::markup::esc;
use crate::ui::raw;

/// Chart size in SVG units; it scales to the panel's width. Coordinates are whole units, so
/// no float formatting code comes into the wasm for them.
const W: i64 = 300;
const H: i64 = 96;
/// The most lines drawn in one chart; the rest are listed as left out.
const MAX_LINES: usize = 6;

const COLOURS: [&str; 6] = ["#0b5cad", "#b45309", "#047857", "#7c3aed", "#be123c", "#374151"];
const DASHES: [&str; 6] = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"];

/// The value of a line at or just before `t_us`.
pub fn value_at(j: &Journal, line: &Line, t_us: u64) -> u64 {
    let i = j.times.partition_point(|&t| t <= t_us);
    i.checked_sub(1).and_then(|i| line.values.get(i)).copied().unwrap_or(0)
}

/// SVG points for a line, scaled to the chart.
pub fn points(times: &[u64], values: &[u64], end_us: u64, max: u64) -> String {
    let mut out = String::new();
    for (t, v) in times.iter().zip(values) {
        let x = (*t as f64 / end_us.max(1) as f64 * W as f64).round() as i64;
        let y = H - (*v as f64 / max.max(1) as f64 * (H - 4) as f64).round() as i64;
        out.push_str(&format!("{x},{y} "));
    }
    out
}

fn chart(state: &UseReducerHandle<AppState>, j: &Journal, measure: Measure, title: &str, unit: &str) -> Html {
    let lines: Vec<&Line> = j.lines.iter().filter(|l| l.measure == measure).collect();
    if lines.is_empty() {
        return html! {};
    }
    let end = state.end_us.max(1);
    let max = lines.iter().flat_map(|l| l.values.iter()).copied().max().unwrap_or(0).max(1);
    let x_now = ((state.t_us as f64 / end as f64 * W as f64).round() as i64).min(W);
    let onclick = {
        let d = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            // Yew delegates events to its root, so the plot is found from the target.
            let Some(el) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|t| t.closest("svg.chart-plot").ok().flatten())
            else {
                return;
            };
            let r = el.get_bounding_client_rect();
            if r.width() > 0.0 {
                let k = ((e.client_x() as f64 - r.left()) / r.width()).clamp(0.0, 1.0);
                d.dispatch(TransportAction::Seek((k * end as f64) as u64).into());
            }
        })
    };
    let shown = lines.len().min(MAX_LINES);
    let mut out = format!(
        r#"<figcaption>{title}<span class="chart-max">{unit}: at most {max}</span></figcaption><svg viewBox="0 0 {W} {H}" preserveAspectRatio="none" class="chart-plot" role="img" aria-label="{title} over the run; click to move the timeline there"><line class="axis" x1="0" y1="{H}" x2="{W}" y2="{H}"/>"#
    );
    for (i, l) in lines.iter().take(MAX_LINES).enumerate() {
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-dasharray="{}" stroke-width="2" vector-effect="non-scaling-stroke"/>"#,
            points(&j.times, &l.values, end, max),
            COLOURS[i % COLOURS.len()],
            DASHES[i % DASHES.len()]
        );
    }
    let _ = write!(
        out,
        r#"<rect class="future" x="{x_now}" y="0" width="{}" height="{H}"/><line class="playhead" x1="{x_now}" y1="0" x2="{x_now}" y2="{H}" vector-effect="non-scaling-stroke"/></svg><div class="chart-axis"><span>0 s</span><span>{}</span></div><ul class="legend-lines">"#,
        (W - x_now).max(0),
        format_time(state.end_us)
    );
    for (i, l) in lines.iter().take(MAX_LINES).enumerate() {
        let _ = write!(
            out,
            r#"<li><svg width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/></svg><span class="legend-name">{}</span><span class="legend-value">{} now</span></li>"#,
            COLOURS[i % COLOURS.len()],
            DASHES[i % DASHES.len()],
            esc(&l.label),
            value_at(j, l, state.t_us)
        );
    }
    if lines.len() > shown {
        let _ = write!(out, r#"<li class="hint">and {} more not drawn</li>"#, lines.len() - shown);
    }
    out.push_str("</ul>");
    // The plot's listener sits on the figure, around the markup (`markup`); a click finds the
    // plot from its target.
    html! {
        <figure class="chart" {onclick}>{ Html::from_html_unchecked(out.into()) }</figure>
    }
}

pub fn charts(state: &UseReducerHandle<AppState>) -> Html {
    let engine = state.engine.borrow();
    let j = engine.player.journal.borrow();
    html! {
        <section class="charts" aria-label="Charts">
            if j.times.is_empty() {
                { raw(r#"<p class="hint">Reading the run…</p>"#) }
            } else {
                { chart(state, &j, Measure::Depth, "Queue depth", "messages") }
                { chart(state, &j, Measure::Lag, "Consumer group lag", "records") }
                { chart(state, &j, Measure::InFlight, "In flight per consumer", "deliveries") }
                { chart(state, &j, Measure::Waiting, "Waiting for a reply", "sagas or requests") }
                { chart(state, &j, Measure::Behind, "Read-model rows behind the write side", "rows") }
                if !j.complete { { raw(r#"<p class="hint">Still reading the rest of the run…</p>"#) } }
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_scale_to_the_chart_and_the_value_follows_the_playhead() {
        assert_eq!(points(&[0, 50, 100], &[0, 5, 10], 100, 10), "0,96 150,50 300,4 ");
        let mut j = Journal::default();
        j.times = vec![0, 10, 20];
        j.lines = vec![Line { measure: Measure::Depth, label: "q".into(), values: vec![1, 2, 3] }];
        assert_eq!(value_at(&j, &j.lines[0], 0), 1);
        assert_eq!(value_at(&j, &j.lines[0], 15), 2);
        assert_eq!(value_at(&j, &j.lines[0], 99), 3);
    }
}
