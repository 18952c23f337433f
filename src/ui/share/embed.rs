//! Embed mode, for course pages: `?embed=1` shows the canvas, the transport and the outcome
//! and no editor chrome, with an "Open in Brokerlab" link to the full editor. Options are
//! URL parameters: `autoplay=1`, `t=<ms>` (start time), `speed=<0.1..100>`, `readonly=1` and
//! `panels=outcome,lesson,log,passport,flow,charts,checks` (which panels to show; `none` for
//! none). A small `postMessage` API lets the page around the frame drive the player.
//!
//! ```text
//!   course page ──postMessage {type: "brokerlab:play" | "brokerlab:pause" |
//!                              "brokerlab:seek", t_ms | "brokerlab:load", link}──▶ player
//!   player ──postMessage {type: "brokerlab:outcome", ...}, {type: "brokerlab:finished"} and
//!            {type: "brokerlab:error", message} (a link that could not be opened)──▶ course page
//! ```
//!
//! Messages that do not come from the parent window, or are not objects of these types, are
//! ignored.

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::state::{Action, AppState, PanelAction, Tab, TransportAction};

/// Embed mode and its options, from the page's query string.
#[derive(Clone, Debug, PartialEq)]
pub struct Embed {
    pub on: bool,
    pub autoplay: bool,
    pub start_ms: Option<u64>,
    pub speed: Option<f64>,
    pub read_only: bool,
    pub outcome: bool,
    pub tabs: Vec<Tab>,
}

impl Embed {
    /// Reads `?embed=1&autoplay=1&t=5000&speed=2&readonly=1&panels=outcome,log`. Anything it
    /// does not understand is left at its default.
    pub fn from_query(query: &str) -> Embed {
        let mut e = Embed {
            on: false,
            autoplay: false,
            start_ms: None,
            speed: None,
            read_only: false,
            outcome: true,
            tabs: vec![Tab::Lesson],
        };
        let yes = |v: &str| !matches!(v, "0" | "false" | "no" | "off");
        for pair in query.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, "1"));
            let (k, v) = (unescape(k), unescape(v));
            let (k, v) = (k.trim(), v.trim());
            match k {
                "embed" => e.on = yes(v),
                "autoplay" => e.autoplay = yes(v),
                "readonly" => e.read_only = yes(v),
                // Past the end (or past a day, the longest run) starts at the end.
                "t" => e.start_ms = v.parse::<u64>().ok().map(|t| t.min(86_400_000)),
                "speed" => {
                    e.speed = crate::model::fields::parse_number(v)
                        .filter(|s| s.is_finite())
                        .map(|s| s.clamp(crate::state::MIN_SPEED, crate::state::MAX_SPEED))
                }
                "panels" => {
                    e.outcome = false;
                    e.tabs.clear();
                    for p in v.split([',', '+', ' ']) {
                        match p {
                            "outcome" => e.outcome = true,
                            "lesson" => e.tabs.push(Tab::Lesson),
                            "log" => e.tabs.push(Tab::Log),
                            "passport" => e.tabs.push(Tab::Passport),
                            "flow" => e.tabs.push(Tab::Flow),
                            "charts" => e.tabs.push(Tab::Charts),
                            "checks" => e.tabs.push(Tab::Checks),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        e
    }

    pub fn from_page() -> Embed {
        Embed::from_query(&web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default())
    }
}

/// A query value as the page's author wrote it: `+` is a space and `%2C` a comma, as a
/// course platform that escapes its links would write them. A `%` not followed by two hex
/// digits is kept as it is. (Ten lines here rather than a crate for the wasm bundle.)
fn unescape(s: &str) -> String {
    let hex = |c: Option<&u8>| c.and_then(|c| (*c as char).to_digit(16));
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], hex(b.get(i + 1)), hex(b.get(i + 2))) {
            (b'+', ..) => out.push(b' '),
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 2;
            }
            (c, ..) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The window this page is framed in, if it is framed.
fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok()??;
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

fn get(data: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(data, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// What a message from the parent asks for, if it is one of the API's.
pub enum Request {
    Act(Action),
    /// Open this link (the page reads it first: the browser inflates it).
    Load(String),
}

/// What a message from the parent asks for, if it is one of the API's.
pub fn request_for(data: &JsValue) -> Option<Request> {
    if !data.is_object() {
        return None;
    }
    match get(data, "type").as_string()?.as_str() {
        "brokerlab:play" => Some(Request::Act(TransportAction::Play.into())),
        "brokerlab:pause" => Some(Request::Act(TransportAction::Pause.into())),
        "brokerlab:seek" => {
            let ms = get(data, "t_ms").as_f64().filter(|t| t.is_finite() && *t >= 0.0)?;
            Some(Request::Act(TransportAction::Seek((ms.min(86_400_000.0) * 1_000.0) as u64).into()))
        }
        "brokerlab:load" => {
            let link = get(data, "link").as_string().filter(|l| l.len() <= broker::link::MAX_LINK_CHARS)?;
            Some(Request::Load(link))
        }
        _ => None,
    }
}

fn post(target: &web_sys::Window, fields: &[(&str, JsValue)]) {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    let _ = target.post_message(&o, "*");
}

/// Carries out the embed options once the page's own link has been read and opened (the
/// browser inflates it, and its lesson's file may have to be fetched first), so that opening
/// it does not undo them: read-only, speed, start time and autoplay.
#[hook]
pub fn use_embed_options(state: &UseReducerHandle<AppState>, embed: &Embed) {
    let d = state.dispatcher();
    let embed = embed.clone();
    // A function, not a closure: one copy of the hook with the palette's (see `use_palette`).
    let done = use_mut_ref(bool::default);
    crate::ui::use_effect_on(
        state.address_read,
        Box::new(move |read| {
            if !*read || std::mem::replace(&mut *done.borrow_mut(), true) {
                return;
            }
            if embed.read_only {
                d.dispatch(PanelAction::SetReadOnly.into());
            }
            if let Some(speed) = embed.speed {
                d.dispatch(TransportAction::SetSpeed(speed).into());
            }
            if let Some(ms) = embed.start_ms {
                d.dispatch(TransportAction::Seek(ms.saturating_mul(1_000)).into());
            }
            if embed.autoplay {
                d.dispatch(TransportAction::Play.into());
            }
        }),
    );
}

/// The postMessage API: commands in from the parent window, events out to it.
#[hook]
pub fn use_post_messages(state: &UseReducerHandle<AppState>) {
    {
        let d = state.dispatcher();
        crate::ui::use_on_mount(Box::new(move || {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "message", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else { return };
                    // Only the page this player is framed in may drive it.
                    let (Some(from), Some(p)) = (e.source(), parent()) else { return };
                    if !js_sys::Object::is(&from, &p) {
                        return;
                    }
                    match request_for(&e.data()) {
                        Some(Request::Act(action)) => d.dispatch(action),
                        Some(Request::Load(link)) => super::zlib::open(d.clone(), link, false),
                        None => {}
                    }
                })
            });
            Box::new(move || drop(listener))
        }));
    }
    // A link that could not be opened (sent with brokerlab:load, or in the frame's address)
    // leaves the player as it was; the page hears why, in the words the learner sees.
    let refused = state.refused_links;
    let why = state.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    crate::ui::use_effect_on(
        refused,
        Box::new(move |refused| {
            if let (true, Some(p)) = (*refused > 0, parent()) {
                post(&p, &[("type", "brokerlab:error".into()), ("message", why.as_str().into())]);
            }
        }),
    );
    // The outcome, whenever what is posted of it changes; "finished" when a run reaches its
    // end. The effect depends on the posted fields alone (a few strings and numbers), not the
    // whole outcome, whose comparison was kilobytes of the page's wasm.
    let o = &state.outcome;
    let finished = state.end_us > 0 && state.t_us >= state.end_us;
    let counts =
        [o.published, o.processed_once, o.processed_more_than_once, o.dead_lettered, o.dropped, o.lost, o.in_flight];
    crate::ui::use_effect_on(
        (o.trace_hash.clone(), o.t_ms.to_bits(), o.verdict.clone(), counts, finished),
        Box::new(|(trace_hash, t_ms, verdict_lines, counts, finished)| {
            if let Some(p) = parent() {
                let verdict = js_sys::Array::new();
                for line in verdict_lines {
                    verdict.push(&line.as_str().into());
                }
                let mut fields = vec![
                    ("type", "brokerlab:outcome".into()),
                    ("t_ms", f64::from_bits(*t_ms).into()),
                    ("verdict", verdict.into()),
                ];
                let names = [
                    "published",
                    "processed_once",
                    "processed_more_than_once",
                    "dead_lettered",
                    "dropped",
                    "lost",
                    "in_flight",
                ];
                for (name, n) in names.iter().zip(counts) {
                    fields.push((name, (*n as f64).into()));
                }
                fields.push(("trace_hash", trace_hash.as_str().into()));
                post(&p, &fields);
                if *finished {
                    post(&p, &[("type", "brokerlab:finished".into()), ("trace_hash", trace_hash.as_str().into())]);
                }
            }
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_from_the_query_and_nonsense_is_ignored() {
        let e = Embed::from_query("?embed=1&autoplay=1&t=5000&speed=2.5&readonly=1&panels=outcome,log,charts");
        assert!(e.on && e.autoplay && e.read_only && e.outcome);
        assert_eq!((e.start_ms, e.speed), (Some(5000), Some(2.5)));
        assert_eq!(e.tabs, vec![Tab::Log, Tab::Charts]);
        let e = Embed::from_query("");
        assert!(!e.on && e.outcome && e.tabs == vec![Tab::Lesson]);
        let e = Embed::from_query("embed&speed=1e12&t=-4&panels=none&x=<script>");
        assert!(e.on && !e.outcome && e.tabs.is_empty());
        assert_eq!((e.start_ms, e.speed), (None, Some(crate::state::MAX_SPEED)));
        assert!(!Embed::from_query("embed=0").on);
        assert_eq!(Embed::from_query("embed=1&t=999999999999").start_ms, Some(86_400_000));
        // As a course platform escapes it, and with stray spaces.
        let e = Embed::from_query("?embed=1&panels=outcome%2Clog+charts&speed=%202%20&autoplay=%ZZ");
        assert!(e.on && e.outcome && e.autoplay);
        assert_eq!((e.tabs, e.speed), (vec![Tab::Log, Tab::Charts], Some(2.0)));
        assert_eq!(unescape("100%"), "100%");
        assert_eq!(unescape("%e2%9c%93%"), "✓%");
        assert_eq!(unescape("%ff"), "\u{fffd}");
    }
}
