//! The root component: holds the one [`AppState`] and wires the views to [`Action`]s.

use yew::prelude::*;

use crate::controls::{ScenarioPicker, SeedForm};
use crate::outcome_view::OutcomePanel;
use crate::state::{Action, AppState};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::initial);

    let on_select = {
        let state = state.dispatcher();
        Callback::from(move |i: usize| state.dispatch(Action::SelectPreset(i)))
    };
    let on_edit = {
        let state = state.dispatcher();
        Callback::from(move |text: String| state.dispatch(Action::EditSeed(text)))
    };
    let on_run = {
        let state = state.dispatcher();
        Callback::from(move |()| state.dispatch(Action::Run))
    };

    let (title, description) = state
        .preset()
        .map(|p| (p.title.clone(), p.description.clone()))
        .unwrap_or_else(|| ("No scenario".to_owned(), String::new()));

    html! {
        <div class="app">
            <header class="masthead">
                <h1>{ "Brokerlab" }</h1>
                <p class="tagline">{ "A playground for message brokers. Pick a lesson, run it, and read what happened to every message." }</p>
            </header>
            <main class="content">
                <div class="side">
                    <div class="controls">
                        <ScenarioPicker catalog={state.catalog.clone()} selected={state.selected} on_select={on_select} />
                        <SeedForm
                            seed_text={AttrValue::from(state.seed_text.clone())}
                            error={state.seed_error.clone().map(AttrValue::from)}
                            on_edit={on_edit}
                            on_run={on_run}
                        />
                    </div>
                    <article class="scenario" aria-labelledby="scenario-title">
                        <h2 id="scenario-title">{ title }</h2>
                        <p class="description">{ description }</p>
                    </article>
                </div>
                <OutcomePanel result={state.result.clone()} seed={state.seed} />
            </main>
            <footer class="footer">
                <p>{ "Runs entirely in your browser. The same scenario and seed always give the same trace hash." }</p>
            </footer>
        </div>
    }
}
