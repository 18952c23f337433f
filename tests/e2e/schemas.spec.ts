// Event schemas: a deploy that breaks its consumer shows on the canvas (the producer's version,
// the consumer's reader version, "can't read v2" marks), in the verdict (the field that stops
// the reader), in the Outcome's figures and in the event log's Schemas kind; a registry
// refuses the same deploy; and in the editor a course author writes schemas as Avro JSON, sets
// the registry's mode, and deploys a version from the inspector, with bad JSON or a bad Avro
// type told next to the field.
import AxeBuilder from '@axe-core/playwright';
import {
  test, expect, shot, canvas, outcome, inspector, node, chooseLesson, openApp, toEnd, seek, figures, count,
} from './helpers';

test.use({ viewport: { width: 1280, height: 1000 } });

test('a deploy that breaks billing: the versions on the canvas, the field in the verdict, the figures and the log', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'schema-deploy-breaks');
  const checkout = node(page, 'Producer', 'checkout');
  const billing = node(page, 'Consumer', 'billing');
  await expect(checkout).toHaveAccessibleName(/writes schema v1/);
  await expect(billing).toHaveAccessibleName(/reads v1/);

  // After the deploy at 3 s, checkout writes version 2; billing still reads with version 1.
  await seek(page, 3500);
  await expect(checkout).toHaveAccessibleName(/writes schema v2/);
  await expect(billing).toHaveAccessibleName(/reads v1/);
  await shot(page, 'schema-deploy-breaks-mid');

  await toEnd(page);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText(
    'billing could not read 30 OrderPlaced messages written with version 2, reading with version 1: field "currency" is not in version 2, and version 1 (the reader\'s) gives it no default (schema_incompatible).',
  );
  const f = await figures(page);
  expect(count(f, 'Unreadable (schema)')).toBe(30);
  expect(count(f, 'Deploys refused')).toBe(0);
  await shot(page, 'schema-deploy-breaks-outcome');

  // The event log's Schemas kind: the deploy, and each message billing could not read.
  await page.getByRole('tab', { name: 'Event log' }).click();
  const log = page.getByRole('region', { name: 'Event log' });
  await log.getByRole('combobox', { name: 'Event kind' }).selectOption('Schemas');
  await expect(log.getByText('checkout deployed: it now writes version 2')).toBeVisible();
  await expect(log.getByText(/billing cannot read it: written with version 2, read with version 1: field "currency" is not in version 2/).first()).toBeVisible();
  await shot(page, 'schema-deploy-breaks-log');
});

test('the registry refuses the same deploy: checkout keeps version 1 and nothing breaks', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'schema-registry-refuses');
  await toEnd(page);
  await expect(node(page, 'Producer', 'checkout')).toHaveAccessibleName(/writes schema v1/);
  const verdict = outcome(page).getByRole('list').first();
  await expect(verdict).toContainText(/The schema registry refused the deploy of version 2 to checkout at 3 s: OrderPlaced is BACKWARD: version 2 must read what version 1 wrote, but field "currency_code" is not in version 1, and version 2 gives it no default\. checkout kept version 1\./);
  const f = await figures(page);
  expect(count(f, 'Deploys refused')).toBe(1);
  expect(count(f, 'Unreadable (schema)')).toBe(0);
  await shot(page, 'schema-registry-refuses-outcome');
});

test('an author writes schemas, sets the registry and deploys from the inspector; bad input is told next to the field', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'work-queue');
  // The scenario's own settings show when nothing is selected.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.getByRole('tab', { name: 'Inspector' }).click();
  const panel = inspector(page);
  const schemas = panel.getByRole('textbox', { name: 'Schemas by event type (Avro)' });
  const registry = panel.getByRole('combobox', { name: 'Schema registry' });
  await expect(schemas).toHaveValue('');
  await expect(registry).toHaveValue('');

  // Half-written JSON is kept as typed and told; the run keeps the last scenario that worked.
  await schemas.fill('{"OrderPlaced": {"versions": [');
  await expect(panel.getByRole('alert')).toContainText('Not JSON yet');
  // A type Avro does not have is named by its path.
  await schemas.fill('{"OrderPlaced": {"versions": [{"fields": [{"name": "order_id", "type": "text"}]}]}}');
  await expect(panel.getByRole('alert').first()).toContainText('schemas.OrderPlaced.versions[0].fields[0].type: unknown type "text"');

  // Two versions of the work queue's event type: version 2 adds a field without a default.
  const two = {
    OrderPlaced: {
      versions: [
        { fields: [{ name: 'order_id', type: 'string' }] },
        { fields: [{ name: 'order_id', type: 'string' }, { name: 'currency', type: 'string' }] },
      ],
    },
  };
  await schemas.fill(JSON.stringify(two));
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await registry.selectOption('BACKWARD');
  await expect(registry).toHaveValue('BACKWARD');
  const producerId = 'orders';
  const producer = node(page, 'Producer', producerId);
  await expect(producer).toHaveAccessibleName(/writes schema v1/);

  // Deploy version 2 at 2 s: BACKWARD refuses it (the new field has no default).
  await seek(page, 2000);
  await producer.click();
  await panel.getByRole('button', { name: 'Deploy version 2 now' }).click();
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await expect(panel.getByRole('button', { name: `Remove action: at 2000 ms: deploy version 2 to ${producerId}` })).toBeVisible();
  await toEnd(page);
  await expect(outcome(page).getByRole('list').first()).toContainText(
    `The schema registry refused the deploy of version 2 to ${producerId} at 2 s: OrderPlaced is BACKWARD: version 2 must read what version 1 wrote, but field "currency" is not in version 1, and version 2 gives it no default.`,
  );
  await shot(page, 'schemas-authored-refused');

  // FORWARD accepts it: producers first is safe for this change.
  await registry.selectOption('FORWARD');
  await toEnd(page);
  await expect(producer).toHaveAccessibleName(/writes schema v2/);
  expect(count(await figures(page), 'Deploys refused')).toBe(0);

  const a11y = await new AxeBuilder({ page }).include('.inspector').analyze();
  expect(a11y.violations.map((v) => v.id)).toEqual([]);
});
