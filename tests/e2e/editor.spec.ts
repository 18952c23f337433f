// Editing and playing, as a person would: drag from the palette, wire port to port, change a
// setting, undo/redo, the transport, and the keyboard alone.
import {
  test, expect, shot, canvas, outcome, inspector, palette, timeline, speed, transport, node, nodes, wires, wire, port,
  clock, clockMs, traceHash, openApp, seek, figures, count, centre, drag, dropFromPalette, wireByDrag,
  nodePosition, tabTo, goldenHashes, HEX16, frames, lessonTitle, chooseLesson
} from './helpers';

test('build a topology by hand, play it, and crash a consumer', async ({ page }) => {
  await openApp(page);
  await expect(nodes(page)).toHaveCount(5);

  // Remove everything: zoom out so all of it is on screen, then a shift+drag rectangle
  // over the whole canvas selects every node, and Delete removes them.
  await page.getByRole('button', { name: 'Zoom out' }).click();
  await page.getByRole('button', { name: 'Zoom out' }).click();
  const box = (await canvas(page).boundingBox())!;
  await drag(page, { x: box.x + 4, y: box.y + 4 }, { x: box.x + box.width - 4, y: box.y + box.height - 4 }, { shift: true });
  await expect(nodes(page).and(page.locator('[aria-pressed="true"]'))).toHaveCount(5);
  await expect(inspector(page)).toContainText('5 selected');
  await page.keyboard.press('Delete');
  await expect(nodes(page)).toHaveCount(0);
  await expect(wires(page)).toHaveCount(0);
  await expect(canvas(page)).toContainText('The canvas is empty');
  await page.getByRole('button', { name: 'Fit to screen' }).click();

  // Drag a producer, a queue and two consumers onto the canvas at distinct points.
  const at = {
    producer: { x: 120, y: 120 },
    queue: { x: 360, y: 120 },
    consumer: { x: 600, y: 60 },
    'consumer-2': { x: 600, y: 240 },
  };
  await dropFromPalette(page, 'Producer', at.producer);
  await expect(node(page, 'Producer', 'producer')).toBeVisible();
  await expect(node(page, 'Producer', 'producer')).toHaveAttribute('aria-pressed', 'true');
  await dropFromPalette(page, 'Queue', at.queue);
  await dropFromPalette(page, 'Consumer', at.consumer);
  await dropFromPalette(page, 'Consumer', at['consumer-2']);
  await expect(nodes(page)).toHaveCount(4);
  const placed = {
    producer: node(page, 'Producer', 'producer'),
    queue: node(page, 'Queue', 'queue'),
    consumer: node(page, 'Consumer', 'consumer'),
    'consumer-2': node(page, 'Consumer', 'consumer-2'),
  };
  // Each node lands where it was dropped (centred on the drop point, give or take the grid).
  for (const [id, p] of Object.entries(at)) {
    const c = await centre(placed[id as keyof typeof placed]);
    expect(Math.abs(c.x - (box.x + p.x)), `${id} x`).toBeLessThanOrEqual(21);
    expect(Math.abs(c.y - (box.y + p.y)), `${id} y`).toBeLessThanOrEqual(21);
  }
  await shot(page, 'build-dropped');

  // Wire them by dragging from port to node.
  await wireByDrag(page, 'producer', placed.queue);
  await expect(wire(page, 'producer', 'queue')).toHaveCount(1);
  await wireByDrag(page, 'queue', placed.consumer);
  await wireByDrag(page, 'queue', placed['consumer-2']);
  await expect(wire(page, 'queue', 'consumer')).toHaveCount(1);
  await expect(wire(page, 'queue', 'consumer-2')).toHaveCount(1);
  await expect(wires(page)).toHaveCount(3);
  // A complete, valid scenario: no problems reported.
  await expect(inspector(page).getByRole('alert')).toHaveCount(0);
  await shot(page, 'build-wired');

  // Play, wait, pause: messages were published and processed.
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(async () => count(await figures(page), 'Processed once'), { timeout: 10_000 }).toBeGreaterThan(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const paused = await figures(page);
  expect(count(paused, 'Published')).toBeGreaterThan(0);
  expect(count(paused, 'Processed once')).toBeGreaterThan(0);
  await expect(outcome(page).getByRole('status')).toContainText('Paused at');
  await expect(placed.consumer).toHaveAccessibleName(/[1-9]\d* processed/);
  await shot(page, 'build-played');

  // The whole run without a crash, for comparison.
  const [pausedAt] = await clockMs(page);
  await seek(page, 'end');
  const hashWithout = (await traceHash(page).textContent())!;
  const endWithout = await figures(page);
  await seek(page, pausedAt);

  // Select a consumer and crash it now: recorded into the action script at the playhead.
  await placed.consumer.click();
  await expect(inspector(page).getByRole('heading', { name: 'Consumer consumer' })).toBeVisible();
  await inspector(page).getByRole('button', { name: 'Crash this consumer now' }).click();
  await page.keyboard.press('Escape'); // clear the selection: the inspector shows the scenario
  const removeCrash = inspector(page).getByRole('button', { name: /^Remove action: at \d+ ms: crash consumer, recover after 2000 ms$/ });
  await expect(removeCrash).toHaveCount(1);
  const recordedAt = Number((await removeCrash.getAttribute('aria-label'))!.match(/at (\d+) ms/)![1]);
  expect(Math.abs(recordedAt - pausedAt)).toBeLessThanOrEqual(10);
  // Just after that moment the consumer is down...
  await seek(page, recordedAt + 500);
  await expect(placed.consumer).toHaveAccessibleName(/crashed/);
  await shot(page, 'build-crashed');
  // ...and the run ends differently.
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(HEX16);
  await expect(traceHash(page)).not.toHaveText(hashWithout);
  const endWith = await figures(page);
  expect(endWith, 'outcome after the crash').not.toEqual(endWithout);
  console.log(`without crash: ${JSON.stringify(endWithout)}\nwith crash:    ${JSON.stringify(endWith)}`);

  // Removing the action restores the first run exactly.
  await removeCrash.click();
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(hashWithout);
});

test('a refused wire says why next to the drop point, and adds nothing', async ({ page }) => {
  await openApp(page);
  await expect(wires(page)).toHaveCount(4);
  const target = await centre(node(page, 'Producer', 'orders'));
  await drag(page, await centre(port(page, 'work')), target);
  const alert = canvas(page).getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toHaveText(/^A queue cannot publish to a producer\.?$/);
  // Shown next to where it was dropped.
  const b = (await alert.boundingBox())!;
  expect(Math.hypot(b.x - target.x, b.y - target.y), 'alert distance from the drop point').toBeLessThan(80);
  await expect(wires(page)).toHaveCount(4);
  await expect(wire(page, 'work', 'orders')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  await shot(page, 'refused-wire');

  // A consumer's port starts a wire too (wired onwards, it is a service), but not to a producer.
  await drag(page, await centre(port(page, 'worker-a')), target);
  await expect(alert).toHaveText(/^A consumer cannot publish to a producer\.?$/);
  await expect(wires(page)).toHaveCount(4);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  // A press on the background dismisses the message.
  const box = (await canvas(page).boundingBox())!;
  await page.mouse.click(box.x + box.width - 20, box.y + box.height - 20);
  await expect(alert).toHaveCount(0);
});

test('a setting the core refuses is explained inline and kept; undo and redo', async ({ page }) => {
  await openApp(page);
  const undo = page.getByRole('button', { name: 'Undo' });
  const redo = page.getByRole('button', { name: 'Redo' });
  await expect(undo).toBeDisabled();
  await expect(redo).toBeDisabled();

  const queue = node(page, 'Queue', 'work');
  await queue.click();
  await expect(inspector(page).getByRole('heading', { name: 'Queue work' })).toBeVisible();
  const prefetch = inspector(page).getByRole('textbox', { name: /^Prefetch/ });
  await expect(prefetch).toHaveValue('1');
  for (const label of ['Delivery limit', 'Ack timeout (ms)', 'Dead-letter target', 'Queue type', 'Message TTL (ms)']) {
    await expect(inspector(page).getByLabel(label, { exact: false }).first()).toBeVisible();
  }

  await prefetch.fill('-3');
  const error = inspector(page).getByRole('alert').filter({ hasText: /prefetch|at least|1 to/i }).last();
  await expect(prefetch).toHaveAttribute('aria-invalid', 'true');
  await expect(prefetch).toHaveValue('-3');
  const message = (await prefetch.getAttribute('aria-describedby'))!;
  const inline = inspector(page).locator(`[id="${message}"]`);
  await expect(inline).toHaveRole('alert');
  await expect(inline).not.toBeEmpty();
  console.log(`Prefetch -3 says: ${await inline.textContent()}`);
  await expect(error).toBeVisible();
  await expect(queue).toHaveAccessibleName(/has a problem/);
  await shot(page, 'setting-invalid');
  // The player keeps the last valid scenario: the lesson's own run.
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(goldenHashes['work-queue']);
  await expect(prefetch).toHaveValue('-3');

  await prefetch.fill('5');
  await expect(prefetch).toHaveAttribute('aria-invalid', 'false');
  await expect(inspector(page).getByRole('alert')).toHaveCount(0);
  await expect(queue).not.toHaveAccessibleName(/has a problem/);
  await seek(page, 'end');
  await expect(traceHash(page)).not.toHaveText(goldenHashes['work-queue']);
  const hashPrefetch5 = (await traceHash(page).textContent())!;
  await shot(page, 'setting-valid');
  // An edited lesson is the learner's own scenario, and the Lesson selector says so.
  const lessonSelect = page.getByRole('combobox', { name: 'Lesson' });
  await expect(lessonSelect.locator('option:checked')).toHaveText(`Your own scenario (from ${lessonTitle('work-queue')})`);

  // Undo and Redo buttons.
  await expect(undo).toBeEnabled();
  await undo.click();
  await expect(prefetch).toHaveValue('1');
  // Undone back to the lesson as shipped: the selector names the lesson again.
  await expect(lessonSelect.locator('option:checked')).toHaveText(lessonTitle('work-queue'));
  await expect(redo).toBeEnabled();
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(goldenHashes['work-queue']);
  await redo.click();
  await expect(prefetch).toHaveValue('5');
  await expect(redo).toBeDisabled();
  await seek(page, 'end');
  await expect(traceHash(page)).toHaveText(hashPrefetch5);

  // Ctrl+Z and Ctrl+Shift+Z, with the focus on the canvas node (not in a field).
  await queue.focus();
  await page.keyboard.press('Control+z');
  await expect(prefetch).toHaveValue('1');
  await expect(undo).toBeDisabled();
  await page.keyboard.press('Control+Shift+z');
  await expect(prefetch).toHaveValue('5');
  await expect(undo).toBeEnabled();
  await expect(redo).toBeDisabled();
});

test('a node is renamed key by key: it stays selected, the field keeps focus, and the keys are not shortcuts', async ({ page }) => {
  await openApp(page);
  await node(page, 'Queue', 'work').click();
  const name = inspector(page).getByRole('textbox', { name: 'Name' });
  await name.click();
  await page.keyboard.press('End');
  // One key at a time, as a person types: each one renames the node.
  await page.keyboard.type('-orders?', { delay: 30 });
  await expect(name).toHaveValue('work-orders?');
  await expect(name).toBeFocused();
  await expect(node(page, 'Queue', 'work-orders?')).toHaveAttribute('aria-pressed', 'true');
  await expect(wire(page, 'orders', 'work-orders?')).toHaveCount(1);
  // "?" went into the name, not to the shortcut that opens Help.
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
  await shot(page, 'rename-by-typing');
});

test('transport: play, pause, step, seek, reset and speed', async ({ page }) => {
  await openApp(page);
  const play = page.getByRole('button', { name: 'Play' });
  const pause = page.getByRole('button', { name: 'Pause' });
  expect(await clockMs(page)).toEqual([0, 30_000]);
  await expect(timeline(page)).toHaveAttribute('max', '30000');

  // Play / Pause.
  await play.click();
  await expect(pause).toBeVisible();
  await expect(play).toHaveCount(0);
  await expect.poll(async () => (await clockMs(page))[0], { timeout: 5_000 }).toBeGreaterThan(300);
  await shot(page, 'transport-playing');
  await pause.click();
  await expect(play).toBeVisible();
  const [pausedAt] = await clockMs(page);
  await frames(page, 24);
  expect((await clockMs(page))[0], 'the clock stands still while paused').toBe(pausedAt);

  // Step goes to the next event: forward only, never back.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(clock(page)).toHaveText(/^0\.00 s \//);
  let last = 0;
  let moved = false;
  for (let i = 0; i < 25; i++) {
    await page.getByRole('button', { name: 'Step' }).click();
    const v = Number(await timeline(page).inputValue());
    expect(v, `step ${i}`).toBeGreaterThanOrEqual(last);
    moved ||= v > last;
    last = v;
  }
  expect(moved, 'Step moved the clock').toBe(true);
  await expect(play).toBeVisible();
  expect(count(await figures(page), 'Published')).toBeGreaterThan(0);

  // Seek to the end and back to 5 s: immediate.
  let t0 = Date.now();
  await seek(page, 'end');
  await expect(clock(page)).toHaveText('30.00 s / 30.00 s');
  console.log(`seek to the end shown after ${Date.now() - t0} ms`);
  await expect(outcome(page).getByRole('status')).toContainText('Finished at 30.00 s');
  await expect(traceHash(page)).toHaveText(goldenHashes['work-queue']);
  await expect(page.locator('svg.marker').first()).toBeAttached();
  const markerTitles = await page.locator('svg.marker title').allTextContents();
  console.log(`markers: ${markerTitles.slice(0, 5).join(' | ')}${markerTitles.length > 5 ? ` (+${markerTitles.length - 5})` : ''}`);
  expect(markerTitles.join(' ')).toMatch(/worker-b/);
  await shot(page, 'transport-end');
  // A click on a marker moves the timeline to its moment.
  const first = page.locator('svg.marker').first();
  const at = Number(await first.getAttribute('data-t'));
  await first.click();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue(String(Math.floor(at / 1000)));
  t0 = Date.now();
  await seek(page, 5000);
  await expect(clock(page)).toHaveText('5.00 s / 30.00 s');
  console.log(`seek back to 5 s shown after ${Date.now() - t0} ms`);
  await expect(timeline(page)).toHaveValue('5000');
  await expect(timeline(page)).toHaveAttribute('aria-valuetext', '5.00 s of 30.00 s');
  await expect(outcome(page).getByRole('status')).toContainText('Paused at 5.00 s');

  // Reset returns to 0.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(clock(page)).toHaveText('0.00 s / 30.00 s');
  await expect(outcome(page).getByRole('status')).toContainText('Ready');

  // Speed: ten stops from 0.1× to 100×; the arrow keys move one stop, Home and End go to the
  // ends, Page Up and Page Down move too, and the slider says the speed.
  await expect(speed(page)).toHaveAttribute('aria-valuetext', '1×');
  await speed(page).focus();
  await page.keyboard.press('ArrowRight');
  await expect(speed(page)).toHaveAttribute('aria-valuetext', '2×');
  await expect(transport(page).locator('output[for="speed"]')).toHaveText('2×');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowDown');
  await expect(speed(page)).toHaveAttribute('aria-valuetext', '0.25×');
  await page.keyboard.press('End');
  await expect(speed(page)).toHaveAttribute('aria-valuetext', '100×');
  await page.keyboard.press('PageDown');
  await expect(speed(page)).not.toHaveAttribute('aria-valuetext', '100×');
  await page.keyboard.press('Home');
  await expect(speed(page)).toHaveAttribute('aria-valuetext', '0.1×');
  await page.keyboard.press('PageUp');
  await expect(speed(page)).not.toHaveAttribute('aria-valuetext', '0.1×');

  // The Timeline: an arrow key moves a hundredth of the run (300 ms of 30 s), Page Up a tenth.
  await timeline(page).focus();
  await page.keyboard.press('ArrowRight');
  await expect(timeline(page)).toHaveValue('300');
  await expect(clock(page)).toHaveText('0.30 s / 30.00 s');
  await page.keyboard.press('PageUp');
  await expect(timeline(page)).toHaveValue('3300');
  await page.keyboard.press('ArrowLeft');
  await expect(timeline(page)).toHaveValue('3000');
  await page.keyboard.press('Home');
  await expect(timeline(page)).toHaveValue('0');

  await speed(page).fill('9');
  // At 100× the whole 30 s run plays in well under a few seconds and stops at the end.
  await play.click();
  await expect(clock(page)).toHaveText('30.00 s / 30.00 s', { timeout: 10_000 });
  await expect(play).toBeVisible();
  await expect(traceHash(page)).toHaveText(goldenHashes['work-queue']);
});

test('works with the keyboard alone', async ({ page }) => {
  await openApp(page);
  // Add a queue: Tab to the palette item and press Enter.
  const queueItem = palette(page).getByRole('button', { name: 'Queue', exact: true });
  await tabTo(page, queueItem);
  await shot(page, 'keyboard-palette-focus');
  await page.keyboard.press('Enter');
  const added = node(page, 'Queue', 'queue');
  await expect(added).toHaveCount(1);
  await expect(added).toHaveAttribute('aria-pressed', 'true');
  await expect(nodes(page)).toHaveCount(6);
  // Added at a free spot, it is fitted into the view with the rest.
  await expect.poll(async () => {
    const [box, area] = [await added.boundingBox(), await canvas(page).boundingBox()];
    return !!box && !!area && box.y >= area.y && box.y + box.height <= area.y + area.height && box.x + box.width <= area.x + area.width;
  }, { message: 'the added queue is in view' }).toBe(true);

  // Tab reaches every wire and node on the canvas, the new one included.
  await page.locator('body').focus();
  const seen = new Set<string>();
  for (let i = 0; i < 60 && seen.size < 10; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    if (/^(Wire from|Producer|Queue|Consumer) /.test(name)) seen.add(name.split(':')[0]);
  }
  expect([...seen].sort()).toEqual([
    'Consumer worker-a', 'Consumer worker-b', 'Consumer worker-c', 'Producer orders', 'Queue queue', 'Queue work',
    'Wire from orders to work', 'Wire from work to worker-a', 'Wire from work to worker-b', 'Wire from work to worker-c',
  ].sort());

  // Tab to the new node: focus selects it; arrows move it.
  await tabTo(page, added);
  await expect(added).toBeFocused();
  await expect(added).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'keyboard-node-focus');
  const [x0, y0] = await nodePosition(added);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => nodePosition(added)).toEqual([x0 + 20, y0]);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => nodePosition(added)).toEqual([x0 + 20, y0 + 20]);
  await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(() => nodePosition(added)).toEqual([x0 - 80, y0 + 20]);
  await page.keyboard.press('Shift+ArrowUp');
  await expect.poll(() => nodePosition(added)).toEqual([x0 - 80, y0 - 80]);
  await expect(added).toBeFocused();
  // Enter goes on to its settings: the Inspector's tab, then its fields.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'Inspector' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Inspector' })).toHaveAttribute('aria-selected', 'true');
  const nameField = inspector(page).getByRole('textbox', { name: 'Name' });
  for (let i = 0; i < 4; i++) {
    if (await nameField.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press('Tab');
  }
  await expect(nameField).toBeFocused();
  await expect(nameField).toHaveValue('queue');
  await tabTo(page, added);
  // Delete removes it.
  await page.keyboard.press('Delete');
  await expect(added).toHaveCount(0);
  await expect(nodes(page)).toHaveCount(5);

  // Space plays and pauses, → steps, R resets (focus on no button or field).
  await page.locator('body').focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(async () => (await clockMs(page))[0]).toBeGreaterThan(0);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const before = Number(await timeline(page).inputValue());
  let after = before;
  for (let i = 0; i < 10 && after === before; i++) {
    await page.keyboard.press('ArrowRight');
    after = Number(await timeline(page).inputValue());
  }
  expect(after).toBeGreaterThan(before);
  await page.keyboard.press('r');
  await expect(clock(page)).toHaveText(/^0\.00 s \//);

  // ? opens the help; Escape closes it.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(help).toContainText('Play or pause');
  await shot(page, 'keyboard-help');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  // And the Help button plus its Close button, by keyboard.
  await page.getByRole('button', { name: 'Help' }).focus();
  await page.keyboard.press('Enter');
  await expect(help).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(help).toHaveCount(0);
});

test('a service from the palette publishes down a wire of its own to a new queue and its consumer', async ({ page }) => {
  await openApp(page);
  const panel = inspector(page);

  // A Service from the palette, dropped under the lesson's queue (zoomed out to make room): a
  // consumer with a teaching rule, named and drawn as a service. Its queue and that queue's
  // consumer go to its right.
  await page.getByRole('button', { name: 'Zoom out' }).click();
  await page.getByRole('button', { name: 'Zoom out' }).click();
  await frames(page, 10);
  const region = (await canvas(page).boundingBox())!;
  const work = await centre(node(page, 'Queue', 'work'));
  const workerC = await centre(node(page, 'Consumer', 'worker-c'));
  const row = workerC.y + (workerC.y - work.y) / 2;
  const at = (column: number) => ({ x: work.x + column * (workerC.x - work.x) - region.x, y: row - region.y });
  await dropFromPalette(page, 'Service', at(0));
  const svc = node(page, 'Service', 'service');
  await expect(svc).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'Service service' })).toBeVisible();
  const rule1 = panel.getByRole('group', { name: 'Rule 1' });
  await expect(rule1.getByRole('textbox', { name: 'Publish', exact: true })).toHaveValue('PaymentCaptured');
  await expect(panel.getByRole('combobox', { name: 'Publish mode' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Delete service' })).toBeVisible();

  // Add a rule and take it away again.
  await panel.getByRole('button', { name: 'Add rule' }).click();
  await expect(panel.getByRole('group', { name: 'Rule 2' })).toBeVisible();
  await panel.getByRole('button', { name: 'Remove rule 2' }).click();
  await expect(panel.getByRole('group', { name: 'Rule 2' })).toHaveCount(0);

  // A new queue and a consumer of it, to its right.
  await dropFromPalette(page, 'Queue', at(1));
  await dropFromPalette(page, 'Consumer', at(2));
  await expect(node(page, 'Consumer', 'consumer')).toBeVisible();

  // The service reads the lesson's queue (Wire to, as from the keyboard), ...
  await node(page, 'Queue', 'work').click();
  await panel.getByRole('combobox', { name: 'Wire to' }).selectOption('service');
  await panel.getByRole('button', { name: 'Add wire' }).click();
  await expect(wire(page, 'work', 'service')).toHaveCount(1);
  // ... publishes to the new queue (dragged from its output port), ...
  await wireByDrag(page, 'service', node(page, 'Queue', 'queue'));
  await expect(wire(page, 'service', 'queue')).toHaveCount(1);
  // ... whose consumer reads it.
  await node(page, 'Queue', 'queue').click();
  await panel.getByRole('combobox', { name: 'Wire to' }).selectOption('consumer');
  await panel.getByRole('button', { name: 'Add wire' }).click();
  await expect(wire(page, 'queue', 'consumer')).toHaveCount(1);

  // Its rule says what it publishes.
  await svc.click();
  const publish = rule1.getByRole('textbox', { name: 'Publish', exact: true });
  await publish.fill('OrderPacked');
  await rule1.getByRole('textbox', { name: 'On giving up, publish' }).fill('PackingFailed');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(svc).toHaveAccessibleName(/^Service service/);

  // Play: the consumer of the new queue processes what the service published.
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(node(page, 'Consumer', 'consumer')).toHaveAccessibleName(/[1-9]\d* processed/, { timeout: 15_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(publish).toHaveValue('OrderPacked');
  await panel.getByRole('group', { name: 'Publishes' }).scrollIntoViewIfNeeded();
  await shot(page, 'service-editor');

  // A second wire out of the service is refused with the reason.
  await panel.getByRole('combobox', { name: 'Wire to' }).selectOption('work');
  await panel.getByRole('button', { name: 'Add wire' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'service already publishes to queue' })).toBeVisible();

  // The lessons' services are named and drawn as services too.
  await chooseLesson(page, 'order-flow-compensation');
  await expect(canvas(page).getByRole('button', { name: /^Service / }).first()).toBeVisible();
  await shot(page, 'service-lesson');
});
