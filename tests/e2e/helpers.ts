// Shared fixtures and helpers for the end-to-end suite. Controls are found only by their
// accessible roles and names; the only exceptions are a node's output port (an SVG circle
// with no role of its own, found by `data-port-of`) and read-only figures such as the trace
// hash. Every test saves a full-page screenshot under target/screenshots/.
import { test as base, expect, Locator, Page } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';

export { expect };

export const repo = path.resolve(__dirname, '..', '..');
const screenshots = path.join(repo, 'target', 'screenshots');
export const HEX16 = /^[0-9a-f]{16}$/;

/** broker/tests/golden/trace-hashes.json: lesson slug → native trace hash of the whole run. */
export const goldenHashes = JSON.parse(
  fs.readFileSync(path.join(repo, 'broker', 'tests', 'golden', 'trace-hashes.json'), 'utf8'),
) as Record<string, string>;

export type Guard = { errors: string[]; foreignRequests: string[]; failedRequests: string[] };

// Every test fails on a console error, an uncaught exception, a request to any host other
// than 127.0.0.1 (no CDN, no fonts, no analytics), or a request that failed or got a 4xx/5xx.
export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page }, use) => {
      const guard: Guard = { errors: [], foreignRequests: [], failedRequests: [] };
      page.on('console', (msg) => {
        if (msg.type() === 'error') guard.errors.push(msg.text());
      });
      page.on('pageerror', (err) => guard.errors.push(`uncaught: ${err.message}`));
      page.on('request', (req) => {
        const url = new URL(req.url());
        if (url.protocol === 'data:' || url.protocol === 'blob:') return;
        if (url.hostname !== '127.0.0.1') guard.foreignRequests.push(req.url());
      });
      page.on('requestfailed', (req) => guard.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
      page.on('response', (res) => {
        if (res.status() >= 400) guard.failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
      });
      await use(guard);
      expect(guard.errors, 'console errors').toEqual([]);
      expect(guard.foreignRequests, 'requests to other hosts').toEqual([]);
      expect(guard.failedRequests, 'failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

export const canvas = (page: Page) => page.getByRole('region', { name: 'Canvas' });
export const outcome = (page: Page) => page.getByRole('region', { name: 'Outcome' });
export const inspector = (page: Page) => page.getByRole('region', { name: 'Inspector' });
export const transport = (page: Page) => page.getByRole('region', { name: 'Transport' });
export const palette = (page: Page) => page.getByRole('navigation', { name: 'Add' });
export const timeline = (page: Page) => page.getByRole('slider', { name: 'Timeline' });
export const speed = (page: Page) => page.getByRole('slider', { name: 'Speed' });

/** A node on the canvas, by kind and id: "Queue work: 3 ready, 1 unacked". */
/** `id` as a regular expression matching it literally. */
const literally = (id: string) => id.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
export function node(page: Page, kind: string, id: string): Locator {
  return canvas(page).getByRole('button', { name: new RegExp(`^${kind} ${literally(id)}(:|,|$)`) });
}
export const nodes = (page: Page) =>
  canvas(page).getByRole('button', { name: /^(Producer|Exchange|Queue|Topic|Consumer|Service|Orchestrator|Dead-letter queue) / });
export const wires = (page: Page) => canvas(page).getByRole('button', { name: /^Wire from / });
export const wire = (page: Page, from: string, to: string) =>
  canvas(page).getByRole('button', { name: new RegExp(`^Wire from ${literally(from)} to ${literally(to)}(,|$)`) });
/** A node's output port: the one part of the canvas without a role of its own. */
export const port = (page: Page, id: string) => canvas(page).locator(`[data-port-of="${id}"]`);

/** The clock, "12.35 s / 30.00 s". */
export const clock = (page: Page) => transport(page).getByRole('status').filter({ hasText: ' / ' });
export const traceHash = (page: Page) => outcome(page).locator('.trace-hash');

/** "12.35 s" or "1:05.00" → milliseconds. */
export function parseTime(s: string): number {
  s = s.trim().replace(/\s*s$/, '');
  const m = s.match(/^(\d+):(\d+(?:\.\d+)?)$/);
  return Math.round((m ? Number(m[1]) * 60 + Number(m[2]) : Number(s)) * 1000);
}

/** The clock as [now, end] in milliseconds. */
export async function clockMs(page: Page): Promise<[number, number]> {
  const text = (await clock(page).textContent())!;
  const [now, end] = text.split('/');
  return [parseTime(now), parseTime(end)];
}

/** Waits for `n` animation frames of the page: the time in which the frame loop would have
 * moved something, for checks that nothing moved (a paused clock, an ignored message). */
export async function frames(page: Page, n: number) {
  await page.evaluate((count) => new Promise<void>((done) => {
    let left = count;
    const tick = () => (--left <= 0 ? done() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);
}

/** A lesson's title, as its file in scenarios/ gives it. */
export const lessonTitle = (slug: string): string =>
  JSON.parse(fs.readFileSync(path.join(repo, 'scenarios', `${slug}.json`), 'utf8')).title;

/** Chooses a lesson in the Lesson selector and waits until it has opened (its file is fetched
 * the first time): its narration shows its title. */
export async function chooseLesson(page: Page, slug: string) {
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption(slug);
  await expect(page.getByRole('region', { name: 'Lesson narration' }).getByRole('heading', { level: 3 })).toHaveText(lessonTitle(slug));
}

export async function openApp(page: Page, url = './') {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await expect(node(page, 'Queue', 'work')).toBeVisible();
  await expect(traceHash(page)).toHaveText(HEX16);
}

/** Seeks to the run's end and waits for the Outcome to say it has finished. */
export async function toEnd(page: Page) {
  await seek(page, 'end');
  await expect(outcome(page).getByRole('status').first()).toContainText('Finished at');
}

/** Seek by setting the Timeline slider (Playwright sets a range input's value and fires input). */
export async function seek(page: Page, ms: number | 'end') {
  const slider = timeline(page);
  const value = ms === 'end' ? (await slider.getAttribute('max'))! : String(ms);
  await slider.fill(value);
}

/** The figures in the Outcome region, label → text ("Published" → "123"). */
export async function figures(page: Page): Promise<Record<string, string>> {
  return outcome(page).evaluate((region) => {
    const out: Record<string, string> = {};
    for (const dt of region.querySelectorAll('dt')) {
      const dd = dt.nextElementSibling;
      if (dd) out[dt.textContent!.trim()] = dd.textContent!.trim();
    }
    return out;
  });
}
export const count = (f: Record<string, string>, label: string) => Number(f[label].replace(/,/g, ''));

export async function centre(l: Locator): Promise<{ x: number; y: number }> {
  const b = (await l.boundingBox())!;
  expect(b, 'bounding box').not.toBeNull();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** A mouse drag with intermediate moves (pointer events all the way). */
export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, opts: { steps?: number; shift?: boolean } = {}) {
  if (opts.shift) await page.keyboard.down('Shift');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 3, from.y + 3, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: opts.steps ?? 12 });
  await page.mouse.up();
  if (opts.shift) await page.keyboard.up('Shift');
}

/** Drag a palette item onto the canvas at a point given relative to the canvas region. */
export async function dropFromPalette(page: Page, item: string, at: { x: number; y: number }) {
  const box = (await canvas(page).boundingBox())!;
  const from = await centre(palette(page).getByRole('button', { name: item, exact: true }));
  await drag(page, from, { x: box.x + at.x, y: box.y + at.y }, { steps: 15 });
}

/** Wire by dragging from a node's output port to the centre of the target node. */
export async function wireByDrag(page: Page, fromId: string, target: Locator) {
  await drag(page, await centre(port(page, fromId)), await centre(target), { steps: 12 });
}

/** `translate(x y)` of a node, as numbers. */
export async function nodePosition(l: Locator): Promise<[number, number]> {
  const t = (await l.getAttribute('transform'))!;
  const m = t.match(/translate\(\s*(-?[\d.]+)[ ,]+(-?[\d.]+)\s*\)/)!;
  expect(m, `transform ${t}`).not.toBeNull();
  return [Number(m[1]), Number(m[2])];
}

/** Press Tab until `target` has the focus (at most `max` times). */
export async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))) return;
  }
  throw new Error(`Tab never reached ${target}`);
}
