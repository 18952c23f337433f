//! The lesson gallery: the ten lessons SPEC.md lists (and one more on the producer side), each
//! with its variants, the scenario files in `scenarios/`. A lesson with two or more variants
//! can open them side by side in Compare, on the same seed.

use yew::prelude::*;

use crate::model::presets;
use crate::state::{AppState, CompareTo, OpenAction, PanelAction};

/// One lesson: a title, a line on what it teaches, and its variants (label, preset slug).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub title: &'static str,
    pub teaches: &'static str,
    pub variants: &'static [(&'static str, &'static str)],
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        title: "Pub/sub fan-out",
        teaches: "A fanout exchange gives every subscriber its own copy.",
        variants: &[("Three subscribers", "fan-out")],
    },
    Lesson {
        title: "Work queue with competing consumers",
        teaches: "Consumers share one queue; prefetch decides who gets what; a crash redelivers.",
        variants: &[("Three workers and a crash", "work-queue")],
    },
    Lesson {
        title: "Poison message",
        teaches: "One message that always fails: a requeue loop, or a delivery limit and a DLQ.",
        variants: &[("Without a DLQ", "poison-no-dlq"), ("With a DLQ", "poison-with-dlq")],
    },
    Lesson {
        title: "Retry storm versus backoff with jitter",
        teaches: "Immediate retries hammer a service that is down; backoff with jitter rides it out.",
        variants: &[("Immediate retries", "retry-storm"), ("Backoff with jitter", "retry-jitter")],
    },
    Lesson {
        title: "Duplicate delivery",
        teaches: "At-least-once redelivers; only an idempotent consumer makes that harmless.",
        variants: &[("No idempotency", "duplicates-no-idempotency"), ("Idempotent consumer", "duplicates-idempotent")],
    },
    Lesson {
        title: "Out-of-order events",
        teaches: "Order holds within a partition only: the partition key decides what stays in order.",
        variants: &[
            ("Keyed by event type", "out-of-order-wrong-key"),
            ("Keyed by order id", "out-of-order-keyed-by-order"),
        ],
    },
    Lesson {
        title: "Delivery guarantees under a crash",
        teaches: "At-most-once loses, at-least-once duplicates, exactly-once does neither.",
        variants: &[
            ("At-most-once", "crash-at-most-once"),
            ("At-least-once", "crash-at-least-once"),
            ("Exactly-once", "crash-exactly-once"),
        ],
    },
    Lesson {
        title: "Dual write versus transactional outbox",
        teaches: "Saving and publishing separately loses events; an outbox turns losses into duplicates.",
        variants: &[("Dual write", "dual-write"), ("Transactional outbox", "outbox")],
    },
    Lesson {
        title: "Consumer lag, back-pressure and rebalance",
        teaches: "A slow group falls behind; a new member takes partitions over, at a price.",
        variants: &[("Adding a consumer", "consumer-lag-rebalance"), ("A slow poll loop", "slow-poll-loop")],
    },
    Lesson {
        title: "Replay from an offset",
        teaches: "A log keeps history: a late group can start from the earliest offset.",
        variants: &[("A late-joining group", "replay-late-joiner")],
    },
    Lesson {
        title: "Producer retries",
        teaches: "A lost acknowledgement makes a retry write twice, unless the producer is idempotent.",
        variants: &[("Plain retries", "producer-retries-duplicates"), ("Idempotent producer", "producer-idempotent")],
    },
];

/// The lesson a preset belongs to, and its variant's position there.
pub fn lesson_of(slug: &str) -> Option<(&'static Lesson, usize)> {
    LESSONS.iter().find_map(|l| l.variants.iter().position(|v| v.1 == slug).map(|i| (l, i)))
}

/// The other variants of a preset's lesson, to compare with: (label, slug).
pub fn siblings(slug: &str) -> Vec<(&'static str, &'static str)> {
    lesson_of(slug).map_or(Vec::new(), |(l, _)| l.variants.iter().filter(|v| v.1 != slug).copied().collect())
}

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(Gallery)]
pub fn gallery(props: &GalleryProps) -> Html {
    let state = &props.state;
    let close = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(PanelAction::ToggleGallery.into()))
    };
    let current = presets::PRESETS.get(state.lesson).map_or("", |p| p.slug);
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="gallery-heading" onkeydown={Callback::from(trap_focus)}>
            <div class="overlay-card gallery-card">
                <div class="overlay-head">
                    <h2 id="gallery-heading">{ "Lessons" }</h2>
                    <button type="button" onclick={close} autofocus=true>{ "Close" }</button>
                </div>
                <p class="hint">{ "Each lesson narrates what to watch, what to try and what the fix is. Where a lesson has two variants, Compare runs them side by side on the same seed." }</p>
                <ol class="gallery">
                    { for LESSONS.iter().enumerate().map(|(n, l)| html! {
                        <li class="gallery-item">
                            <h3>{ format!("{}. {}", n + 1, l.title) }</h3>
                            <p>{ l.teaches }</p>
                            <div class="gallery-variants">
                                { for l.variants.iter().map(|(label, slug)| {
                                    let d = state.dispatcher();
                                    let i = presets::position(slug);
                                    let open = Callback::from(move |_: MouseEvent| if let Some(i) = i { d.dispatch(OpenAction::LoadLesson(i).into()) });
                                    html! {
                                        <button type="button" class={classes!((current == *slug).then_some("current"))} onclick={open}
                                                aria-label={format!("Open {}: {label}", l.title)}>
                                            { *label }
                                        </button>
                                    }
                                }) }
                                if l.variants.len() >= 2 {
                                    {{
                                        let d = state.dispatcher();
                                        let (a, b) = (presets::position(l.variants[0].1), presets::position(l.variants[1].1));
                                        let compare = Callback::from(move |_: MouseEvent| if let (Some(a), Some(b)) = (a, b) {
                                            d.dispatch(OpenAction::LoadLesson(a).into());
                                            d.dispatch(OpenAction::CompareWith(Some(CompareTo::Variant(b))).into());
                                        });
                                        html! {
                                            <button type="button" class="compare-both" onclick={compare}
                                                    aria-label={format!("Compare {} and {}", l.variants[0].0, l.variants[1].0)}>
                                                { crate::ui::icons::button_icon("compare") }{ format!("Compare {} and {}", l.variants[0].0, l.variants[1].0) }
                                            </button>
                                        }
                                    }}
                                }
                            </div>
                        </li>
                    }) }
                </ol>
            </div>
        </div>
    }
}

/// Keeps Tab inside the dialog: from its last button to its first, and back with Shift.
fn trap_focus(e: web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if e.key() != "Tab" {
        return;
    }
    let Some(dialog) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("[role=dialog]").ok().flatten())
    else {
        return;
    };
    let Ok(list) = dialog.query_selector_all("button") else { return };
    let item = |i: u32| list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    let (Some(first), Some(last)) = (item(0), item(list.length().saturating_sub(1))) else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let on = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    if e.shift_key() && on(&first) {
        e.prevent_default();
        let _ = last.focus();
    } else if !e.shift_key() && on(&last) {
        e.prevent_default();
        let _ = first.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    #[test]
    fn every_preset_is_in_exactly_one_lesson_and_the_spec_lessons_are_all_there() {
        for p in PRESETS {
            let n = LESSONS.iter().flat_map(|l| l.variants).filter(|v| v.1 == p.slug).count();
            assert_eq!(n, 1, "{} is in {n} lessons", p.slug);
        }
        for v in LESSONS.iter().flat_map(|l| l.variants) {
            assert!(presets::position(v.1).is_some(), "{} has no scenario file", v.1);
        }
        assert!(LESSONS.len() >= 10);
        assert_eq!(
            siblings("crash-at-least-once"),
            vec![("At-most-once", "crash-at-most-once"), ("Exactly-once", "crash-exactly-once")]
        );
    }
}
