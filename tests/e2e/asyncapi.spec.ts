// AsyncAPI in the page: "Export AsyncAPI" saves the scenario as an AsyncAPI 3.0 document in
// YAML, made by the AsyncAPI worker, which the page starts only then (its wasm is not part of
// the first load); "Import AsyncAPI" opens a document's scenario on the canvas and names, in
// the notice, what could not be mapped; a document that is not AsyncAPI changes nothing and
// says why.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, shot, canvas, node, chooseLesson, openApp, repo } from './helpers';

test.use({ viewport: { width: 1280, height: 1000 } });

const notice = (page: import('@playwright/test').Page) => page.locator('.notice[role="status"]');

test('the worker is not loaded until AsyncAPI is used; Export AsyncAPI saves a 3.0 document with the schemas', async ({ page }) => {
  const loaded: string[] = [];
  page.on('request', (r) => loaded.push(r.url()));
  await openApp(page);
  await chooseLesson(page, 'schema-deploy-breaks');
  expect(loaded.filter((u) => u.includes('asyncapi-worker'))).toEqual([]);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export AsyncAPI' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('schema-deploy-breaks.asyncapi.yaml');
  const text = fs.readFileSync((await file.path())!, 'utf8');
  expect(text).toMatch(/^asyncapi: "3\.0\.0"/);
  expect(text).toContain('OrderPlaced.v2:');
  expect(text).toContain('schemaFormat: "application/vnd.apache.avro;version=1.9.0"');
  expect(text).toContain('currency_code');
  await expect(notice(page)).toContainText('Saved schema-deploy-breaks.asyncapi.yaml, an AsyncAPI 3.0 document.');
  expect(loaded.filter((u) => u.includes('asyncapi-worker_bg.wasm'))).toHaveLength(1);
});

test('Import AsyncAPI opens a 2.6 document as a scenario and lists what it could not map', async ({ page }) => {
  await openApp(page);
  await page.locator('#asyncapi-picker').setInputFiles(path.join(repo, 'broker', 'tests', 'asyncapi', 'payments-kafka-2.6.json'));
  // Three replicas of payments.authorized: three brokers to hold them (5 nodes and b1 to b3).
  await expect(notice(page)).toContainText('Opened payments-kafka-2.6.json from AsyncAPI: 8 nodes, 4 wires. 3 parts not mapped:');
  // payments.settled is compacted (cleanup.policy ["compact"]): its retention.ms deletes nothing.
  await expect(notice(page)).toContainText('deletes nothing on a topic whose cleanup.policy is ["compact"] only: not read');
  await expect(node(page, 'Topic', 'payments.settled')).toHaveAccessibleName(/cleaned/);
  await expect(node(page, 'Producer', 'paymentGateway')).toBeVisible();
  await expect(node(page, 'Topic', 'payments.authorized')).toHaveAccessibleName(/p0 .* b1 lead · b2 isr · b3 isr/);
  await expect(node(page, 'Broker', 'b3')).toBeVisible();
  await expect(node(page, 'Consumer', 'notifier')).toBeVisible();
  await expect(canvas(page).getByRole('button', { name: /^Wire from / })).toHaveCount(4);
  await shot(page, 'asyncapi-imported');
});

test('a document exported and imported again is the same scenario; a file that is not AsyncAPI changes nothing', async ({ page }) => {
  await openApp(page);
  await chooseLesson(page, 'read-model-lag');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export AsyncAPI' }).click();
  const saved = (await (await download).path())!;
  const yaml = path.join(path.dirname(saved), 'read-model-lag.asyncapi.yaml');
  fs.copyFileSync(saved, yaml);
  await page.locator('#asyncapi-picker').setInputFiles(yaml);
  await expect(notice(page)).toContainText('Opened read-model-lag.asyncapi.yaml from AsyncAPI:');
  await expect(node(page, 'Read model', 'my-orders')).toBeVisible();

  const bad = path.join(path.dirname(saved), 'openapi.json');
  fs.writeFileSync(bad, '{"openapi": "3.0.0", "paths": {}}');
  await page.locator('#asyncapi-picker').setInputFiles(bad);
  await expect(notice(page)).toContainText('openapi.json was not opened, and nothing here changed: no "asyncapi" field: this is not an AsyncAPI document.');
  await expect(node(page, 'Read model', 'my-orders')).toBeVisible();
});
