// The ticket pages in headless Chromium: the list reached from the nav, a ticket opened from
// it with its SLA clock and provenance, its status changed and a comment added through the
// forms and both found on the timeline, a stale form refused with the page as it is, a new
// ticket from the equipment's page; on a desktop and on a phone (no horizontal scrolling),
// every form control labelled. A tenant of its own with seed 000's Example C, built through the
// API. Screenshots go to test-results/screenshots/.
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { randomBytes } from 'node:crypto';
import { pageTest, credentials, loginThroughForm, submitForm, screenshot, pathOf, flashText, api, apiToken } from './lib.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const rowsOf = (page, table) => page.locator(`${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.replace(/\s+/g, ' ').trim())));
const timeline = (page) => page.locator('ol.timeline li').evaluateAll((lis) => lis.map((li) => [li.className, ...[...li.querySelectorAll('p:not(.meta)')].map((p) => p.textContent.trim())]));

// What a screen reader needs of a page: a language, one h1, headings that do not skip a
// level, every visible control named by a label, every table captioned.
async function checkAccessible(page) {
  const a = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => el.getClientRects().length && !el.closest('[aria-hidden=true]'));
    const levels = [...document.querySelectorAll('main h1, main h2, main h3')].map((h) => Number(h.tagName[1]));
    return {
      lang: document.documentElement.lang,
      h1: document.querySelectorAll('h1').length,
      skips: levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1).length,
      unlabelled: controls.filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.name),
      uncaptioned: [...document.querySelectorAll('table')].filter((t) => !t.caption).length,
    };
  });
  assert.deepEqual(a, { lang: 'en', h1: 1, skips: 0, unlabelled: [], uncaptioned: 0 });
}

const w = {};

async function ok(method, path, body, token, status = 201) {
  const r = await api(method, path, body, token);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.json;
}

before(async () => {
  const slug = `browser-tickets-${randomBytes(4).toString('hex')}`;
  const admin = { email: `admin@${slug}.test`, password: `pw-${slug}-secret` };
  const sa = await apiToken(credentials().superadmin);
  await ok('POST', '/v1/tenants', { slug, name: `Tickets ${slug}`, country_code: 'MK', admin }, sa);
  const t = await apiToken({ tenant: slug, ...admin });
  await ok('PUT', '/v1/settings', { flags: { org: true, catalog_publishing: true, service_policies: true, resp_org_assignment: true } }, t, 200);
  const org = (name, type, extra = {}) => ok('POST', '/v1/orgs', { name, type, ...extra }, t);
  w.m1 = await org('ACME Medical Systems', 'manufacturer');
  w.d1 = await org('D1 Distribution', 'distributor');
  w.dl1 = await org('DL1 Dealer Services', 'dealer', { certifications: ['ACME-SVC'] });
  w.h1 = await org('City Hospital H1', 'hospital');
  await ok('POST', `/v1/orgs/${w.m1.id}/relationships`, { child_org_id: w.d1.id, relation_type: 'distributor_of', active_from: '2020-01-01T00:00:00Z' }, t);
  await ok('POST', `/v1/orgs/${w.d1.id}/relationships`, { child_org_id: w.dl1.id, relation_type: 'dealer_of', active_from: '2020-01-01T00:00:00Z' }, t);
  const p = await ok('POST', '/v1/products', { manufacturer_id: w.m1.id, name: 'Infusion pump' }, t);
  const sku = await ok('POST', '/v1/skus', { product_id: p.id, sku_code: 'IP-100' }, t);
  await ok('PUT', '/v1/policies/service-coverage', { enabled: true, order: ['dealer', 'distributor', 'manufacturer'], rules: [{ manufacturer_id: w.m1.id, required_certification: 'ACME-SVC' }] }, t, 200);
  const targets = { response_minutes: 240, resolve_minutes: 1440 };
  await ok('POST', '/v1/sla-policies', { name: 'Default', calendar: '24x7', severity_targets: { critical: targets, high: targets, medium: targets, low: targets } }, t);
  w.eq = await ok('POST', '/v1/equipment', { serial: 'E-123', sku_id: sku.id, owner_org_id: w.h1.id, site: 'Ward 3' }, t);
  w.ticket = await ok('POST', '/v1/tickets', { equipment_id: w.eq.id, severity: 'critical', title: 'Pump alarm keeps sounding', description: 'The alarm sounds every few minutes.\nBattery is full.' }, t);
  w.stale = await ok('POST', '/v1/tickets', { equipment_id: w.eq.id, severity: 'low', title: 'Scratched casing' }, t);
  w.admin = { tenant: slug, ...admin };
  w.token = t;
});

pageTest('the list from the nav, a ticket opened from it: status changed and a comment added, both on the timeline', async ({ page }) => {
  await loginThroughForm(page, w.admin);
  await page.locator('nav[aria-label=Main] a', { hasText: 'Tickets' }).click();
  assert.equal(pathOf(page), '/tickets');
  const rows = await rowsOf(page, 'table.tickets');
  assert.deepEqual(rows.map((r) => r.slice(1, 6)), [
    ['Pump alarm keeps sounding', 'critical', 'open', 'DL1 Dealer Services', 'E-123'],
    ['Scratched casing', 'low', 'open', 'DL1 Dealer Services', 'E-123'],
  ]);
  assert.match(rows[0][7], /^due in (3 h 5\d min|4 h)$/);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await checkAccessible(page);
  await screenshot(page, 'tickets-list');
  // a filter through the form
  await page.locator('select[name=severity]').selectOption('critical');
  await submitForm(page, page.locator('form.filters'));
  assert.deepEqual((await rowsOf(page, 'table.tickets')).map((r) => r[1]), ['Pump alarm keeps sounding']);

  await page.locator('table.tickets a', { hasText: 'Pump alarm keeps sounding' }).click();
  assert.equal(pathOf(page), `/tickets/${w.ticket.id}`);
  assert.equal(await page.locator('h1').textContent(), `Ticket ${w.ticket.id}: Pump alarm keeps sounding`);
  assert.deepEqual((await rowsOf(page, '#provenance table')).map((r) => [r[0], r[2]]), [['DL1 Dealer Services', 'taken']]);
  assert.match(await page.locator('#provenance p.note').first().textContent(), /^2 more candidates came after the one taken/);
  assert.deepEqual(await page.locator('ol.chain li').allTextContents(), ['DL1 Dealer Services answers now', 'D1 Distribution', 'ACME Medical Systems']);
  assert.deepEqual((await rowsOf(page, '#sla table')).map((r) => r[0]), ['Response', 'Resolution']);
  assert.match((await rowsOf(page, '#sla table'))[0][2], /left$/);
  await checkAccessible(page);
  await screenshot(page, 'ticket-detail');

  // only the next statuses of the workflow are offered
  const status = page.locator(`form[action="/tickets/${w.ticket.id}/status"]`);
  assert.deepEqual(await status.locator('select[name=status] option').evaluateAll((os) => os.map((o) => o.value)), ['acknowledged']);
  await status.locator('textarea[name=note]').fill('On my way with a spare battery');
  let response = await submitForm(page, status);
  assert.equal(response.status(), 200);
  assert.equal((await response.request().redirectedFrom().response()).status(), 303);
  assert.equal(pathOf(page), `/tickets/${w.ticket.id}`);
  assert.match(await flashText(page), /The status was changed/);
  assert.deepEqual((await timeline(page)).at(-1), ['status', 'open → acknowledged', 'On my way with a spare battery']);

  const comment = page.locator(`form[action="/tickets/${w.ticket.id}/comments"]`);
  await comment.locator('textarea[name=body]').fill('Replaced the battery pack.\nAlarm is quiet now.');
  response = await submitForm(page, comment);
  assert.equal(response.status(), 200);
  assert.match(await flashText(page), /The comment was added/);
  const tl = await timeline(page);
  assert.deepEqual(tl.map((e) => e.slice(0, 2)), [['status', 'opened'], ['status', 'open → acknowledged'], ['comment', 'commented']]);
  assert.equal(tl[2][2], 'Replaced the battery pack.\nAlarm is quiet now.');
  assert.match(await page.locator('ol.timeline li.comment p.meta').textContent(), new RegExp(`UTC · ${w.admin.email}`));
  assert.deepEqual((await rowsOf(page, '#sla table'))[0][2], 'met in time');
  await screenshot(page, 'ticket-detail-after');
});

pageTest('on a phone: the ticket page fits, a stale form is refused with the page as it is now', { context: PHONE, allow: [/status of 412/] }, async ({ page }) => {
  await loginThroughForm(page, w.admin);
  await page.goto(`/tickets/${w.stale.id}`);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  const button = await page.locator(`form[action="/tickets/${w.stale.id}/status"] button`).boundingBox();
  assert.ok(button.width >= 44 && button.height >= 36, `a button a thumb can hit: ${JSON.stringify(button)}`);
  await checkAccessible(page);
  await screenshot(page, 'ticket-detail-phone');
  // someone acknowledges it meanwhile
  await ok('POST', `/v1/tickets/${w.stale.id}/status`, { status: 'acknowledged' }, w.token, 200);
  const status = page.locator(`form[action="/tickets/${w.stale.id}/status"]`);
  const response = await submitForm(page, status);
  assert.equal(response.status(), 412);
  assert.match(await flashText(page), /Someone changed this ticket meanwhile/);
  assert.deepEqual(await status.locator('select[name=status] option').evaluateAll((os) => os.map((o) => o.value)), ['in_progress', 'waiting_customer', 'resolved']);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  // the form as it is now goes through
  await status.locator('select[name=status]').selectOption('waiting_customer');
  assert.equal((await submitForm(page, status)).status(), 200);
  assert.deepEqual((await rowsOf(page, '#sla table'))[1].slice(1), ['—', 'paused: waiting on the customer']);
  await screenshot(page, 'ticket-paused-phone');
});

pageTest('the equipment page lists its tickets and opens a new one', async ({ page }) => {
  await loginThroughForm(page, w.admin);
  await page.goto(`/equipment/${w.eq.id}`);
  assert.ok((await rowsOf(page, '#tickets table')).length >= 2);
  const form = page.locator('#tickets form');
  await form.locator('select[name=severity]').selectOption('high');
  await form.locator('input[name=title]').fill('Display flickers');
  await form.locator('textarea[name=description]').fill('Since this morning.');
  await checkAccessible(page);
  const response = await submitForm(page, form);
  assert.equal(response.status(), 200);
  assert.match(pathOf(page), /^\/tickets\/\d+$/);
  assert.match(await flashText(page), /The ticket was opened/);
  assert.equal(await page.locator('h1').textContent(), `Ticket ${pathOf(page).split('/')[2]}: Display flickers`);
  await page.locator('#equipment a', { hasText: 'E-123' }).click();
  assert.equal(pathOf(page), `/equipment/${w.eq.id}`);
  assert.ok((await rowsOf(page, '#tickets table')).some((r) => r[1] === 'Display flickers'));
});
