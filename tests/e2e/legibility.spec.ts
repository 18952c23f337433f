// Legible from the back of the room and inside a small course frame: every shipped lesson is
// fitted to the canvas with names and status lines big enough to read at 1280x720, no node's
// text runs past its box, the view keeps the user's own zoom until they ask to fit again,
// every node's accessible name holds its visible text (axe-core's label-in-name check), and
// an embed gives the canvas the frame, with the outcome one line that opens on demand.
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, shot, canvas, nodes, outcome, chooseLesson, openApp, repo, seek, lessonTitle } from './helpers';
import { Page } from '@playwright/test';

const slugs = fs.readdirSync(path.join(repo, 'scenarios')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();

/** Every node's text as drawn: its rendered font size in CSS px, and whether it stays inside
 * its box and the canvas region, and out from under the canvas key. */
async function drawnText(page: Page) {
  return canvas(page).evaluate((region) => {
    const r = region.getBoundingClientRect();
    const key = region.querySelector('.legend')!.getBoundingClientRect();
    return [...region.querySelectorAll('g.node')].map((g) => {
      const box = g.querySelector('rect.box')!.getBoundingClientRect();
      const size = (sel: string) => [...g.querySelectorAll(sel)].map((t) => {
        const ctm = (t as SVGGraphicsElement).getScreenCTM()!;
        return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
      });
      const overflow = [...g.querySelectorAll('.node-title, .node-detail')].filter((t) => {
        const b = t.getBoundingClientRect();
        return b.left < box.left - 0.5 || b.right > box.right + 0.5;
      }).map((t) => t.textContent);
      return {
        name: g.getAttribute('aria-label')!,
        title: size('.node-title'),
        detail: size('.node-detail'),
        partition: size('.partition-line'),
        overflow,
        inside: box.left >= r.left - 0.5 && box.right <= r.right + 0.5 && box.top >= r.top - 0.5 && box.bottom <= r.bottom + 0.5,
        underKey: box.left < key.right && box.right > key.left && box.top < key.bottom && box.bottom > key.top,
      };
    });
  });
}

test('every lesson is fitted at 1280x720 with names of 16 px and status lines of 13 px or more, none cut', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  const small: string[] = [];
  for (const slug of slugs) {
    await chooseLesson(page, slug);
    await seek(page, 'end');
    await expect(nodes(page).first()).toBeVisible();
    const drawn = await drawnText(page);
    expect(drawn.length, slug).toBeGreaterThan(1);
    for (const n of drawn) {
      expect(n.inside, `${slug}: ${n.name} inside the canvas`).toBe(true);
      expect(n.underKey, `${slug}: ${n.name} clear of the open key`).toBe(false);
      expect(n.overflow, `${slug}: ${n.name} text inside its box`).toEqual([]);
      const least = (xs: number[]) => (xs.length ? Math.min(...xs) : Infinity);
      if (least(n.title) < 16 || least(n.detail) < 13 || least(n.partition) < 11) {
        small.push(`${slug}: ${n.name}: name ${least(n.title).toFixed(1)} px, status ${least(n.detail).toFixed(1)} px, partitions ${least(n.partition).toFixed(1)} px`);
      }
    }
    const sizes = drawn.flatMap((n) => n.title);
    console.log(`${slug}: names ${Math.min(...sizes).toFixed(1)} px, status ${Math.min(...drawn.flatMap((n) => n.detail)).toFixed(1)} px`);
    if (['fan-out', 'poison-with-dlq', 'out-of-order-wrong-key', 'retry-storm'].includes(slug)) await shot(page, `legible-${slug}`);
  }
  expect(small, 'text too small to read at 1280x720').toEqual([]);
});

test('the view fits on open and on a resize, keeps the user\'s own zoom, and fits again when asked', async ({ page }) => {
  await openApp(page);
  const zoom = () => canvas(page).evaluate((region) => {
    const t = region.querySelector('g.node')!.getScreenCTM()!;
    return Math.hypot(t.a, t.b);
  });
  const allInside = async () => (await drawnText(page)).every((n) => n.inside);
  const fitted = await zoom();
  expect(await allInside()).toBe(true);
  await page.setViewportSize({ width: 1000, height: 640 });
  await expect.poll(zoom, { message: 'refitted on a resize' }).toBeLessThan(fitted - 0.01);
  expect(await allInside()).toBe(true);
  // The user's zoom is kept through a resize...
  await page.getByRole('button', { name: 'Zoom in' }).click();
  const mine = await zoom();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForTimeout(300);
  expect(Math.abs((await zoom()) - mine)).toBeLessThan(0.001);
  // ...until they ask to fit again.
  await page.getByRole('button', { name: 'Fit to screen' }).click();
  await expect.poll(zoom).toBeCloseTo(fitted, 2);
  // A lesson change fits the new topology.
  await chooseLesson(page, 'fan-out');
  await expect.poll(allInside).toBe(true);
  await shot(page, 'fit-after-lesson-change');
});

test('each node\'s accessible name holds its visible text in order (axe-core label-in-name)', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page);
  const found: string[] = [];
  const check = async (when: string) => {
    const results = await new AxeBuilder({ page }).withRules(['label-content-name-mismatch']).analyze();
    for (const v of results.violations) {
      found.push(`[${when}] ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join('; ')}`);
    }
    // The rule did look at the nodes.
    expect(results.passes.length + results.incomplete.length, `${when}: nodes checked`).toBeGreaterThan(0);
  };
  await check('opening lesson');
  for (const [slug, at] of [['crash-at-least-once', 'end'], ['poison-with-dlq', 'end'], ['consumer-lag-rebalance', 'end'], ['dual-write', 'end']] as const) {
    await chooseLesson(page, slug);
    await seek(page, at);
    await check(slug);
  }
  expect(found, 'label-in-name violations').toEqual([]);
  // The name of a node starts with its kind, then says what is drawn, in the same order.
  await chooseLesson(page, 'work-queue');
  await seek(page, 'end');
  const name = await canvas(page).getByRole('button', { name: /^Consumer worker-a/ }).getAttribute('aria-label');
  expect(name).toMatch(/^Consumer worker-a: 0 in flight, \d+ processed$/);
});

test('an embed gives the canvas the frame; the outcome is one line that opens over it', async ({ page }) => {
  test.setTimeout(60_000);
  const framed = './?embed=1&panels=outcome,log';
  for (const [w, h] of [[480, 270], [640, 360], [800, 450], [1280, 720]]) {
    // A course page on the test server's host, holding the frame.
    await page.route('**/course-page.html', (route) => route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>Course</title><iframe id="f" src="${framed}" title="Brokerlab" style="border:0;width:${w}px;height:${h}px"></iframe>`,
    }));
    await page.goto('./course-page.html');
    const f = page.frameLocator('#f');
    await expect(f.getByRole('heading', { level: 1 })).toHaveText(lessonTitle('work-queue'));
    const frameBox = (await page.locator('#f').boundingBox())!;
    await expect.poll(async () => (await f.getByRole('region', { name: 'Canvas' }).boundingBox())?.height ?? 0,
      { message: `canvas height at ${w}x${h}` }).toBeGreaterThanOrEqual(h * 0.55);
    const canvasBox = (await f.getByRole('region', { name: 'Canvas' }).boundingBox())!;
    expect(canvasBox.y + canvasBox.height).toBeLessThanOrEqual(frameBox.y + h + 1);
    if (w < 900 || h < 500) {
      const line = f.getByRole('button', { name: /More$/ });
      await expect(line).toBeVisible();
      await expect(line).toContainText('Nothing has been published yet.');
      const lineBox = (await line.boundingBox())!;
      expect(lineBox.y + lineBox.height, `outcome line inside the frame at ${w}x${h}`).toBeLessThanOrEqual(frameBox.y + h + 1);
      expect(lineBox.height, 'one line').toBeLessThan(40);
      await expect(f.getByRole('region', { name: 'Outcome' })).toBeHidden();
      await shot(page, `embed-small-${w}x${h}`);
      await line.click();
      await expect(f.getByRole('region', { name: 'Outcome' })).toBeVisible();
      await expect(f.getByRole('list', { name: 'Verdict' })).toBeVisible();
      await expect(f.getByRole('tab', { name: /Event log/ })).toBeVisible();
      await shot(page, `embed-small-${w}x${h}-open`);
      await f.getByRole('button', { name: 'Close', exact: true }).click();
      await expect(f.getByRole('region', { name: 'Outcome' })).toBeHidden();
      // Escape closes it too.
      await line.click();
      await expect(f.getByRole('region', { name: 'Outcome' })).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(f.getByRole('region', { name: 'Outcome' })).toBeHidden();
    } else {
      await expect(f.getByRole('region', { name: 'Outcome' })).toBeVisible();
      await shot(page, `embed-${w}x${h}-side`);
    }
  }
});

test('wire labels (binding keys) sit clear of nodes and of the other wires', async ({ page }) => {
  await openApp(page);
  const scenario = {
    version: 1, seed: 1, duration_ms: 5000,
    nodes: [
      { id: 'checkout', kind: 'producer', arrivals: { fixed: { interval_ms: 100 } }, count: 20, event_type: 'OrderPlaced', routing_key: 'order.placed.eu' },
      { id: 'order-events', kind: 'exchange', type: 'topic' },
      { id: 'billing-q', kind: 'queue' }, { id: 'audit-q', kind: 'queue' }, { id: 'eu-q', kind: 'queue' },
      { id: 'billing', kind: 'consumer' }, { id: 'audit', kind: 'consumer' }, { id: 'eu', kind: 'consumer' },
    ],
    wires: [
      ['checkout', 'order-events'],
      { from: 'order-events', to: 'billing-q', binding_key: 'order.placed.*' },
      { from: 'order-events', to: 'audit-q', binding_key: '#' },
      { from: 'order-events', to: 'eu-q', binding_key: '*.*.eu' },
      ['billing-q', 'billing'], ['audit-q', 'audit'], ['eu-q', 'eu'],
    ],
  };
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'keys.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
  await expect(canvas(page).getByRole('button', { name: /^Wire from order-events to eu-q, key \*\.\*\.eu$/ })).toBeVisible();
  const clash = await canvas(page).evaluate((region) => {
    const labels = [...region.querySelectorAll('.wire-label')].map((t) => [t.textContent, t.getBoundingClientRect()] as const);
    const boxes = [...region.querySelectorAll('rect.box')].map((b) => b.getBoundingClientRect());
    const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const out: string[] = [];
    for (const [text, r] of labels) {
      if (boxes.some((b) => hit(r, b))) out.push(`${text} covers a node`);
      for (const [other, o] of labels) if (other !== text && hit(r, o)) out.push(`${text} covers ${other}`);
    }
    return { count: labels.length, out };
  });
  await shot(page, 'wire-labels');
  expect(clash.count).toBe(3);
  expect(clash.out).toEqual([]);
  // Every key is shown whole where the layout made the room.
  await expect(canvas(page).locator('.wire-label')).toHaveText(['key order.placed.*', 'key #', 'key *.*.eu']);
});
