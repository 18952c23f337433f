//! The Checks tab, the invariant monitor: conservation and each consumer's delivery guarantee
//! as a running check at the playhead. Conservation says every published message is
//! somewhere (the fates add up, see `play::fates`, and the broker's own books balance); a
//! guarantee (`play::checks`) holds until the first event that breaks it, which is listed
//! here and marked on the timeline.

use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::checks;
use crate::play::fates::conservation_sum;
use crate::state::{AppState, PanelAction, TransportAction};

fn verdict_badge(ok: bool) -> Html {
    // Shape and word, not colour alone.
    html! {
        <span class={classes!("check-badge", if ok { "ok" } else { "broken" })}>
            { if ok { "✓ holds" } else { "✗ broken" } }
        </span>
    }
}

/// For a scenario that names its flows: every flow ends completed or compensated (one still
/// in flight at the playhead may yet). The flows that do not are listed, each a button that
/// follows its first message in the passport.
fn flows_check(state: &UseReducerHandle<AppState>) -> Html {
    use broker::scenario::FlowState;
    let Some(flows) = state.outcome.flows.as_ref() else { return Html::default() };
    let wrong: Vec<_> =
        flows.records.iter().filter(|r| matches!(r.state, FlowState::Stuck | FlowState::Inconsistent)).collect();
    html! {
        <>
            <h3>{ "Flows" }{ verdict_badge(wrong.is_empty()) }</h3>
            <p>{ "Every flow ends completed or compensated." }</p>
            if !wrong.is_empty() {
                <ol class="breaches">
                    { for wrong.iter().take(50).map(|r| {
                        let d = state.dispatcher();
                        let first = r.refs.first().copied();
                        let onclick = Callback::from(move |_: MouseEvent| {
                            if let Some(msg) = first {
                                d.dispatch(PanelAction::ShowMessage { msg, open: true, at: None }.into());
                            }
                        });
                        let who = r.key.as_deref().map_or_else(|| r.flow.to_string(), |k| format!("{k} ({})", r.flow));
                        html! {
                            <li><button type="button" class="breach" onclick={onclick}>
                                { format!("{who}: {}, {}", r.state.human(), r.why) }
                            </button></li>
                        }
                    }) }
                </ol>
            }
        </>
    }
}

pub fn monitor(state: &UseReducerHandle<AppState>) -> Html {
    let engine = state.engine.borrow();
    let sim = engine.player.sim();
    let journal = engine.player.journal.borrow();
    let (sums, sum_text) = conservation_sum(&state.outcome);
    let books = broker::check_invariants(sim, false);
    let consumers = checks::consumers(sim);
    let breaches: Vec<_> = journal.breaches.iter().filter(|b| b.t_us <= state.t_us).collect();
    html! {
        <section class="monitor" aria-label="Checks">
            <h3>{ "Conservation" }{ verdict_badge(sums && books.is_ok()) }</h3>
            <p>{ sum_text }</p>
            <p class="hint">{ match &books {
                Ok(()) => "The broker's books balance: every copy is in exactly one place.".to_string(),
                Err(e) => format!("The broker's books do not balance: {e}"),
            } }</p>
            { flows_check(state) }
            <h3>{ "Delivery guarantees" }{ verdict_badge(breaches.is_empty()) }</h3>
            if consumers.is_empty() {
                <p class="hint">{ "No consumers, so nothing is promised." }</p>
            }
            <ul class="promises">
                { for consumers.iter().map(|(node, name, s)| {
                    let broken = breaches.iter().any(|b| b.node == *node);
                    html! {
                        <li>
                            <span class="promise-name">{ name.clone() }</span>{ ": " }{ broker::promise(*s) }
                            { " " }{ verdict_badge(!broken) }
                        </li>
                    }
                }) }
                if breaches.iter().any(|b| !consumers.iter().any(|c| c.0 == b.node)) {
                    <li><span class="promise-name">{ "End to end" }</span>{ ": a message lost before any consumer saw it breaks the strongest promise above " }{ verdict_badge(false) }</li>
                }
            </ul>
            if breaches.is_empty() {
                <p>{ format!("No promised guarantee broken up to {}.", format_time(state.t_us)) }</p>
            } else {
                <p>{ format!("Broken {} {} up to {}:", breaches.len(), if breaches.len() == 1 { "time" } else { "times" }, format_time(state.t_us)) }</p>
                <ol class="breaches">
                    { for breaches.iter().take(50).map(|b| {
                        let d = state.dispatcher();
                        let (t, msg) = (b.t_us, b.msg);
                        let onclick = Callback::from(move |_: MouseEvent| match msg {
                            Some(msg) => d.dispatch(PanelAction::ShowMessage { msg, open: true, at: Some(t) }.into()),
                            None => d.dispatch(TransportAction::Seek(t).into()),
                        });
                        html! {
                            <li><button type="button" class="breach" onclick={onclick}>
                                <span class="log-time">{ format_time(b.t_us) }</span>{ " " }{ b.text.clone() }
                            </button></li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
