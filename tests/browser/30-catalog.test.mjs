// The catalog in headless Chromium: a manufacturer's, a distributor's and a dealer's
// dashboards with their catalog tiles and charts, the catalog browser, and the publish form,
// on a desktop and on a phone (no horizontal scrolling). The network is Example A, built
// through the API in a tenant of its own. Screenshots go to test-results/screenshots/.
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

// A tenant with Example A published: ACME S-A1, S-A2 to D1; D1 S-A1 to DL1; BioMed S-B1 to DL1.
before(async () => {
  const slug = `browser-catalog-${randomBytes(4).toString('hex')}`;
  const admin = { email: `admin@${slug}.test`, password: `pw-${slug}-secret` };
  const sa = await apiToken(credentials().superadmin);
  await ok('POST', '/v1/tenants', { slug, name: `Catalog ${slug}`, country_code: 'DE', admin }, sa);
  const t = await apiToken({ tenant: slug, ...admin });
  await ok('PUT', '/v1/settings', { flags: { org: true, channels: true, catalog_publishing: true } }, t, 200);
  const org = (name, type, extra = {}) => ok('POST', '/v1/orgs', { name, type, ...extra }, t);
  const m1 = await org('ACME Medical Systems International', 'manufacturer', { region: 'EU' });
  const m2 = await org('BioMed', 'manufacturer', { region: 'EU' });
  const d1 = await org('D1 Distribution', 'distributor', { region: 'EU-North' });
  const dl1 = await org('DL1 Dealer', 'dealer');
  await ok('POST', `/v1/orgs/${m1.id}/relationships`, { child_org_id: d1.id, relation_type: 'distributor_of' }, t);
  await ok('POST', `/v1/orgs/${d1.id}/relationships`, { child_org_id: dl1.id, relation_type: 'dealer_of' }, t);
  await ok('POST', `/v1/orgs/${m2.id}/relationships`, { child_org_id: dl1.id, relation_type: 'dealer_of' }, t);
  const ch = await ok('POST', '/v1/channels', { name: 'Dealer channel', type: 'dealer' }, t);
  const pa = await ok('POST', '/v1/products', { manufacturer_id: m1.id, name: 'Ultrasound P-A', category: 'imaging' }, t);
  const pb = await ok('POST', '/v1/products', { manufacturer_id: m2.id, name: 'Monitor P-B' }, t);
  const sku = (p, code) => ok('POST', '/v1/skus', { product_id: p.id, sku_code: code }, t);
  const sa1 = await sku(pa, 'S-A1');
  const sa2 = await sku(pa, 'S-A2');
  await sku(pa, 'S-A3');
  const sb1 = await sku(pb, 'S-B1');
  const user = async (o, name) => {
    const u = { tenant: slug, email: `${name}@${slug}.test`, password: `pw-${name}-${slug}` };
    await ok('POST', '/v1/users', { email: u.email, password: u.password, role: 'org_admin', org_id: o.id }, t);
    return u;
  };
  Object.assign(net, { slug, m1, m2, d1, dl1, ch });
  net.m1u = await user(m1, 'acme');
  net.m2u = await user(m2, 'biomed');
  net.d1u = await user(d1, 'd1');
  net.dl1u = await user(dl1, 'dl1');
  const pub = async (u, body) => ok('POST', `/v1/channels/${ch.id}/catalog/publish`, body, await apiToken(u));
  await pub(net.m1u, { publisher_org_id: m1.id, org_id: d1.id, items: [{ sku_id: sa1.id }, { sku_id: sa2.id }] });
  await pub(net.d1u, { publisher_org_id: d1.id, org_id: dl1.id, items: [{ sku_id: sa1.id }] });
  await pub(net.m2u, { publisher_org_id: m2.id, org_id: dl1.id, items: [{ sku_id: sb1.id }] });
});

// The h2 of every tile on the page.
const tiles = (page) => page.locator('section.tile > h2').allTextContents();

const dashboards = [
  { who: 'manufacturer', user: () => net.m1u, want: ['Relationships', 'Catalog', 'Publications by channel', 'Publications by partner', 'Partners'] },
  { who: 'distributor', user: () => net.d1u, want: ['Relationships', 'Received and republished', 'Coverage by brand'], chart: true },
  { who: 'dealer', user: () => net.dl1u, want: ['Relationships', 'Allowed listings by brand'], chart: true },
];

for (const d of dashboards) {
  pageTest(`the ${d.who} dashboard shows its catalog tiles`, async ({ page }) => {
    await loginThroughForm(page, d.user());
    assert.equal(pathOf(page), '/dashboard');
    assert.equal(await page.locator('body').getAttribute('data-dashboard'), d.who);
    const have = await tiles(page);
    for (const h of d.want) assert.ok(have.includes(h), `a "${h}" tile in ${have.join(', ')}`);
    if (d.chart) {
      const svg = page.locator('.chart.hbar svg[role=img]');
      assert.equal(await svg.count(), 1, 'one bar chart');
      const box = await svg.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 10, `the chart is drawn (${JSON.stringify(box)})`);
      assert.ok((await svg.locator('rect').count()) >= 1, 'with bars');
    }
    assert.equal(await overflow(page), 0, 'no horizontal scroll');
    await screenshot(page, `dashboard-catalog-${d.who}`);
  });

  pageTest(`on a phone: the ${d.who} dashboard fits the screen`, { context: PHONE }, async ({ page }) => {
    await loginThroughForm(page, d.user());
    assert.equal(await overflow(page), 0, 'no horizontal scroll');
    if (d.chart) {
      const box = await page.locator('.chart.hbar svg').boundingBox();
      assert.ok(box.width <= 360, `the chart shrinks to the screen (${box.width})`);
    }
    await screenshot(page, `dashboard-catalog-${d.who}-phone`);
  });
}

pageTest('the dealer\'s numbers: its listing by brand, each SKU once', async ({ page }) => {
  await loginThroughForm(page, net.dl1u);
  const rows = await page.locator('section.tile:has(h2:text-is("Allowed listings by brand")) tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.deepEqual(rows, [['ACME Medical Systems International', '1'], ['BioMed', '1']]);
  // the label itself, without the <title> that holds the whole name
  const labels = await page.locator('.chart.hbar svg > text[text-anchor=end]').evaluateAll((ts) => ts.map((t) => t.firstChild.textContent));
  assert.ok(labels[0].startsWith('ACME Medical Sys') && labels[0].endsWith('…'), `a long name is cut: ${labels[0]}`);
});

pageTest('the catalog browser: the dealer\'s listing with source and path by name', async ({ page }) => {
  await loginThroughForm(page, net.dl1u);
  await page.locator('nav[aria-label=Main] a', { hasText: 'Catalog' }).click();
  assert.equal(pathOf(page), '/catalog');
  await page.locator('select[name=channel_id]').selectOption(String(net.ch.id));
  await submitForm(page, page.locator('form.filters'));
  const rows = await page.locator('table.listing tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.deepEqual(rows.map((r) => [r[0], r[2], r[3]]), [
    ['S-A1', 'distributor', 'ACME Medical Systems International → D1 Distribution → DL1 Dealer'],
    ['S-B1', 'direct', 'BioMed → DL1 Dealer'],
  ]);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'catalog-browser');
  // the version links to the publication's page
  await page.locator('table.listing tbody tr').first().locator('td.num a').click();
  assert.equal(pathOf(page), `/channels/${net.ch.id}/publications`);
  assert.match(await page.locator('h1').textContent(), /D1 Distribution to DL1 Dealer/);
});

pageTest('on a phone: the catalog browser fits the screen, its table scrolls inside its box', { context: PHONE }, async ({ page }) => {
  await loginThroughForm(page, net.dl1u);
  await page.goto(`/catalog?channel_id=${net.ch.id}`);
  assert.equal(await page.locator('table.listing tbody tr').count(), 2);
  assert.equal(await overflow(page), 0, 'no horizontal scroll of the page');
  await screenshot(page, 'catalog-browser-phone');
});

pageTest('publishing through the form: codes in a textarea, the new version on the publication\'s page', { allow: [/status of 422/] }, async ({ page }) => {
  await loginThroughForm(page, net.m1u);
  await page.goto(`/catalog/publish?channel_id=${net.ch.id}`);
  const form = page.locator('form.stack');
  await form.locator('select[name=org_id]').selectOption(String(net.d1.id));
  await form.locator('textarea[name=sku_codes]').fill('S-A3\nNOPE-9');
  let response = await submitForm(page, form);
  assert.equal(response.status(), 422);
  assert.match(await page.locator('#f-channel-error, #sku_codes-error').allTextContents().then((t) => t.join(' ')), /'NOPE-9'/);
  assert.equal(await page.locator('textarea[name=sku_codes]').inputValue(), 'S-A3\nNOPE-9', 'what was typed is kept');
  await screenshot(page, 'publish-form-error');
  await page.locator('textarea[name=sku_codes]').fill('S-A3');
  response = await submitForm(page, page.locator('form.stack'));
  assert.equal(response.status(), 200);
  assert.equal(pathOf(page), `/channels/${net.ch.id}/publications`);
  assert.match(await flashText(page), /published/);
  const current = await page.locator('tr.current td').first().textContent();
  assert.match(current, /^2\s+current$/);
  assert.equal(await overflow(page), 0);
  await screenshot(page, 'publication-page');
});
