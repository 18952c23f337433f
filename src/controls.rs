//! The controls above the outcome: the scenario picker and the seed form with its Run
//! button. Pure views: they render props and report gestures through callbacks.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::presets::PresetInfo;

#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    pub catalog: std::rc::Rc<Vec<PresetInfo>>,
    pub selected: usize,
    /// The index of the preset the user chose.
    pub on_select: Callback<usize>,
}

/// A `<select>` labelled "Scenario", one option per preset, by title.
#[function_component(ScenarioPicker)]
pub fn scenario_picker(props: &ScenarioPickerProps) -> Html {
    let on_change = {
        let catalog = props.catalog.clone();
        let on_select = props.on_select.clone();
        Callback::from(move |e: Event| {
            let slug = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(i) = catalog.iter().position(|p| p.slug == slug) {
                on_select.emit(i);
            }
        })
    };
    html! {
        <div class="field field-scenario">
            <label for="scenario">{ "Scenario" }</label>
            <select id="scenario" name="scenario" onchange={on_change}>
                { for props.catalog.iter().enumerate().map(|(i, p)| html! {
                    <option key={p.slug} value={p.slug} selected={i == props.selected}>{ &p.title }</option>
                }) }
            </select>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SeedFormProps {
    pub seed_text: AttrValue,
    pub error: Option<AttrValue>,
    pub on_edit: Callback<String>,
    pub on_run: Callback<()>,
}

/// The "Seed" field and the "Run" button. Enter in the field runs too (it is a form).
/// A refused seed shows its reason in an alert under the field.
#[function_component(SeedForm)]
pub fn seed_form(props: &SeedFormProps) -> Html {
    let on_input = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| on_edit.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_submit = {
        let on_run = props.on_run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit(());
        })
    };
    let invalid = props.error.is_some();
    html! {
        <form class="seed-form" onsubmit={on_submit} novalidate=true>
            <div class="field field-seed">
                <label for="seed">{ "Seed" }</label>
                <input
                    id="seed"
                    name="seed"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    spellcheck="false"
                    value={props.seed_text.clone()}
                    oninput={on_input}
                    aria-invalid={if invalid { "true" } else { "false" }}
                    aria-describedby={invalid.then_some("seed-error")}
                />
            </div>
            <button type="submit" class="run-button">{ "Run" }</button>
            if let Some(error) = &props.error {
                <p id="seed-error" class="field-error" role="alert">{ error.clone() }</p>
            }
        </form>
    }
}
