//! Share links compressed and inflated by the browser: `CompressionStream("deflate")` makes
//! the zlib stream a link packs (`broker::link::pack`), and `DecompressionStream` inflates a
//! link the page opens (`broker::link::unpack`, then `broker::link::open`), so the wasm
//! carries no deflate or inflate of its own (miniz's were 14 KB of the gzip'd wasm). Both
//! answer a moment later, through a callback (the streams are driven by a few lines of
//! JavaScript, `browser.js`), which is why the page keeps the link it last made
//! (`AppState::link`) and opens a link with an action that carries what it read. Where the
//! browser has no `CompressionStream`, or it fails, the link packs the text uncompressed:
//! longer, and it opens all the same. Inflating stops at the core's cap
//! (`MAX_INFLATED_BYTES`), so a small link cannot unpack to gigabytes.

use std::cell::RefCell;
use std::rc::Rc;

use broker::link::{LinkError, Shared};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use yew::UseReducerDispatcher;

use crate::state::{AppState, OpenAction};

#[wasm_bindgen(module = "/src/ui/share/browser.js")]
extern "C" {
    /// Calls `done` with the zlib stream of `bytes`, or null where the browser cannot.
    fn deflate(bytes: &[u8], done: &JsValue);
    /// Calls `done` with `bytes` inflated, or 0 (cannot), 1 (damaged), 2 (past `most`).
    fn inflate(bytes: &[u8], format: &str, most: f64, done: &JsValue);
}

/// Hands `then` the link text for a link's envelope (`model::share::link_envelope`). `then`
/// is boxed: one copy of the browser callback's glue for every caller.
pub fn link_then(envelope: String, then: Box<dyn FnOnce(String)>) {
    let text = envelope.clone();
    let done = Closure::once_into_js(move |zlib: JsValue| {
        let zlib =
            if zlib.is_null() { broker::link::zlib_stored(text.as_bytes()) } else { Uint8Array::new(&zlib).to_vec() };
        then(broker::link::pack(&zlib));
    });
    deflate(envelope.as_bytes(), &done);
}

/// Reads a link as `broker::link::decode` does, with the browser inflating it, and hands
/// `then` what it held or why it cannot be opened.
pub fn decode_then(text: &str, then: impl FnOnce(Result<Shared, LinkError>) + 'static) {
    let packed = match broker::link::unpack(text) {
        Ok(packed) => packed,
        Err(e) => return then(Err(e)),
    };
    let done = Closure::once_into_js(move |inflated: JsValue| {
        then(match inflated.as_f64() {
            None => broker::link::open(&Uint8Array::new(&inflated).to_vec()),
            Some(0.0) => Err(LinkError::CannotUnpack),
            Some(2.0) => Err(LinkError::TooBig),
            Some(_) => Err(LinkError::Damaged),
        })
    });
    let format = if packed.zlib { "deflate" } else { "deflate-raw" };
    inflate(&packed.bytes, format, broker::link::MAX_INFLATED_BYTES as f64, &done);
}

/// Reads a link (the text after `#`) and opens what it held, or says why it cannot.
pub fn open(d: UseReducerDispatcher<AppState>, text: String, from_history: bool) {
    decode_then(&text, move |link| d.dispatch(OpenAction::OpenLink { link, from_history }.into()));
}

/// [`link_then`] awaited (for the browser tests; the page itself passes callbacks).
pub async fn link(envelope: String) -> String {
    awaited(|then| link_then(envelope, then)).await
}

/// [`decode_then`] awaited (for the browser tests).
pub async fn decode(text: String) -> Result<Shared, LinkError> {
    awaited(|then| decode_then(&text, then)).await
}

/// What `start` hands its callback, awaited.
async fn awaited<T: 'static>(start: impl FnOnce(Box<dyn FnOnce(T)>)) -> T {
    let slot: Rc<RefCell<Option<T>>> = Rc::default();
    let mut start = Some(start);
    let put = slot.clone();
    let arrived = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(start) = start.take() {
            let put = put.clone();
            start(Box::new(move |v| {
                *put.borrow_mut() = Some(v);
                let _ = resolve.call0(&JsValue::NULL);
            }));
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(arrived).await;
    let value = slot.borrow_mut().take();
    value.expect("the callback ran before its promise resolved")
}
