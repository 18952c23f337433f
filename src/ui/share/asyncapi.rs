//! "Export AsyncAPI" and "Import AsyncAPI": the scenario as an AsyncAPI 3.0 document (YAML),
//! and an AsyncAPI 3.0 or 2.6 document (YAML or JSON) opened as a scenario, with what could
//! not be mapped told in the notice. The mapping runs in the AsyncAPI worker (`src/worker.rs`,
//! its own wasm), started the first time either is pressed, so the page's wasm carries none
//! of it; one request is answered at a time.

use std::cell::RefCell;

use serde_json::{json, Value};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use yew::prelude::*;

use crate::state::{AppState, OpenAction, PanelAction};

/// The worker's loader, beside the page (Trunk's loader shim for `asyncapi-worker`).
const WORKER: &str = "./asyncapi-worker_loader.js";
/// The largest document Import AsyncAPI reads.
const MAX_DOCUMENT_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

type Waiting = Box<dyn FnOnce(Value)>;

/// What the worker says once it listens (a request sent before would find no listener).
const READY: &str = "ready";

thread_local! {
    static STARTED: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
    /// Whether the worker has said it listens.
    static LISTENS: RefCell<bool> = const { RefCell::new(false) };
    /// The request waiting for the worker to listen, and the one waiting for its answer.
    static UNSENT: RefCell<Option<String>> = const { RefCell::new(None) };
    static WAITING: RefCell<Option<Waiting>> = const { RefCell::new(None) };
}

/// Sends `request`, or keeps it until the worker listens; false when the worker refused it.
fn send(worker: &web_sys::Worker, request: String) -> bool {
    if LISTENS.with(|l| *l.borrow()) {
        worker.post_message(&JsValue::from_str(&request)).is_ok()
    } else {
        UNSENT.with(|u| *u.borrow_mut() = Some(request));
        true
    }
}

/// Sends a request to the worker (starting it the first time) and hands its answer to
/// `then`; a worker that cannot start answers with an error.
fn ask(request: Value, then: Waiting) {
    let worker = STARTED.with(|w| {
        if w.borrow().is_none() {
            let started = web_sys::Worker::new(WORKER).ok();
            if let Some(worker) = &started {
                let me = worker.clone();
                let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    let text = e.data().as_string().unwrap_or_default();
                    if text == READY {
                        LISTENS.with(|l| *l.borrow_mut() = true);
                        if let Some(request) = UNSENT.with(|u| u.borrow_mut().take()) {
                            let _ = me.post_message(&JsValue::from_str(&request));
                        }
                        return;
                    }
                    let answer = broker::scenario::json::read(&text).unwrap_or(Value::Null);
                    if let Some(waiting) = WAITING.with(|w| w.borrow_mut().take()) {
                        waiting(answer);
                    }
                });
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                on_message.forget();
                let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|_: web_sys::Event| {
                    if let Some(waiting) = WAITING.with(|w| w.borrow_mut().take()) {
                        waiting(failed("the AsyncAPI worker could not start (its files did not load)"));
                    }
                });
                worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
                on_error.forget();
            }
            *w.borrow_mut() = started;
        }
        w.borrow().clone()
    });
    let Some(worker) = worker else {
        return then(failed("this browser could not start the AsyncAPI worker"));
    };
    if WAITING.with(|w| w.borrow().is_some()) {
        return then(failed("the last AsyncAPI request is still being worked on; try again in a moment"));
    }
    WAITING.with(|w| *w.borrow_mut() = Some(then));
    if !send(&worker, broker::link::write_json(&request, false)) {
        if let Some(waiting) = WAITING.with(|w| w.borrow_mut().take()) {
            waiting(failed("the AsyncAPI worker did not take the request"));
        }
    }
}

/// An answer the page makes itself when the worker cannot give one.
fn failed(why: &str) -> Value {
    json!({"ok": false, "error": why})
}

fn error_of(answer: &Value) -> String {
    answer.get("error").and_then(Value::as_str).unwrap_or("the AsyncAPI worker gave no answer").to_string()
}

/// Saves the scenario as an AsyncAPI 3.0 document in YAML.
pub fn export(state: &AppState, d: UseReducerDispatcher<AppState>) {
    let text = crate::model::share::file_text(&state.doc);
    let name = super::tools::file_name(state);
    ask(
        json!(["export", text, "yaml"]),
        Box::new(move |answer| match answer.get("text").and_then(Value::as_str) {
            Some(doc) if answer["ok"] == true => {
                super::tools::download(doc, "application/yaml", &format!("{name}.asyncapi.yaml"));
                d.dispatch(
                    PanelAction::Notify(format!("Saved {name}.asyncapi.yaml, an AsyncAPI 3.0 document.")).into(),
                );
            }
            _ => {
                d.dispatch(PanelAction::Notify(format!("No AsyncAPI document was made: {}.", error_of(&answer))).into())
            }
        }),
    );
}

/// Reads a picked AsyncAPI document and opens the scenario it describes.
pub fn import(d: UseReducerDispatcher<AppState>, file: web_sys::File) {
    let name = file.name();
    let opener = d.clone();
    let then = move |text: String| {
        ask(
            json!(["import", text, name]),
            Box::new(move |answer| match answer.get("text").and_then(Value::as_str) {
                Some(scenario) if answer["ok"] == true => {
                    opener.dispatch(OpenAction::Import { name: name.clone(), text: scenario.to_string() }.into());
                    let summary = answer.get("summary").and_then(Value::as_str).unwrap_or_default();
                    opener.dispatch(PanelAction::Notify(summary.to_string()).into());
                }
                _ => opener.dispatch(
                    PanelAction::Notify(format!(
                        "{name} was not opened, and nothing here changed: {}.",
                        error_of(&answer)
                    ))
                    .into(),
                ),
            }),
        );
    };
    super::tools::read_text(d, file, MAX_DOCUMENT_BYTES, Box::new(then));
}
