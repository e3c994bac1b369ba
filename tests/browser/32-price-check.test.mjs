// The price check in headless Chromium: a tenant admin fills the form and reads the amount,
// the conversion, the tax and the trace; a refusal shows next to its field; a dealer follows
// its dashboard's Price list tile to the CSV and checks its own price; all on a desktop and on
// a phone (no horizontal scrolling). Example B is built through the API in a tenant of its
// own. Screenshots go to test-results/screenshots/.
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { randomBytes } from 'node:crypto';
import { pageTest, credentials, loginThroughForm, submitForm, screenshot, pathOf, flashText, api, apiToken } from './lib.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const net = {};

async function ok(method, path, body, token, status = 201) {
  const r = await api(method, path, body, token);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.json;
}

// Example B: DL1 dealer of D1 (distributor of ACME) and of BioMed; the DealerChannel book
// with S-B1 fixed 1000 less 5 %, DL1's own book there with S-A1 fixed 950; a rate and a tax.
before(async () => {
  const slug = `browser-prices-${randomBytes(4).toString('hex')}`;
  const admin = { tenant: slug, email: `admin@${slug}.test`, password: `pw-${slug}-secret` };
  const sa = await apiToken(credentials().superadmin);
  await ok('POST', '/v1/tenants', { slug, name: `Prices ${slug}`, country_code: 'DE', admin: { email: admin.email, password: admin.password } }, sa);
  const t = await apiToken(admin);
  await ok('PUT', '/v1/settings', { flags: { org: true, channels: true, catalog_publishing: true, price_books: true, price_resolution: true } }, t, 200);
  const org = (name, type) => ok('POST', '/v1/orgs', { name, type }, t);
  const acme = await org('ACME Medical Systems International', 'manufacturer');
  const biomed = await org('BioMed', 'manufacturer');
  const d1 = await org('D1 Distribution', 'distributor');
  const dl1 = await org('DL1 Dealer', 'dealer');
  await ok('POST', `/v1/orgs/${acme.id}/relationships`, { child_org_id: d1.id, relation_type: 'distributor_of' }, t);
  await ok('POST', `/v1/orgs/${d1.id}/relationships`, { child_org_id: dl1.id, relation_type: 'dealer_of' }, t);
  await ok('POST', `/v1/orgs/${biomed.id}/relationships`, { child_org_id: dl1.id, relation_type: 'dealer_of' }, t);
  const ch = await ok('POST', '/v1/channels', { name: 'DealerChannel', type: 'dealer' }, t);
  const pa = await ok('POST', '/v1/products', { manufacturer_id: acme.id, name: 'Ultrasound P-A', category: 'analyzers' }, t);
  const pb = await ok('POST', '/v1/products', { manufacturer_id: biomed.id, name: 'Monitor P-B', category: 'monitors' }, t);
  const sa1 = await ok('POST', '/v1/skus', { product_id: pa.id, sku_code: 'S-A1' }, t);
  const sb1 = await ok('POST', '/v1/skus', { product_id: pb.id, sku_code: 'S-B1' }, t);
  const pub = (by, to, sku) => ok('POST', `/v1/channels/${ch.id}/catalog/publish`, { publisher_org_id: by.id, org_id: to.id, items: [{ sku_id: sku.id }] }, t);
  await pub(acme, d1, sa1);
  await pub(d1, dl1, sa1);
  await pub(biomed, dl1, sb1);
  const book = (body) => ok('POST', '/v1/price-books', { currency: 'EUR', ...body }, t);
  const rule = (b, body) => ok('POST', '/v1/price-rules', { price_book_id: b.id, ...body }, t);
  const oc = await book({ name: 'DL1 at DealerChannel', scope_type: 'org_channel', org_id: dl1.id, channel_id: ch.id });
  await rule(oc, { selector: 'sku', selector_value: String(sa1.id), rule_type: 'fixed', value: '950' });
  const cb = await book({ name: 'DealerChannel', scope_type: 'channel', channel_id: ch.id });
  await rule(cb, { selector: 'sku', selector_value: String(sb1.id), rule_type: 'fixed', value: '1000' });
  await rule(cb, { selector: 'sku', selector_value: String(sb1.id), rule_type: 'discount', value: '5' });
  await rule(cb, { selector: 'sku', selector_value: String(sa1.id), rule_type: 'fixed', value: '1000' });
  await ok('POST', '/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'USD', rate: '1.085', rate_date: '2026-01-01' }, t);
  await ok('POST', '/v1/tax-rates', { region: 'DE', rate: '19', effective_from: '2026-01-01' }, t);
  const dl1u = { tenant: slug, email: `dl1@${slug}.test`, password: `pw-dl1-${slug}` };
  await ok('POST', '/v1/users', { email: dl1u.email, password: dl1u.password, role: 'viewer', org_id: dl1.id }, t);
  Object.assign(net, { admin, dl1u, dl1, ch, cb });
});

// [what, outcome, why] of each row of the trace
const traceRows = (page) => page.locator('table.trace tbody tr').evaluateAll((trs) => trs.map((tr) => [
  tr.cells[0].textContent.trim(), tr.cells[1].querySelector('.badge').textContent.trim(), tr.cells[1].querySelector('.why').textContent.trim(),
]));

async function fillCheck(page, { code, org, channel, currency, region, at }) {
  const form = page.locator('form.filters');
  await form.locator('input[name=sku_code]').fill(code);
  if (org) await form.locator('select[name=org_id]').selectOption(String(org));
  if (channel) await form.locator('select[name=channel_id]').selectOption(String(channel));
  if (currency) await form.locator('input[name=currency]').fill(currency);
  if (region) await form.locator('input[name=region]').fill(region);
  if (at) await form.locator('input[name=at]').fill(at);
  return submitForm(page, form);
}

pageTest('a tenant admin checks S-B1 for DL1 at DealerChannel: 950.00 EUR and why', async ({ page }) => {
  await loginThroughForm(page, net.admin);
  await page.goto('/prices/check');
  const r = await fillCheck(page, { code: 'S-B1', org: net.dl1.id, channel: net.ch.id });
  assert.equal(r.status(), 200);
  assert.equal(pathOf(page), '/prices/check');
  assert.equal((await page.locator('[data-amount]').textContent()).trim(), '950.00 EUR');
  const rows = await traceRows(page);
  assert.deepEqual(rows.map((x) => x[1]), ['passed over', 'taken', 'taken', 'taken']);
  assert.match(rows[1][0], /^Book \d+ “DealerChannel” · channel · EUR$/);
  assert.equal(rows[3][2], 'most specific adjustment');
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'price-check');
});

pageTest('converted to USD with German tax: the conversion, net, tax and gross, and their lines', async ({ page }) => {
  await loginThroughForm(page, net.admin);
  await page.goto('/prices/check');
  await fillCheck(page, { code: 'S-A1', org: net.dl1.id, channel: net.ch.id, currency: 'USD', region: 'DE', at: '2026-02-01T00:00:00Z' });
  assert.equal((await page.locator('[data-amount]').textContent()).trim(), '1030.75 USD');
  assert.equal((await page.locator('[data-gross]').textContent()).trim(), '1226.59 USD');
  const rows = await traceRows(page);
  assert.deepEqual(rows.slice(-2).map((x) => [x[0], x[1]]), [['FX rate 1.085', 'taken'], ['Tax 19 %', 'taken']]);
  await screenshot(page, 'price-check-fx-tax');
});

pageTest('a refusal shows next to its field, with what was typed kept', { allow: [/status of 400/] }, async ({ page }) => {
  await loginThroughForm(page, net.admin);
  await page.goto('/prices/check');
  const r = await fillCheck(page, { code: 'S-A1', currency: 'ABC' });
  assert.equal(r.status(), 400);
  assert.match(await flashText(page), /Correct the fields marked below/);
  assert.match(await page.locator('#f-currency-error').textContent(), /ISO 4217/);
  assert.equal(await page.locator('input[name=currency]').inputValue(), 'ABC');
  assert.equal(await page.locator('input[name=currency]').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'price-check-error');
});

pageTest('a dealer: the Price list tile downloads its CSV; its own price on the check', async ({ page }) => {
  await loginThroughForm(page, net.dl1u);
  assert.equal(pathOf(page), '/dashboard');
  const tile = page.locator('section.tile:has(h2:text-is("Price list"))');
  assert.equal(await tile.count(), 1);
  const link = tile.locator('a[download]');
  assert.equal(await link.textContent(), 'DealerChannel (CSV)');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), `prices-org${net.dl1.id}-channel${net.ch.id}-EUR.csv`);
  const text = await download.createReadStream().then(async (s) => {
    const chunks = [];
    for await (const c of s) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  });
  const lines = text.split('\r\n');
  assert.equal(lines[0], 'sku_id,sku_code,product,category,currency,amount,price_book_id,rule_id,note');
  assert.deepEqual(lines.slice(1, 3).map((l) => l.split(',').slice(1, 6)), [['S-A1', 'Ultrasound P-A', 'analyzers', 'EUR', '950.00'], ['S-B1', 'Monitor P-B', 'monitors', 'EUR', '950.00']]);
  await screenshot(page, 'dashboard-dealer-price-list');
  await tile.locator('a', { hasText: 'Check a price' }).click();
  assert.equal(pathOf(page), '/prices/check');
  assert.deepEqual(await page.locator('select[name=org_id] option').allTextContents(), ['DL1 Dealer']);
  await fillCheck(page, { code: 'S-A1', channel: net.ch.id });
  assert.equal((await page.locator('[data-amount]').textContent()).trim(), '950.00 EUR');
});

pageTest('on a phone: the check and its trace fit the screen; the table scrolls inside its box', { context: PHONE }, async ({ page }) => {
  await loginThroughForm(page, net.admin);
  await page.goto(`/prices/check?sku_code=S-A1&org_id=${net.dl1.id}&channel_id=${net.ch.id}&currency=USD&region=DE&at=2026-02-01T00:00:00Z`);
  assert.equal((await page.locator('[data-amount]').textContent()).trim(), '1030.75 USD');
  assert.equal(await overflow(page), 0, 'no horizontal scroll of the page');
  await screenshot(page, 'price-check-phone');
});

pageTest('on a phone: the dealer\'s dashboard with its Price list tile fits the screen', { context: PHONE }, async ({ page }) => {
  await loginThroughForm(page, net.dl1u);
  assert.equal(await page.locator('section.tile:has(h2:text-is("Price list"))').count(), 1);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'dashboard-dealer-price-list-phone');
});
