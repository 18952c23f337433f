//! The lesson's narration: what to watch, what to try, what the fix is, from the scenario's
//! own `lesson` object (data, so a shared link carries it). Points are buttons that move the
//! timeline to a moment and select the node they are about. A "predict, then run" question
//! takes the learner's number before the run and, once the run has ended, sets it against
//! what really happened, worked out by the core from the outcome.

use broker::scenario::lesson::Question;
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::format::format_time;
use crate::state::{AppState, PanelAction};

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The lesson's question, if the scenario has a well-formed one.
pub fn question(doc: &Value) -> Option<Question> {
    Question::from_value(doc.get("lesson")?.get("question")?)
}

pub fn lesson_view(state: &UseReducerHandle<AppState>) -> Html {
    let doc = &state.doc;
    let description = text(doc, "description");
    let Some(lesson) = doc.get("lesson").filter(|l| l.is_object()) else {
        return html! {
            <section class="lesson" aria-label="Lesson narration">
                <h3>{ text(doc, "title") }</h3>
                if description.is_empty() {
                    <p class="hint">{ "This scenario has no narration. Open a lesson from the gallery (Lessons) to be guided." }</p>
                } else {
                    <p>{ description }</p>
                }
            </section>
        };
    };
    let part = |heading: &'static str, key: &str| {
        let t = text(lesson, key);
        (!t.is_empty()).then(|| html! { <><h4>{ heading }</h4><p>{ t }</p></> })
    };
    let points = lesson.get("points").and_then(Value::as_array).cloned().unwrap_or_default();
    html! {
        <section class="lesson" aria-label="Lesson narration">
            <h3>{ text(doc, "title") }</h3>
            if let Some(q) = question(doc) { { prediction(state, &q) } }
            { part("What to watch", "watch").unwrap_or_default() }
            if !points.is_empty() {
                <ul class="points">
                    { for points.iter().map(|p| {
                        let at = p.get("at_ms").and_then(Value::as_u64).map(|ms| ms.saturating_mul(1_000));
                        let node = p.get("node").and_then(Value::as_str).map(str::to_owned);
                        let say = text(p, "say").to_owned();
                        let d = state.dispatcher();
                        let label = match (&at, &node) {
                            (Some(t), Some(n)) => format!("{} · {n}", format_time(*t)),
                            (Some(t), None) => format_time(*t),
                            (None, Some(n)) => n.clone(),
                            (None, None) => String::new(),
                        };
                        let go = { let node = node.clone(); Callback::from(move |_: MouseEvent| d.dispatch(PanelAction::Point { at, node: node.clone() }.into())) };
                        html! {
                            <li>
                                <button type="button" class="point" onclick={go}
                                        title={if at.is_some() { "Move the timeline there" } else { "Show this node" }}>
                                    <span class="point-at">{ label }</span>
                                </button>
                                <span class="point-say">{ say }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
            { part("What to try", "try").unwrap_or_default() }
            { part("The fix", "fix").unwrap_or_default() }
            if !description.is_empty() {
                <details class="about-lesson"><summary>{ "More about this scenario" }</summary><p>{ description }</p></details>
            }
        </section>
    }
}

/// The "predict, then run" box: a number before the run, the comparison after it.
fn prediction(state: &UseReducerHandle<AppState>, q: &Question) -> Html {
    let p = &state.prediction;
    let finished = state.end_us > 0 && state.t_us >= state.end_us;
    let on_input = {
        let d = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            d.dispatch(PanelAction::SetPrediction(e.target_unchecked_into::<HtmlInputElement>().value()).into())
        })
    };
    let on_submit = {
        let d = state.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            d.dispatch(PanelAction::LockPrediction.into());
        })
    };
    let unit = q.unit.clone().unwrap_or_default();
    let result = match (p.locked, finished) {
        (Some(guess), true) => {
            let truth = broker::answer(q, &state.outcome);
            let right = guess == truth;
            html! {
                <p class={classes!("verdict-check", if right { "right" } else { "wrong" })} role="status">
                    { if right { "✓ Right. " } else { "✗ Not quite. " } }
                    { format!("You said {guess}. {}", broker::answer_words(q, truth)) }
                    if !right { { " Look at the Outcome and the event log to see why." } }
                </p>
            }
        }
        (Some(guess), false) => html! {
            <p class="hint" role="status">{ format!("Your answer: {guess} {unit}. Now press Play (or drag the timeline to the end) and see.") }</p>
        },
        (None, _) => html! {},
    };
    html! {
        <form class="predict" onsubmit={on_submit} aria-label="Predict, then run">
            <p class="predict-ask"><strong>{ "Predict, then run: " }</strong>{ q.ask.clone() }</p>
            <div class="predict-row">
                <label for="prediction" class="visually-hidden">{ "Your prediction" }</label>
                <input id="prediction" type="text" inputmode="numeric" value={p.text.clone()} oninput={on_input}
                       aria-invalid={crate::ui::true_false(p.error.is_some())} aria-describedby="prediction-error" size="6" />
                if !unit.is_empty() { <span>{ unit.clone() }</span> }
                <button type="submit" class="tool">{ "Lock in my answer" }</button>
            </div>
            <p id="prediction-error" class="field-error" role="alert">{ p.error.clone().unwrap_or_default() }</p>
            { result }
        </form>
    }
}
