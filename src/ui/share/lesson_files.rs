//! Fetching lesson files. The wasm does not carry the lessons' scenarios: each is a static file
//! in `lessons/`, beside the page, fetched the first time it is needed (the page's first
//! lesson before the app mounts, any other when an opening waits for it in
//! [`AppState::awaiting`]) and then kept on the shelf of `model::presets`. Relative
//! addresses keep the app working from any sub-path, and nothing is fetched from anywhere
//! but the page's own server.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::model::presets;
use crate::state::{AppState, OpenAction};

/// A lesson file's text, or why it could not be fetched, in words.
pub async fn fetch(lesson: usize) -> Result<String, String> {
    let text = fetch_text(&presets::address(lesson)).await?;
    // A server that answers every address with its home page has not sent a lesson file.
    match broker::scenario::json::read(&text) {
        Ok(_) => Ok(text),
        Err(_) => Err("the server did not send a scenario file".to_string()),
    }
}

/// The text of the file at `address` (relative to the page), or why it could not be
/// fetched, in words.
async fn fetch_text(address: &str) -> Result<String, String> {
    let why = |e: wasm_bindgen::JsValue| match e.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("the file could not be fetched ({})", String::from(e.message())),
        None => "the file could not be fetched".to_string(),
    };
    let window = web_sys::window().ok_or("the page has no window")?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(address)).await.map_err(why)?.unchecked_into();
    if !response.ok() {
        return Err(format!("the server answered {} {}", response.status(), response.status_text()));
    }
    Ok(JsFuture::from(response.text().map_err(why)?).await.map_err(why)?.as_string().unwrap_or_default())
}

/// Fetches the lesson files an opening waits for; each one's arrival (or failure) is an action.
#[hook]
pub fn use_lesson_files(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    use_effect_with(state.awaiting.clone(), move |awaiting| {
        for &lesson in awaiting.iter().flat_map(|a| a.lessons.iter()) {
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = fetch(lesson).await;
                d.dispatch(OpenAction::Fetched { lesson, text }.into());
            });
        }
    });
}

/// Mounts the app once its first lesson is on hand (or could not be fetched: the app then
/// opens on an empty scenario and says so).
pub fn mount() {
    wasm_bindgen_futures::spawn_local(async {
        // The texts the wasm does not carry (the page preloads them with the first lesson).
        if let Ok(text) = fetch_text(crate::model::texts::ADDRESS).await {
            crate::model::texts::shelve(&text);
        }
        let first = presets::default_index();
        if !presets::on_hand(first) {
            if let Ok(text) = fetch(first).await {
                presets::shelve(first, &text);
            }
        }
        yew::Renderer::<crate::ui::app::App>::new().render();
    });
}
