//! The Outcome region: the verdict in plain words, where every published message ended up,
//! the damage, timing, and the trace hash that proves a replay is the same run.

use broker::Outcome;
use yew::prelude::*;

use crate::state::RunResult;

#[derive(Properties, PartialEq)]
pub struct OutcomePanelProps {
    pub result: RunResult,
    /// The seed the result was run with.
    pub seed: u64,
}

#[function_component(OutcomePanel)]
pub fn outcome_panel(props: &OutcomePanelProps) -> Html {
    html! {
        <section class="outcome" aria-labelledby="outcome-heading">
            <h2 id="outcome-heading">{ "Outcome" }</h2>
            { match &props.result {
                RunResult::Ran(o) => render_outcome(o, props.seed),
                RunResult::Failed(problems) => render_problems(problems),
            } }
        </section>
    }
}

fn render_problems(problems: &[String]) -> Html {
    html! {
        <div class="problems" role="alert">
            <p>{ "This scenario could not be run:" }</p>
            <ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
        </div>
    }
}

/// The seven fates every published message is sorted into, with their labels.
pub fn fate_counts(o: &Outcome) -> [(&'static str, u64, &'static str); 7] {
    [
        ("Published", o.published, "total"),
        ("Processed once", o.processed_once, "good"),
        ("Processed more than once", o.processed_more_than_once, "bad"),
        ("Dead-lettered", o.dead_lettered, "warn"),
        ("Dropped", o.dropped, "bad"),
        ("Lost", o.lost, "bad"),
        ("In flight", o.in_flight, "neutral"),
    ]
}

fn render_outcome(o: &Outcome, seed: u64) -> Html {
    let status = format!(
        "Seed {seed}: ran to {} ms, {} events.{}",
        thousands(o.t_ms.round() as u64),
        thousands(o.events),
        if o.halted { " Stopped early: the event budget ran out." } else { "" }
    );
    let figure = |label: &'static str, value: String| {
        html! { <div class="figure"><dt>{ label }</dt><dd>{ value }</dd></div> }
    };
    html! {
        <>
            <p class="run-status" role="status">{ status }</p>

            <h3 id="verdict-heading">{ "Verdict" }</h3>
            <ul class="verdict" aria-labelledby="verdict-heading">
                { for o.verdict.iter().map(|line| html! { <li>{ line }</li> }) }
            </ul>

            <h3>{ "Messages" }</h3>
            <dl class="counts">
                { for fate_counts(o).into_iter().map(|(label, n, tone)| {
                    // Tone is a hint only; the label says the same in words.
                    let class = classes!("count", format!("count-{tone}"), (n == 0).then_some("count-zero"));
                    html! { <div class={class}><dt>{ label }</dt><dd>{ thousands(n) }</dd></div> }
                }) }
            </dl>

            <h3>{ "Damage and delivery" }</h3>
            <dl class="figures">
                { figure("Duplicate effects", thousands(o.duplicate_effects)) }
                { figure("Duplicates suppressed", thousands(o.duplicates_suppressed)) }
                { figure("Out of order", thousands(o.out_of_order)) }
                { figure("Retries", thousands(o.retries)) }
                { figure("Redeliveries", thousands(o.redeliveries)) }
                if o.phantom_events > 0 {
                    { figure("Phantom events (write rolled back)", thousands(o.phantom_events)) }
                }
            </dl>

            <h3>{ "Timing" }</h3>
            <dl class="figures">
                { figure("Latency p50", millis(o.latency_ms.p50, o.latency_ms.samples)) }
                { figure("Latency p95", millis(o.latency_ms.p95, o.latency_ms.samples)) }
                { figure("Latency p99", millis(o.latency_ms.p99, o.latency_ms.samples)) }
                { figure("Max queue depth", thousands(o.max_queue_depth)) }
                { figure("Max consumer lag", thousands(o.max_consumer_lag)) }
            </dl>

            <dl class="figures trace">
                <div class="figure">
                    <dt>{ "Trace hash" }</dt>
                    <dd><code class="trace-hash">{ &o.trace_hash }</code></dd>
                </div>
            </dl>
        </>
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A latency figure; "none" when no message was processed.
pub fn millis(ms: f64, samples: u64) -> String {
    if samples == 0 || !ms.is_finite() {
        "none".to_owned()
    } else if ms >= 100.0 {
        format!("{} ms", thousands(ms.round() as u64))
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(millis(12.345, 3), "12.3 ms");
        assert_eq!(millis(1234.4, 3), "1,234 ms");
        assert_eq!(millis(0.0, 0), "none");
    }
}
