// The broker side of durability in the app: brokers on the canvas with their state and the
// partitions they hold, a topic's partitions with their high watermark and replicas, a
// leader's crash and the failover as it happens, crashing and recovering a broker from its
// inspector (recorded in the action script), and axe-core on a replicated scenario.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, shot, inspector, node, canvas, chooseLesson, openApp, seek, toEnd, outcome } from './helpers';

test('a leader crash shows on the canvas: its broker is down, the partition has a new leader and a shorter log', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'durability-acks-1');
  const topic = node(page, 'Topic', 'orders');
  await expect(node(page, 'Broker', 'b1')).toBeVisible();
  await seek(page, 2900);
  // The leader has records its followers have not fetched: the high watermark is behind.
  await expect(topic).toHaveAccessibleName(/p0 0–15 hw 1[0-4] .* b1 lead · b2 isr · b3 isr/);
  await expect(node(page, 'Broker', 'b1')).toHaveAccessibleName(/^Broker b1: leads 1 · follows 2$/);
  await shot(page, 'durability-before-crash');
  await seek(page, 3100);
  await expect(node(page, 'Broker', 'b1')).toHaveAccessibleName(/^Broker b1: .*, down$/);
  // Cut back to offset 12, where b2's log ended; new orders are written from there.
  await expect(topic).toHaveAccessibleName(/p0 0–1[23] hw 12 .* b1 out · b2 lead · b3 isr/);
  await shot(page, 'durability-after-crash');
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText(
    '3 messages were lost, acknowledged by the leader, lost when it failed before replicating',
  );
});

test('a partition with no in-sync replica up says it is offline', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'durability-clean-election');
  await seek(page, 5000);
  await expect(node(page, 'Topic', 'orders')).toHaveAccessibleName(/OFFLINE · b2 out · b3 out/);
  await expect(node(page, 'Broker', 'b1')).toHaveAccessibleName(/, down$/);
  await shot(page, 'durability-offline');
});

test('a broker is crashed and recovered from its inspector, and each is recorded in the action script', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'durability-acks-all');
  await seek(page, 1000);
  await node(page, 'Broker', 'b3').click();
  const panel = inspector(page);
  await panel.getByRole('button', { name: 'Crash this broker now' }).click();
  await expect(node(page, 'Broker', 'b3')).toHaveAccessibleName(/, down$/);
  await panel.getByRole('button', { name: 'Recover this broker now' }).click();
  await expect(node(page, 'Broker', 'b3')).not.toHaveAccessibleName(/down/);
  await shot(page, 'durability-broker-inspector');
  await page.keyboard.press('Escape'); // the inspector shows the scenario, with its action script
  await expect(panel.getByRole('button', { name: /^Remove action: at 1000 ms: crash broker b3, recover after 3000 ms$/ })).toHaveCount(1);
  await expect(panel.getByRole('button', { name: /^Remove action: at 1000 ms: recover broker b3$/ })).toHaveCount(1);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
});

test('queues live on brokers: a quorum queue moves its leader, a transient classic queue loses its messages with its broker', async ({ page }) => {
  await openApp(page);
  const file = {
    version: 1, seed: 1, duration_ms: 9000,
    nodes: [
      { id: 'b1', kind: 'broker', crash: { at_ms: 2000, recover_after_ms: 2000 } }, { id: 'b2', kind: 'broker' }, { id: 'b3', kind: 'broker' },
      { id: 'orders', kind: 'producer', count: 50, arrivals: { fixed: { interval_ms: 100 } }, keys: 'order-1..order-50' },
      { id: 'x', kind: 'exchange', type: 'fanout' },
      { id: 'payments', kind: 'queue', queue_type: 'quorum' },
      { id: 'emails', kind: 'queue' },
      { id: 'billing', kind: 'consumer', processing: { fixed: { ms: 150 } } },
      { id: 'mailer', kind: 'consumer', processing: { fixed: { ms: 150 } } },
    ],
    wires: [['orders', 'x'], ['x', 'payments'], ['x', 'emails'], ['payments', 'billing'], ['emails', 'mailer']],
    actions: [{ at_ms: 5000, crash_broker: { broker: 'b2', recover_after_ms: 1000 } }],
    view: { positions: { b1: [40, 400], b2: [300, 400], b3: [560, 400], orders: [40, 40], x: [300, 40], payments: [560, 0], emails: [560, 200], billing: [820, 0], mailer: [820, 200] } },
  };
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'queues-on-brokers.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  // payments has replicas on b1, b2 and b3, led by b1; emails lives on b2 alone.
  const payments = node(page, 'Queue', 'payments');
  const emails = node(page, 'Queue', 'emails');
  await expect(payments).toHaveAccessibleName(/b1 lead · b2 · b3/);
  await expect(emails).toHaveAccessibleName(/on b2/);
  // b1 crashes at 2 s: two replicas of three are a majority, and b2 leads.
  await seek(page, 2500);
  await expect(payments).toHaveAccessibleName(/b1 down · b2 lead · b3/);
  await expect(payments).not.toHaveAccessibleName(/, down$/);
  // b1 sits at the bottom-left, where the open key is: the fit keeps it clear of the key.
  const key = (await canvas(page).locator('.legend').boundingBox())!;
  const b1 = (await node(page, 'Broker', 'b1').boundingBox())!;
  expect(b1.x >= key.x + key.width || b1.y + b1.height <= key.y, 'b1 clear of the key').toBe(true);
  await shot(page, 'durability-quorum-leader-moved');
  // b2 crashes at 5 s: emails is down, and what it held is gone.
  await seek(page, 5500);
  await expect(emails).toHaveAccessibleName(/on b2 \(down\).*, down$/);
  await expect(payments).toHaveAccessibleName(/b1 lead · b2 down · b3/);
  await shot(page, 'durability-classic-queue-down');
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText('lost, in a classic queue that was not durable, lost when its broker crashed');
});
