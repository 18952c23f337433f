//! The Checks tab, the invariant monitor: conservation and each consumer's delivery guarantee
//! as a running check at the playhead. Conservation says every published message is
//! somewhere (the fates add up, see `play::fates`, and the broker's own books balance); a
//! guarantee (`play::checks`) holds until the first event that breaks it, which is listed
//! here and marked on the timeline.

use std::fmt::Write;

use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::checks;
use crate::play::fates::conservation_sum;
use crate::state::AppState;
use crate::ui::panels::markup::{esc, on_press};

/// A check's verdict: shape and word, not colour alone.
fn verdict_badge(ok: bool) -> &'static str {
    if ok {
        r#"<span class="check-badge ok">✓ holds</span>"#
    } else {
        r#"<span class="check-badge broken">✗ broken</span>"#
    }
}

/// For a scenario that names its flows: every flow ends completed or compensated (one still
/// in flight at the playhead may yet). The flows that do not are listed, each a button that
/// follows its first message in the passport.
fn flows_check(state: &AppState, out: &mut String) {
    let Some(flows) = state.outcome.flows.as_ref() else { return };
    let wrong: Vec<_> = flows.records.iter().filter(|r| r.state.is_wrong()).collect();
    let _ = write!(
        out,
        "<h3>Flows{}</h3><p>Every flow ends completed or compensated.</p>",
        verdict_badge(wrong.is_empty())
    );
    if wrong.is_empty() {
        return;
    }
    out.push_str(r#"<ol class="breaches">"#);
    for (i, r) in wrong.iter().take(50).enumerate() {
        let who = r.key.as_deref().map_or_else(|| r.flow.to_string(), |k| format!("{k} ({})", r.flow));
        let _ = write!(
            out,
            r#"<li><button type="button" class="breach" id="flow-check-{i}" data-m="{}" data-open>{}</button></li>"#,
            r.refs.first().copied().unwrap_or(0),
            esc(&format!("{who}: {}, {}", r.state.human(), r.why))
        );
    }
    out.push_str("</ol>");
}

pub fn monitor(state: &UseReducerHandle<AppState>) -> Html {
    let engine = state.engine.borrow();
    let sim = engine.player.sim();
    let journal = engine.player.journal.borrow();
    let (sums, sum_text) = conservation_sum(&state.outcome);
    let books = broker::check_invariants(sim, false);
    let consumers = checks::consumers(sim);
    let breaches: Vec<_> = journal.breaches.iter().filter(|b| b.t_us <= state.t_us).collect();
    let mut out = format!(
        r#"<h3>Conservation{}</h3><p>{}</p><p class="hint">{}</p>"#,
        verdict_badge(sums && books.is_ok()),
        esc(&sum_text),
        esc(&match &books {
            Ok(()) => "The broker's books balance: every copy is in exactly one place.".to_string(),
            Err(e) => format!("The broker's books do not balance: {e}"),
        })
    );
    flows_check(state, &mut out);
    let _ = write!(out, "<h3>Delivery guarantees{}</h3>", verdict_badge(breaches.is_empty()));
    if consumers.is_empty() {
        out.push_str(r#"<p class="hint">No consumers, so nothing is promised.</p>"#);
    }
    out.push_str(r#"<ul class="promises">"#);
    for (node, name, s) in &consumers {
        let broken = breaches.iter().any(|b| b.node == *node);
        let _ = write!(
            out,
            r#"<li><span class="promise-name">{}</span>: {} {}</li>"#,
            esc(name),
            broker::promise(*s),
            verdict_badge(!broken)
        );
    }
    if breaches.iter().any(|b| !consumers.iter().any(|c| c.0 == b.node)) {
        let _ = write!(
            out,
            r#"<li><span class="promise-name">End to end</span>: a message lost before any consumer saw it breaks the strongest promise above {}</li>"#,
            verdict_badge(false)
        );
    }
    out.push_str("</ul>");
    if breaches.is_empty() {
        let _ = write!(out, "<p>No promised guarantee broken up to {}.</p>", format_time(state.t_us));
    } else {
        let n = breaches.len();
        let _ = write!(
            out,
            r#"<p>Broken {n} {} up to {}:</p><ol class="breaches">"#,
            if n == 1 { "time" } else { "times" },
            format_time(state.t_us)
        );
        for (i, b) in breaches.iter().take(50).enumerate() {
            let _ = write!(
                out,
                r#"<li><button type="button" class="breach" id="breach-{i}" data-t="{}"{}><span class="log-time">{}</span> {}</button></li>"#,
                b.t_us,
                b.msg.map_or(String::new(), |m| format!(r#" data-m="{m}" data-open"#)),
                format_time(b.t_us),
                esc(&b.text)
            );
        }
        out.push_str("</ol>");
    }
    html! {
        <section class="monitor" aria-label="Checks" onclick={on_press(state)}>{ Html::from_html_unchecked(out.into()) }</section>
    }
}
