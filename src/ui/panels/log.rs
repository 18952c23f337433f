//! The event log: every trace event up to the playhead, newest first, filterable by event
//! kind, node and key. A row is a button: it follows the row's message in the passport and
//! moves the timeline to the row's moment. The log reads the scout's journal, so it costs
//! nothing while the page plays, and shows a page of rows at a time.

use std::fmt::Write;

use broker::{Names, Simulation};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::format::{format_time, thousands};
use crate::play::journal::Journal;
use crate::play::words;
use crate::state::{AppState, LogFilter, PanelAction, LOG_PAGE};
use crate::ui::option;
use crate::ui::panels::markup::{esc, on_press};
use crate::ui::raw;

/// One row as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Its place in the journal.
    pub entry: usize,
    pub t_us: u64,
    pub node: String,
    pub msg: Option<u32>,
    pub message: String,
    pub text: String,
    pub kind: &'static str,
}

thread_local! {
    /// The key filter's verdict per message, kept between renders (the log renders ten times
    /// a second while playing): for which journal and which text, and one flag per message.
    static KEY_MATCHES: std::cell::RefCell<(u64, String, Vec<bool>)> = Default::default();
}

/// Calls `f` with which messages match the key filter, by key or by message id, ignoring
/// ASCII case; `None` when there is no key filter. Each message is worked out once per
/// filter text, not once per event or per render.
fn with_matching<R>(journal: &Journal, sim: &Simulation, want: &str, f: impl FnOnce(Option<&[bool]>) -> R) -> R {
    if want.is_empty() {
        return f(None);
    }
    KEY_MATCHES.with(|cell| {
        let mut cache = cell.borrow_mut();
        let id = journal.id;
        if cache.0 != id || cache.1 != want {
            *cache = (id, want.to_string(), Vec::new());
        }
        for i in cache.2.len()..sim.messages() {
            let label = sim.msg_label(broker::MsgId(i as u32)).to_ascii_lowercase();
            cache.2.push(label.contains(want));
        }
        f(Some(&cache.2))
    })
}

/// The newest `filter.limit` rows at or before `t_us` that pass the filter, newest first, and
/// how many rows pass it in all.
pub fn rows(journal: &Journal, sim: &Simulation, t_us: u64, filter: &LogFilter) -> (Vec<Row>, usize) {
    let until = journal.count_until(t_us);
    let want = filter.key.trim().to_ascii_lowercase();
    let kinds = words::KINDS.iter().find(|(label, _)| *label == filter.kind).map(|(_, names)| *names);
    let node = (!filter.node.is_empty())
        .then(|| sim.model().nodes.iter().position(|n| n.name == filter.node))
        .map(|p| p.map_or(u32::MAX, |i| i as u32));
    with_matching(journal, sim, &want, |matching| {
        let key_ok = |m: Option<broker::MsgId>| match matching {
            None => true,
            Some(v) => m.is_some_and(|m| v.get(m.index()).copied().unwrap_or(false)),
        };
        collect(journal, sim, until, kinds, node, key_ok, filter.limit)
    })
}

/// The rows that pass the filters, newest first, at most `limit` of them, and how many pass.
fn collect(
    journal: &Journal,
    sim: &Simulation,
    until: usize,
    kinds: Option<&[&str]>,
    node: Option<u32>,
    key_ok: impl Fn(Option<broker::MsgId>) -> bool,
    limit: usize,
) -> (Vec<Row>, usize) {
    let mut rows = Vec::new();
    let mut total = 0;
    for (entry, e) in journal.entries[..until].iter().enumerate().rev() {
        if kinds.is_some_and(|k| !k.contains(&e.event.name()))
            || node.is_some_and(|n| e.node.0 != n)
            || !key_ok(e.msg())
        {
            continue;
        }
        total += 1;
        if rows.len() < limit {
            let msg = e.msg().filter(|m| m.index() < sim.messages());
            rows.push(Row {
                entry,
                t_us: e.t.0,
                node: sim.model().name(e.node).to_string(),
                msg: msg.map(|m| m.index() as u32),
                message: msg.map(|m| sim.msg_label(m)).unwrap_or_default(),
                text: words::describe(e, sim),
                kind: words::kind_of(&e.event),
            });
        }
    }
    (rows, total)
}

pub fn event_log(state: &UseReducerHandle<AppState>) -> Html {
    let engine = state.engine.borrow();
    let journal = engine.player.journal.borrow();
    let sim = engine.player.sim();
    let (rows, total) = rows(&journal, sim, state.t_us, &state.log);
    let filter = state.log.clone();

    let set = |f: fn(&mut LogFilter, String)| {
        let d = state.dispatcher();
        let filter = filter.clone();
        move |value: String| {
            let mut next = filter.clone();
            f(&mut next, value);
            next.limit = LOG_PAGE;
            d.dispatch(PanelAction::SetLogFilter(next).into());
        }
    };
    let on_kind = {
        let set = set(|f, v| f.kind = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_node = {
        let set = set(|f, v| f.node = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_key = {
        let set = set(|f, v| f.key = v);
        Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_more = {
        let d = state.dispatcher();
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(PanelAction::SetLogFilter(LogFilter { limit: filter.limit + LOG_PAGE, ..filter.clone() }).into())
        })
    };
    let summary = if journal.entries.is_empty() && !journal.complete {
        "Reading the run…".to_string()
    } else if total == 0 {
        format!("No events match, up to {}.", format_time(state.t_us))
    } else {
        format!(
            "{} {} up to {}{}, newest first.",
            thousands(total as u64),
            if total == 1 { "event" } else { "events" },
            format_time(state.t_us),
            if rows.len() < total { format!(" (showing the newest {})", rows.len()) } else { String::new() }
        )
    };
    // The rows as markup (`markup`): a press follows the row's message and moves the
    // timeline to its moment.
    let mut list = String::from(r#"<ol class="log-rows">"#);
    for r in &rows {
        let selected = r.msg.is_some() && r.msg == state.message;
        let _ = write!(
            list,
            r#"<li class="log-row kind-{}{}"><button type="button" id="log-e{}" data-t="{}"{} aria-pressed="{}"><span class="log-time">{}</span><span class="log-node">{}</span>{}<span class="log-text">{}</span></button></li>"#,
            r.kind.split(' ').next().unwrap_or("").to_ascii_lowercase(),
            if selected { " selected" } else { "" },
            r.entry,
            r.t_us,
            r.msg.map_or(String::new(), |m| format!(r#" data-m="{m}""#)),
            crate::ui::true_false(selected),
            format_time(r.t_us),
            esc(&r.node),
            if r.message.is_empty() {
                String::new()
            } else {
                format!(r#"<span class="log-msg">{}</span>"#, esc(&r.message))
            },
            esc(&r.text)
        );
    }
    list.push_str("</ol>");
    let mut kind_options = vec![option("".into(), "All kinds".into(), filter.kind.is_empty())];
    for (label, _) in words::KINDS {
        kind_options.push(option((*label).into(), (*label).into(), filter.kind == *label));
    }
    let mut node_options = vec![option("".into(), "All nodes".into(), filter.node.is_empty())];
    for n in &sim.model().nodes {
        node_options.push(option(n.name.clone().into(), n.name.clone().into(), filter.node == n.name));
    }
    html! {
        <section class="event-log" aria-label="Event log">
            <div class="log-filters" role="group" aria-label="Filter the event log">
                <label class="field">
                    { raw("<span>Event kind</span>") }
                    <select onchange={on_kind}>
                        { kind_options }
                    </select>
                </label>
                <label class="field">
                    { raw("<span>Node</span>") }
                    <select onchange={on_node}>
                        { node_options }
                    </select>
                </label>
                <label class="field">
                    { raw("<span>Key or message</span>") }
                    <input type="search" value={filter.key.clone()} oninput={on_key} placeholder="order-42" />
                </label>
            </div>
            <p class="log-summary" aria-live="polite">{ summary }</p>
            if journal.left_out > 0 {
                <p class="hint">{ format!("The log keeps the first {} events of this run; {} later ones are not listed.",
                    thousands(journal.entries.len() as u64), thousands(journal.left_out)) }</p>
            }
            <div onclick={on_press(state)}>{ Html::from_html_unchecked(list.into()) }</div>
            if total > filter.limit {
                <button type="button" class="tool" onclick={on_more}>{ "Show earlier events" }</button>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;
    use crate::play::player::Player;

    fn played(slug: &str) -> Player {
        let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
        let mut player = Player::new(broker::load_model(p.json).unwrap());
        while player.scout(5_000) {}
        player.seek(player.end_us());
        player
    }

    #[test]
    fn the_log_filters_by_kind_node_and_key_and_stops_at_the_playhead() {
        let p = played("poison-with-dlq");
        let j = p.journal.borrow();
        let all = LogFilter::default();
        let (rows, total) = super::rows(&j, p.sim(), p.end_us(), &all);
        assert_eq!(total, j.entries.len());
        assert_eq!(rows.len(), LOG_PAGE);
        assert!(rows.windows(2).all(|w| w[0].t_us >= w[1].t_us), "newest first");

        let dead = LogFilter { kind: "Dead letters".into(), ..LogFilter::default() };
        let (rows, total) = super::rows(&j, p.sim(), p.end_us(), &dead);
        assert_eq!(total as u64, p.sim().outcome().dead_lettered);
        assert!(rows.iter().all(|r| r.text.starts_with("dead-lettered from work to dlq")), "{rows:?}");

        let key = LogFilter { key: "ORDER-20".into(), node: "billing".into(), ..LogFilter::default() };
        let (rows, _) = super::rows(&j, p.sim(), p.end_us(), &key);
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.message.contains("order-20") && r.node == "billing"), "{rows:?}");

        let (early, _) = super::rows(&j, p.sim(), 1_000_000, &all);
        assert!(early.iter().all(|r| r.t_us <= 1_000_000));
    }
}
