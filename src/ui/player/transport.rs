//! The transport: Play/Pause, Step, Reset, the Speed slider (ten stops from 0.1× to 100×, one
//! per arrow key) and the Timeline slider (an arrow key moves it by a hundredth of the run,
//! Page Up and Page Down by a tenth) with markers for failures, dead letters and losses. Seeking is
//! quick: the player restores the nearest checkpoint and replays only the rest. A seek the
//! player has not prepared yet (far ahead in a big run) shows its progress here, "Seeking
//! 12.5 s: 40%", while the page keeps answering; another seek or Reset replaces it.

use std::fmt::Write;

use std::rc::Rc;

use broker::decimal::Plain;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::format::format_time;
use crate::play::player::{Marker, MarkerKind};
use crate::state::{TransportAction, MAX_SPEED, MIN_SPEED};
use crate::ui::icons;
use crate::ui::{raw, text_in};

/// The Speed slider's stops, from [`MIN_SPEED`] to [`MAX_SPEED`]: each arrow key moves one,
/// Home and End go to either end.
pub const SPEED_STOPS: [f64; 10] = [MIN_SPEED, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, MAX_SPEED];

/// The speed at a slider position (a stop's index; out of range goes to the nearest end).
pub fn speed_from_slider(v: f64) -> f64 {
    let i = if v.is_nan() { 3.0 } else { v.round().clamp(0.0, (SPEED_STOPS.len() - 1) as f64) };
    SPEED_STOPS[i as usize]
}

/// The stop nearest a speed (on a log scale: 3× is nearer 2× than 5×), for a speed set another
/// way (an embed code's `speed`).
pub fn slider_from_speed(s: f64) -> usize {
    // The ratio of the larger to the smaller: the distance on a log scale, without a logarithm
    // in the wasm.
    let s = s.max(MIN_SPEED);
    let distance = |stop: f64| if stop > s { stop / s } else { s / stop };
    (0..SPEED_STOPS.len())
        .fold(0, |best, i| if distance(SPEED_STOPS[i]) < distance(SPEED_STOPS[best]) { i } else { best })
}

pub fn format_speed(s: f64) -> String {
    if s < 1.0 {
        format!("{}×", Plain((s * 100.0).round() / 100.0))
    } else if s < 10.0 {
        format!("{}×", Plain((s * 10.0).round() / 10.0))
    } else {
        format!("{}×", Plain(s.round()))
    }
}

/// Where a key press on the Timeline slider moves the playhead, in ms, when it is one of the
/// keys the slider takes over: an arrow key moves a hundredth of the run, Page Up and Page Down
/// a tenth (a range input's own arrow step would be one millisecond). Home and End stay the
/// slider's own.
pub fn timeline_key(key: &str, now_ms: u64, end_ms: u64) -> Option<u64> {
    let fraction: i64 = match key {
        "ArrowRight" | "ArrowUp" => 100,
        "ArrowLeft" | "ArrowDown" => -100,
        "PageUp" => 10,
        "PageDown" => -10,
        _ => return None,
    };
    let step = (end_ms / fraction.unsigned_abs()).max(1);
    Some(if fraction > 0 { now_ms.saturating_add(step).min(end_ms) } else { now_ms.saturating_sub(step) })
}

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

pub fn transport(props: &TransportProps) -> Html {
    let send = |a: fn() -> TransportAction| {
        let d = props.on_action.clone();
        Callback::from(move |_: MouseEvent| d.emit(a()))
    };
    let on_speed = {
        let d = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value().parse::<i64>().map_or(f64::NAN, |v| v as f64);
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
    let on_timeline_key = {
        let d = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.alt_key() || e.ctrl_key() || e.meta_key() {
                return;
            }
            if let Some(ms) = timeline_key(&e.key(), now_ms, end_ms) {
                e.prevent_default();
                d.emit(TransportAction::Seek(ms * 1_000));
            }
        })
    };
    let seeking = props.seeking.map(|(target, done)| format!("Seeking {}: {done}%", format_time(target)));
    // The markers as markup (one listener for them all): each is a shape that moves the
    // timeline to its moment when clicked, named by its SVG title.
    let mut markers = String::new();
    for m in props.markers.iter() {
        let left = m.t_us as f64 / props.end_us.max(1) as f64 * 100.0;
        let (class, shape) = match m.kind {
            MarkerKind::Failure => ("marker-failure", "M5 0L10 9H0z"),
            MarkerKind::DeadLetter => ("marker-dead-letter", "M1 1h8v8H1z"),
            MarkerKind::Loss => ("marker-loss", "M1 1l8 8M9 1l-8 8"),
            MarkerKind::Breach => ("marker-breach", "M3 0h4v6H3zM3 7.5h4V10H3z"),
        };
        let _ = write!(
            markers,
            r#"<svg class="marker {class}" style="left:calc({}% - 5px)" viewBox="0 0 10 10" width="10" height="10" data-t="{}" aria-hidden="true"><title>{}</title><path d="{shape}"/></svg>"#,
            Plain((left * 100.0).round() / 100.0),
            m.t_us,
            crate::ui::panels::markup::esc(&m.label)
        );
    }
    let on_marker = {
        let d = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            use wasm_bindgen::JsCast;
            let t = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("[data-t]").ok().flatten())
                .and_then(|el| el.get_attribute("data-t"))
                .and_then(|v| v.parse::<u64>().ok());
            if let Some(t) = t {
                d.emit(TransportAction::Seek(t));
            }
        })
    };
    let counts = |k: MarkerKind| props.markers.iter().filter(|m| m.kind == k).count();
    let marker_summary = format!(
        "Markers: failures {}, dead letters {}, losses {}, broken guarantees {}{}",
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
                    { icons::icon_label(play_icon, play_label) }
                </button>
                <button type="button" onclick={send(|| TransportAction::Step)} aria-keyshortcuts="ArrowRight">
                    { icons::icon_label("step", "Step") }
                </button>
                <button type="button" onclick={send(|| TransportAction::Rewind)} aria-keyshortcuts="R">
                    { icons::icon_label("reset", "Reset") }
                </button>
            </div>
            <div class="speed">
                { raw(r#"<label for="speed">Speed</label>"#) }
                <input id="speed" type="range" min="0" max={(SPEED_STOPS.len() - 1).to_string()} step="1"
                       value={slider_from_speed(props.speed).to_string()}
                       aria-valuetext={format_speed(props.speed)} oninput={on_speed} />
                <output for="speed">{ format_speed(props.speed) }</output>
            </div>
            <div class="timeline">
                { raw(r#"<label for="timeline">Timeline</label>"#) }
                <div class="timeline-track">
                    <div class="markers" title={marker_summary.clone()} onclick={on_marker}>{ Html::from_html_unchecked(markers.into()) }</div>
                    <input id="timeline" type="range" min="0" max={end_ms.to_string()} step="1"
                           value={now_ms.to_string()} oninput={on_seek} onkeydown={on_timeline_key}
                           aria-valuetext={format!("{} of {}", format_time(shown_us), format_time(props.end_us))}
                           aria-describedby="marker-summary" />
                </div>
                <output for="timeline" class="clock">{ format!("{} / {}", format_time(props.t_us), format_time(props.end_us)) }</output>
                <span class="seeking" role="status" aria-live="polite">{ seeking.unwrap_or_default() }</span>
                { text_in(r#"<p id="marker-summary" class="visually-hidden">"#, &marker_summary, "</p>") }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_slider_steps_through_its_stops_from_a_tenth_to_a_hundred() {
        assert_eq!(speed_from_slider(0.0), 0.1);
        assert_eq!(speed_from_slider(9.0), 100.0);
        assert_eq!(speed_from_slider(-5.0), 0.1);
        assert_eq!(speed_from_slider(1e12), 100.0);
        assert_eq!(speed_from_slider(f64::NAN), 1.0);
        for (i, s) in SPEED_STOPS.iter().enumerate() {
            assert_eq!(slider_from_speed(*s), i);
        }
        // A speed between stops shows at the nearest one, on a log scale.
        assert_eq!(SPEED_STOPS[slider_from_speed(3.0)], 2.0);
        assert_eq!(SPEED_STOPS[slider_from_speed(4.0)], 5.0);
        assert_eq!(SPEED_STOPS[slider_from_speed(0.01)], 0.1);
        let words: Vec<String> = SPEED_STOPS.iter().map(|s| format_speed(*s)).collect();
        assert_eq!(words, ["0.1×", "0.25×", "0.5×", "1×", "2×", "5×", "10×", "25×", "50×", "100×"]);
    }

    #[test]
    fn timeline_keys_move_a_hundredth_or_a_tenth_of_the_run() {
        assert_eq!(timeline_key("ArrowRight", 5_000, 30_000), Some(5_300));
        assert_eq!(timeline_key("ArrowLeft", 5_000, 30_000), Some(4_700));
        assert_eq!(timeline_key("PageUp", 5_000, 30_000), Some(8_000));
        assert_eq!(timeline_key("PageDown", 1_000, 30_000), Some(0));
        assert_eq!(timeline_key("ArrowUp", 29_900, 30_000), Some(30_000));
        // A run shorter than 100 ms still moves.
        assert_eq!(timeline_key("ArrowRight", 0, 50), Some(1));
        assert_eq!(timeline_key("Home", 5_000, 30_000), None);
        assert_eq!(timeline_key("a", 5_000, 30_000), None);
    }
}
