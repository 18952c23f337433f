// Lessons that teach: the gallery, every lesson played to its end with the verdict it
// promises, the message passport, the event log, charts, the invariant monitor, predict then
// run, compare, and the projected layout (1280x720 at 150% zoom).
import { test, expect, shot, outcome, timeline, canvas, transport, speed, node, inspector, clockMs, chooseLesson, openApp, toEnd } from './helpers';
import { Page } from '@playwright/test';

/** What each lesson's verdict must say once it has run to the end. */
const promises: Record<string, RegExp> = {
  'fan-out': /All 60 messages were processed exactly once/,
  'work-queue': /All 300 messages were processed exactly once/,
  'poison-no-dlq': /poison loop \(order-10: \d+ deliveries\)/,
  'poison-with-dlq': /15 messages were dead-lettered from work/,
  'retry-storm': /dead-lettered from payments/,
  'retry-jitter': /2 messages were dead-lettered from payments/,
  'duplicates-no-idempotency': /"charge card" happened 2 times/,
  'duplicates-idempotent': /All 120 messages were processed exactly once/,
  'out-of-order-wrong-key': /applied out of order: OrderShipped for order-\d+ was applied before OrderPaid/,
  'out-of-order-keyed-by-order': /All 24 messages were processed exactly once/,
  'crash-at-most-once': /11 messages were lost/,
  'crash-at-least-once': /"charge card" happened 2 times/,
  'crash-exactly-once': /All 150 messages were processed exactly once/,
  'dual-write': /3 messages were lost, the producer crashed after its business write/,
  'outbox': /"ship parcel" happened 2 times/,
  'consumer-lag-rebalance': /Group fulfilment rebalanced once/,
  'slow-poll-loop': /max\.poll\.interval/,
  'replay-late-joiner': /All 36 messages were processed exactly once/,
  'producer-retries-duplicates': /"send receipt" happened 2 times/,
  'producer-idempotent': /written only once/,
  'durability-acks-1': /3 messages were lost, acknowledged by the leader, lost when it failed before replicating/,
  'durability-acks-all': /All 60 messages were processed exactly once/,
  'durability-clean-election': /All 80 messages were processed exactly once/,
  'durability-unclean-election': /26 messages were lost, lost when a replica that did not have it became leader/,
  'transactions-read-uncommitted': /7 records of aborted transactions were processed \(read_uncommitted\): effects of events that never happened: order-10, order-11, order-12/,
  'transactions-read-committed': /7 messages were dropped, sent in a transaction that was aborted/,
  'compaction-table': /45 messages were dropped, replaced by a newer value for its key/,
  'compaction-slow-reader': /missed the delete of 1 key on prices: fig \(still showing pricing-39\)/,
  'order-flow-no-compensation': /order-7 \(checkout-7\): inconsistent, "charge card" happened and "refund card" never undid it/,
  'order-flow-compensation': /20 flows: 19 completed, 1 compensated/,
  'duplicate-amplification': /order-11 \(checkout-11\): inconsistent, "charge card" happened 2 times/,
  'duplicate-amplification-idempotent': /20 flows: 20 completed/,
  'service-publish-after-effect': /order-14 \(checkout-14\): stuck/,
  'service-outbox': /20 flows: 20 completed/,
  'commands-and-events': /All 40 messages were processed exactly once/,
  'commands-and-events-fourth-subscriber': /All 40 messages were processed exactly once/,
  'order-17-never-shipped': /order-17 \(checkout-17\): stuck, PaymentCaptured \(payment-17\) was dead-lettered/,
  'order-choreography': /20 flows: 19 completed, 1 compensated/,
  'order-orchestration': /20 flows: 19 completed, 1 compensated/,
  'saga-needs-a-person': /order-25 \(checkout-25\): stuck: needs a person, reserve stock failed, then undoing charge card failed/,
  'saga-compensation-retried': /40 flows: 38 completed, 2 compensated/,
  'request-reply-timeout': /order-5 \(web-5\): inconsistent, "charge card" happened 2 times/,
  'request-reply-idempotent': /40 flows: 40 completed/,
  'request-reply-direct': /1 message was lost, a reply sent by direct reply-to while the requester was down/,
  'read-model-lag': /my-orders: 77% of reads within 200 ms of the write did not find it \(33 of 43\); 46 of 80 reads in all did not find the write they followed \(23 not there, 23 showing an older state/,
  'read-model-faster-projection': /my-orders: 4% of reads within 200 ms of the write did not find it \(2 of 47\)/,
  'read-model-read-your-writes': /my-orders: every one of 80 reads found the write it followed; 46 went to the write side, which had it \(read-your-writes\)/,
  'projection-no-version-check': /order-status: 4 rows are behind the write side at the end; order-2 shows OrderPaid \(version 2\) where the write side has OrderShipped \(version 3\)/,
  'projection-version-check': /order-status: the version check skipped 4 events that came after a newer one/,
  'projection-rebuild': /order-status: all 5 rows match the write side at the end \(rebuilt once\)/,
  'schema-deploy-breaks': /billing could not read 30 OrderPlaced messages written with version 2, reading with version 1: field "currency" is not in version 2, and version 1 \(the reader's\) gives it no default \(schema_incompatible\)/,
  'schema-registry-refuses': /The schema registry refused the deploy of version 2 to checkout at 3 s: OrderPlaced is BACKWARD: version 2 must read what version 1 wrote, but field "currency_code" is not in version 1, and version 2 gives it no default\. checkout kept version 1\./,
  'schema-backward-producer-first': /billing could not read 20 OrderPlaced messages written with version 2, reading with version 1: field "gift_note" is not in version 2/,
  'schema-backward-consumers-first': /All 60 messages were processed exactly once/,
  'schema-forward-consumers-first': /billing could not read 20 OrderPlaced messages written with version 1, reading with version 2: field "currency" is not in version 1/,
  'schema-forward-producer-first': /All 60 messages were processed exactly once/,
  'schema-field-with-default': /All 60 messages were processed exactly once/,
  'schema-field-without-default': /shipping could not read 27 OrderPlaced messages written with version 1, reading with version 2: field "delivery" is not in version 1, and version 2 \(the reader's\) gives it no default/,
};

const lessonSelect = (page: Page) => page.getByRole('combobox', { name: 'Lesson' });

/** Plays the run to its end at the top speed (100x), as a learner would. */
async function playToEnd(page: Page) {
  const max = await speed(page).getAttribute('max');
  await speed(page).fill(max!);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(outcome(page).getByRole('status').first()).toContainText('Finished at', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

test('the gallery and the help take the focus when they open and give it back when they close', async ({ page }) => {
  await openApp(page);
  const lessons = page.getByRole('button', { name: 'Lessons' });
  await lessons.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Lessons' });
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  // Tab stays in the dialog.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(lessons).toBeFocused();
  // A lesson opened from the gallery gives the focus back to the Lessons button too.
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: /^Open / }).nth(2).press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(lessons).toBeFocused();
  // The help, from its shortcut.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(lessons).toBeFocused();
});

test('the gallery opens every lesson, each plays to its end and says what its narration promises', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('./');
  await page.getByRole('button', { name: 'Lessons' }).click();
  const dialog = page.getByRole('dialog', { name: 'Lessons' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem').filter({ has: page.getByRole("heading") })).toHaveCount(28);
  await shot(page, 'lessons-gallery');
  const variants = await dialog.getByRole('button', { name: /^Open / }).all();
  expect(variants.length).toBe(Object.keys(promises).length);
  await dialog.getByRole('button', { name: 'Close' }).click();

  const seen = new Set<string>();
  for (let i = 0; i < variants.length; i++) {
    await page.getByRole('button', { name: 'Lessons' }).click();
    await page.getByRole('dialog', { name: 'Lessons' }).getByRole('button', { name: /^Open / }).nth(i).click();
    await expect(page.getByRole('dialog', { name: 'Lessons' })).toHaveCount(0);
    const loaded = await lessonSelect(page).inputValue();
    expect(promises[loaded], `a promise for ${loaded}`).toBeDefined();
    seen.add(loaded);
    await playToEnd(page);
    // The narration is in view on the Lesson tab: what to watch, try and fix.
    await expect(page.getByRole('tab', { name: 'Lesson' })).toHaveAttribute('aria-selected', 'true');
    const narration = page.getByRole('region', { name: 'Lesson narration' });
    for (const h of ['What to watch', 'What to try', 'The fix']) await expect(narration.getByRole('heading', { name: h })).toBeVisible();
    await expect(outcome(page).getByRole('list').first(), loaded).toContainText(promises[loaded]);
    if (['poison-with-dlq', 'crash-at-most-once', 'out-of-order-wrong-key', 'order-flow-compensation', 'duplicate-amplification', 'schema-deploy-breaks', 'schema-registry-refuses', 'schema-field-without-default', 'compaction-slow-reader'].includes(loaded)) await shot(page, `lesson-end-${loaded}`);
  }
  expect(seen.size).toBe(Object.keys(promises).length);
});

test('a verdict line links to its messages; the passport follows one through every stop', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'poison-with-dlq');
  await toEnd(page);
  await outcome(page).getByRole('button', { name: /^Follow order-10 \(orders-10\)/ }).click();
  await expect(page.getByRole('tab', { name: 'Passport' })).toHaveAttribute('aria-selected', 'true');
  const passport = page.getByRole('region', { name: 'Message passport' });
  await expect(passport.getByRole('heading', { name: 'order-10 (orders-10)' })).toBeVisible();
  await expect(passport).toContainText('OrderPlaced: dead-lettered');
  const stops = passport.getByRole('listitem');
  await expect(stops.first()).toContainText('published by orders');
  await expect(passport.getByText(/delivered to billing \(delivery 2, redelivered\)/)).toBeVisible();
  await expect(passport.getByText(/dead-lettered from work to dlq/)).toBeVisible();
  await expect(passport.getByText('Death records (x-death)')).toBeVisible();
  await shot(page, 'passport-end');

  // Stepping the timeline highlights the current stop: go to the second delivery.
  const second = passport.getByRole('button', { name: /delivered to billing \(delivery 2/ });
  const at = (await second.locator('.log-time').textContent())!;
  await second.click();
  await expect(transport(page)).toContainText(`${at} / 10.00 s`);
  // The current stop is the last one at or before the playhead: at that same moment.
  const current = passport.locator('[aria-current="step"]');
  await expect(current).toHaveCount(1);
  await expect(current.locator('.log-time')).toHaveText(at);
  await expect(passport.getByText('now', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(passport.locator('[aria-current="step"]')).toHaveCount(1);
  await shot(page, 'passport-mid');
});

test('a lesson that names its flows counts them in the outcome and checks them; a flow that went wrong follows its order', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'order-flow-no-compensation');
  await toEnd(page);
  const flows = outcome(page).getByLabel('Flows');
  await expect(flows.getByRole('definition')).toHaveText(['19', '0', '0', '0', '1', '0']);
  await expect(outcome(page).getByRole('list').first()).toContainText('20 flows: 19 completed, 1 inconsistent.');
  // The verdict line about order-7's flow links its messages by id: they share a key.
  await expect(outcome(page).getByRole('button', { name: /^Follow checkout-7 / })).toBeVisible();
  await openTab(page, 'Checks');
  const checks = page.getByRole('region', { name: 'Checks' });
  await expect(checks.getByRole('heading', { name: /Flows/ })).toContainText('broken');
  await expect(checks).toContainText('Every flow ends completed or compensated.');
  await shot(page, 'flows-checks');
  await checks.getByRole('button', { name: /^order-7 \(checkout-7\): inconsistent/ }).click();
  await expect(page.getByRole('tab', { name: 'Passport' })).toHaveAttribute('aria-selected', 'true');
  const passport = page.getByRole('region', { name: 'Message passport' });
  await expect(passport.getByRole('heading', { name: 'order-7 (checkout-7)' })).toBeVisible();
  // The passport of a service's event says what caused it and whose flow it is in.
  await outcome(page).getByRole('button', { name: /^Follow inventory-7 / }).click();
  await expect(passport.getByRole('heading', { name: 'order-7 (inventory-7)' })).toBeVisible();
  await expect(passport).toContainText('Caused by payment-7 in the flow of checkout-7');
  await expect(passport).toContainText('inventory publishes this because it gave up on order-7 (payment-7)');
  await shot(page, 'flows-passport');
  await passport.getByRole('button', { name: 'Follow checkout-7 in the passport' }).click();
  await expect(passport.getByRole('heading', { name: 'order-7 (checkout-7)' })).toBeVisible();
  // A lesson without flows has no flow counts and no flow check.
  await chooseLesson(page, 'work-queue');
  await toEnd(page);
  await expect(outcome(page).getByLabel('Flows')).toHaveCount(0);
});

test('the event log filters by kind, node and key; a row moves the timeline there', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'poison-with-dlq');
  await toEnd(page);
  await openTab(page, 'Event log');
  const log = page.getByRole('region', { name: 'Event log' });
  await log.getByRole('combobox', { name: 'Event kind' }).selectOption('Dead letters');
  await expect(log.getByText(/^15 events up to 10\.00 s/)).toBeVisible();
  const rows = log.getByRole('listitem');
  await expect(rows).toHaveCount(15);
  await log.getByRole('combobox', { name: 'Event kind' }).selectOption('');
  await log.getByRole('combobox', { name: 'Node' }).selectOption('billing');
  await log.getByRole('searchbox', { name: 'Key or message' }).fill('order-20');
  await expect(rows.first()).toContainText('order-20');
  const n = await rows.count();
  for (let i = 0; i < n; i++) {
    await expect(rows.nth(i)).toContainText('order-20');
    await expect(rows.nth(i)).toContainText('billing');
  }
  await shot(page, 'event-log-filtered');
  // The oldest matching row: clicking it selects the message and moves the timeline there.
  const last = rows.nth(n - 1);
  const time = (await last.locator('.log-time').textContent())!;
  await last.getByRole('button').click();
  await expect(transport(page)).toContainText(`${time} / 10.00 s`);
  await expect(rows.first()).toHaveAttribute('class', /selected/);
});

test('charts show depth, lag and in flight; the monitor marks a broken guarantee', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'consumer-lag-rebalance');
  await toEnd(page);
  await openTab(page, 'Charts');
  const charts = page.getByRole('region', { name: 'Charts' });
  await expect(charts.getByRole('img', { name: /Consumer group lag over the run/ })).toBeVisible();
  await expect(charts.getByRole('img', { name: /In flight per consumer over the run/ })).toBeVisible();
  await expect(charts.getByText('fulfilment', { exact: true })).toBeVisible();
  await shot(page, 'charts-lag');
  // A click on a chart moves the timeline.
  const plot = charts.getByRole('img', { name: /Consumer group lag/ });
  const box = (await plot.boundingBox())!;
  await plot.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await expect(transport(page)).toContainText(/(14|15|16)\.\d\d s \//);

  // Dual write under an at-least-once consumer: lost events break the promise.
  await chooseLesson(page, 'dual-write');
  await toEnd(page);
  await openTab(page, 'Checks');
  const checks = page.getByRole('region', { name: 'Checks' });
  await expect(checks.getByRole('heading', { name: /Conservation.*holds/ })).toBeVisible();
  await expect(checks.getByRole('heading', { name: /Delivery guarantees.*broken/ })).toBeVisible();
  await expect(checks.getByRole('button', { name: /order-14 .*was lost at .* under at-least-once/ })).toBeVisible();
  await expect(transport(page)).toContainText(/broken guarantees [1-9]\d*/);
  await shot(page, 'checks-dual-write');
  // Exactly-once keeps its promise.
  await chooseLesson(page, 'crash-exactly-once');
  await toEnd(page);
  await openTab(page, 'Checks');
  await expect(page.getByRole('region', { name: 'Checks' }).getByRole('heading', { name: /Delivery guarantees.*holds/ })).toBeVisible();
});

test('predict, then run: the answer is checked against the outcome', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'crash-at-most-once');
  const form = page.getByRole('form', { name: 'Predict, then run' });
  await expect(form).toBeVisible();
  const input = form.getByRole('textbox', { name: 'Your prediction' });
  await input.fill('lots');
  await form.getByRole('button', { name: 'Lock in my answer' }).click();
  await expect(form.getByRole('alert')).toContainText('whole number');
  await input.fill('0');
  await form.getByRole('button', { name: 'Lock in my answer' }).click();
  await expect(form).toContainText('Your answer: 0');
  await toEnd(page);
  await expect(form.getByRole('status')).toContainText(/Not quite\. You said 0\. The run's answer: 11/);
  await shot(page, 'predict-wrong');
  await input.fill('11');
  await form.getByRole('button', { name: 'Lock in my answer' }).click();
  await expect(form.getByRole('status')).toContainText(/Right\. You said 11/);
});

test('compare runs two variants side by side on the same seed, and both timelines move together', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Lessons' }).click();
  await page.getByRole('button', { name: 'Compare Without a DLQ and With a DLQ' }).click();
  const b = page.getByRole('region', { name: 'Compare: B, With a DLQ' });
  await expect(b).toBeVisible();
  await expect(lessonSelect(page)).toHaveValue('poison-no-dlq');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => (await clockMs(page))[0], { timeout: 10_000 }).toBeGreaterThan(1500);
  await page.getByRole('button', { name: 'Pause' }).click();
  const diff = page.getByRole('status', { name: 'Difference between A and B' });
  await expect(diff).toContainText('dead-lettered');
  await shot(page, 'compare-playing');
  await toEnd(page);
  await expect(diff).toContainText(/15 dead-lettered \(A: 0\)/);
  await expect(b).toContainText('15 messages were dead-lettered from work');
  await expect(b.getByRole('img', { name: /Dead-letter queue dlq: 15 dead letters/ })).toBeVisible();
  await shot(page, 'compare-end');
  // Back to the start: B follows.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(diff).toContainText('the same so far');
  await page.getByRole('button', { name: 'Close compare' }).first().click();
  await expect(b).toHaveCount(0);
});

test('an edit is compared with the lesson as shipped: what did my change do?', async ({ page }) => {
  await page.goto('./');
  await chooseLesson(page, 'poison-with-dlq');
  await expect(page.getByRole('button', { name: 'Compare with Without a DLQ' })).toBeVisible();
  // The learner raises the delivery limit from 3 to 6.
  await node(page, 'Queue', 'work').click();
  const limit = inspector(page).getByRole('textbox', { name: /^Delivery limit/ });
  await limit.fill('6');
  await limit.press('Tab');
  await page.getByRole('button', { name: 'Compare with the original' }).click();
  const b = page.getByRole('region', { name: 'Compare: B, the lesson as shipped' });
  await expect(b).toBeVisible();
  await toEnd(page);
  const diff = page.getByRole('status', { name: 'Difference between A and B' });
  // Twice the returns before a poison message is dead-lettered: twice the redeliveries.
  await expect(diff).toContainText('45 redeliveries (A: 90)');
  await shot(page, 'compare-with-original');
  await page.getByRole('button', { name: 'Close compare' }).first().click();
  await expect(b).toHaveCount(0);
});

test('projected: at 1280x720 zoomed to 150% the canvas, transport and outcome are all in view', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 853, height: 480 }, deviceScaleFactor: 1.5 });
  const page = await context.newPage();
  await page.goto('./');
  await chooseLesson(page, 'poison-with-dlq');
  await page.getByRole('slider', { name: 'Timeline' }).fill('6000');
  for (const region of [canvas(page), transport(page), outcome(page)]) {
    const box = (await region.boundingBox())!;
    expect(box.height).toBeGreaterThan(60);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y + 40).toBeLessThanOrEqual(480);
    expect(box.x + box.width).toBeLessThanOrEqual(854);
  }
  await expect(outcome(page).getByRole('heading', { name: 'Verdict' })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Play' })).toBeInViewport();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toBeInViewport();
  await shot(page, 'projected-150');
  await context.close();
});

test('lesson files are fetched once, when first opened; one that cannot be fetched changes nothing and says why', async ({ page, guard }) => {
  const fetched: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/lessons/')) fetched.push(path);
  });
  await page.route('**/lessons/fan-out.json', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' }));
  await page.goto('./');
  await expect(page.getByRole('region', { name: 'Lesson narration' })).toBeVisible();
  await expect(lessonSelect(page)).toHaveValue('work-queue');
  // The first lesson arrives with the page (preloaded), and only it.
  expect(fetched).toEqual(['/lessons/work-queue.json']);

  await chooseLesson(page, 'poison-with-dlq');
  await expect(page.getByRole('region', { name: 'Lesson narration' })).toContainText('DLQ');
  await expect(node(page, 'Dead-letter queue', 'dlq')).toBeVisible();
  await chooseLesson(page, 'work-queue');
  await expect(node(page, 'Dead-letter queue', 'dlq')).toHaveCount(0);
  await chooseLesson(page, 'poison-with-dlq');
  await expect(node(page, 'Dead-letter queue', 'dlq')).toBeVisible();
  expect(fetched, 'each file is fetched once').toEqual(['/lessons/work-queue.json', '/lessons/poison-with-dlq.json']);

  // A file that cannot be fetched: the notice says which lesson and why; nothing changed.
  await lessonSelect(page).selectOption('fan-out');
  await expect(page.getByRole('status').filter({ hasText: 'could not be loaded' })).toContainText(
    'The lesson “Pub/sub fan-out” could not be loaded, and nothing here changed: the server answered 404',
  );
  await expect(lessonSelect(page)).toHaveValue('poison-with-dlq');
  await expect(node(page, 'Dead-letter queue', 'dlq')).toBeVisible();
  await shot(page, 'lesson-fetch-refused');
  // The refused request was this test's own doing.
  const expected = (s: string) => s.includes('fan-out.json') || s.includes('status of 404');
  guard.failedRequests.splice(0, guard.failedRequests.length, ...guard.failedRequests.filter((s) => !expected(s)));
  guard.errors.splice(0, guard.errors.length, ...guard.errors.filter((s) => !expected(s)));
});
