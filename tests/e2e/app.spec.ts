// Brokerlab's app shell, driven as a person would: controls are found only by their
// accessible names. Every test saves a screenshot under target/screenshots/.
import { test as base, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import fs from 'node:fs';

const screenshots = path.resolve(__dirname, '..', '..', 'target', 'screenshots');
const HEX16 = /^[0-9a-f]{16}$/;

type Guard = { errors: string[]; foreignRequests: string[] };

// Every test fails on a console error, an uncaught exception, or a request to any host
// other than 127.0.0.1 (no CDN, no fonts, no analytics).
const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page }, use) => {
      const guard: Guard = { errors: [], foreignRequests: [] };
      page.on('console', (msg) => {
        if (msg.type() === 'error') guard.errors.push(msg.text());
      });
      page.on('pageerror', (err) => guard.errors.push(`uncaught: ${err.message}`));
      page.on('request', (req) => {
        const url = new URL(req.url());
        if (url.protocol === 'data:' || url.protocol === 'blob:') return;
        if (url.hostname !== '127.0.0.1') guard.foreignRequests.push(req.url());
      });
      await use(guard);
      expect(guard.errors, 'console errors').toEqual([]);
      expect(guard.foreignRequests, 'requests to other hosts').toEqual([]);
    },
    { auto: true },
  ],
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

function outcome(page: Page) {
  return page.getByRole('region', { name: 'Outcome' });
}

async function traceHash(page: Page): Promise<string> {
  const hash = outcome(page).locator('code');
  await expect(hash).toHaveText(HEX16);
  return (await hash.textContent())!.trim();
}

async function openApp(page: Page, url = './') {
  await page.goto(url);
  await expect(page.getByLabel('Scenario')).toBeVisible();
  await expect(outcome(page).locator('code')).toHaveText(HEX16);
}

test('loads cleanly and shows the verdict, counts and trace hash', async ({ page }) => {
  await openApp(page);
  await expect(page).toHaveTitle('Brokerlab');
  await expect(page.getByLabel('Scenario')).toHaveValue('work-queue');
  await expect(page.getByRole('heading', { level: 2, name: 'Work queue with competing consumers' })).toBeVisible();

  const region = outcome(page);
  const verdict = region.getByRole('list').first();
  await expect(verdict.getByRole('listitem').first()).toBeVisible();
  for (const label of ['Published', 'Processed once', 'Processed more than once', 'Dead-lettered', 'Dropped', 'Lost', 'In flight',
    'Duplicate effects', 'Out of order', 'Retries', 'Latency p50', 'Latency p95', 'Latency p99', 'Max queue depth', 'Trace hash']) {
    await expect(region.getByText(label, { exact: true })).toBeVisible();
  }
  await traceHash(page);
  await expect(region.getByRole('status')).toContainText('Seed 7');
  await shot(page, 'main-1280x720');
});

test('choosing the poison-message presets changes the outcome', async ({ page }) => {
  await openApp(page);
  const first = await traceHash(page);

  await page.getByLabel('Scenario').selectOption({ label: 'Poison message without a DLQ' });
  await expect(page.getByRole('heading', { level: 2, name: 'Poison message without a DLQ' })).toBeVisible();
  const noDlq = await traceHash(page);
  expect(noDlq).not.toBe(first);
  const noDlqText = await outcome(page).innerText();
  await shot(page, 'poison-no-dlq');

  await page.getByLabel('Scenario').selectOption({ label: 'Poison message with a DLQ' });
  await expect(page.getByRole('heading', { level: 2, name: 'Poison message with a DLQ' })).toBeVisible();
  const withDlq = await traceHash(page);
  expect(withDlq).not.toBe(noDlq);
  expect(await outcome(page).innerText()).not.toBe(noDlqText);
  await expect(page.getByLabel('Seed')).toHaveValue('3');
  await shot(page, 'poison-with-dlq');
});

test('the log lessons run in the browser and give the native trace hashes', async ({ page }) => {
  // scenarios/trace-hashes.json is written by the broker crate's native golden tests.
  const hashes = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '..', '..', 'scenarios', 'trace-hashes.json'), 'utf8'),
  ) as Record<string, string>;
  await openApp(page);
  const lessons = [
    'out-of-order-wrong-key', 'out-of-order-keyed-by-order', 'consumer-lag-rebalance', 'slow-poll-loop', 'replay-late-joiner',
    'dual-write', 'outbox', 'producer-retries-duplicates', 'producer-idempotent',
  ];
  for (const slug of lessons) {
    await page.getByLabel('Scenario').selectOption(slug);
    await expect(outcome(page).locator('code')).toHaveText(hashes[slug]);
    await expect(outcome(page).getByRole('list').first().getByRole('listitem').first()).toBeVisible();
    if (slug === 'out-of-order-wrong-key') {
      await expect(outcome(page)).toContainText('applied out of order');
      await shot(page, 'topic-out-of-order-wrong-key');
    }
    if (slug === 'dual-write') {
      await expect(outcome(page)).toContainText('crashed after its business write and before publishing');
      await shot(page, 'topic-dual-write');
    }
  }
});

test('a bad seed shows an alert, keeps the result, and the page keeps working', async ({ page }) => {
  await openApp(page);
  const before = await traceHash(page);

  await page.getByLabel('Seed').fill('not-a-number');
  await page.getByRole('button', { name: 'Run' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('whole number');
  await expect(page.getByLabel('Seed')).toHaveAttribute('aria-invalid', 'true');
  expect(await traceHash(page)).toBe(before);
  await shot(page, 'bad-seed');

  for (const bad of ['-1', '1.5', '99999999999999999999999', '']) {
    await page.getByLabel('Seed').fill(bad);
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(alert).toBeVisible();
    expect(await traceHash(page)).toBe(before);
  }

  await page.getByLabel('Seed').fill('8');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(outcome(page).getByRole('status')).toContainText('Seed 8');
  expect(await traceHash(page)).not.toBe(before);

  // Still fully usable: another preset runs.
  await page.getByLabel('Scenario').selectOption({ label: 'Pub/sub fan-out' });
  await expect(page.getByRole('heading', { level: 2, name: 'Pub/sub fan-out' })).toBeVisible();
  await traceHash(page);
});

test('works with the keyboard alone', async ({ page }) => {
  await openApp(page);
  const select = page.getByLabel('Scenario');
  const seed = page.getByLabel('Seed');
  const run = page.getByRole('button', { name: 'Run' });

  await page.keyboard.press('Tab');
  await expect(select).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(select).toHaveValue('fan-out');
  await expect(page.getByRole('heading', { level: 2, name: 'Pub/sub fan-out' })).toBeVisible();
  const fanOut = await traceHash(page);

  await page.keyboard.press('Tab');
  await expect(seed).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('12');
  await page.keyboard.press('Tab');
  await expect(run).toBeFocused();
  await shot(page, 'keyboard-focus-run');
  await page.keyboard.press('Enter');
  await expect(outcome(page).getByRole('status')).toContainText('Seed 12');
  expect(await traceHash(page)).not.toBe(fanOut);

  // Enter in the Seed field runs as well.
  await seed.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('11');
  await page.keyboard.press('Enter');
  await expect(outcome(page).getByRole('status')).toContainText('Seed 11');
  expect(await traceHash(page)).toBe(fanOut);
});

test('works when served from a sub-path', async ({ page }) => {
  const port = process.env.E2E_SUBPATH_PORT;
  await openApp(page, `http://127.0.0.1:${port}/some/path/`);
  await traceHash(page);
  await page.getByLabel('Scenario').selectOption({ label: 'Poison message with a DLQ' });
  await expect(page.getByRole('heading', { level: 2, name: 'Poison message with a DLQ' })).toBeVisible();
  await shot(page, 'sub-path');
});

for (const [width, height] of [[320, 480], [1280, 720], [1920, 1080]]) {
  test(`fits at ${width}x${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await openApp(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'horizontal scroll').toBeLessThanOrEqual(0);
    for (const control of [page.getByLabel('Scenario'), page.getByLabel('Seed'), page.getByRole('button', { name: 'Run' }), outcome(page)]) {
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    // The main controls are on the first screen.
    const runBox = (await page.getByRole('button', { name: 'Run' }).boundingBox())!;
    expect(runBox.y + runBox.height).toBeLessThanOrEqual(height);
    await shot(page, `fit-${width}x${height}`);
    // The long alert must wrap too.
    await page.getByLabel('Seed').fill('x'.repeat(80));
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    const overflowAfter = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflowAfter, 'horizontal scroll with the alert').toBeLessThanOrEqual(0);
    await shot(page, `fit-${width}x${height}-alert`);
  });
}

test('passes axe-core WCAG 2.1 AA checks', async ({ page }) => {
  await openApp(page);
  const check = async (when: string) => {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(summary, `axe violations ${when}`).toEqual([]);
  };
  await check('on the main page');
  await page.getByLabel('Seed').fill('oops');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await check('with the seed alert');
  await shot(page, 'axe');
});
