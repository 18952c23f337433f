// The flow view: a flow's whole timeline across services, opened from a verdict line, the
// passport or a token; both layouts; a bar moves the timeline; the canvas outlines the flow.
import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { test, expect, shot, outcome, timeline, canvas, node, chooseLesson, openApp, toEnd } from './helpers';

// Tall enough that the side panel shows the whole flow view for the screenshots.
test.use({ viewport: { width: 1280, height: 1200 } });

const flowView = (page: Page) => page.getByRole('region', { name: 'Flow view' });

test('a flow line of the verdict opens the flow view: every service of the flow, its failures and its compensation', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'order-flow-compensation');
  await toEnd(page);
  // Nothing followed yet: the flow view says how to choose a message.
  await page.getByRole('tab', { name: 'Flow' }).click();
  await expect(flowView(page)).toContainText('Choose a message to see its whole flow');
  // order-7's flow was compensated: the verdict line about it is not there (only stuck and
  // inconsistent flows get a line), so follow its message from the Outcome's checks instead.
  await chooseLesson(page, 'order-flow-no-compensation');
  await toEnd(page);
  await outcome(page).getByRole('button', { name: /^See the flow of checkout-7/ }).click();
  await expect(page.getByRole('tab', { name: 'Flow' })).toHaveAttribute('aria-selected', 'true');
  const view = flowView(page);
  await expect(view.getByRole('heading', { name: 'Flow of order-7 (checkout-7)' })).toBeVisible();
  await expect(view).toContainText('Inconsistent: "charge card" happened and "refund card" never undid it.');
  // One row per node that took part, in the order they did: the exchange that had no queue
  // for StockFailed dropped it.
  const rows = view.getByRole('list', { name: 'Services' }).getByRole('listitem');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('checkout');
  await expect(rows.nth(1)).toContainText('payment');
  await expect(rows.nth(2)).toContainText('inventory');
  await expect(rows.nth(3)).toContainText('stock');
  await expect(rows.nth(3).getByRole('img', { name: /^lost or dropped: dropped at stock: no queue was bound/ })).toHaveCount(1);
  // inventory's three attempts failed on the poison and it gave up: three failures and a drop.
  await expect(rows.nth(2).getByRole('img', { name: /^failed: attempt \d failed: a poison message/ })).toHaveCount(3);
  await expect(rows.nth(2).getByRole('img', { name: /^lost or dropped: dropped at inventory/ })).toHaveCount(1);
  await expect(rows.nth(2).getByRole('button', { name: /^inventory: waiting to retry PaymentCaptured order-7 \(payment-7\)/ })).toHaveCount(2);
  await view.getByRole('radiogroup').scrollIntoViewIfNeeded();
  await shot(page, 'flow-view-by-service');
  await view.screenshot({ path: '../../target/screenshots/flow-view-by-service-panel.png' });
  const axe = await new AxeBuilder({ page }).include('.flow-view').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // The canvas outlines the flow's nodes and the wires between them.
  await expect(node(page, 'Service', 'payment')).toHaveAccessibleName(/on the followed flow/);
  await expect(node(page, 'Service', 'shipping')).not.toHaveAccessibleName(/on the followed flow/);
  await expect(canvas(page).getByRole('button', { name: /^Wire from payments to payment\b.*on the followed flow$/ })).toHaveCount(1);

  // A bar is a button: it moves the timeline to its start and keeps the focus.
  const attempt = rows.nth(2).getByRole('button', { name: /^inventory: processing PaymentCaptured order-7 \(payment-7\), from 1\.74 s until 1\.82 s/ });
  await attempt.focus();
  await page.keyboard.press('Enter');
  await expect(timeline(page)).toHaveValue('1740');
  await expect(view).toContainText('Now: 1.74 s.');
  await expect(view.getByRole('button', { name: /^inventory: processing PaymentCaptured order-7 \(payment-7\), from 1\.74 s/ })).toBeFocused();
  // What comes later is faded; the playhead is drawn across the lanes.
  await expect(view.locator('.bar.later').first()).toBeVisible();
  await expect(view.locator('.flow-now')).toHaveCount(1);
  await shot(page, 'flow-view-seeked');
  await view.screenshot({ path: '../../target/screenshots/flow-view-seeked-panel.png' });

  // The same flow as a parent-child tree: each message under the handling that published it.
  await view.getByRole('radio', { name: 'Parent-child tree' }).check();
  await expect(view.getByRole('radio', { name: 'Parent-child tree' })).toBeFocused();
  const spans = view.getByRole('list', { name: 'Spans, each under its parent' }).getByRole('listitem');
  await expect(spans.nth(0)).toContainText('OrderPlaced checkout-7');
  await expect(spans.nth(1)).toContainText('payment');
  await expect(spans.nth(2)).toContainText('PaymentCaptured payment-7');
  await expect(spans.nth(3)).toContainText('inventory');
  await expect(spans.nth(4)).toContainText('StockFailed inventory-7');
  await shot(page, 'flow-view-tree');
  // The arrow keys move between the two layouts, as in any radio group.
  await page.keyboard.press('ArrowUp');
  await expect(view.getByRole('list', { name: 'Services' })).toBeVisible();
  await expect(view.getByRole('radio', { name: 'By service, with links' })).toBeChecked();
  await expect(view.getByRole('radio', { name: 'By service, with links' })).toBeFocused();
  await view.screenshot({ path: '../../target/screenshots/flow-view-tree-panel.png' });
});

test('with compensation the payment service refunds: the flow view marks the compensation; the passport opens the flow', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'order-flow-compensation');
  await toEnd(page);
  await page.getByRole('tab', { name: 'Event log' }).click();
  const log = page.getByRole('region', { name: 'Event log' });
  await log.getByRole('searchbox', { name: 'Key or message' }).fill('inventory-7');
  await log.getByRole('button', { name: /inventory-7/ }).first().click();
  await page.getByRole('tab', { name: 'Passport' }).click();
  const passport = page.getByRole('region', { name: 'Message passport' });
  await passport.getByRole('button', { name: 'See its whole flow' }).click();
  const view = flowView(page);
  await expect(view.getByRole('heading', { name: 'Flow of order-7 (checkout-7)' })).toBeVisible();
  await expect(view).toContainText('Compensated: it was compensated with StockFailed (inventory-7).');
  // Its effect ledger: the card charged once and refunded once.
  await expect(view).toContainText('Effects applied: charge card 1, refund card 1.');
  await expect(view.getByRole('img', { name: 'compensation: refund card' })).toHaveCount(1);
  await shot(page, 'flow-view-compensated');
  await view.screenshot({ path: '../../target/screenshots/flow-view-compensated-panel.png' });
});

test('"Why did order 17 never ship?": the one stuck flow of a busy run, found from the verdict, stops at a dead letter', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'order-17-never-shipped');
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText('150 flows: 149 completed, 1 stuck.');
  await outcome(page).getByRole('button', { name: /^See the flow of checkout-17/ }).click();
  const view = flowView(page);
  await expect(view.getByRole('heading', { name: 'Flow of order-17 (checkout-17)' })).toBeVisible();
  await expect(view).toContainText('Stuck: PaymentCaptured (payment-17) was dead-lettered');
  await expect(view).toContainText('2 messages, handled at 2 consumers');
  const rows = view.getByRole('list', { name: 'Services' }).getByRole('listitem');
  await expect(rows.filter({ hasText: 'stock-requests' }).getByRole('img', { name: /^dead-lettered: dead-lettered from stock-requests to stock-dlq/ })).toHaveCount(1);
  // The dead letter still waits in stock-dlq when the run ends.
  await expect(rows.filter({ hasText: 'stock-dlq' }).getByRole('button', { name: /^stock-dlq: waiting in the queue PaymentCaptured order-17 \(payment-17\), from 1\.04 s, still going/ })).toHaveCount(1);
  // The canvas outlines the way it went, and not the way it never got to.
  await expect(node(page, 'Dead-letter queue', 'stock-dlq')).toHaveAccessibleName(/on the followed flow/);
  await expect(node(page, 'Service', 'shipping')).not.toHaveAccessibleName(/on the followed flow/);
  await view.getByRole('radiogroup').scrollIntoViewIfNeeded();
  await shot(page, 'flow-view-order-17');
  await view.screenshot({ path: '../../target/screenshots/flow-view-order-17-panel.png' });
});
