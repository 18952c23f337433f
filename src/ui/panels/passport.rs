//! The message passport: one message's whole life, stop by stop, from the journal: every hop,
//! delivery attempt, backoff wait, redelivery, death record and effect, with virtual times.
//! The stop at or just before the playhead is the current one; later stops are shown faded,
//! so stepping the timeline walks the message through its passport. A stop is a button that
//! moves the timeline to it.

use std::fmt::Write;

use broker::Simulation;
use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::journal::Journal;
use crate::play::words;
use crate::state::AppState;
use crate::ui::panels::markup::{esc, on_press};
use crate::ui::raw;

/// One stop in a message's life.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub t_us: u64,
    pub node: String,
    pub text: String,
    pub kind: &'static str,
}

pub fn stops(journal: &Journal, sim: &Simulation, msg: u32) -> Vec<Stop> {
    journal
        .of_message(msg)
        .map(|e| Stop {
            t_us: e.t.0,
            node: sim.model().name(e.node).to_string(),
            text: words::describe(e, sim),
            kind: words::kind_of(&e.event),
        })
        .collect()
}

/// The index of the current stop: the last one at or before the playhead.
pub fn current(stops: &[Stop], t_us: u64) -> Option<usize> {
    stops.partition_point(|s| s.t_us <= t_us).checked_sub(1)
}

/// Keeps the passport's current stop in view as the timeline steps: whenever the passport
/// comes into view (`shown`: its tab is the one showing), follows another message or reaches
/// another stop. The app's hook, since the passport is a function, not a component (each
/// component costs the wasm its own copy of Yew's lifecycle code).
#[hook]
pub fn use_passport_in_view(state: &UseReducerHandle<AppState>, shown: bool) {
    let now_key = state.message.filter(|_| shown).map(|msg| {
        let engine = state.engine.borrow();
        let journal = engine.player.journal.borrow();
        journal.of_message(msg).filter(|e| e.t.0 <= state.t_us).count()
    });
    // The flow view's bar last pressed gets the focus back once its chart is rebuilt: the
    // same effect, so the wasm carries one copy of Yew's effect code for both.
    let refocus = crate::ui::panels::markup::refocus_pending();
    crate::ui::use_effect_on(
        (shown, state.message, now_key, refocus),
        Box::new(|(shown, _, _, _)| {
            if *shown {
                keep_current_in_view();
            }
            crate::ui::panels::markup::refocus();
        }),
    );
}

pub fn passport(state: &UseReducerHandle<AppState>) -> Html {
    let Some(msg) = state.message else {
        return raw(
            r#"<section class="passport" aria-label="Message passport"><p class="hint">Choose a message to follow: click a token on the canvas, a row in the event log, or a message named in the Outcome.</p></section>"#,
        );
    };
    let engine = state.engine.borrow();
    let journal = engine.player.journal.borrow();
    let sim = engine.player.sim();
    let stops = stops(&journal, sim, msg);
    let now = current(&stops, state.t_us);
    let outcome = state.outcome.messages.get(msg as usize);
    let title = match &outcome {
        Some(m) => match &m.key {
            Some(k) => format!("{k} ({})", m.id),
            None => m.id.to_string(),
        },
        None => stops.first().map_or_else(|| "This message".to_string(), |_| format!("Message {}", msg + 1)),
    };
    let fate = match &outcome {
        Some(m) => format!(
            "{}: {}; delivered {} {}, effect applied {} {}.",
            m.event_type,
            m.fate.human(),
            m.deliveries,
            if m.deliveries == 1 { "time" } else { "times" },
            m.effects,
            if m.effects == 1 { "time" } else { "times" },
        ),
        None => "Not published yet at this moment.".to_string(),
    };
    // Where it came from: the message a service handled (its causation id) and the first
    // message of its flow (its correlation id), each a button that follows that message.
    let mut lineage: Vec<(&'static str, u32)> = Vec::new();
    if let Some(cause) = sim.cause_of(broker::MsgId(msg)) {
        lineage.push(("Caused by", cause.0));
        let flow = sim.flow_of(cause);
        if flow != cause {
            lineage.push(("in the flow of", flow.0));
        }
    }
    let deaths = outcome.map(|m| m.deaths.clone()).unwrap_or_default();
    // Part of a flow of more than one message: the flow view shows all of it.
    let in_flow = !engine.flow.is_empty();
    // The passport as markup (`markup`): a stop moves the timeline to it, a message of its
    // lineage opens that message's passport, "See its whole flow" the flow view.
    let mut out = format!(
        r#"<h3 class="passport-title">{}</h3><p class="passport-fate">{} So far, at {}.</p>"#,
        esc(&title),
        esc(&fate),
        format_time(state.t_us)
    );
    if !lineage.is_empty() || in_flow {
        out.push_str(r#"<p class="passport-lineage">"#);
        for (label, row) in &lineage {
            let name = state
                .outcome
                .messages
                .get(*row as usize)
                .map_or_else(|| format!("message {}", row + 1), |m| m.id.to_string());
            let name = esc(&name);
            let _ = write!(
                out,
                r#"{label} <button type="button" class="msg-link" id="lineage-{row}" data-m="{row}" data-open aria-label="Follow {name} in the passport">{name}</button> "#
            );
        }
        if in_flow {
            let _ = write!(out, r#"<button type="button" class="small" data-flow="{msg}">See its whole flow</button>"#);
        }
        out.push_str("</p>");
    }
    if stops.is_empty() {
        out.push_str(r#"<p class="hint">No stops recorded for this message in this run.</p>"#);
    }
    // The stops as markup (`markup`): a press moves the timeline to the stop.
    out.push_str(r#"<ol class="stops">"#);
    for (i, s) in stops.iter().enumerate() {
        let is_now = now == Some(i);
        let later = now.is_none_or(|n| i > n);
        let _ = write!(
            out,
            r#"<li class="stop kind-{}{}{}"{}><button type="button" id="stop-{i}" data-m="{msg}" data-t="{}"><span class="log-time">{}</span><span class="log-node">{}</span><span class="log-text">{}</span>{}</button></li>"#,
            s.kind.split(' ').next().unwrap_or("").to_ascii_lowercase(),
            if is_now { " stop-now" } else { "" },
            if later { " later" } else { "" },
            if is_now { r#" aria-current="step""# } else { "" },
            s.t_us,
            format_time(s.t_us),
            esc(&s.node),
            esc(&s.text),
            if is_now {
                r#"<span class="now-badge">now</span>"#
            } else if later {
                r#"<span class="visually-hidden"> (later)</span>"#
            } else {
                ""
            }
        );
    }
    out.push_str("</ol>");
    if !deaths.is_empty() {
        out.push_str(r#"<h4>Death records (x-death)</h4><ul class="deaths">"#);
        for d in &deaths {
            let _ = write!(
                out,
                "<li>{}: {} ({} {}), last at {}</li>",
                esc(&d.queue),
                d.reason,
                d.count,
                if d.count == 1 { "time" } else { "times" },
                format_time(d.time_us)
            );
        }
        out.push_str("</ul>");
    }
    html! {
        <section class="passport" aria-label="Message passport" onclick={on_press(state)}>{ Html::from_html_unchecked(out.into()) }</section>
    }
}

/// Scrolls the side panel so the passport's current stop is in view, if it is not.
fn keep_current_in_view() {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window().and_then(|w| w.document());
    let found = doc.as_ref().and_then(|d| {
        let panel = d.query_selector(".tab-panel").ok()??.dyn_into::<web_sys::HtmlElement>().ok()?;
        let stop = d.query_selector(".stop.stop-now").ok()??.dyn_into::<web_sys::HtmlElement>().ok()?;
        Some((panel, stop))
    });
    let Some((panel, stop)) = found else { return };
    let (top, bottom) = (panel.scroll_top(), panel.scroll_top() + panel.client_height());
    let (at, end) = (stop.offset_top(), stop.offset_top() + stop.offset_height());
    if at < top || end > bottom {
        panel.set_scroll_top((at - panel.client_height() / 3).max(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;
    use crate::play::player::Player;

    #[test]
    fn a_poison_message_passport_shows_its_attempts_and_its_death_and_the_current_stop() {
        let p = PRESETS.iter().find(|p| p.slug == "poison-with-dlq").unwrap();
        let mut player = Player::new(broker::load_model(p.json).unwrap());
        while player.scout(5_000) {}
        player.seek(player.end_us());
        let j = player.journal.borrow();
        let s = stops(&j, player.sim(), 9);
        assert!(s[0].text.starts_with("published by orders"), "{s:?}");
        let deliveries = s.iter().filter(|s| s.text.starts_with("delivered to billing")).count();
        assert!(deliveries >= 2, "{s:?}");
        assert!(s.iter().any(|s| s.text.starts_with("dead-lettered from work to dlq")), "{s:?}");
        assert_eq!(current(&s, 0), None);
        assert_eq!(current(&s, u64::MAX), Some(s.len() - 1));
        let mid = s[2].t_us;
        assert!(current(&s, mid).is_some_and(|i| s[i].t_us == mid && s.get(i + 1).is_none_or(|n| n.t_us > mid)));
    }
}
