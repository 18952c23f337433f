// Big-run benchmark, run by scripts/bench-big-run (which serves dist/, makes the scenario's
// link with `brokerlab link` and sets BENCH_URL and BENCH_FRAGMENT). Opens the link in a
// fresh page and goes through these phases, each timed from the action until the page shows
// its result:
//   open       until the app is interactive (Play enabled, a node drawn)
//   scout      BENCH_SCOUT_S seconds of nothing but the background scout
//   seek end   End on the Timeline slider, until the clock shows the end
//   seek mid   the slider set to the middle (as the e2e tests do: fill, which fires input and
//              change), until the clock shows the middle
//   and seek end / seek mid BENCH_ROUNDS - 1 more times, to see whether memory grows.
// A seek that shows its progress ("Seeking …: 40%" in a role=status element, or aria-busy)
// counts as done when the clock shows the target and the progress is gone; one that takes
// longer than BENCH_SEEK_TIMEOUT_S is reported as timed out. Meanwhile, every second, the
// page's renderer process's resident memory (VmRSS from /proc; the renderer's id from the
// DevTools protocol's SystemInfo.getProcessInfo), the JS heap (performance.memory) and the
// wasm memory are sampled, and a PerformanceObserver installed before the app starts collects
// every long task. Prints figures only; nothing is asserted.
import { chromium } from '@playwright/test';
import fs from 'node:fs';

const url = (process.env.BENCH_URL ?? 'http://127.0.0.1:8080/') + (process.env.BENCH_FRAGMENT ?? '');
const scoutMs = Number(process.env.BENCH_SCOUT_S ?? 20) * 1000;
const settleMs = Number(process.env.BENCH_SETTLE_S ?? 3) * 1000;
const seekTimeoutMs = Number(process.env.BENCH_SEEK_TIMEOUT_S ?? 120) * 1000;
const openTimeoutMs = Number(process.env.BENCH_OPEN_TIMEOUT_S ?? 120) * 1000;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const tableRows = Number(process.env.BENCH_TABLE_ROWS ?? 40);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes) => (bytes == null ? '-' : (bytes / 1048576).toFixed(0));
const secs = (ms) => (ms / 1000).toFixed(2);

// --- Phases: a name and a wall-time span (Date.now(), the page's clock is the same one). ---
const phases = [];
let label = 'start';
function beginPhase(name) {
  const now = Date.now();
  if (phases.length) phases[phases.length - 1].end = now;
  phases.push({ name, start: now, end: null });
  label = name;
}

// --- Renderer memory, sampled every second from outside the page (a busy page cannot delay it). ---
const browserCdp = await browser.newBrowserCDPSession();
const uiRenderer = new Map(); // pid → whether it is one of the browser's own WebUI renderers
function isUiRenderer(pid) {
  if (!uiRenderer.has(pid)) {
    let ui = false;
    try {
      ui = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--top-chrome-webui');
    } catch { /* gone already */ }
    uiRenderer.set(pid, ui);
  }
  return uiRenderer.get(pid);
}
/** VmRSS and VmHWM of a process, in bytes (null once it is gone). */
function procMemory(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}
const cpuByPid = new Map(); // renderer pid → its CPU seconds at the last sample
const samples = []; // { t, label, rss: Map pid → bytes, heap, wasm, busy }
let page = null;
let tOpen = Date.now();
let heapProbe = null; // the page's memory probe still on its way, if any
async function sample() {
  const row = { t: (Date.now() - tOpen) / 1000, label, rss: new Map(), heap: null, wasm: null, busy: false };
  samples.push(row);
  if (page && !heapProbe) {
    // The page answers only between its tasks: give it half a second, else the row says busy.
    heapProbe = page.evaluate(() => [performance.memory?.usedJSHeapSize ?? null,
      window.__benchWasm?.memory?.buffer?.byteLength ?? null]).catch(() => null);
    const probe = heapProbe;
    const got = await Promise.race([probe, sleep(500).then(() => 'late')]);
    if (got === 'late') {
      row.busy = true;
      probe.finally(() => { if (heapProbe === probe) heapProbe = null; });
    } else {
      heapProbe = null;
      if (got) [row.heap, row.wasm] = got;
    }
  } else if (heapProbe) {
    row.busy = true;
  }
  try {
    const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
    for (const p of processInfo) {
      if (p.type !== 'renderer' || isUiRenderer(p.id)) continue;
      cpuByPid.set(p.id, p.cpuTime);
      const m = procMemory(p.id);
      if (m) row.rss.set(p.id, m.rss);
    }
  } catch { /* the browser is closing */ }
}
let sampling = false;
const sampler = setInterval(async () => {
  if (sampling) return;
  sampling = true;
  try { await sample(); } finally { sampling = false; }
}, 1000);

/** The page's renderer: of the renderers (not the browser's own UI), the one that worked most. */
function pageRenderer() {
  let best = null;
  for (const [pid, cpu] of cpuByPid) if (best == null || cpu > cpuByPid.get(best)) best = pid;
  return best;
}

// --- The page. ---
const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
await context.addInitScript(() => {
  window.__benchLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLongTasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    window.__benchLongTasks = null;
  }
  // The transport's clock as [now, end] ms, and any seek progress the page shows.
  window.__benchClock = () => {
    const parse = (s) => {
      s = s.trim().replace(/\s*s$/, '');
      const m = s.match(/^(\d+):(\d+(?:\.\d+)?)$/);
      return Math.round((m ? Number(m[1]) * 60 + Number(m[2]) : Number(s)) * 1000);
    };
    const transport = document.querySelector('[aria-label="Transport"]');
    let clock = null;
    for (const el of transport?.querySelectorAll('output, [role="status"]') ?? []) {
      const m = el.textContent.trim().match(/^([\d:.]+\s*s?)\s*\/\s*([\d:.]+\s*s?)$/);
      if (m) { clock = [parse(m[1]), parse(m[2])]; break; }
    }
    // A seek's progress: anything aria-busy, a status that says "Seeking", a percentage in the transport.
    const progress = [...document.querySelectorAll('[role="status"], output, [aria-busy="true"]')]
      .filter((el) => el.getAttribute('aria-busy') === 'true' || /seeking/i.test(el.textContent)
        || (transport?.contains(el) && /\d\s*%/.test(el.textContent)))
      .map((el) => el.textContent.trim().replace(/\s+/g, ' ') || 'aria-busy');
    return { clock, progress };
  };
  // When the page got the seek's key press or input (capture phase: before the app's handler).
  window.__benchActAt = null;
  for (const type of ['keydown', 'input']) {
    addEventListener(type, (e) => {
      if (window.__benchActAt == null && e.target?.type === 'range' && e.target.id === 'timeline') window.__benchActAt = Date.now();
    }, true);
  }
  // Trunk's loader announces the started app with its wasm exports (and so its memory).
  addEventListener('TrunkApplicationStarted', (e) => { window.__benchWasm = e.detail?.wasm; });
});
page = await context.newPage();
const problems = [];
let crashed = false;
page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
page.on('crash', () => { crashed = true; problems.push('the page crashed (renderer gone)'); });

const results = { open: null, seeks: [] };
let scoutStatus = null;
let end = null;
let opened = { notices: [], status: null };
try {
  try {
    // 1. Open the link: until Play is enabled and a node is drawn.
    tOpen = Date.now();
    beginPhase('open');
    await page.goto(url, { waitUntil: 'commit', timeout: openTimeoutMs });
    try {
      const h = await page.waitForFunction(() => {
        const play = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Play');
        const region = document.querySelector('[role="region"][aria-label="Canvas"]');
        const aNode = region?.querySelector('[role="button"][aria-label^="Queue "]');
        if (!play || play.disabled || !aNode || aNode.getBoundingClientRect().width === 0) return false;
        return [Date.now(), performance.now()];
      }, null, { polling: 'raf', timeout: openTimeoutMs });
      const [at, sinceNavigation] = await h.jsonValue();
      results.open = { wall: at - tOpen, sinceNavigation };
    } catch (e) {
      results.open = { timedOut: true, error: e.message.split('\n')[0] };
    }
    end = (await page.evaluate(() => window.__benchClock())).clock?.[1];
    opened = await page.evaluate(() => ({
      notices: [...document.querySelectorAll('.notice, [role="alert"]')].map((n) => n.textContent.trim()).filter(Boolean),
      status: document.querySelector('.run-status')?.textContent.trim() ?? null,
    })).catch(() => ({ notices: [], status: null }));
    if (opened.notices.length) problems.push(`notices on open: ${opened.notices.join(' / ')}`);

    // 2. The background scout, alone.
    beginPhase('scout');
    await sleep(scoutMs);
    scoutStatus = await Promise.race([
      page.evaluate(() => document.getElementById('marker-summary')?.textContent.trim() ?? null).catch(() => null),
      sleep(5000).then(() => 'the page did not answer within 5 s'),
    ]);

    // 3.–5. Seeks: to the end with the End key, to the middle by setting the slider.
    const slider = page.getByRole('slider', { name: 'Timeline' });
    const max = Number(await slider.getAttribute('max'));
    const mid = Math.round(max / 2);
    const seek = async (name, target, act) => {
      beginPhase(name);
      await page.evaluate(() => { window.__benchProgress = []; window.__benchActAt = null; }).catch(() => {});
      const t0 = Date.now();
      let result;
      try {
        await act();
        const h = await page.waitForFunction((target) => {
          const { clock, progress } = window.__benchClock();
          const last = window.__benchProgress[window.__benchProgress.length - 1];
          for (const p of progress) if (p !== last) window.__benchProgress.push(p);
          if (!clock || Math.abs(clock[0] - target) > 10 || progress.length) return false;
          return Date.now();
        }, target, { polling: 'raf', timeout: Math.max(1, seekTimeoutMs - (Date.now() - t0)) });
        const shown = await h.jsonValue();
        result = { name, target, ms: shown - t0 };
        const actAt = await page.evaluate(() => window.__benchActAt).catch(() => null);
        if (actAt != null) result.fromEvent = shown - actAt;
      } catch (e) {
        result = { name, target, timedOut: true, error: e.message.split('\n')[0] };
      }
      result.progress = await Promise.race([
        page.evaluate(() => window.__benchProgress).catch(() => null), sleep(5000).then(() => null)]);
      result.clock = (await Promise.race([page.evaluate(() => window.__benchClock()).catch(() => null), sleep(5000).then(() => null)]))?.clock;
      result.status = await Promise.race([
        page.evaluate(() => document.querySelector('.outcome [role="status"]')?.textContent.trim() ?? null).catch(() => null),
        sleep(5000).then(() => null)]);
      results.seeks.push(result);
      label = `after ${name.replace(/^seek /, '')}`;
      await sleep(settleMs);
      return result;
    };
    for (let r = 1; r <= rounds && !crashed; r++) {
      await seek(`seek end ${r}`, max, () => slider.press('End', { timeout: seekTimeoutMs }));
      if (crashed) break;
      await seek(`seek mid ${r}`, mid, () => slider.fill(String(mid), { timeout: seekTimeoutMs }));
    }
    beginPhase('done');
    await sleep(1100);
  } catch (e) {
    problems.push(`the benchmark stopped in phase ${label}: ${e.message.split('\n')[0]}`);
    beginPhase('done');
  }

  // --- Figures. ---
  const longTasks = await Promise.race([
    page.evaluate(() => window.__benchLongTasks).catch(() => null), sleep(10_000).then(() => null)]);
  clearInterval(sampler);
  while (sampling) await sleep(50);
  const pid = pageRenderer();
  const finalMem = pid ? procMemory(pid) : null;

  console.log('');
  console.log(`Scenario end: ${end != null ? secs(end) + ' s' : '?'}; status on open: ${opened.status ?? '?'}`);
  if (results.open == null) console.log('Open: not measured');
  else if (results.open.timedOut) console.log(`Open: timed out after ${openTimeoutMs / 1000} s (${results.open.error})`);
  else console.log(`Open (goto to Play enabled and a node drawn): ${results.open.wall.toFixed(0)} ms wall`
    + ` (${results.open.sinceNavigation.toFixed(0)} ms after navigation start)`);
  console.log(`After ${scoutMs / 1000} s of scouting: ${scoutStatus}`);

  console.log('');
  console.log('Seeks (from the key press or the slider change until the clock shows the target and no progress):');
  for (const s of results.seeks) {
    const what = s.timedOut ? `timed out after ${seekTimeoutMs / 1000} s`
      : `${s.ms.toFixed(0)} ms` + (s.fromEvent != null ? ` (${s.fromEvent.toFixed(0)} ms from the page's ${s.name.includes('end') ? 'keydown' : 'input'} event)` : '');
    const progress = s.progress?.length ? `; progress shown: ${s.progress.length} steps, ${s.progress[0]} … ${s.progress[s.progress.length - 1]}` : '';
    console.log(`  ${s.name.padEnd(11)} to ${secs(s.target).padStart(9)} s: ${what.padStart(10)}   clock then ${s.clock ? secs(s.clock[0]) : '?'} s${progress}`);
    if (s.status) console.log(`  ${''.padEnd(11)}    outcome then: ${s.status}`);
  }

  console.log('');
  if (longTasks == null) {
    console.log('Long tasks: not available (no longtask observer, or the page did not answer)');
  } else {
    console.log(`Long tasks (over 50 ms), by phase (a phase runs until the next one starts):`);
    console.log(`  ${'phase'.padEnd(11)}${'tasks'.padStart(7)}${'> 100 ms'.padStart(10)}${'longest ms'.padStart(12)}${'total ms'.padStart(10)}`);
    for (const p of phases.filter((p) => p.name !== 'done')) {
      const inside = longTasks.filter(([s]) => s >= p.start && (p.end == null || s < p.end)).map(([, d]) => d);
      console.log(`  ${p.name.padEnd(11)}${String(inside.length).padStart(7)}${String(inside.filter((d) => d > 100).length).padStart(10)}`
        + `${(inside.length ? Math.max(...inside).toFixed(0) : '-').padStart(12)}${inside.reduce((a, b) => a + b, 0).toFixed(0).padStart(10)}`);
    }
  }

  console.log('');
  const others = [...cpuByPid.keys()].filter((p) => p !== pid);
  console.log(`Renderer memory (pid ${pid ?? '?'}; ${others.length} other renderer${others.length === 1 ? '' : 's'} not counted),`
    + ' sampled every second; "busy" = the page did not answer within 0.5 s:');
  console.log(`  ${'s'.padStart(6)}${'RSS MB'.padStart(8)}${'JS heap MB'.padStart(12)}${'wasm MB'.padStart(9)}  phase`);
  const rows = samples.filter((s) => s.rss.has(pid));
  let peak = null;
  for (const s of rows) if (!peak || s.rss.get(pid) > peak.rss.get(pid)) peak = s;
  const step = Math.max(1, Math.ceil(rows.length / tableRows));
  rows.forEach((s, i) => {
    const first = i === 0 || rows[i - 1].label !== s.label;
    if (!(i % step === 0 || first || s === peak || i === rows.length - 1)) return;
    const heap = s.busy ? 'busy' : mb(s.heap);
    console.log(`  ${s.t.toFixed(0).padStart(6)}${mb(s.rss.get(pid)).padStart(8)}${heap.padStart(12)}${(s.busy ? 'busy' : mb(s.wasm)).padStart(9)}  ${s.label}${s === peak ? '   <- peak' : ''}`);
  });
  const lastSeek = [...rows].reverse().find((s) => s.label.startsWith('after '));
  console.log(`Peak renderer RSS: ${peak ? mb(peak.rss.get(pid)) : '?'} MB sampled (at ${peak ? peak.t.toFixed(0) : '?'} s, ${peak?.label ?? '?'});`
    + ` high-water mark (VmHWM) ${finalMem ? mb(finalMem.hwm) : '?'} MB`);
  console.log(`Renderer RSS after the last seek: ${lastSeek ? mb(lastSeek.rss.get(pid)) : '?'} MB (${lastSeek?.label ?? '?'});`
    + ` now ${finalMem ? mb(finalMem.rss) : '?'} MB`);
  for (const s of results.seeks) {
    const after = rows.filter((r) => r.label === `after ${s.name.replace(/^seek /, '')}`).pop();
    if (after) s.rssAfter = after.rss.get(pid);
  }
  const seekRss = results.seeks.map((s) => `${s.name.replace(/^seek /, '')} ${mb(s.rssAfter)}`).join(', ');
  if (seekRss) console.log(`RSS MB at the end of each seek's settle: ${seekRss}`);
  if (problems.length) {
    console.log('');
    console.log(`Page problems: ${problems.join(' / ')}`);
  }
} finally {
  clearInterval(sampler);
  await browser.close();
}
