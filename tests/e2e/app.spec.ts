// Brokerlab's page as a whole: a clean load, every lesson's trace hash, the sub-path copy,
// accessibility, layouts from a phone to a laptop, and reduced motion. Controls are found
// only by their accessible names; every test saves a screenshot under target/screenshots/.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import {
  test, expect, shot, canvas, outcome, inspector, timeline, node, nodes, wires, traceHash, openApp, seek, figures,
  count, clock, clockMs, goldenHashes, HEX16, chooseLesson, lessonTitle,
} from './helpers';

/** Milliseconds from navigation start until the first animation frame with Play enabled and a node on the canvas. */
async function firstInteractiveFrame(page: Page): Promise<number> {
  return page.waitForFunction(() => {
    const play = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Play');
    const region = document.querySelector('[role="region"][aria-label="Canvas"]');
    const aNode = region?.querySelector('[role="button"][aria-label^="Queue "]');
    if (!play || play.disabled || !aNode || aNode.getBoundingClientRect().width === 0) return false;
    return performance.now();
  }, null, { polling: 'raf', timeout: 15_000 }).then((h) => h.jsonValue() as Promise<number>);
}

test('loads cleanly: no errors, no other hosts, the work-queue lesson ready to play', async ({ page, guard }) => {
  const hosts = new Set<string>();
  page.on('request', (req) => hosts.add(new URL(req.url()).host));
  await page.goto('./');
  const ms = await firstInteractiveFrame(page);
  console.log(`first interactive frame: ${ms.toFixed(0)} ms after navigation start`);

  await expect(page).toHaveTitle('Brokerlab');
  await expect(page.getByRole('combobox', { name: 'Lesson' })).toHaveValue('work-queue');
  await expect(page.getByRole('combobox', { name: 'Lesson' }).getByRole('option', { selected: true }))
    .toHaveText('Work queue with competing consumers');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  for (const [kind, id] of [['Producer', 'orders'], ['Queue', 'work'], ['Consumer', 'worker-a'], ['Consumer', 'worker-b'], ['Consumer', 'worker-c']]) {
    await expect(node(page, kind, id)).toBeVisible();
  }
  await expect(nodes(page)).toHaveCount(5);
  await expect(wires(page)).toHaveCount(4);
  // The side panel opens on the lesson; the action script is in the inspector's tab.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await expect(inspector(page).getByRole('button', { name: /^Remove action: at 6000 ms: crash worker-b/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Redo' })).toBeDisabled();
  for (const name of ['Start over', 'Zoom in', 'Zoom out', 'Fit to screen', 'Help', 'Step', 'Reset']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeEnabled();
  }
  for (const item of ['Producer', 'Exchange', 'Queue', 'Topic', 'Consumer', 'Dead-letter queue']) {
    await expect(page.getByRole('navigation', { name: 'Add' }).getByRole('button', { name: item, exact: true })).toBeVisible();
  }

  const region = outcome(page);
  await expect(region.getByRole('status')).toContainText('Ready');
  await expect(region.getByRole('list', { name: 'Verdict' }).getByRole('listitem').first()).toBeVisible();
  for (const label of ['Published', 'Processed once', 'Processed more than once', 'Dead-lettered', 'Dropped', 'Lost', 'In flight']) {
    await expect(region.getByText(label, { exact: true })).toBeVisible();
  }
  await expect(traceHash(page)).toHaveText(HEX16);

  // The page keeps working and drawing for a moment of play.
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => count(await figures(page), 'Published'), { timeout: 5_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Pause' }).click();
  const frames = await page.evaluate(() => (window as unknown as { brokerlabFrames: [number, number][] }).brokerlabFrames.length);
  expect(frames, 'frames recorded in window.brokerlabFrames').toBeGreaterThan(10);
  await shot(page, 'loads-cleanly');

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:')), 'hosts').toEqual([]);
  expect(guard.errors).toEqual([]);
});

test('every lesson plays to the end and gives the native trace hash', async ({ page }) => {
  await openApp(page);
  const lesson = page.getByRole('combobox', { name: 'Lesson' });
  const slugs = await lesson.getByRole('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(slugs.length).toBeGreaterThanOrEqual(10);
  expect([...slugs].sort(), 'every lesson has a golden hash and vice versa').toEqual(Object.keys(goldenHashes).sort());
  for (const slug of slugs) {
    await chooseLesson(page, slug);
    await expect(lesson).toHaveValue(slug);
    await expect(clock(page)).toHaveText(/^0\.00 s \//);
    await seek(page, 'end');
    const [now, end] = await clockMs(page);
    expect(now, `${slug} at the end`).toBe(end);
    await expect(traceHash(page), slug).toHaveText(goldenHashes[slug]);
    await expect(outcome(page).getByRole('status')).toContainText('Finished');
    const f = await figures(page);
    expect(count(f, 'Published'), `${slug} published`).toBeGreaterThan(0);
    if (slug === 'poison-with-dlq') {
      expect(count(f, 'Dead-lettered')).toBeGreaterThan(0);
      await shot(page, 'lesson-poison-with-dlq');
    }
    if (slug === 'out-of-order-wrong-key') await shot(page, 'lesson-out-of-order-wrong-key');
  }
});

test('works when served from a sub-path', async ({ page, guard }) => {
  const port = process.env.E2E_SUBPATH_PORT;
  const seen: string[] = [];
  page.on('request', (req) => seen.push(req.url()));
  await openApp(page, `http://127.0.0.1:${port}/some/path/`);
  expect(seen.length).toBeGreaterThan(2);
  for (const url of seen) expect(url.startsWith(`http://127.0.0.1:${port}/some/path/`), url).toBe(true);
  await chooseLesson(page, 'poison-with-dlq');
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(goldenHashes['poison-with-dlq']);
  await shot(page, 'sub-path');
  expect(guard.failedRequests).toEqual([]);
});

test('passes axe-core WCAG 2.1 AA checks', async ({ page }) => {
  // Nine full axe-core runs: about 15 s on an idle 2-core machine, twice that on a busy one.
  test.setTimeout(90_000);
  await openApp(page);
  const found: string[] = [];
  const check = async (when: string) => {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    for (const v of results.violations) {
      const detail = `[${when}] ${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) =>
        `    ${n.target.join(' ')}\n      ${n.html.slice(0, 200)}\n      ${n.failureSummary?.replace(/\n/g, '\n      ')}`).join('\n');
      console.log(detail);
      found.push(`[${when}] ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    }
  };
  await check('opening page');
  await shot(page, 'axe-opening');

  await node(page, 'Queue', 'work').click();
  await expect(inspector(page).getByRole('textbox', { name: 'Name' })).toHaveValue('work');
  await check('a node selected');
  await shot(page, 'axe-node-selected');

  await page.getByRole('button', { name: 'Help' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await check('help open');
  await shot(page, 'axe-help');
  await page.keyboard.press('Escape');

  // The side panel's tabs, at the end of a lesson with dead letters, and a message followed.
  await chooseLesson(page, 'poison-with-dlq');
  await page.getByRole('slider', { name: 'Timeline' }).fill('10000');
  await check('lesson tab');
  await outcome(page).getByRole('button', { name: /^Follow order-10 / }).click();
  await check('passport tab');
  for (const tab of ['Event log', 'Charts', 'Checks']) {
    await page.getByRole('tab', { name: tab }).click();
    await check(`${tab} tab`);
  }
  await page.getByRole('button', { name: /^Compare with/ }).click();
  await expect(page.getByRole('region', { name: /^Compare: B/ })).toBeVisible();
  await check('compare open');
  await shot(page, 'axe-compare');
  await page.getByRole('button', { name: 'Lessons' }).click();
  await expect(page.getByRole('dialog', { name: 'Lessons' })).toBeVisible();
  await check('gallery open');
  await page.goto('./?embed=1&panels=outcome,lesson,log');
  await expect(page.getByRole('link', { name: 'Open in Brokerlab' })).toBeVisible();
  // The embed has one level-one heading: the scenario's title.
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lessonTitle('work-queue'));
  await check('embed mode');
  await shot(page, 'axe-embed');
  expect(found, 'axe violations').toEqual([]);
});

for (const [width, height] of [[1280, 720], [1024, 768], [800, 600], [390, 844]]) {
  test(`fits at ${width}x${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await openApp(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'horizontal scroll').toBeLessThanOrEqual(0);
    const parts = {
      canvas: canvas(page),
      play: page.getByRole('button', { name: 'Play' }),
      step: page.getByRole('button', { name: 'Step' }),
      reset: page.getByRole('button', { name: 'Reset' }),
      speed: page.getByRole('slider', { name: 'Speed' }),
      timeline: timeline(page),
      clock: clock(page),
      outcome: outcome(page),
      'Queue palette item': page.getByRole('navigation', { name: 'Add' }).getByRole('button', { name: 'Queue', exact: true }),
    };
    for (const [what, l] of Object.entries(parts)) {
      await l.scrollIntoViewIfNeeded();
      await expect(l, what).toBeInViewport();
      const box = (await l.boundingBox())!;
      expect(box.x, `${what} left`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${what} right`).toBeLessThanOrEqual(width + 0.5);
      expect(box.width, `${what} width`).toBeGreaterThan(20);
      expect(box.height, `${what} height`).toBeGreaterThan(10);
    }
    const canvasBox = (await canvas(page).boundingBox())!;
    expect(canvasBox.height, 'canvas height').toBeGreaterThanOrEqual(200);
    // The nodes of the opening lesson are all inside the canvas once it is fitted.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Fit to screen' }).click();
    const cb = (await canvas(page).boundingBox())!;
    for (const n of await nodes(page).all()) {
      const b = (await n.boundingBox())!;
      const name = await n.getAttribute('aria-label');
      expect(b.x >= cb.x - 1 && b.x + b.width <= cb.x + cb.width + 1, `${name} inside the canvas horizontally`).toBe(true);
      expect(b.y >= cb.y - 1 && b.y + b.height <= cb.y + cb.height + 1, `${name} inside the canvas vertically`).toBe(true);
    }
    await shot(page, `fit-${width}x${height}`);
  });
}

test('respects prefers-reduced-motion and still plays', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openApp(page);
  expect(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => count(await figures(page), 'Processed once'), { timeout: 10_000 }).toBeGreaterThan(5);
  await shot(page, 'reduced-motion-playing');
  await page.getByRole('button', { name: 'Pause' }).click();
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(goldenHashes['work-queue']);
  await shot(page, 'reduced-motion-end');
});
