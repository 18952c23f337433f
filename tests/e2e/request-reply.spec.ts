// Request-reply: the requester is drawn and named as one and counts its requests on its node;
// the verdict gives the requests' latency, the waits that ran out and the duplicate charges;
// the request is edited in the inspector, and a timeout above the slow tail ends the double
// charges; the event log says the request's events in request-reply's words; direct reply-to
// loses the replies sent while the requester is down, and breaks no promise.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, shot, outcome, node, chooseLesson, openApp, inspector, toEnd } from './helpers';

test.use({ viewport: { width: 1280, height: 1000 } });

test('a requester counts its requests, and a timeout under the slow tail charges twice until it is raised', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'request-reply-timeout');
  const checkout = node(page, 'Requester', 'checkout');
  await expect(checkout).toHaveAccessibleName(/^Requester checkout: 0 waiting · 0 answered, 0 gave up · 0 late/);
  await toEnd(page);
  await expect(checkout).toHaveAccessibleName(/^Requester checkout: 0 waiting · 40 answered, 0 gave up · 0 late/);
  await expect(node(page, 'Service', 'payment')).toHaveCount(1);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('40 flows: 37 completed, 3 inconsistent.');
  await expect(verdict).toContainText('order-5 (web-5): inconsistent, "charge card" happened 2 times (for ChargeCard).');
  await expect(verdict).toContainText(/checkout: 40 requests, 40 answered \(median \d+ ms, 99th percentile \d+ ms\), 3 waits ran out, 3 replies to a request already answered\./);
  await shot(page, 'request-reply-timeout');

  // The request in the inspector: its settings are fields, and the requester has no rules.
  await checkout.click();
  await expect(inspector(page).getByRole('heading', { name: 'Requester checkout' })).toBeVisible();
  await expect(inspector(page).getByRole('button', { name: 'Add rule' })).toHaveCount(0);
  const timeout = inspector(page).getByRole('textbox', { name: /^Reply timeout/ });
  await expect(timeout).toHaveValue('300');
  await expect(inspector(page).getByRole('textbox', { name: /^Request retries/ })).toHaveValue('2');
  await expect(inspector(page).getByRole('textbox', { name: /^Request$/ })).toHaveValue('ChargeCard');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // The request's events, in words, under their own kind.
  await page.getByRole('tab', { name: 'Event log' }).click();
  const log = page.getByRole('region', { name: 'Event log' });
  await log.getByRole('combobox', { name: 'Event kind' }).selectOption('Sagas and requests');
  await log.getByRole('searchbox', { name: 'Key or message' }).fill('order-5');
  const rows = log.getByRole('listitem');
  await expect(rows.filter({ hasText: 'checkout sends a request for this' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'checkout heard no reply in time to this request (send 1)' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'checkout dropped this reply: the request was already answered' })).toHaveCount(1);
  await shot(page, 'request-reply-log');

  // A timeout above the slow tail: no wait runs out, nobody is charged twice.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await timeout.fill('2000');
  await expect(timeout).toHaveAttribute('aria-invalid', 'false');
  await toEnd(page);
  await expect(verdict).toContainText('40 flows: 40 completed.');
  await expect(verdict).not.toContainText('waits ran out');
  await shot(page, 'request-reply-timeout-raised');

  // A negative timeout is refused in words, and the run keeps the last valid request.
  await timeout.fill('-5');
  await expect(timeout).toHaveAttribute('aria-invalid', 'true');
  await expect(inspector(page).getByRole('alert').first()).toContainText(/at least 1 ms/);
});

test('an idempotent responder charges once for a request sent twice', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'request-reply-idempotent');
  await toEnd(page);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('40 flows: 40 completed.');
  await expect(verdict).toContainText('3 waits ran out, 3 replies to a request already answered.');
  await expect(verdict).toContainText('All 123 messages were processed exactly once.');
  await shot(page, 'request-reply-idempotent');
  // The requests waiting for a reply, over the run: none are left at the end.
  await page.getByRole('tab', { name: 'Charts' }).click();
  const waiting = page.getByRole('figure').filter({ hasText: 'Waiting for a reply' });
  await expect(waiting.getByRole('img', { name: /^Waiting for a reply over the run/ })).toBeVisible();
  await expect(waiting.getByRole('listitem').filter({ hasText: 'checkout' })).toContainText('0 now');
  await waiting.scrollIntoViewIfNeeded();
  await shot(page, 'request-reply-chart');
});

test('direct reply-to loses the reply sent while the requester is down, and breaks no promise', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'request-reply-direct');
  await toEnd(page);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('1 message was lost, a reply sent by direct reply-to while the requester was down, which nothing keeps: payment-17.');
  await expect(verdict).toContainText('40 flows: 40 completed.');
  await page.getByRole('tab', { name: 'Checks' }).click();
  await expect(page.getByRole('region', { name: 'Checks' })).not.toContainText('was lost at checkout');
  await shot(page, 'request-reply-direct');
});

test('a consumer becomes a requester in the inspector, and is told which queue to choose', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'work-queue');
  await node(page, 'Consumer', 'worker-a').click();
  const sends = inspector(page).getByRole('checkbox', { name: 'Sends requests' });
  await expect(sends).not.toBeChecked();
  await expect(inspector(page).getByRole('textbox', { name: /^Reply timeout/ })).toHaveCount(0);
  await sends.check();
  await expect(inspector(page).getByRole('heading', { name: 'Requester worker-a' })).toBeVisible();
  await expect(node(page, 'Requester', 'worker-a')).toHaveAccessibleName(/has a problem/);
  await expect(inspector(page).getByText('choose the queue the command goes to').first()).toBeVisible();
  await expect(inspector(page).getByRole('textbox', { name: /^Reply timeout/ })).toHaveValue('1000');
  await shot(page, 'request-reply-new-requester');
  await sends.uncheck();
  await expect(node(page, 'Consumer', 'worker-a')).not.toHaveAccessibleName(/has a problem/);
});
