//! The Outcome region: the verdict in plain words, where every published message ended up,
//! the damage, timing, and the trace hash that proves a replay is the same run.

use std::fmt::Write;
use std::rc::Rc;

use broker::Outcome;
use yew::prelude::*;

use crate::model::format::{format_time, millis, thousands};
use crate::play::fates::{fate_counts, flow_counts};

pub struct OutcomePanelProps {
    /// The outcome so far, at the playhead.
    pub outcome: Rc<Outcome>,
    pub t_us: u64,
    pub end_us: u64,
    pub playing: bool,
    /// The message the passport follows, and how to follow another.
    pub selected: Option<u32>,
    pub on_message: Callback<u32>,
    /// Show a flow (by its first message) in the flow view.
    pub on_flow: Callback<u32>,
}

/// Message links shown under one verdict line; the rest are counted.
const LINKS: usize = 6;

/// The region "Outcome": the verdict in plain words, then the seven fates and the figures,
/// live at the playhead.
pub fn outcome_panel(props: &OutcomePanelProps) -> Html {
    html! {
        <section class="outcome" aria-labelledby="outcome-heading" tabindex="0"
                 aria-busy={counting(&props.outcome, props).then_some("true")}>
            <h2 id="outcome-heading">{ "Outcome" }</h2>
            { render_outcome(&props.outcome, props) }
        </section>
    }
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
    out.push_str(r#"</dl><h3>Timing</h3><dl class="figures">"#);
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
    let verdict: Vec<&String> = o.verdict.iter().collect();
    html! {
        <>
            <p class="run-status" role="status">{ status }</p>

            <h3 id="verdict-heading">{ "Verdict" }</h3>
            <ul class="verdict" aria-labelledby="verdict-heading">
                { for verdict.iter().enumerate().map(|(i, line)| {
                    let refs = o.verdict_refs.get(i).map_or(&[][..], |r| &r[..]);
                    let linked: Vec<(u32, broker::MessageOutcome)> =
                        refs.iter().take(LINKS).filter_map(|&m| Some((m, o.messages.get(m as usize)?))).collect();
                    html! {
                        <li>
                            { line.as_str() }
                            if !refs.is_empty() {
                                <span class="msg-links">
                                    { for linked.iter().map(|(m, mo)| {
                                        let m = *m;
                                        // A line about one flow links several messages of one key:
                                        // those are told apart by their ids.
                                        let shared = |k: &str| linked.iter().filter(|(_, x)| x.key.as_deref() == Some(k)).count() > 1;
                                        let name = match mo.key.as_deref() {
                                            Some(k) if !shared(k) => k.to_string(),
                                            _ => mo.id.to_string(),
                                        };
                                        let on_message = p.on_message.clone();
                                        html! {
                                            <button type="button" class={if p.selected == Some(m) { "msg-link selected" } else { "msg-link" }}
                                                    aria-label={format!("Follow {name} ({}) in the passport", mo.id)}
                                                    aria-pressed={crate::ui::true_false(p.selected == Some(m))}
                                                    onclick={Callback::from(move |_| on_message.emit(m))}>
                                                { name }
                                            </button>
                                        }
                                    }) }
                                    if refs.len() > LINKS { <span class="more">{ format!("+{} more", refs.len() - LINKS) }</span> }
                                    // A line about one flow: its whole flow, in the flow view.
                                    if let Some(root) = flow_root(o, refs) {
                                        <button type="button" class="msg-link" onclick={p.on_flow.reform(move |_| root)}
                                                aria-label={format!("See the flow of {} in the flow view", linked.first().map_or(String::new(), |l| l.1.id.to_string()))}>
                                            { "See the flow" }
                                        </button>
                                    }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ul>

            { Html::from_html_unchecked(figures(o).into()) }
        </>
    }
}
