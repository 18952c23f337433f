//! The side panel's tabs: the lesson's narration, the inspector, the event log, the message
//! passport, the flow view, the charts and the invariant monitor. One tab shows at a time, under the Outcome
//! region, which always stays in view. Tabs follow the ARIA tabs pattern: arrow keys move
//! between them, Home and End go to the ends.

use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::state::{AppState, PanelAction, Tab};
use crate::ui::editor::inspector::inspector;
use crate::ui::panels::charts::charts;
use crate::ui::panels::flow::flow_view;
use crate::ui::panels::lesson::lesson_view;
use crate::ui::panels::log::event_log;
use crate::ui::panels::monitor::monitor;
use crate::ui::panels::passport::passport;
use crate::ui::State;

/// The tab that shows of those offered: the chosen one, or the first when it is not offered.
pub fn showing(tabs: &[Tab], chosen: Tab) -> Option<Tab> {
    if tabs.contains(&chosen) {
        Some(chosen)
    } else {
        tabs.first().copied()
    }
}

/// The tab a key press on the tab list moves to, if it is one of the tab keys.
pub fn tab_after_key(tabs: &[Tab], current: Tab, key: &str) -> Option<Tab> {
    let i = tabs.iter().position(|t| *t == current)?;
    let n = tabs.len();
    let j = match key {
        "ArrowRight" | "ArrowDown" => (i + 1) % n,
        "ArrowLeft" | "ArrowUp" => (i + n - 1) % n,
        "Home" => 0,
        "End" => n - 1,
        _ => return None,
    };
    Some(tabs[j])
}

/// Gives tab `t`'s button the focus (the arrow keys on the tabs, Enter on a node or wire).
pub fn focus_tab(t: Tab) {
    let tab =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("tab-{}", t.slug())));
    if let Some(el) = tab.and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok()) {
        let _ = el.focus();
    }
}

/// The panels, with the tabs offered (embed mode offers fewer than `Tab::ALL`). Like the
/// other views without hooks of their own, a plain function rather than a component: each
/// component costs the wasm its own copy of Yew's lifecycle code.
pub fn panels(state: &UseReducerHandle<AppState>, tabs: &[Tab], wire_to: &State<Option<String>>) -> Html {
    let tabs = tabs.to_vec();
    let Some(current) = showing(&tabs, state.tab) else { return html! {} };
    let onkeydown = {
        let d = state.dispatcher();
        let tabs = tabs.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(next) = tab_after_key(&tabs, current, &e.key()) {
                // Taken here, so the page's own arrow-key shortcuts (Step) do not fire too.
                e.prevent_default();
                d.dispatch(PanelAction::SetTab(next).into());
                focus_tab(next);
            }
        })
    };
    let body = match current {
        Tab::Lesson => lesson_view(state),
        Tab::Inspector => inspector(state, wire_to),
        Tab::Log => event_log(state),
        Tab::Passport => passport(state),
        Tab::Flow => flow_view(state),
        Tab::Charts => charts(state),
        Tab::Checks => monitor(state),
    };
    let broken = state
        .markers
        .iter()
        .filter(|m| m.kind == crate::play::player::MarkerKind::Breach && m.t_us <= state.t_us)
        .count();
    html! {
        <div class="panels">
            <div class="tabs" role="tablist" aria-label="Panels" onkeydown={onkeydown}>
                { for tabs.iter().map(|&t| {
                    let d = state.dispatcher();
                    let selected = t == current;
                    html! {
                        <button type="button" role="tab" id={format!("tab-{}", t.slug())} class="tab"
                                aria-selected={crate::ui::true_false(selected)} aria-controls="tab-panel"
                                tabindex={if selected { "0" } else { "-1" }}
                                onclick={Callback::from(move |_| d.dispatch(PanelAction::SetTab(t).into()))}>
                            { t.label() }
                            if t == Tab::Checks && broken > 0 {
                                <span class="tab-alert">{ format!(" ✗{broken}") }</span>
                            }
                        </button>
                    }
                }) }
            </div>
            <div key={current.slug()} class="tab-panel" id="tab-panel" role="tabpanel" aria-labelledby={format!("tab-{}", current.slug())} tabindex="0">
                { body }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_walk_the_tabs_round() {
        let all = &Tab::ALL[..];
        assert_eq!(tab_after_key(all, Tab::Lesson, "ArrowRight"), Some(Tab::Inspector));
        assert_eq!(tab_after_key(all, Tab::Lesson, "ArrowLeft"), Some(Tab::Checks));
        assert_eq!(tab_after_key(all, Tab::Charts, "End"), Some(Tab::Checks));
        assert_eq!(tab_after_key(all, Tab::Charts, "Home"), Some(Tab::Lesson));
        assert_eq!(tab_after_key(all, Tab::Charts, "x"), None);
        assert_eq!(tab_after_key(&[Tab::Log, Tab::Charts], Tab::Charts, "ArrowRight"), Some(Tab::Log));
    }
}
