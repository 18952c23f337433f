// Orders the page's wasm functions so that gzip finds their likenesses: about 3.5 KB of the
// gzip'd wasm. Called by scripts/minify-imports.mjs (the Trunk post-build hook), before it
// renames the imports.
//
// gzip looks back 32 KB for the bytes it has seen; the linker lays functions out in an order
// that has nothing to do with what their code looks like, so a drop glue or a `Vec` method is
// seldom near its twins. Sorted by their bytes (locals first, then the code), functions with
// the same locals and the same opening sit together, and gzip writes each one as a short
// reference to the one before. Binaryen does the reordering, which renumbers every call, the
// function table's entries and the exports: this gives each function a name that sorts
// where it should go (a name section made for the purpose) and runs `wasm-opt
// --reorder-functions-by-name`, writing the code as `-Oz` wrote it (StackIR at the same
// levels) and stripping the names again. Nothing else changes: what the wasm does does not
// depend on the order of its functions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Reads an unsigned LEB128 number at `at`: [value, the offset after it]. */
export function readLeb(b, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = b[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/** `n` as unsigned LEB128 bytes. */
export function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

// The features rustc's wasm32-unknown-unknown target compiles with (its target_features
// section, which the build strips): Binaryen must be told them to read the code.
const FEATURES = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
];

// wasm-opt: on PATH (scripts/build-release and CI put the repository's .tools there), else
// the repository's own.
function wasmOpt() {
  const own = join(dirname(fileURLToPath(import.meta.url)), '..', '.tools', 'node_modules', '.bin', 'wasm-opt');
  const onPath = (process.env.PATH ?? '').split(':').map((d) => join(d, 'wasm-opt')).find((p) => existsSync(p));
  const found = onPath ?? (existsSync(own) ? own : null);
  if (!found) throw new Error('order-functions: no wasm-opt on PATH or in .tools');
  return found;
}

/** The wasm with its functions sorted by their code; a new buffer. */
export function orderFunctions(wasm) {
  let imported = 0;
  let bodies = null;
  const kept = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readLeb(wasm, at + 1);
    const body = wasm.subarray(start, start + size);
    if (id === 2) {
      let [count, p] = readLeb(body, 0);
      for (let k = 0; k < count; k++) {
        let len;
        [len, p] = readLeb(body, p);
        p += len;
        [len, p] = readLeb(body, p);
        p += len;
        const kind = body[p++];
        if (kind === 0) {
          imported++;
          [, p] = readLeb(body, p);
        } else if (kind === 1 || kind === 2) {
          if (kind === 1) p++;
          const flags = body[p++];
          [, p] = readLeb(body, p);
          if (flags & 1) [, p] = readLeb(body, p);
        } else if (kind === 3) {
          p += 2;
        } else {
          throw new Error(`order-functions: unknown import kind ${kind}`);
        }
      }
    }
    if (id === 10) {
      let [count, p] = readLeb(body, 0);
      bodies = [];
      for (let k = 0; k < count; k++) {
        let len;
        [len, p] = readLeb(body, p);
        bodies.push(body.subarray(p, p + len));
        p += len;
      }
    }
    // Any names already there give way to the ones made below.
    let custom = '';
    if (id === 0) {
      const [len, p] = readLeb(body, 0);
      custom = body.subarray(p, p + len).toString('utf8');
    }
    if (custom !== 'name') kept.push(wasm.subarray(at, start + size));
    at = start + size;
  }
  if (!bodies) throw new Error('order-functions: the wasm has no code');

  // Each function's place in the sorted order, as a name that sorts the same way.
  const order = bodies.map((_, i) => i).sort((a, b) => Buffer.compare(bodies[a], bodies[b]) || a - b);
  const names = new Array(bodies.length);
  const width = String(bodies.length).length;
  order.forEach((fn, place) => {
    names[fn] = `f${String(place).padStart(width, '0')}`;
  });
  const entries = [leb(imported + bodies.length)];
  for (let i = 0; i < imported + bodies.length; i++) {
    const name = Buffer.from(i < imported ? `import${i}` : names[i - imported]);
    entries.push(leb(i), leb(name.length), name);
  }
  const functionNames = Buffer.concat(entries);
  const payload = Buffer.concat([leb(4), Buffer.from('name'), Buffer.from([1]), leb(functionNames.length), functionNames]);
  const named = Buffer.concat([...kept, Buffer.from([0]), leb(payload.length), payload]);

  const dir = mkdtempSync(join(tmpdir(), 'order-functions-'));
  try {
    const input = join(dir, 'in.wasm');
    const output = join(dir, 'out.wasm');
    writeFileSync(input, named);
    execFileSync(
      wasmOpt(),
      [
        ...FEATURES,
        '--optimize-level=2',
        '--shrink-level=2',
        '--generate-stack-ir',
        '--optimize-stack-ir',
        '--reorder-functions-by-name',
        '--strip-debug',
        '--strip-producers',
        '--strip-target-features',
        input,
        '-o',
        output,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
