//! The lesson's narration: what to watch, what to try, what the fix is, from the scenario's
//! own `lesson` object (data, so a shared link carries it). Points are buttons that move the
//! timeline to a moment and select the node they are about. A "predict, then run" question
//! takes the learner's number before the run and, once the run has ended, sets it against
//! what really happened, worked out by the core from the outcome.

use std::fmt::Write;

use broker::scenario::lesson::Question;
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::format::format_time;
use crate::state::{AppState, PanelAction};
use crate::ui::panels::markup::{esc, on_press};
use crate::ui::{raw, with_class};

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
    let title = format!("<h3>{}</h3>", esc(text(doc, "title")));
    let Some(lesson) = doc.get("lesson").filter(|l| l.is_object()) else {
        let about = if description.is_empty() {
            r#"<p class="hint">This scenario has no narration. Open a lesson from the gallery (Lessons) to be guided.</p>"#.to_string()
        } else {
            format!("<p>{}</p>", esc(description))
        };
        return html! {
            <section class="lesson" aria-label="Lesson narration">{ Html::from_html_unchecked((title + &about).into()) }</section>
        };
    };
    // The narration as markup (`markup`): a point is a button that moves the timeline and
    // selects its node.
    let mut out = String::new();
    let part = |out: &mut String, heading: &str, key: &str| {
        let t = text(lesson, key);
        if !t.is_empty() {
            let _ = write!(out, "<h4>{heading}</h4><p>{}</p>", esc(t));
        }
    };
    part(&mut out, "What to watch", "watch");
    let points = lesson.get("points").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    if !points.is_empty() {
        out.push_str(r#"<ul class="points">"#);
        for (i, p) in points.iter().enumerate() {
            let at = p.get("at_ms").and_then(Value::as_u64).map(|ms| ms.saturating_mul(1_000));
            let node = p.get("node").and_then(Value::as_str);
            let label = match (at, node) {
                (Some(t), Some(n)) => format!("{} · {n}", format_time(t)),
                (Some(t), None) => format_time(t),
                (None, Some(n)) => n.to_string(),
                (None, None) => String::new(),
            };
            let _ = write!(
                out,
                r#"<li><button type="button" class="point" id="point-{i}" data-point{}{} title="{}"><span class="point-at">{}</span></button><span class="point-say">{}</span></li>"#,
                at.map_or(String::new(), |t| format!(r#" data-t="{t}""#)),
                node.map_or(String::new(), |n| format!(r#" data-node="{}""#, esc(n))),
                if at.is_some() { "Move the timeline there" } else { "Show this node" },
                esc(&label),
                esc(text(p, "say"))
            );
        }
        out.push_str("</ul>");
    }
    part(&mut out, "What to try", "try");
    part(&mut out, "The fix", "fix");
    if !description.is_empty() {
        let _ = write!(
            out,
            r#"<details class="about-lesson"><summary>More about this scenario</summary><p>{}</p></details>"#,
            esc(description)
        );
    }
    html! {
        <section class="lesson" aria-label="Lesson narration" onclick={on_press(state)}>
            { Html::from_html_unchecked(title.into()) }
            if let Some(q) = question(doc) { { prediction(state, &q) } }
            { Html::from_html_unchecked(out.into()) }
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
    // The answer locked in, and once the run is over whether it was right: one status line.
    let result = match (p.locked, finished) {
        (Some(guess), true) => {
            let truth = broker::answer(q, &state.outcome);
            let right = guess == truth;
            let (class, mark, why) = match right {
                true => ("verdict-check right", "✓ Right. ", ""),
                false => ("verdict-check wrong", "✗ Not quite. ", " Look at the Outcome and the event log to see why."),
            };
            Some((class, format!("{mark}You said {guess}. {}{why}", broker::answer_words(q, truth))))
        }
        (Some(guess), false) => Some((
            "hint",
            format!("Your answer: {guess} {unit}. Now press Play (or drag the timeline to the end) and see."),
        )),
        (None, _) => None,
    };
    html! {
        <form class="predict" onsubmit={on_submit} aria-label="Predict, then run">
            <p class="predict-ask">{ raw("<strong>Predict, then run: </strong>") }{ q.ask.clone() }</p>
            <div class="predict-row">
                { raw(r#"<label for="prediction" class="visually-hidden">Your prediction</label>"#) }
                <input id="prediction" type="text" inputmode="numeric" value={p.text.clone()} oninput={on_input}
                       aria-invalid={crate::ui::true_false(p.error.is_some())} aria-describedby="prediction-error" size="6" />
                if !unit.is_empty() { <span>{ unit.clone() }</span> }
                <button type="submit" class="tool">{ "Lock in my answer" }</button>
            </div>
            <p id="prediction-error" class="field-error" role="alert">{ p.error.clone().unwrap_or_default() }</p>
            { result.map(|(class, text)| {
                // The role is not a literal so that `with_class` has a list of values to put
                // the class in.
                let line = html! { <p class="hint" role={AttrValue::Static("status")}>{ text }</p> };
                with_class(line, AttrValue::Static(class))
            }) }
        </form>
    }
}
