// Sharing and embedding: the link in the address reopens the same run in a new page, back and
// forward move between scenarios, damaged links of ten kinds give a message and a working
// default scenario, Copy link / Copy embed code, export and import (picker and drop), embed
// mode in frames of several sizes, and the postMessage API.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, shot, outcome, traceHash as hashLocator, repo, canvas, transport, frames, chooseLesson, toEnd } from './helpers';
import { Page } from '@playwright/test';

const lesson = (page: Page) => page.getByRole('combobox', { name: 'Lesson' });
const notice = (page: Page) => page.locator('.notice[role="status"]');
const traceHash = async (page: Page) => (await hashLocator(page).textContent())!.trim();

test('a copied link opens the same scenario and run in a new page; back and forward move between scenarios', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./');
  await chooseLesson(page, 'poison-with-dlq');
  // An edit travels in the link: a second consumer on the work queue.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await page.getByRole('textbox', { name: 'Seed' }).fill('99');
  await page.getByRole('textbox', { name: 'Seed' }).press('Tab');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(notice(page)).toContainText('Link copied to the clipboard');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('#2.');
  expect(link.length).toBeLessThan(2000);
  await toEnd(page);
  const hash = await traceHash(page);

  const other = await context.newPage();
  await other.goto(link);
  await expect(lesson(other)).toHaveValue('poison-with-dlq');
  await toEnd(other);
  expect(await traceHash(other)).toBe(hash);
  await expect(outcome(other)).toContainText('seed 99');
  await shot(other, 'share-reopened');
  await other.close();

  // Back goes to the lesson before, forward returns to the edited one.
  await page.goBack();
  await expect(lesson(page)).toHaveValue('work-queue');
  await page.goForward();
  await expect(lesson(page)).toHaveValue('poison-with-dlq');
  await toEnd(page);
  expect(await traceHash(page)).toBe(hash);
});

test('embed options (start time, autoplay, read-only) apply to the scenario the frame\'s link opens', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'poison-with-dlq');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('#2.');
  const hash = await page.evaluate(() => location.hash);
  // The link names another lesson than the page opens with: the frame inflates the link and
  // may fetch that lesson's file before it opens, and the options wait for it.
  const framed = await page.context().newPage();
  await framed.goto(`./?embed=1&t=3000&readonly=1${hash}`);
  await expect(framed.getByRole('heading', { level: 1 })).toHaveText('Poison message with a DLQ');
  await expect(transport(framed).locator('output.clock')).toHaveText(/^3\.00 s \//);
  await framed.goto(`./?embed=1&autoplay=1${hash}`);
  await expect(framed.getByRole('heading', { level: 1 })).toHaveText('Poison message with a DLQ');
  await expect(framed.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(async () => (await transport(framed).locator('output.clock').textContent()) ?? '').not.toMatch(/^0\.00 s/);
  await framed.close();
});

test('a damaged link pasted over an edited scenario keeps the edit, in the page and in the address', async ({ page }) => {
  await page.goto('./');
  const seed = page.getByRole('textbox', { name: 'Seed' });
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await seed.fill('77');
  await seed.press('Tab');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('#2.');
  const edited = await page.evaluate(() => location.hash);
  // As if the learner pasted a link that lost its end into the address bar.
  await page.evaluate((h) => { location.hash = h; }, edited.slice(0, 40));
  await expect(notice(page)).toContainText('damaged');
  await expect(seed).toHaveValue('77');
  await expect.poll(() => page.evaluate(() => location.hash)).toBe(edited);
  await page.reload();
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await expect(seed).toHaveValue('77');
});

const damaged: [string, string, RegExp][] = [
  ['truncated', '1.vVLRTsMwDPwVlOduamEU', /damaged/],
  ['not base64', '1.@@@@', /damaged/],
  ['no version', 'eNqrVkrLz1eyUkpKLFKqBQA', /not a Brokerlab scenario link/],
  ['from a newer Brokerlab', '9.eNqrVkrLz1eyUkpKLFKqBQA', /newer Brokerlab/],
  ['markup instead of data', '<img src=x onerror=alert(1)>', /not a Brokerlab scenario link/],
  ['random characters', '1.' + 'Zm9vYmFy'.repeat(40), /damaged/],
  ['far too long', '1.' + 'A'.repeat(70_000), /too long/],
  ['a zip bomb', '', /more than 256 KB/],
  ['valid packing, not a scenario', '', /not a scenario|cannot be opened/],
  ['a scenario with problems', '', /cannot be opened.*duration_ms/],
];

test('ten kinds of damaged links give a clear message and a working default scenario', async ({ page }) => {
  // The last three are made with Python's zlib in tests/e2e/fixtures/ (raw deflate, URL-safe base64).
  const bomb = fs.readFileSync(path.join(repo, 'tests', 'e2e', 'fixtures', 'zip-bomb.txt'), 'utf8').trim();
  damaged[7][1] = bomb;
  damaged[8][1] = fs.readFileSync(path.join(repo, 'tests', 'e2e', 'fixtures', 'not-a-scenario.txt'), 'utf8').trim();
  damaged[9][1] = fs.readFileSync(path.join(repo, 'tests', 'e2e', 'fixtures', 'bad-scenario.txt'), 'utf8').trim();
  let alerted = false;
  page.on('dialog', async (d) => { alerted = true; await d.dismiss(); });
  for (const [kind, text, message] of damaged) {
    await page.goto(`./?fresh=${encodeURIComponent(kind)}#${text}`);
    await expect(notice(page), kind).toContainText(message);
    // The default lesson is there and plays.
    await expect(lesson(page)).toHaveValue('work-queue');
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(transport(page)).not.toContainText('0.00 s / 30.00 s');
    if (kind === 'truncated' || kind === 'markup instead of data') await shot(page, `damaged-link-${kind.replace(/ /g, '-')}`);
  }
  expect(alerted, 'nothing in a link runs').toBe(false);
});

test('a node named with markup is shown as text and runs nothing', async ({ page }) => {
  const fixture = fs.readFileSync(path.join(repo, 'tests', 'e2e', 'fixtures', 'markup-name.txt'), 'utf8').trim();
  let alerted = false;
  page.on('dialog', async (d) => { alerted = true; await d.dismiss(); });
  await page.goto(`./?x=1#${fixture}`);
  await expect(canvas(page).getByRole('button', { name: /^Producer <img src=x onerror=alert\(1\)>/ })).toHaveCount(1);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(alerted).toBe(false);
});

test('export a scenario file and import it back, by the picker and by a drop; a bad file changes nothing', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'crash-at-least-once');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const file = await (await download).path();
  const text = fs.readFileSync(file!, 'utf8');
  expect(JSON.parse(text).title).toContain('at-least-once');
  await toEnd(page);
  const hash = await traceHash(page);

  await chooseLesson(page, 'fan-out');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(notice(page)).toContainText('Opened mine.json');
  // A file is the learner's own scenario, not the lesson that was open before it.
  await expect(lesson(page).locator('option:checked')).toHaveText('Your own scenario');
  await toEnd(page);
  expect(await traceHash(page)).toBe(hash);

  // A file that fails leaves the current scenario untouched.
  const bad = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await bad).setFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue", "prefetch": -3}]}') });
  await expect(notice(page)).toContainText('bad.json was not opened, and nothing here changed');
  await expect(notice(page)).toContainText('prefetch');
  expect(await traceHash(page)).toBe(hash);
  // So does a file that writes a key twice, as the command line refuses it.
  const twice = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await twice).setFiles({ name: 'twice.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue", "prefetch": 1, "prefetch": 50}]}') });
  await expect(notice(page)).toContainText('twice.json was not opened, and nothing here changed. 1 problem: nodes[0].prefetch: is written twice');
  expect(await traceHash(page)).toBe(hash);
  await shot(page, 'import-refused');

  // A drop onto the canvas.
  const data = await page.evaluateHandle((json) => {
    const dt = new DataTransfer();
    dt.items.add(new File([json], 'dropped.json', { type: 'application/json' }));
    return dt;
  }, fs.readFileSync(path.join(repo, 'scenarios', 'fan-out.json'), 'utf8'));
  await canvas(page).dispatchEvent('drop', { dataTransfer: data });
  await expect(notice(page)).toContainText('Opened dropped.json');
  await expect(canvas(page).getByRole('button', { name: /^Exchange / })).toHaveCount(1);
});

test('without the clipboard, Copy embed code shows the snippet to copy by hand', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
  });
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  const field = page.getByRole('textbox', { name: /Copy the embed code by hand/ });
  await expect(field).toBeVisible();
  const snippet = await field.inputValue();
  expect(snippet).toMatch(/^<iframe src="[^"]*\?embed=1#2\.[A-Za-z0-9_-]+" title="Brokerlab: [^"]+" width="\d+" height="\d+" loading="lazy"/);
  await expect(field).toBeFocused();
  await shot(page, 'copy-by-hand');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(field).toHaveCount(0);
});

test('embed mode in frames from 320x240 to full size, driven by postMessage', async ({ page }) => {
  await page.goto('./embed-example.html');
  const frame = page.frameLocator('#player');
  await expect(frame.getByRole('region', { name: 'Canvas' })).toBeVisible();
  await expect(frame.getByRole('link', { name: 'Open in Brokerlab' })).toHaveAttribute('target', '_blank');
  await expect(frame.getByRole('button', { name: 'Producer', exact: true })).toHaveCount(0);
  await expect(frame.getByRole('tab', { name: 'Inspector' })).toHaveCount(0);
  // Driven from the course page.
  await page.getByRole('button', { name: 'Jump to 5 s' }).click();
  await expect(frame.getByRole('region', { name: 'Transport' })).toContainText('5.00 s / 10.00 s');
  await expect(page.getByRole('log')).toContainText('outcome at 5000 ms');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('log')).toContainText('brokerlab:finished', { timeout: 15_000 });
  await shot(page, 'embed-example');

  // A whole copied address loads; a damaged one leaves the player as it was and says why.
  await page.getByRole('textbox', { name: 'Link to load' }).fill('https://example.org/brokerlab/?embed=1#1.AAAA');
  await page.getByRole('button', { name: 'Load the link in the box' }).click();
  await expect(page.getByRole('log')).toContainText('brokerlab:error The link is damaged');
  await expect(frame.getByText('Poison message with a DLQ').first()).toBeVisible();
  await expect(frame.locator('.notice[role="status"]')).toContainText('The link is damaged');
  const corpus = fs.readFileSync(path.join(repo, 'broker/tests/links/v1.tsv'), 'utf8');
  const crash = corpus.split('\n').find((l) => l.startsWith('crash-at-least-once\t'))!.split('\t')[2];
  await page.getByRole('textbox', { name: 'Link to load' }).fill(`https://example.org/brokerlab/?embed=1#${crash}`);
  await page.getByRole('button', { name: 'Load the link in the box' }).click();
  await expect(frame.getByText('Delivery guarantees under a crash: at-least-once').first()).toBeVisible();

  // A message from another window than the parent is ignored.
  const url = await page.locator('#player').getAttribute('src');
  const direct = await page.context().newPage();
  await direct.goto(new URL(url!, page.url()).toString());
  await direct.evaluate(() => window.postMessage({ type: 'brokerlab:seek', t_ms: 4000 }, '*'));
  await frames(direct, 18);
  await expect(direct.getByRole('region', { name: 'Transport' })).toContainText('0.00 s /');
  await direct.close();

  const [before, fragment] = new URL(url!, page.url()).toString().split('#');
  // Options as a course platform may escape them (%2C for the comma).
  const framed = `${before}&autoplay=1&speed=10&readonly=1&panels=outcome%2Clog#${fragment}`;
  for (const [w, h] of [[320, 240], [480, 270], [320, 480], [640, 360], [1280, 720]]) {
    await page.setContent(`<iframe src="${framed}" title="Brokerlab" style="border:0;width:${w}px;height:${h}px"></iframe>`);
    const f = page.frameLocator('iframe');
    await expect(f.getByRole('region', { name: 'Canvas' })).toBeVisible();
    await expect(f.getByRole('button', { name: /^(Play|Pause)$/ })).toBeVisible();
    // A frame under 900x500 shows the outcome as one line; a bigger one beside the canvas.
    const small = w < 900 || h < 500;
    await expect(small ? f.getByRole('button', { name: / More$/ }) : f.getByRole('region', { name: 'Outcome' })).toBeVisible();
    // From 480x270 up the canvas has at least 55% of the frame's height.
    const share = w >= 480 && h >= 270 ? 0.55 : 0.3;
    // The frame has laid itself out once the canvas has its share of the height.
    await expect.poll(async () => (await f.getByRole('region', { name: 'Canvas' }).boundingBox())?.height ?? 0,
      { message: `canvas laid out at ${w}x${h}` }).toBeGreaterThanOrEqual(h * share);
    // Everything that matters is inside the frame, and the canvas keeps a fair share of it.
    const frameBox = (await page.locator('iframe').boundingBox())!;
    const inside = async (name: string, box: { x: number; y: number; width: number; height: number } | null) => {
      expect(box, name).not.toBeNull();
      expect(box!.x, `${name} at ${w}x${h}`).toBeGreaterThanOrEqual(frameBox.x - 1);
      expect(box!.y, `${name} at ${w}x${h}`).toBeGreaterThanOrEqual(frameBox.y - 1);
      expect(box!.x + box!.width, `${name} at ${w}x${h}`).toBeLessThanOrEqual(frameBox.x + w + 1);
      expect(box!.y + box!.height, `${name} at ${w}x${h}`).toBeLessThanOrEqual(frameBox.y + h + 1);
    };
    await inside('Open in Brokerlab', await f.getByRole('link', { name: 'Open in Brokerlab' }).boundingBox());
    await inside('Reset', await f.getByRole('button', { name: 'Reset' }).boundingBox());
    await inside('Timeline', await f.getByRole('slider', { name: 'Timeline' }).boundingBox());
    const canvas = (await f.getByRole('region', { name: 'Canvas' }).boundingBox())!;
    await inside('Canvas', canvas);
    expect(canvas.height, `canvas height at ${w}x${h}`).toBeGreaterThanOrEqual(h * share);
    if (small) {
      // The outcome line is in the frame and opens the whole outcome over the canvas.
      const line = f.getByRole('button', { name: / More$/ });
      await inside('Outcome line', await line.boundingBox());
      await line.click();
    }
    // The verdict's first line is in view, not squeezed out by the other panels.
    // (Polled: the verdict's lines are rendered again as the autoplaying run moves on, so one
    // read can find none.)
    const firstLine = f.getByRole('list', { name: 'Verdict' }).locator('li').first();
    await expect.poll(async () => {
      const box = await firstLine.boundingBox();
      return box ? box.y + 16 - (frameBox.y + h) : Infinity;
    }, { message: `first verdict line at ${w}x${h}` }).toBeLessThanOrEqual(0);
    await shot(page, `embed-${w}x${h}`);
  }
  await expect(page.frameLocator('iframe').getByRole('tab', { name: /Event log/ })).toBeVisible();
  await expect(page.frameLocator('iframe').getByRole('tab', { name: /Lesson/ })).toHaveCount(0);
});
