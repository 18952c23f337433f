//! The Outcome region: the verdict in plain words, where every published message ended up,
//! the damage, timing, and the trace hash that proves a replay is the same run.

use std::fmt::Write;
use std::rc::Rc;

use broker::Outcome;
use yew::prelude::*;

use crate::model::format::{format_time, millis, thousands};
use crate::play::fates::{fate_counts, flow_counts};
use crate::ui::panels::markup::esc;
use crate::ui::raw;

pub struct OutcomePanelProps {
    /// The outcome so far, at the playhead.
    pub outcome: Rc<Outcome>,
    pub t_us: u64,
    pub end_us: u64,
    pub playing: bool,
    /// The message the passport follows.
    pub selected: Option<u32>,
    /// What a press on a message or a flow under a verdict line does (`markup::on_press`):
    /// follow the message in the passport, show the flow in the flow view.
    pub on_press: Callback<MouseEvent>,
}

/// Message links shown under one verdict line; the rest are counted.
const LINKS: usize = 6;

/// The region "Outcome": the verdict in plain words, then the seven fates and the figures,
/// live at the playhead.
pub fn outcome_panel(props: &OutcomePanelProps) -> Html {
    html! {
        <section class="outcome" aria-labelledby="outcome-heading" tabindex="0" onclick={props.on_press.clone()}
                 aria-busy={counting(&props.outcome, props).then_some("true")}>
            { raw(r#"<h2 id="outcome-heading">Outcome</h2>"#) }
            { render_outcome(&props.outcome, props) }
        </section>
    }
}

/// The verdict's lines as markup, each with buttons for the messages it is about (the one
/// followed pressed) and, for a line about one flow, "See the flow".
fn verdict_list(o: &Outcome, selected: Option<u32>) -> String {
    let mut out = String::from(r#"<ul class="verdict" aria-labelledby="verdict-heading">"#);
    for (i, line) in o.verdict.iter().enumerate() {
        let _ = write!(out, "<li>{}", esc(line));
        let refs = o.verdict_refs.get(i).map_or(&[][..], |r| &r[..]);
        if !refs.is_empty() {
            out.push_str(r#"<span class="msg-links">"#);
            let linked: Vec<(u32, broker::MessageOutcome)> =
                refs.iter().take(LINKS).filter_map(|&m| Some((m, o.messages.get(m as usize)?))).collect();
            for (m, mo) in &linked {
                // A line about one flow links several messages of one key: those are told
                // apart by their ids.
                let shared = |k: &str| linked.iter().filter(|(_, x)| x.key.as_deref() == Some(k)).count() > 1;
                let name = match mo.key.as_deref() {
                    Some(k) if !shared(k) => k.to_string(),
                    _ => mo.id.to_string(),
                };
                let on = selected == Some(*m);
                let _ = write!(
                    out,
                    r#"<button type="button" class="msg-link{}" id="verdict-{i}-{m}" data-m="{m}" data-open aria-label="Follow {} ({}) in the passport" aria-pressed="{}">{}</button>"#,
                    if on { " selected" } else { "" },
                    esc(&name),
                    esc(&mo.id.to_string()),
                    crate::ui::true_false(on),
                    esc(&name)
                );
            }
            if refs.len() > LINKS {
                let _ = write!(out, r#"<span class="more">+{} more</span>"#, refs.len() - LINKS);
            }
            if let Some(root) = flow_root(o, refs) {
                let _ = write!(
                    out,
                    r#"<button type="button" class="msg-link" data-flow="{root}" aria-label="See the flow of {} in the flow view">See the flow</button>"#,
                    linked.first().map_or(String::new(), |l| esc(&l.1.id.to_string()))
                );
            }
            out.push_str("</span>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// The counts and figures under the verdict, as markup (text only, rewritten whenever the
/// outcome changes: as `html!` elements each one cost the wasm its own code).
fn figures(o: &Outcome) -> String {
    let mut out = String::new();
    let counts = |out: &mut String, heading: &str, label: &str, counts: &[(&str, u64, &str)]| {
        let _ = write!(out, r#"<h3>{heading}</h3><dl class="counts"{label}>"#);
        for (label, n, tone) in counts {
            // Tone is a hint only; the label says the same in words.
            let _ = write!(
                out,
                r#"<div class="count count-{tone}{}"><dt>{label}</dt><dd>{}</dd></div>"#,
                if *n == 0 { " count-zero" } else { "" },
                thousands(*n)
            );
        }
        out.push_str("</dl>");
    };
    counts(&mut out, "Messages", "", &fate_counts(o));
    if let Some(flows) = flow_counts(o) {
        counts(&mut out, "Flows", r#" aria-label="Flows""#, &flows);
    }
    let figure = |out: &mut String, label: &str, value: String| {
        let _ = write!(out, r#"<div class="figure"><dt>{label}</dt><dd>{value}</dd></div>"#);
    };
    out.push_str(r#"<h3>Damage and delivery</h3><dl class="figures">"#);
    figure(&mut out, "Duplicate effects", thousands(o.duplicate_effects));
    figure(&mut out, "Duplicates suppressed", thousands(o.duplicates_suppressed));
    figure(&mut out, "Out of order", thousands(o.out_of_order));
    figure(&mut out, "Retries", thousands(o.retries));
    figure(&mut out, "Redeliveries", thousands(o.redeliveries));
    if o.phantom_events > 0 {
        figure(&mut out, "Phantom events (write rolled back)", thousands(o.phantom_events));
    }
    if o.aborted_effects > 0 {
        figure(&mut out, "Effects of aborted transactions", thousands(o.aborted_effects));
    }
    if o.schemas.is_some() {
        figure(&mut out, "Unreadable (schema)", thousands(o.unreadable));
        figure(&mut out, "Deploys refused", thousands(o.deploys_refused));
    }
    out.push_str("</dl>");
    for (name, r) in &o.read_models {
        read_model_figures(&mut out, &esc(name), r);
    }
    out.push_str(r#"<h3>Timing</h3><dl class="figures">"#);
    figure(&mut out, "Latency p50", millis(o.latency_ms.p50, o.latency_ms.samples));
    figure(&mut out, "Latency p95", millis(o.latency_ms.p95, o.latency_ms.samples));
    figure(&mut out, "Latency p99", millis(o.latency_ms.p99, o.latency_ms.samples));
    figure(&mut out, "Max queue depth", thousands(o.max_queue_depth));
    figure(&mut out, "Max consumer lag", thousands(o.max_consumer_lag));
    let _ = write!(
        out,
        r#"</dl><dl class="figures trace"><div class="figure"><dt>Trace hash</dt><dd><code class="trace-hash">{}</code></dd></div></dl>"#,
        o.trace_hash
    );
    out
}

/// A read model's figures, then its reads by the time from the write to the read, with the
/// share that missed the write as a bar and in numbers: the window of eventual consistency.
fn read_model_figures(out: &mut String, name: &str, r: &broker::ReadModelReport) {
    let c = &r.counts;
    let _ = write!(out, r#"<h3>Read model {name}</h3><dl class="figures">"#);
    let shown = &r.visible_after_ms;
    for (label, value) in [
        ("Rows", thousands(u64::from(r.rows))),
        ("Rows behind the write side", thousands(u64::from(r.rows_behind))),
        ("Reads", thousands(u64::from(c.reads))),
        ("Reads that missed their write", thousands(u64::from(c.missed_own_write))),
        ("Reads sent to the write side", thousands(u64::from(c.routed))),
        ("Shown after its write, p50", millis(shown.p50, shown.samples)),
        ("Shown after its write, p99", millis(shown.p99, shown.samples)),
    ] {
        let _ = write!(out, r#"<div class="figure"><dt>{label}</dt><dd>{value}</dd></div>"#);
    }
    out.push_str("</dl>");
    if c.reads == 0 {
        return;
    }
    let _ = write!(
        out,
        r#"<table class="age-chart"><caption>Reads of {name} that missed their write, by time since the write</caption><tr><th scope="col">Since the write</th><th scope="col">Reads</th><th scope="col">Missed</th></tr>"#
    );
    let mut from = 0;
    for b in r.by_age.iter() {
        let span = match b.under_ms {
            Some(to) if from == 0 => format!("under {} ms", thousands(to)),
            Some(to) => format!("{}–{} ms", thousands(from), thousands(to)),
            None => format!("{} ms or more", thousands(from)),
        };
        from = b.under_ms.unwrap_or(from);
        if b.reads == 0 {
            continue;
        }
        let share = u64::from(b.missed) * 100 / u64::from(b.reads);
        let _ = write!(
            out,
            r#"<tr><th scope="row">{span}</th><td>{}</td><td><span class="bar" style="width:{}px" aria-hidden="true"></span>{} ({share}%)</td></tr>"#,
            b.reads,
            share * 3 / 5,
            b.missed
        );
    }
    out.push_str("</table>");
}

/// The first message of the flow a verdict line is about, if it is about one.
fn flow_root(o: &Outcome, refs: &[u32]) -> Option<u32> {
    o.flows.as_ref()?.records.iter().find(|r| r.refs == refs).and_then(|r| r.refs.first().copied())
}

/// A big run's outcome is built over a few frames after a seek: until it arrives, the figures
/// are those of the moment before, and the status says so.
fn counting(o: &Outcome, p: &OutcomePanelProps) -> bool {
    !p.playing && (o.t_ms * 1000.0).round() as u64 != p.t_us
}

fn render_outcome(o: &Outcome, p: &OutcomePanelProps) -> Html {
    let at = format_time(p.t_us);
    let status = if counting(o, p) {
        format!("Counting what happened up to {at}…")
    } else if p.playing {
        format!("Playing, seed {}.", o.seed)
    } else if p.t_us >= p.end_us {
        format!("Finished at {at} with seed {}: {} events.", o.seed, thousands(o.events))
    } else if p.t_us == 0 {
        "Ready: press Play, or Step through it event by event.".to_owned()
    } else {
        format!("Paused at {at}: {} events so far.", thousands(o.events))
    } + if o.halted { " It stopped early, at one of Brokerlab's limits (see the verdict)." } else { "" };
    html! {
        <>
            <p class="run-status" role="status">{ status }</p>

            { raw(r#"<h3 id="verdict-heading">Verdict</h3>"#) }
            { Html::from_html_unchecked(verdict_list(o, p.selected).into()) }
            { Html::from_html_unchecked(figures(o).into()) }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lag lesson's reads, by the time since the write: most miss in the first 50 ms, none
    /// after a second; each bar carries its numbers in words.
    #[test]
    fn a_read_models_reads_are_charted_by_time_since_the_write() {
        let json =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/read-model-lag.json")).unwrap();
        let mut sim = broker::load(&json).unwrap();
        sim.run_to_end();
        let html = figures(&sim.outcome());
        assert!(html.contains("<h3>Read model my-orders</h3>"), "{html}");
        assert!(html.contains("<dt>Reads that missed their write</dt><dd>46</dd>"), "{html}");
        assert!(html.contains("<caption>Reads of my-orders that missed their write, by time since the write</caption>"));
        let rows = html.matches(r#"<tr><th scope="row">"#).count();
        assert!((2..=9).contains(&rows), "{html}");
        assert!(html.contains(r#"<th scope="row">under 50 ms</th>"#), "{html}");
        assert!(!html.contains("1,000 ms or more"), "no read comes a second after its write: {html}");
    }
}
