//! The transport: Play/Pause, Step, Reset, the Speed slider (0.1× to 100×, on a log scale)
//! and the Timeline slider with markers for failures, dead letters and losses. Seeking is
//! quick: the player restores the nearest checkpoint and replays only the rest. A seek the
//! player has not prepared yet (far ahead in a big run) shows its progress here, "Seeking
//! 12.5 s: 40%", while the page keeps answering; another seek or Reset replaces it.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::player::{Marker, MarkerKind};
use crate::state::{TransportAction, MAX_SPEED, MIN_SPEED};
use crate::ui::icons;

/// Slider position (0..=1000) to speed, logarithmic so 1× sits in the middle third.
pub fn speed_from_slider(v: f64) -> f64 {
    let t = (v / 1000.0).clamp(0.0, 1.0);
    let s = MIN_SPEED * (MAX_SPEED / MIN_SPEED).powf(t);
    // Round to a readable figure.
    if s < 1.0 {
        (s * 10.0).round() / 10.0
    } else if s < 10.0 {
        (s * 2.0).round() / 2.0
    } else {
        s.round()
    }
}

pub fn slider_from_speed(s: f64) -> f64 {
    ((s / MIN_SPEED).ln() / (MAX_SPEED / MIN_SPEED).ln() * 1000.0).clamp(0.0, 1000.0)
}

pub fn format_speed(s: f64) -> String {
    if s < 10.0 {
        format!("{}×", (s * 10.0).round() / 10.0)
    } else {
        format!("{}×", s.round())
    }
}

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub playing: bool,
    pub speed: f64,
    pub t_us: u64,
    pub end_us: u64,
    /// A seek on its way: its target and how far it has got, in percent.
    pub seeking: Option<(u64, u8)>,
    /// The timeline's markers, and how many more there were than it shows.
    pub markers: Rc<Vec<Marker>>,
    pub markers_left_out: usize,
    /// What the buttons and sliders ask for.
    pub on_action: Callback<TransportAction>,
}

#[function_component(Transport)]
pub fn transport(props: &TransportProps) -> Html {
    let send = |a: fn() -> TransportAction| {
        let d = props.on_action.clone();
        Callback::from(move |_: MouseEvent| d.emit(a()))
    };
    let on_speed = {
        let d = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value().parse::<i64>().map_or(500.0, |v| v as f64);
            d.emit(TransportAction::SetSpeed(speed_from_slider(v)));
        })
    };
    let on_seek = {
        let d = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value().parse::<i64>().map_or(0.0, |v| v as f64);
            d.emit(TransportAction::Seek((v.max(0.0) * 1_000.0) as u64));
        })
    };
    let end_ms = (props.end_us / 1_000).max(1);
    // While a seek is on its way the slider stays where the user put it.
    let shown_us = props.seeking.map_or(props.t_us, |(target, _)| target);
    let now_ms = shown_us / 1_000;
    let seeking = props.seeking.map(|(target, done)| format!("Seeking {}: {done}%", format_time(target)));
    let markers = props.markers.iter().map(|m| {
        let left = m.t_us as f64 / props.end_us.max(1) as f64 * 100.0;
        let (class, shape) = match m.kind {
            MarkerKind::Failure => ("marker-failure", "M5 0L10 9H0z"),
            MarkerKind::DeadLetter => ("marker-dead-letter", "M1 1h8v8H1z"),
            MarkerKind::Loss => ("marker-loss", "M1 1l8 8M9 1l-8 8"),
            MarkerKind::Breach => ("marker-breach", "M3 0h4v6H3zM3 7.5h4V10H3z"),
        };
        let onclick = {
            let d = props.on_action.clone();
            let t = m.t_us;
            Callback::from(move |_: MouseEvent| d.emit(TransportAction::Seek(t)))
        };
        html! {
            <svg class={classes!("marker", class)} style={format!("left:calc({}% - 5px)", (left * 100.0).round() / 100.0)} viewBox="0 0 10 10"
                 width="10" height="10" onclick={onclick} aria-hidden="true">
                <title>{ m.label.clone() }</title>
                <path d={shape} />
            </svg>
        }
    });
    let counts = |k: MarkerKind| props.markers.iter().filter(|m| m.kind == k).count();
    let marker_summary = format!(
        "Markers: {} failures, {} dead letters, {} losses, {} broken guarantees{}",
        counts(MarkerKind::Failure),
        counts(MarkerKind::DeadLetter),
        counts(MarkerKind::Loss),
        counts(MarkerKind::Breach),
        if props.markers_left_out > 0 {
            format!(" (and {} more not shown)", props.markers_left_out)
        } else {
            String::new()
        }
    );
    let (play_label, play_icon, play_action): (&str, &str, fn() -> TransportAction) = if props.playing {
        ("Pause", "pause", || TransportAction::Pause)
    } else {
        ("Play", "play", || TransportAction::Play)
    };
    html! {
        <section class="transport" aria-label="Transport">
            <div class="transport-buttons">
                <button type="button" class="primary" onclick={send(play_action)} aria-keyshortcuts="Space">
                    { icons::button_icon(play_icon) }<span>{ play_label }</span>
                </button>
                <button type="button" onclick={send(|| TransportAction::Step)} aria-keyshortcuts="ArrowRight">
                    { icons::button_icon("step") }<span>{ "Step" }</span>
                </button>
                <button type="button" onclick={send(|| TransportAction::Rewind)} aria-keyshortcuts="R">
                    { icons::button_icon("reset") }<span>{ "Reset" }</span>
                </button>
            </div>
            <div class="speed">
                <label for="speed">{ "Speed" }</label>
                <input id="speed" type="range" min="0" max="1000" step="1"
                       value={slider_from_speed(props.speed).round().to_string()}
                       aria-valuetext={format_speed(props.speed)} oninput={on_speed} />
                <output for="speed">{ format_speed(props.speed) }</output>
            </div>
            <div class="timeline">
                <label for="timeline">{ "Timeline" }</label>
                <div class="timeline-track">
                    <div class="markers" title={marker_summary.clone()}>{ for markers }</div>
                    <input id="timeline" type="range" min="0" max={end_ms.to_string()} step="1"
                           value={now_ms.to_string()} oninput={on_seek}
                           aria-valuetext={format!("{} of {}", format_time(shown_us), format_time(props.end_us))}
                           aria-describedby="marker-summary" />
                </div>
                <output for="timeline" class="clock">{ format!("{} / {}", format_time(props.t_us), format_time(props.end_us)) }</output>
                <span class="seeking" role="status" aria-live="polite">{ seeking.unwrap_or_default() }</span>
                <p id="marker-summary" class="visually-hidden">{ marker_summary }</p>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_slider_spans_a_tenth_to_a_hundred() {
        assert_eq!(speed_from_slider(0.0), 0.1);
        assert_eq!(speed_from_slider(1000.0), 100.0);
        assert_eq!(speed_from_slider(slider_from_speed(1.0)), 1.0);
        assert_eq!(speed_from_slider(-5.0), 0.1);
        assert_eq!(speed_from_slider(1e12), 100.0);
        assert_eq!(format_speed(0.1), "0.1×");
    }
}
