// The browser's own machinery that the page's wasm asks for with a callback rather than a
// promise: compressing and inflating share links, and fetching the page's static files.
// Each is a few lines here; awaited from Rust, each was a state machine in the wasm.
// Used by src/ui/share/zlib.rs and src/ui/share/lesson_files.rs.

/** `bytes` as a zlib stream, or null where the browser cannot compress: done(Uint8Array | null). */
export function deflate(bytes, done) {
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
    new Response(stream).arrayBuffer().then((b) => done(new Uint8Array(b)), () => done(null));
  } catch (e) {
    done(null);
  }
}

/**
 * `bytes` inflated ("deflate" for zlib, "deflate-raw"), chunk by chunk, stopping past `most`
 * bytes: done(Uint8Array), or done(0) when the browser cannot inflate, done(1) when the
 * stream is damaged (a changed character, a wrong checksum, an early end), done(2) past `most`.
 */
export function inflate(bytes, format, most, done) {
  let reader;
  try {
    reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format)).getReader();
  } catch (e) {
    done(0);
    return;
  }
  const parts = [];
  let size = 0;
  const next = () =>
    reader.read().then(({ done: end, value }) => {
      if (end) {
        const out = new Uint8Array(size);
        let at = 0;
        for (const p of parts) {
          out.set(p, at);
          at += p.length;
        }
        done(out);
        return;
      }
      size += value.length;
      if (size > most) {
        reader.cancel();
        done(2);
        return;
      }
      parts.push(value);
      next();
    }, () => done(1));
  next();
}

/** The text of the file at `address` (relative to the page): done(text, "") or done(undefined, why). */
export function fetchText(address, done) {
  const why = (e) => (e instanceof Error ? `the file could not be fetched (${e.message})` : "the file could not be fetched");
  fetch(address).then((r) => {
    if (!r.ok) {
      done(undefined, `the server answered ${r.status} ${r.statusText}`);
      return;
    }
    r.text().then((t) => done(t, ""), (e) => done(undefined, why(e)));
  }, (e) => done(undefined, why(e)));
}
