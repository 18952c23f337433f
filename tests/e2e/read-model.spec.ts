// Read models (CQRS): a read model is drawn with its status lines and, under its box, a table of
// the rows that changed last beside the write side's truth, a row behind marked in words; the
// verdict counts the reads that did not find the write they followed; the inspector edits its
// readers and read-your-writes routing, and a projection's version check; a rebuild empties the
// table and the projections fill it again from their topic; the editor adds one from the
// palette and refuses the wires a read model cannot have.
import AxeBuilder from '@axe-core/playwright';
import { Locator, Page } from '@playwright/test';
import {
  test, expect, shot, canvas, outcome, inspector, palette, node, wire, port, chooseLesson, openApp, toEnd, seek,
  tabTo, centre, drag,
} from './helpers';

test.use({ viewport: { width: 1280, height: 1000 } });

/** A read model's table lines under its box (header first), and those behind the write side. */
const tableLines = (rm: Locator) => rm.locator('text.partition-line');
const behindRows = (rm: Locator) => rm.locator('text.behind-row');

/** Selects a read model by a click on its box: the node's bounding box also holds its table,
 * whose centre may fall between the box and the table's first line. */
const select = (rm: Locator) => rm.click({ position: { x: 40, y: 30 } });

async function eventLog(page: Page, kind: string) {
  await page.getByRole('tab', { name: 'Event log' }).click();
  const log = page.getByRole('region', { name: 'Event log' });
  await log.getByRole('combobox', { name: 'Event kind' }).selectOption(kind);
  return log;
}

test('the lag lesson: my-orders lags the write side, its table marks the rows behind, and the verdict counts the reads that missed', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'read-model-lag');
  const rm = node(page, 'Read model', 'my-orders');
  await expect(rm).toHaveAccessibleName('Read model my-orders: 0 rows · 0 behind, 0 reads · 0 missed');
  await expect(tableLines(rm)).toHaveCount(0);

  // 1.40 s: order-9 was placed 124 ms ago and is still waiting in order-events.
  await seek(page, 1402);
  await expect(rm).toHaveAccessibleName(/^Read model my-orders: 6 rows? · 4 behind, 6 reads · 1 missed, key +table +truth, order-10 +— +v1 behind, /);
  await expect(rm).toHaveAccessibleName(/order-9 +— +v1 behind/);
  await expect(tableLines(rm).first()).toHaveText(/^key\s+table\s+truth$/);
  await expect(tableLines(rm)).toHaveCount(6);
  await expect(behindRows(rm)).toHaveCount(4);
  await expect(behindRows(rm).filter({ hasText: /^order-9\s/ })).toBeVisible();
  // A row that matches the write side is drawn, and not marked.
  const matching = tableLines(rm).filter({ hasText: /^order-6\s+v1\s+v1$/ });
  await expect(matching).toBeVisible();
  await expect(matching).not.toHaveClass(/behind-row/);
  await shot(page, 'read-model-lag-mid');
  // The table is clear of every other node.
  const others = canvas(page).getByRole('button', { name: /^(Producer|Queue|Consumer) / });
  await expect(others).toHaveCount(3);
  for (const line of await tableLines(rm).all()) {
    const b = (await line.boundingBox())!;
    for (const other of await others.all()) {
      const o = (await other.boundingBox())!;
      const apart = b.x + b.width <= o.x || o.x + o.width <= b.x || b.y + b.height <= o.y || o.y + o.height <= b.y;
      expect(apart, `"${await line.textContent()}" clear of ${await other.getAttribute('aria-label')}`).toBe(true);
    }
  }

  // The end: every row caught up, and the verdict counts the reads that missed.
  await toEnd(page);
  await expect(rm).toHaveAccessibleName(/^Read model my-orders: 40 rows? · 0 behind, 80 reads · 46 missed, key +table +truth, order-40 +v2 +v2,/);
  await expect(behindRows(rm)).toHaveCount(0);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText(
    'my-orders: 77% of reads within 200 ms of the write did not find it (33 of 43); 46 of 80 reads in all did not find the write they followed (23 not there, 23 showing an older state',
  );
  await expect(verdict).toContainText('my-orders: all 40 rows match the write side at the end.');
  await shot(page, 'read-model-lag-outcome');

  // The chart of rows behind: my-orders rose above 0 and is back at 0 at the end.
  await page.getByRole('tab', { name: 'Charts' }).click();
  const chart = page.getByRole('region', { name: 'Charts' }).getByRole('figure').filter({ hasText: 'Read-model rows behind the write side' });
  await expect(chart.getByRole('img', { name: /^Read-model rows behind the write side over the run/ })).toBeVisible();
  await expect(chart).toContainText(/rows: at most [1-9]\d*/);
  await expect(chart.getByRole('listitem').filter({ hasText: 'my-orders' })).toContainText('0 now');
  await chart.scrollIntoViewIfNeeded();
  await shot(page, 'read-model-chart');

  // The event log's read models: what was written, and what each read found.
  const log = await eventLog(page, 'Read models');
  await expect(log.getByText(/^160 events up to 16\.00 s/)).toBeVisible();
  await log.getByRole('searchbox', { name: 'Key or message' }).fill('order-9');
  const rows = log.getByRole('listitem');
  await expect(rows.filter({ hasText: 'written into my-orders as version 1 of its key' })).toHaveCount(1);
  await expect(rows.filter({ hasText: /its writer read my-orders: it did not find the key at all, behind for \d+(\.\d)? ms/ })).toHaveCount(1);
  await log.getByRole('searchbox', { name: 'Key or message' }).fill('order-1 (');
  await expect(rows.filter({ hasText: /its writer read my-orders: it found an older version than the write side has, behind for \d+(\.\d)? ms/ }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'written into my-orders as version 2 of its key' })).toHaveCount(1);
  await shot(page, 'read-model-log');
});

test('the read model in the inspector: its readers, and read-your-writes routing sends a read that would miss to the write side', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'read-model-lag');
  const rm = node(page, 'Read model', 'my-orders');
  await select(rm);
  await expect(rm).toHaveAttribute('aria-pressed', 'true');
  const panel = inspector(page);
  await expect(panel.getByRole('heading', { name: 'Read model my-orders' })).toBeVisible();
  const readers = panel.getByRole('group', { name: 'Readers' });
  await expect(readers.getByRole('checkbox', { name: 'Has readers' })).toBeChecked();
  await expect(readers.getByRole('textbox', { name: 'Share of writes read' })).toHaveValue('1');
  const after = readers.getByRole('combobox', { name: 'Read after' });
  await expect(after).toHaveValue('uniform');
  await expect(after.locator('option:checked')).toHaveText('Uniform');
  await expect(after.getByRole('option')).toHaveText(['Fixed', 'Uniform', 'Exponential']);
  await expect(readers.getByRole('textbox', { name: 'Soonest (ms)' })).toHaveValue('0');
  await expect(readers.getByRole('textbox', { name: 'Latest (ms)' })).toHaveValue('300');
  const ryw = readers.getByRole('checkbox', { name: 'Read-your-writes routing' });
  await expect(ryw).not.toBeChecked();
  await expect(ryw).toHaveAccessibleDescription(/goes to the write side instead/);
  // A read model has no rules, no wire out and no consumer's settings.
  await expect(panel.getByRole('button', { name: 'Add rule' })).toHaveCount(0);
  await expect(panel.getByRole('combobox', { name: 'Wire to' })).toHaveCount(0);
  await expect(panel.getByRole('checkbox', { name: 'Checks versions' })).toHaveCount(0);
  // Its projection reads a queue, which keeps nothing to replay: no rebuild, and the reason.
  await expect(panel.getByRole('button', { name: 'Rebuild it now' })).toHaveCount(0);
  const noRebuild = panel.getByText('A rebuild replays the projections\' topics from the start: wire a projection that reads a topic to rebuild this table.');
  await expect(noRebuild).toBeVisible();
  await noRebuild.scrollIntoViewIfNeeded();
  await shot(page, 'read-model-inspector');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // Another "Read after" brings its own time; Undo brings the uniform one back.
  await after.selectOption('fixed');
  await expect(readers.getByRole('textbox', { name: 'Time (ms)' })).toHaveValue('200');
  await expect(readers.getByRole('textbox', { name: 'Soonest (ms)' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(after).toHaveValue('uniform');
  await expect(readers.getByRole('textbox', { name: 'Latest (ms)' })).toHaveValue('300');

  // Read-your-writes routing: no read misses; those the table could not answer went to the write side.
  await ryw.check();
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await toEnd(page);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('my-orders: every one of 80 reads found the write it followed; 46 went to the write side, which had it (read-your-writes).');
  await expect(verdict).not.toContainText('did not find');
  await expect(rm).toHaveAccessibleName(/^Read model my-orders: 40 rows? · 0 behind, 80 reads · 0 missed,/);
  await expect(page.getByRole('combobox', { name: 'Lesson' }).locator('option:checked')).toHaveText(/^Your own scenario \(from /);
  await shot(page, 'read-model-read-your-writes');

  // Without readers nobody reads, and the readers' settings go.
  await readers.getByRole('checkbox', { name: 'Has readers' }).uncheck();
  await expect(readers.getByRole('textbox', { name: 'Share of writes read' })).toHaveCount(0);
  await expect(ryw).toHaveCount(0);
  await toEnd(page);
  await expect(rm).toHaveAccessibleName(/^Read model my-orders: 40 rows? · \d+ behind, 0 reads · 0 missed,/);
  await expect(verdict).not.toContainText('reads in all');
});

test('a projection without a version check sets rows back; "Checks versions" skips the late events and every row matches', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'projection-no-version-check');
  const rm = node(page, 'Read model', 'order-status');
  await toEnd(page);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('order-status: 4 events were written over a newer version (no version check): those rows went back in time.');
  await expect(verdict).toContainText(
    'order-status: 4 rows are behind the write side at the end; order-2 shows OrderPaid (version 2) where the write side has OrderShipped (version 3).',
  );
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 5 rows? · 4 behind,/);
  await expect(rm).toHaveAccessibleName(/order-2 +v2 +v3 behind/);
  await expect(behindRows(rm)).toHaveCount(4);
  await shot(page, 'projection-no-version-check');
  const log = await eventLog(page, 'Read models');
  const rows = log.getByRole('listitem');
  await expect(rows.filter({ hasText: 'OVER A NEWER ONE: the row went back in time' })).toHaveCount(4);

  // projection-1, slowed down, is the one whose events come late: it checks versions now.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await node(page, 'Consumer', 'projection-1').click();
  const projection = inspector(page).getByRole('group', { name: 'Projection' });
  const check = projection.getByRole('checkbox', { name: 'Checks versions' });
  await expect(check).not.toBeChecked();
  await expect(check).toHaveAccessibleDescription(/Skip an event whose version is not newer than the row's/);
  await check.check();
  await expect(inspector(page).getByRole('alert')).toHaveCount(0);
  await toEnd(page);
  await expect(verdict).toContainText('order-status: the version check skipped 4 events that came after a newer one.');
  await expect(verdict).toContainText('order-status: all 5 rows match the write side at the end.');
  await expect(verdict).not.toContainText('went back in time');
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 5 rows? · 0 behind,/);
  await expect(behindRows(rm)).toHaveCount(0);
  await shot(page, 'projection-version-check');
  await page.getByRole('tab', { name: 'Event log' }).click();
  await expect(rows.filter({ hasText: /skipped by \S+'s version check: version \d is no newer than its row/ })).toHaveCount(4);
  await expect(rows.filter({ hasText: 'OVER A NEWER ONE' })).toHaveCount(0);
});

test('a rebuild empties the table and the projections fill it again from the topic; "Rebuild it now" records another', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'projection-rebuild');
  const rm = node(page, 'Read model', 'order-status');
  // Just before the lesson's rebuild at 6 s: four rows set back.
  await seek(page, 5990);
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 5 rows? · 4 behind,/);
  // Just after it: the table is empty, and every key is behind the write side.
  await seek(page, 6001);
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 0 rows? · 5 behind,/);
  await expect(rm).toHaveAccessibleName(/order-1 +— +v3 behind/);
  await expect(behindRows(rm)).toHaveCount(5);
  await expect(behindRows(rm).filter({ hasText: /^order-2\s+—\s+v3 behind$/ })).toBeVisible();
  await shot(page, 'projection-rebuild-emptied');
  // The replay fills it again, oldest events first...
  await seek(page, 6100);
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 5 rows? · 5 behind,/);
  // ...and by the end every row matches.
  await toEnd(page);
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 5 rows? · 0 behind,/);
  await expect(behindRows(rm)).toHaveCount(0);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('order-status: all 5 rows match the write side at the end (rebuilt once).');
  const log = await eventLog(page, 'Read models');
  await expect(log.getByRole('listitem').filter({ hasText: 'order-status was emptied to be rebuilt: its projections replay their topics from the start' })).toHaveCount(1);
  await shot(page, 'projection-rebuild-end');

  // "Rebuild it now" at 8 s: an action in the script, and a second rebuild in the run.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await seek(page, 8000);
  await select(rm);
  const panel = inspector(page);
  await expect(panel.getByText('Empties the table and replays its projections\' topics from the start; recorded in the action script at 8.00 s.')).toBeVisible();
  await panel.getByRole('button', { name: 'Rebuild it now' }).click();
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(panel.getByRole('heading', { name: 'Scenario' })).toBeVisible();
  await expect(panel.getByRole('listitem').filter({ hasText: 'at 6000 ms: rebuild order-status' })).toHaveCount(1);
  const added = panel.getByRole('button', { name: 'Remove action: at 8000 ms: rebuild order-status' });
  await expect(added).toHaveCount(1);
  await shot(page, 'projection-rebuild-now');
  await seek(page, 8001);
  await expect(rm).toHaveAccessibleName(/^Read model order-status: 0 rows? · 5 behind,/);
  await toEnd(page);
  await expect(verdict).toContainText('order-status: all 5 rows match the write side at the end (rebuilt 2 times).');
  await added.click();
  await toEnd(page);
  await expect(verdict).toContainText('order-status: all 5 rows match the write side at the end (rebuilt once).');
});

test('a read model from the palette by the keyboard; the wires a read model cannot have are refused with the reason', async ({ page }) => {
  await openApp(page);
  const item = palette(page).getByRole('button', { name: 'Read model', exact: true });
  await tabTo(page, item);
  await page.keyboard.press('Enter');
  const rm = node(page, 'Read model', 'view');
  await expect(rm).toHaveCount(1);
  await expect(rm).toHaveAttribute('aria-pressed', 'true');
  await expect(rm).toHaveAccessibleName('Read model view: 0 rows · 0 behind, 0 reads · 0 missed');
  await expect(inspector(page).getByRole('heading', { name: 'Read model view' })).toBeVisible();
  await expect(inspector(page).getByRole('group', { name: 'Readers' }).getByRole('checkbox', { name: 'Has readers' })).toBeVisible();
  // Nothing is wired out of a read model: it has no output port and no "Wire to".
  await expect(port(page, 'view')).toHaveCount(0);
  await expect(inspector(page).getByRole('combobox', { name: 'Wire to' })).toHaveCount(0);
  // Tab reaches it, like any node.
  await page.locator('body').focus();
  await tabTo(page, rm);
  await expect(rm).toBeFocused();
  await shot(page, 'read-model-added');

  // A queue cannot write it: only a projection does.
  // (Its table is empty, so the middle of the node is its box.)
  await drag(page, await centre(port(page, 'work')), await centre(rm));
  const alert = canvas(page).getByRole('alert');
  await expect(alert).toHaveText(/^A read model is written by its projection: wire a consumer that reads the events to it\.?$/);
  await expect(wire(page, 'work', 'view')).toHaveCount(0);
  await shot(page, 'read-model-refused-wire');

  // A file with a wire out of a read model is refused, and says that its readers read it.
  const file = {
    version: 1, duration_ms: 1000,
    nodes: [
      { id: 'p', kind: 'producer', count: 1 }, { id: 'q', kind: 'queue' }, { id: 'c', kind: 'consumer' },
      { id: 'v', kind: 'read_model' },
    ],
    wires: [['p', 'q'], ['q', 'c'], ['c', 'v'], ['v', 'q']],
  };
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'read-model-out.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  const notice = page.getByRole('status').filter({ hasText: 'read-model-out.json' });
  await expect(notice).toContainText('read-model-out.json was not opened, and nothing here changed');
  await expect(notice).toContainText('a read model is read by its readers');
  await expect(rm).toHaveCount(1);
});

test('a consumer wired to a new read model is its projection', async ({ page }) => {
  await openApp(page);
  await tabTo(page, palette(page).getByRole('button', { name: 'Read model', exact: true }));
  await page.keyboard.press('Enter');
  const rm = node(page, 'Read model', 'view');
  await expect(rm).toHaveCount(1);
  // worker-a, by the keyboard: "Wire to" the read model is allowed...
  await tabTo(page, node(page, 'Consumer', 'worker-a'));
  const panel = inspector(page);
  await panel.getByRole('combobox', { name: 'Wire to' }).selectOption('view');
  await panel.getByRole('button', { name: 'Add wire' }).click();
  await expect(wire(page, 'worker-a', 'view')).toHaveCount(1);
  // ...and makes it a projection, not a service: no problem, a "Checks versions" box.
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await node(page, 'Consumer', 'worker-a').click();
  await expect(panel.getByRole('heading', { name: 'Consumer worker-a' })).toBeVisible();
  await expect(panel.getByRole('group', { name: 'Projection' }).getByRole('checkbox', { name: 'Checks versions' })).not.toBeChecked();
  await expect(panel.getByRole('button', { name: 'Remove rule 1' })).toHaveCount(0);
  await toEnd(page);
  await expect(rm).toHaveAccessibleName(/^Read model view: [1-9]\d* rows? · \d+ behind, [1-9]\d* reads · \d+ missed, key +table +truth/);
  await shot(page, 'read-model-projection-added');
});

test('the table under a read model is wholly in view once the lesson is fitted to the canvas', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'read-model-lag');
  await seek(page, 1402);
  const rm = node(page, 'Read model', 'my-orders');
  await expect(behindRows(rm)).toHaveCount(4);
  await page.getByRole('button', { name: 'Fit to screen' }).click();
  const area = (await canvas(page).boundingBox())!;
  for (const line of await tableLines(rm).all()) {
    await expect.poll(async () => { const b = (await line.boundingBox())!; return b.x + b.width; }, { message: `"${await line.textContent()}" inside the canvas` })
      .toBeLessThanOrEqual(area.x + area.width);
  }
});

test('the table under a read model lines its columns up', async ({ page }) => {
  // In a monospace font a line whose spaces are all drawn is as wide as its whole text.
  await openApp(page);
  await chooseLesson(page, 'read-model-lag');
  await seek(page, 1402);
  const rm = node(page, 'Read model', 'my-orders');
  await expect(tableLines(rm)).toHaveCount(6);
  const perChar = await tableLines(rm).evaluateAll((els) =>
    els.map((e) => (e as SVGTextElement).getComputedTextLength() / e.textContent!.length));
  for (const w of perChar) expect(w).toBeCloseTo(perChar[0], 1);
});
