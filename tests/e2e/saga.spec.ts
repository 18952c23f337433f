// Orchestrated sagas: the orchestrator is drawn and named as one, counts its sagas on its node,
// lists its steps in the inspector; the saga's events are in the event log under their own
// kind; the verdict names the saga that needs a person, and its flow view follows it.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, shot, outcome, timeline, node, chooseLesson, openApp, inspector, toEnd } from './helpers';

test.use({ viewport: { width: 1280, height: 1000 } });

test('an orchestrator counts its sagas, lists its steps, and names the saga that needs a person', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'saga-needs-a-person');
  const saga = node(page, 'Orchestrator', 'order-saga');
  await expect(saga).toHaveAccessibleName(/^Orchestrator order-saga: 0 running · 0 done, 0 undone · 0 need a person/);
  await toEnd(page);
  await expect(saga).toHaveAccessibleName(/^Orchestrator order-saga: 0 running · 35 done, 4 undone · 1 need a person/);
  // The step owners are services; the commands' exchange is an exchange.
  await expect(node(page, 'Service', 'payment')).toHaveCount(1);
  await expect(node(page, 'Exchange', 'commands')).toHaveCount(1);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('40 flows: 35 completed, 4 compensated, 1 stuck: needs a person.');
  await expect(verdict).toContainText(
    'order-25 (checkout-25): stuck: needs a person, reserve stock failed, then undoing charge card failed (payment.refund): a person must finish it.'
  );
  await expect(outcome(page).getByLabel('Flows')).toContainText('Needs a person');
  await shot(page, 'saga-needs-a-person');

  // The inspector lists the saga's steps in order, each with its command, queue, replies and undo.
  await saga.click();
  const steps = inspector(page).locator('ol.saga-steps > li');
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(0)).toContainText('charge card: sends payment.charge to payments, waits 1500 ms for CardCharged or CardDeclined, 0 retries. Undone by payment.refund, confirmed by CardRefunded.');
  await expect(steps.nth(2)).toContainText('ship: sends shipping.ship to shipments');
  await expect(steps.nth(2)).toContainText('Not undone.');
  await expect(inspector(page).getByRole('button', { name: 'Add rule' })).toHaveCount(0);
  await shot(page, 'saga-inspector');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // The saga's events have a kind of their own in the event log, told in words.
  await page.getByRole('tab', { name: 'Event log' }).click();
  const log = page.getByRole('region', { name: 'Event log' });
  await log.getByRole('combobox', { name: 'Event kind' }).selectOption('Sagas and requests');
  await log.getByRole('searchbox', { name: 'Key or message' }).fill('order-25');
  const rows = log.getByRole('listitem');
  await expect(rows.filter({ hasText: "order-saga's saga ended: a compensation failed: the saga needs a person" })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'order-saga started a saga of 3 steps for this' })).toHaveCount(1);

  // The flow line of the verdict follows order-25 across the orchestrator and its services.
  await outcome(page).getByRole('button', { name: /^See the flow of checkout-25/ }).click();
  const view = page.getByRole('region', { name: 'Flow view' });
  await expect(view.getByRole('heading', { name: 'Flow of order-25 (checkout-25)' })).toBeVisible();
  await expect(view).toContainText('a person must finish it');
  await shot(page, 'saga-flow-view');
});

test('orchestration and choreography run side by side and end the same way', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'order-orchestration');
  await page.getByRole('button', { name: /Compare/ }).first().click();
  const max = await timeline(page).getAttribute('max');
  await timeline(page).fill(max!);
  await expect(outcome(page).getByRole('list').first()).toContainText('20 flows: 19 completed, 1 compensated.');
  await expect(page.getByText('20 flows: 19 completed, 1 compensated.')).toHaveCount(2);
  await shot(page, 'saga-compare-choreography');
});

test('without the texts file the app still opens; its fields are named by their settings', async ({ page, guard }) => {
  await page.route('**/texts.json', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' }));
  await openApp(page);
  await node(page, 'Consumer', 'worker-a').click();
  // The label falls back to the setting's own name; the field still works.
  await expect(inspector(page).getByLabel(/^concurrency/)).toBeVisible();
  await expect(inspector(page).locator('#field-concurrency-help')).toHaveText('');
  await shot(page, 'texts-missing-inspector');
  const expected = (s: string) => s.includes('texts.json') || s.includes('status of 404');
  guard.failedRequests.splice(0, guard.failedRequests.length, ...guard.failedRequests.filter((s) => !expected(s)));
  guard.errors.splice(0, guard.errors.length, ...guard.errors.filter((s) => !expected(s)));
});

test("a saga step's timeout is edited in the inspector: shorter than the charges' retries, their replies come late", async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'saga-compensation-retried');
  await node(page, 'Orchestrator', 'order-saga').click();
  const timeout = inspector(page).getByRole('textbox', { name: /^Step 1 timeout/ });
  await expect(timeout).toHaveValue('1500');
  await expect(inspector(page).getByRole('textbox', { name: /^Step 3 retries/ })).toHaveValue('');
  await expect(inspector(page).getByRole('textbox', { name: /^Step 4 timeout/ })).toHaveCount(0);
  await timeout.fill('300');
  await expect(timeout).toHaveAttribute('aria-invalid', 'false');
  await toEnd(page);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText('order-26 (checkout-26): inconsistent, charge card timed out; "charge card" happened and "refund card" never undid it.');
  await expect(verdict).toContainText('came after the saga had given up on their step');
  await shot(page, 'saga-step-timeout-edited');
  await timeout.fill('0');
  await expect(timeout).toHaveAttribute('aria-invalid', 'true');
});
