// Trunk post-build hook: shortens the names the wasm imports its JavaScript functions by.
//
// wasm-bindgen names each import after the function and a 16-digit hash
// (`__wbg_createElement_2cb42e3b3bcb2e41`); the page's 220-odd imports spend about 3.7 KB of
// the gzip'd wasm on those names, hashes that gzip cannot shrink. Both ends of the boundary
// are generated, so this renames each `__wbg_` import to a short name (`a`, `b`, ..., `aa`)
// in the wasm's import section and in the JavaScript glue's imports object, as Emscripten
// and Binaryen's minify-imports do for their own modules, then writes the new files'
// subresource-integrity hashes into index.html. wasm-bindgen's closure entry points, exported
// as `wasm_bindgen_<crate hash>___convert__closures_____invoke___...` (1.2 KB of names), are
// renamed `xa`, `xb`, ... in the export section and where the glue calls them (`wasm.NAME`).
// It fails the build, rather than ship a page that cannot link, if the glue does not name
// each import, and call each renamed export, exactly once.
//
// First, in a release build, the wasm's functions are put in the order gzip likes best
// (scripts/order-functions.mjs), the AsyncAPI worker's too (its imports keep their names).
// Hooks of one stage run at once in Trunk, so both steps are this one hook.
//
// Run by Trunk (Trunk.toml, [[hooks]]) with TRUNK_STAGING_DIR set; also runnable by hand:
//   node scripts/minify-imports.mjs DIR
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { leb, orderFunctions, readLeb } from './order-functions.mjs';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('minify-imports: no directory (TRUNK_STAGING_DIR or an argument)');
const files = readdirSync(dir);
// The page's wasm, not the AsyncAPI worker's (started on demand, and left as it is built).
const wasmName = files.find((f) => f.endsWith('_bg.wasm') && !f.startsWith('asyncapi-worker'));
if (!wasmName) throw new Error(`minify-imports: no *_bg.wasm in ${dir}`);
const jsName = wasmName.replace(/_bg\.wasm$/, '.js');
if (!files.includes(jsName)) throw new Error(`minify-imports: no ${jsName} beside ${wasmName}`);

// Short names: a..z, A..Z, then two letters.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function shortName(i) {
  let s = '';
  for (;;) {
    s = ALPHABET[i % 52] + s;
    i = Math.floor(i / 52);
    if (i === 0) return s;
    i -= 1;
  }
}

// The end of an import's description, after its kind byte (function, table, memory, global, tag).
function skipDescription(b, at) {
  const kind = b[at++];
  const limits = (p) => {
    const flags = b[p++];
    [, p] = readLeb(b, p);
    if (flags & 1) [, p] = readLeb(b, p);
    return p;
  };
  switch (kind) {
    case 0: return readLeb(b, at)[1];
    case 1: return limits(at + 1); // reference type, then limits
    case 2: return limits(at);
    case 3: return at + 2; // value type, mutability
    case 4: return readLeb(b, at + 1)[1]; // attribute, type index
    default: throw new Error(`minify-imports: unknown import kind ${kind}`);
  }
}

const built = readFileSync(join(dir, wasmName));
if (built.readUInt32LE(0) !== 0x6d736100) throw new Error(`minify-imports: ${wasmName} is not wasm`);
// A debug build (`trunk build` without --release) keeps its order and its debug sections.
const release = process.env.TRUNK_PROFILE !== 'debug';
const wasm = release ? orderFunctions(built) : built;
const renamed = new Map();
// wasm-bindgen's closure entry points, exported as `wasm_bindgen_<crate hash>___convert__...`:
// renamed `xa`, `xb`, ... as the glue calls them (`wasm.NAME`).
const exported = new Map();
const parts = [wasm.subarray(0, 8)];
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, start] = readLeb(wasm, at + 1);
  let body = wasm.subarray(start, start + size);
  if (id === 2) {
    let [count, p] = readLeb(body, 0);
    const out = [leb(count)];
    for (let k = 0; k < count; k++) {
      let len;
      [len, p] = readLeb(body, p);
      const module = body.subarray(p, p + len);
      p += len;
      [len, p] = readLeb(body, p);
      const field = body.subarray(p, p + len).toString('utf8');
      p += len;
      const end = skipDescription(body, p);
      let name = field;
      if (field.startsWith('__wbg_')) {
        if (!renamed.has(field)) renamed.set(field, shortName(renamed.size));
        name = renamed.get(field);
      }
      const bytes = Buffer.from(name, 'utf8');
      out.push(leb(module.length), module, leb(bytes.length), bytes, body.subarray(p, end));
      p = end;
    }
    body = Buffer.concat(out);
  }
  if (id === 7) {
    let [count, p] = readLeb(body, 0);
    const out = [leb(count)];
    for (let k = 0; k < count; k++) {
      let len;
      [len, p] = readLeb(body, p);
      const field = body.subarray(p, p + len).toString('utf8');
      p += len;
      const kind = body[p];
      const end = readLeb(body, p + 1)[1];
      let name = field;
      if (field.startsWith('wasm_bindgen_')) {
        name = `x${shortName(exported.size)}`;
        exported.set(field, name);
      }
      const bytes = Buffer.from(name, 'utf8');
      out.push(leb(bytes.length), bytes, Buffer.from([kind]), body.subarray(p + 1, end));
      p = end;
    }
    body = Buffer.concat(out);
  }
  parts.push(Buffer.from([id]), leb(body.length), body);
  at = start + size;
}

let js = readFileSync(join(dir, jsName), 'utf8');
for (const [long, short] of renamed) {
  const key = new RegExp(`(^|[\\s{,])${long}:`, 'g');
  const found = js.match(key)?.length ?? 0;
  if (found !== 1) throw new Error(`minify-imports: ${jsName} names the import ${long} ${found} times, not once`);
  js = js.replace(key, `$1${short}:`);
  if (js.includes(long)) throw new Error(`minify-imports: ${jsName} still uses ${long} elsewhere`);
}
for (const [long, short] of exported) {
  const call = new RegExp(`\\bwasm\\.${long}(?![\\w$])`, 'g');
  const found = js.match(call)?.length ?? 0;
  if (found !== 1) throw new Error(`minify-imports: ${jsName} calls the export ${long} ${found} times, not once`);
  js = js.replace(call, `wasm.${short}`);
}
const newWasm = Buffer.concat(parts);
// The worker's wasm: no integrity hash names it (its loader shim fetches it).
const workerName = files.find((f) => f.endsWith('_bg.wasm') && f.startsWith('asyncapi-worker'));
if (workerName && release) writeFileSync(join(dir, workerName), orderFunctions(readFileSync(join(dir, workerName))));
writeFileSync(join(dir, wasmName), newWasm);
writeFileSync(join(dir, jsName), js);

// The integrity hashes Trunk wrote for the two files.
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const htmlPath = join(dir, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
for (const [name, bytes] of [[wasmName, newWasm], [jsName, Buffer.from(js, 'utf8')]]) {
  const tag = new RegExp(`(href="\\./${name.replace(/\./g, '\\.')}"[^>]*integrity=")sha384-[^"]+"`, 'g');
  if (!tag.test(html)) throw new Error(`minify-imports: index.html has no integrity for ${name}`);
  html = html.replace(tag, `$1${sri(bytes)}"`);
}
writeFileSync(htmlPath, html);
console.log(
  `minify-imports: ${release ? 'functions ordered, ' : ''}${renamed.size} imports renamed; ${wasmName} ${built.length} -> ${newWasm.length} bytes`,
);
