//! The outcome in one line, for a small embed frame: the verdict's first line and where the
//! messages went ("150 published = 135 processed once + 15 dead-lettered"). It is a button
//! that opens the full Outcome and the panels the embed code asked for over the canvas, so
//! that they never take the canvas's height.

use std::rc::Rc;

use broker::Outcome;
use yew::prelude::*;

use crate::play::fates::conservation_sum;

pub struct OutcomeLineProps {
    pub outcome: Rc<Outcome>,
    /// Whether the embed shows the outcome at all (else the line names the panels).
    pub with_outcome: bool,
    pub panels: Vec<&'static str>,
    pub open: bool,
    /// The id of what the button opens.
    pub controls: AttrValue,
    pub on_toggle: Callback<()>,
}

pub fn outcome_line(props: &OutcomeLineProps) -> Html {
    let text = if props.with_outcome {
        let first = props.outcome.verdict.first().map_or("Nothing has happened yet.", String::as_str);
        if props.outcome.published == 0 {
            first.to_owned()
        } else {
            format!("{first} {}", conservation_sum(&props.outcome).1)
        }
    } else {
        props.panels.join(", ")
    };
    let on_click = {
        let t = props.on_toggle.clone();
        Callback::from(move |_: MouseEvent| t.emit(()))
    };
    html! {
        <button type="button" class="outcome-line" aria-expanded={crate::ui::true_false(props.open)} aria-controls={props.controls.clone()}
                onclick={on_click}>
            <span class="outcome-line-text">{ text }</span>
            <span class="outcome-line-more">{ if props.open { " Close" } else { " More" } }</span>
        </button>
    }
}
