// Kafka transactions in the app: a topic's partitions show their last stable offset and a
// bracket for each transaction not yet ended; a producer crashed with a transaction open holds
// back a read_committed reader until it restarts; the event log tells transactions in words;
// a transactional producer's transaction is aborted from its inspector (recorded in the action
// script); and axe-core on it.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, shot, inspector, node, chooseLesson, openApp, seek, toEnd, outcome } from './helpers';

test('an open transaction holds back the last stable offset until the restarted producer fences it', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'transactions-read-committed');
  const topic = node(page, 'Topic', 'orders');
  await seek(page, 4000);
  // checkout crashed at 3.1 s with basket 6 open: a bracket on its partition, and a last
  // stable offset that stops at the basket's first record.
  await expect(topic).toHaveAccessibleName(/lso \d+ .*\[checkout txn 6 from \d+ open…\]/);
  const name = (await topic.getAttribute('aria-label')) ?? '';
  const line = name.match(/p(\d) \d+–(\d+) lso (\d+) [^,]*,\s+\[checkout txn 6 from (\d+) open…\]/);
  expect(line, name).not.toBeNull();
  const [, , end, lso, first] = line!.map(Number);
  expect(lso).toBe(first);
  expect(end).toBeGreaterThan(lso);
  await expect(node(page, 'Producer', 'checkout')).toHaveAccessibleName(/, crashed$/);
  await shot(page, 'transactions-open-basket');
  await seek(page, 5300);
  await expect(topic).not.toHaveAccessibleName(/txn 6/);
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText('7 messages were dropped, sent in a transaction that was aborted');
  await shot(page, 'transactions-read-committed-end');
});

test('read_uncommitted charges aborted baskets, and the verdict names them', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'transactions-read-uncommitted');
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText(
    '7 records of aborted transactions were processed (read_uncommitted): effects of events that never happened: order-10, order-11, order-12',
  );
  await expect(outcome(page)).toContainText('Effects of aborted transactions');
  await shot(page, 'transactions-read-uncommitted-end');
});

test('a transaction is aborted from the producer inspector and recorded in the action script', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'transactions-read-committed');
  await seek(page, 1300);
  await node(page, 'Producer', 'checkout').click();
  const panel = inspector(page);
  await panel.getByRole('button', { name: 'Abort its open transaction now' }).click();
  await shot(page, 'transactions-abort-inspector');
  await page.keyboard.press('Escape');
  await expect(panel.getByRole('button', { name: /^Remove action: at 1300 ms: checkout aborts its open transaction$/ })).toHaveCount(1);
  // Basket 3 held only order-7 when it was aborted; order-8 began basket 4, which payment
  // aborts as every fourth basket, so order-7 to order-10 are dropped now.
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText(
    'messages were dropped, sent in a transaction that was aborted, whose records read_committed consumers skip (and whose late writes the broker refuses): order-7, order-8, order-9',
  );
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
});
