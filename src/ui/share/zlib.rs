//! Share links compressed by the browser: `CompressionStream("deflate")` makes the zlib
//! stream a link packs (`broker::link::pack`), so the wasm carries no compressor of its own
//! (miniz's deflate was 8 KB of the gzip'd wasm). It answers a moment later, which is why the
//! page keeps the link it last made (`AppState::link`). Where the browser has no
//! `CompressionStream`, or it fails, the link packs the text uncompressed: longer, and it
//! opens all the same.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The Compression Streams API's transform (not among web-sys's stable bindings).
    type CompressionStream;

    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    /// A `ReadableStream`, seen for its `pipeThrough`.
    #[wasm_bindgen(js_name = ReadableStream)]
    type Readable;

    #[wasm_bindgen(method, js_name = pipeThrough, catch)]
    fn pipe_through(this: &Readable, transform: &CompressionStream) -> Result<web_sys::ReadableStream, JsValue>;
}

/// `data` as a zlib stream, compressed by the browser.
async fn deflate(data: &[u8]) -> Result<Vec<u8>, JsValue> {
    let parts = Array::of1(&Uint8Array::from(data));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let compressed = blob.stream().unchecked_into::<Readable>().pipe_through(&CompressionStream::new("deflate")?)?;
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
