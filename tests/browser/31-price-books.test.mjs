// The price book pages in headless Chromium: the list, a new book through its form (a refusal
// first, with the API's reasons under the fields), a rule added by SKU code, a rule deleted
// and the book retired, on a desktop and on a phone (no horizontal scrolling). A tenant of its
// own, built through the API. Screenshots go to test-results/screenshots/.
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { randomBytes } from 'node:crypto';
import { pageTest, credentials, loginThroughForm, submitForm, screenshot, pathOf, flashText, api, apiToken } from './lib.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const rowsOf = (page, table) => page.locator(`${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.replace(/\s+/g, ' ').trim())));

const w = {};

async function ok(method, path, body, token, status = 201) {
  const r = await api(method, path, body, token);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.json;
}

// Example B's shape: ACME's S-A1, BioMed's S-B1, D1 and DL1, the Dealer channel, and books.
before(async () => {
  const slug = `browser-books-${randomBytes(4).toString('hex')}`;
  const admin = { email: `admin@${slug}.test`, password: `pw-${slug}-secret` };
  const sa = await apiToken(credentials().superadmin);
  await ok('POST', '/v1/tenants', { slug, name: `Books ${slug}`, country_code: 'DE', admin }, sa);
  const t = await apiToken({ tenant: slug, ...admin });
  await ok('PUT', '/v1/settings', { flags: { org: true, channels: true, catalog_publishing: true, price_books: true } }, t, 200);
  const org = (name, type) => ok('POST', '/v1/orgs', { name, type }, t);
  w.acme = await org('ACME Medical Systems International', 'manufacturer');
  w.biomed = await org('BioMed', 'manufacturer');
  w.d1 = await org('D1 Distribution', 'distributor');
  w.dl1 = await org('DL1 Dealer', 'dealer');
  w.ch = await ok('POST', '/v1/channels', { name: 'Dealer channel', type: 'dealer' }, t);
  const pa = await ok('POST', '/v1/products', { manufacturer_id: w.acme.id, name: 'Ultrasound P-A', category: 'imaging' }, t);
  const pb = await ok('POST', '/v1/products', { manufacturer_id: w.biomed.id, name: 'Monitor P-B', category: 'monitors' }, t);
  w.sa1 = await ok('POST', '/v1/skus', { product_id: pa.id, sku_code: 'S-A1' }, t);
  w.sb1 = await ok('POST', '/v1/skus', { product_id: pb.id, sku_code: 'S-B1' }, t);
  const book = (body) => ok('POST', '/v1/price-books', { currency: 'EUR', ...body }, t);
  w.channelBook = await book({ name: 'Dealer channel', scope_type: 'channel', channel_id: w.ch.id });
  await ok('POST', '/v1/price-rules', { price_book_id: w.channelBook.id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'fixed', value: '1000' }, t);
  await ok('POST', '/v1/price-rules', { price_book_id: w.channelBook.id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'discount', value: '5' }, t);
  await book({ name: 'List prices for every customer in every channel of the tenant', scope_type: 'global', priority: 10 });
  await book({ name: 'Summer (draft)', scope_type: 'org', org_id: w.dl1.id, status: 'draft', effective_from: '2025-06-01T00:00:00Z', effective_to: '2025-09-01T00:00:00Z' });
  w.admin = { tenant: slug, ...admin };
  w.dl1u = { tenant: slug, email: `dl1@${slug}.test`, password: `pw-dl1-${slug}` };
  await ok('POST', '/v1/users', { email: w.dl1u.email, password: w.dl1u.password, role: 'org_admin', org_id: w.dl1.id }, t);
  w.token = t;
});

pageTest('the list of price books, reached from the nav', async ({ page }) => {
  await loginThroughForm(page, w.admin);
  await page.locator('nav[aria-label=Main] a', { hasText: 'Price books' }).click();
  assert.equal(pathOf(page), '/price-books');
  const rows = await rowsOf(page, 'table.data');
  assert.deepEqual(rows.map((r) => [r[1], r[2], r[5], r[8]]), [
    ['Dealer channel', 'the Dealer channel channel', 'active', '2'],
    ['List prices for every customer in every channel of the tenant', 'everyone global', 'active', '0'],
    ['Summer (draft)', 'DL1 Dealer org', 'draft', '0'],
  ]);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'price-books-list');
  // a filter through the form
  await page.locator('select[name=status]').selectOption('draft');
  await submitForm(page, page.locator('form.filters'));
  assert.equal(new URL(page.url()).searchParams.get('status'), 'draft');
  assert.deepEqual((await rowsOf(page, 'table.data')).map((r) => r[1]), ['Summer (draft)']);
});

pageTest('a new book through the form: the refusal under its fields, then the book', { allow: [/status of 400/] }, async ({ page }) => {
  await loginThroughForm(page, w.admin);
  await page.goto('/price-books/new');
  const form = page.locator('form.stack');
  await form.locator('input[name=name]').fill('DL1 at the dealer channel');
  await form.locator('select[name=scope_type]').selectOption('org_channel');
  await form.locator('select[name=org_id]').selectOption(String(w.dl1.id));
  await form.locator('input[name=currency]').fill('XYZ');
  let response = await submitForm(page, form);
  assert.equal(response.status(), 400);
  assert.equal((await page.locator('#channel_id-error').textContent()).trim(), 'is required for scope_type org_channel');
  assert.equal((await page.locator('#currency-error').textContent()).trim(), 'must be an active ISO 4217 code like EUR');
  assert.equal(await page.locator('input[name=name]').inputValue(), 'DL1 at the dealer channel', 'what was typed is kept');
  assert.equal(await page.locator('#currency').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'price-book-new-error');
  await page.locator('select[name=channel_id]').selectOption(String(w.ch.id));
  await page.locator('input[name=currency]').fill('EUR');
  await page.locator('select[name=owner_org_id]').selectOption(String(w.d1.id));
  response = await submitForm(page, page.locator('form.stack'));
  assert.equal(response.status(), 200);
  assert.match(pathOf(page), /^\/price-books\/\d+$/);
  assert.match(await flashText(page), /The price book was created/);
  assert.equal((await page.locator('h1').textContent()).trim(), 'DL1 at the dealer channel');
  w.newBook = Number(pathOf(page).split('/').pop());
});

pageTest('a rule by SKU code, then deleted; the book retired, its forms gone', async ({ page }) => {
  await loginThroughForm(page, w.admin);
  const id = w.newBook || (await ok('POST', '/v1/price-books', { name: 'DL1 again', scope_type: 'org', org_id: w.dl1.id, currency: 'EUR' }, w.token)).id;
  await page.goto(`/price-books/${id}`);
  const form = page.locator('form[action$="/rules"]');
  await form.locator('select[name=selector]').selectOption('sku');
  await form.locator('input[name=selector_value]').fill('S-A1');
  await form.locator('select[name=rule_type]').selectOption('fixed');
  await form.locator('input[name=value]').fill('950');
  await submitForm(page, form);
  assert.match(await flashText(page), /The rule was added/);
  let rows = await rowsOf(page, '#rules table');
  assert.deepEqual(rows.map((r) => r.slice(1, 5)), [['SKU S-A1 sku', 'fixed', '950.00 EUR', '—']]);
  await screenshot(page, 'price-book-detail');
  await submitForm(page, page.locator('form[action$="/delete"]').first());
  assert.match(await flashText(page), /The rule was deleted/);
  rows = await rowsOf(page, '#rules table');
  assert.deepEqual(rows, [['No rules yet.']]);
  await submitForm(page, page.locator('form[action$="/retire"]'));
  assert.match(await flashText(page), /retired/);
  assert.equal((await page.locator('dl.props .badge').textContent()).trim(), 'retired');
  assert.equal(await page.locator('main form').count(), 0, 'no form on a retired book');
});

pageTest('on a phone: the list and a book fit the screen, tables scroll inside their box', { context: PHONE }, async ({ page }) => {
  await loginThroughForm(page, w.admin);
  await page.goto('/price-books');
  assert.equal(await overflow(page), 0, 'no horizontal scroll of the list page');
  await screenshot(page, 'price-books-list-phone');
  await page.goto(`/price-books/${w.channelBook.id}`);
  assert.equal(await page.locator('#rules tbody tr').count(), 2);
  assert.equal(await overflow(page), 0, 'no horizontal scroll of the book page');
  const box = await page.locator('form[action$="/rules"]').boundingBox();
  assert.ok(box.width <= 360, `the add-rule form fits (${box.width})`);
  await screenshot(page, 'price-book-detail-phone');
});

pageTest('a dealer has no Price books link, and the page is its 403', { allow: [/status of 403/] }, async ({ page }) => {
  await loginThroughForm(page, w.dl1u);
  assert.equal(await page.locator('nav[aria-label=Main] a', { hasText: 'Price books' }).count(), 0);
  const r = await page.goto('/price-books');
  assert.equal(r.status(), 403);
});
