//! Share links compressed and inflated by the browser: `CompressionStream("deflate")` makes
//! the zlib stream a link packs (`broker::link::pack`), and `DecompressionStream` inflates a
//! link the page opens (`broker::link::unpack`, then `broker::link::open`), so the wasm
//! carries no deflate or inflate of its own (miniz's were 14 KB of the gzip'd wasm). Both
//! answer a moment later, which is why the page keeps the link it last made
//! (`AppState::link`) and opens a link with an action that carries what it read. Where the
//! browser has no `CompressionStream`, or it fails, the link packs the text uncompressed:
//! longer, and it opens all the same. Inflating stops at the core's cap
//! (`MAX_INFLATED_BYTES`), so a small link cannot unpack to gigabytes.

use broker::link::{LinkError, Packed, Shared};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::UseReducerDispatcher;

use crate::state::{AppState, OpenAction};

#[wasm_bindgen]
extern "C" {
    /// The Compression Streams API's transform (not among web-sys's stable bindings).
    type CompressionStream;

    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    /// The transform the other way.
    type DecompressionStream;

    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;

    /// A `ReadableStream`, seen for its `pipeThrough` and `getReader`.
    #[wasm_bindgen(js_name = ReadableStream)]
    type Readable;

    #[wasm_bindgen(method, js_name = pipeThrough, catch)]
    fn pipe_through(this: &Readable, transform: &CompressionStream) -> Result<web_sys::ReadableStream, JsValue>;

    #[wasm_bindgen(method, js_name = pipeThrough, catch)]
    fn pipe_through_inflate(this: &Readable, transform: &DecompressionStream) -> Result<Readable, JsValue>;

    #[wasm_bindgen(method, js_name = getReader, catch)]
    fn get_reader(this: &Readable) -> Result<Reader, JsValue>;

    /// A `ReadableStreamDefaultReader`.
    #[wasm_bindgen(js_name = ReadableStreamDefaultReader)]
    type Reader;

    #[wasm_bindgen(method)]
    fn read(this: &Reader) -> js_sys::Promise;

    #[wasm_bindgen(method)]
    fn cancel(this: &Reader) -> js_sys::Promise;
}

/// `bytes` as a stream, to pipe through a transform.
fn stream_of(bytes: &[u8]) -> Result<Readable, JsValue> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    Ok(web_sys::Blob::new_with_u8_array_sequence(&parts)?.stream().unchecked_into())
}

/// `data` as a zlib stream, compressed by the browser.
async fn deflate(data: &[u8]) -> Result<Vec<u8>, JsValue> {
    let compressed = stream_of(data)?.pipe_through(&CompressionStream::new("deflate")?)?;
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&compressed))?;
    let bytes = JsFuture::from(response.array_buffer()?).await?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

/// The link text for a link's envelope (`model::share::link_envelope`).
pub async fn link(envelope: String) -> String {
    let zlib = match deflate(envelope.as_bytes()).await {
        Ok(zlib) => zlib,
        Err(_) => broker::link::zlib_stored(envelope.as_bytes()),
    };
    broker::link::pack(&zlib)
}

/// Reads a link as `broker::link::decode` does, with the browser inflating it.
pub async fn decode(text: String) -> Result<Shared, LinkError> {
    let packed = broker::link::unpack(&text)?;
    let inflated = inflate(&packed).await?;
    broker::link::open(&inflated)
}

/// Reads a link (the text after `#`) and opens what it held, or says why it cannot.
pub fn open(d: UseReducerDispatcher<AppState>, text: String, from_history: bool) {
    wasm_bindgen_futures::spawn_local(async move {
        let link = decode(text).await;
        d.dispatch(OpenAction::OpenLink { link, from_history }.into());
    });
}

/// A link's payload inflated, chunk by chunk, to at most `MAX_INFLATED_BYTES`.
async fn inflate(packed: &Packed) -> Result<Vec<u8>, LinkError> {
    let format = if packed.zlib { "deflate" } else { "deflate-raw" };
    let inflater = DecompressionStream::new(format).map_err(|_| LinkError::CannotUnpack)?;
    let reader = stream_of(&packed.bytes)
        .and_then(|s| s.pipe_through_inflate(&inflater))
        .and_then(|s| s.get_reader())
        .map_err(|_| LinkError::CannotUnpack)?;
    let mut out = Vec::new();
    loop {
        // A broken stream (a changed character, a wrong checksum, an early end) rejects.
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| LinkError::Damaged)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).map(|d| d.is_truthy()).unwrap_or(true);
        if done {
            return Ok(out);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| LinkError::Damaged)?;
        out.extend(Uint8Array::new(&value).to_vec());
        if out.len() > broker::link::MAX_INFLATED_BYTES {
            let _ = reader.cancel();
            return Err(LinkError::TooBig);
        }
    }
}
