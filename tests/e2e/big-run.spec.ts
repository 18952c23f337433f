// A big run: a far seek never freezes the page. It shows its progress beside the clock, the
// page answers while it works, Reset replaces it, and it lands where it was asked to.
import type { Page } from '@playwright/test';
import { test, expect, shot, canvas, transport, timeline, openApp, seek, clockMs, traceHash, HEX16 } from './helpers';

/** A work queue with `n` messages at 1,000 a second: far more events than one frame runs. */
function bigRun(n: number): string {
  return JSON.stringify({
    version: 1, seed: 3, title: 'Big run', duration_ms: n + 10_000,
    nodes: [
      { id: 'orders', kind: 'producer', arrivals: { poisson: { rate_per_s: 1000 } }, count: n },
      { id: 'work', kind: 'queue', prefetch: 20 },
      { id: 'worker', kind: 'consumer', concurrency: 20, processing: { exponential: { mean_ms: 15 } },
        retry: { policy: 'exponential', base_ms: 10, cap_ms: 200, jitter: 'full', max_attempts: 5 },
        faults: [{ transient_errors: { rate: 0.01 } }] },
    ],
    wires: [['orders', 'work'], ['work', 'worker']],
  });
}

async function drop(page: Page, name: string, json: string) {
  const data = await page.evaluateHandle(([n, j]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([j], n, { type: 'application/json' }));
    return dt;
  }, [name, json]);
  await canvas(page).dispatchEvent('drop', { dataTransfer: data });
}

const seeking = (page: Page) => transport(page).getByRole('status').filter({ hasText: 'Seeking' });

test('a far seek in a big run shows its progress, the page answers meanwhile, and Reset or the seek itself ends it', async ({ page }) => {
  test.setTimeout(180_000);
  // The page's clock (timers and animation frames) is Playwright's, so that the seek can be
  // held between frames: on a fast machine it would otherwise land before the checks below
  // that need it still under way.
  await page.clock.install();
  await openApp(page);
  await drop(page, 'big-run.json', bigRun(600_000));
  await expect(page.locator('.notice[role="status"]')).toContainText('Opened big-run.json');
  const [, end] = await clockMs(page);
  expect(end).toBe(610_000);

  // To the end, long before the scout has been there: the seek goes on frame by frame. Time
  // stands still between frames here, and moves a few frames at a time.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  await seek(page, 'end');
  await expect(seeking(page)).toContainText(/Seeking 10:10\.00: \d+%/);
  await expect(timeline(page)).toHaveValue(String(end), { timeout: 1_000 });
  const percent = async () => Number(/(\d+)%/.exec((await seeking(page).textContent()) ?? '')?.[1]);
  const before = await percent();
  await page.clock.runFor(100);
  await expect.poll(percent).toBeGreaterThan(before);
  await shot(page, 'big-run-seeking');
  // The page answers: the speed changes while the seek works, and the playhead has not moved.
  await page.getByRole('slider', { name: 'Speed' }).fill('1000');
  await expect(transport(page).locator('output[for="speed"]')).toHaveText('100×');
  await expect(seeking(page)).toHaveCount(1);
  expect((await clockMs(page))[0]).toBe(0);

  // Reset replaces the seek.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(seeking(page)).toHaveCount(0);
  expect((await clockMs(page))[0]).toBe(0);

  // Asked again, with time running, it lands at the end with the run's outcome.
  await page.clock.resume();
  await seek(page, 'end');
  await expect.poll(async () => (await clockMs(page))[0], { timeout: 150_000, intervals: [250] }).toBe(end);
  await expect(seeking(page)).toHaveCount(0);
  await expect(traceHash(page)).toHaveText(HEX16);
  await expect(page.getByRole('region', { name: 'Outcome' })).toContainText('600,000');
  await shot(page, 'big-run-at-the-end');
});
