//! Fetching lesson files. The wasm does not carry the lessons' scenarios: each is a static file
//! in `lessons/`, beside the page, fetched the first time it is needed (the page's first
//! lesson before the app mounts, any other when an opening waits for it in
//! [`AppState::awaiting`]) and then kept on the shelf of `model::presets`. Relative
//! addresses keep the app working from any sub-path, and nothing is fetched from anywhere
//! but the page's own server.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::model::presets;
use crate::state::{AppState, OpenAction};

#[wasm_bindgen(module = "/src/ui/share/browser.js")]
extern "C" {
    /// Calls `done` with the file's text and "", or with nothing and why it could not be
    /// fetched, in words.
    #[wasm_bindgen(js_name = fetchText)]
    fn fetch_file(address: &str, done: &JsValue);
}

/// Hands `then` the text of the file at `address` (relative to the page), or why it could
/// not be fetched, in words. `then` is boxed: one copy of the browser callback's glue for
/// every caller.
fn fetch_text(address: &str, then: Box<dyn FnOnce(Result<String, String>)>) {
    let done = Closure::once_into_js(move |text: Option<String>, why: String| then(text.ok_or(why)));
    fetch_file(address, &done);
}

/// Hands `then` a lesson file's text, or why it could not be fetched, in words.
pub fn fetch(lesson: usize, then: Box<dyn FnOnce(Result<String, String>)>) {
    fetch_text(
        &presets::address(lesson),
        Box::new(move |text| {
            // A server that answers every address with its home page has not sent a lesson file.
            then(text.and_then(|text| match broker::scenario::json::read(&text) {
                Ok(_) => Ok(text),
                Err(_) => Err("the server did not send a scenario file".to_string()),
            }))
        }),
    );
}

/// Fetches the lesson files an opening waits for; each one's arrival (or failure) is an action.
#[hook]
pub fn use_lesson_files(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    // The lessons waited for, not the whole opening: comparing two openings (a link's
    // document and all) was more code in the wasm than the fetching.
    crate::ui::use_effect_on(
        state.awaiting.as_ref().map(|a| a.lessons.clone()),
        Box::new(move |lessons| {
            for &lesson in lessons.iter().flatten() {
                let d = d.clone();
                fetch(lesson, Box::new(move |text| d.dispatch(OpenAction::Fetched { lesson, text }.into())));
            }
        }),
    );
}

/// Mounts the app once its first lesson is on hand (or could not be fetched: the app then
/// opens on an empty scenario and says so).
pub fn mount() {
    // The texts the wasm does not carry (the page preloads them with the first lesson).
    fetch_text(
        crate::model::texts::ADDRESS,
        Box::new(|texts| {
            if let Ok(text) = texts {
                crate::model::texts::shelve(&text);
            }
            let first = presets::default_index();
            let render = || {
                yew::Renderer::<crate::ui::app::App>::new().render();
            };
            if presets::on_hand(first) {
                return render();
            }
            fetch(
                first,
                Box::new(move |text| {
                    if let Ok(text) = text {
                        presets::shelve(first, &text);
                    }
                    render();
                }),
            );
        }),
    );
}
