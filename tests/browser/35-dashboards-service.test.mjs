// The service tiles in a browser, on the demo tenant's seed: the hospital's, the dealer's and
// tenant staff's dashboards draw their charts as SVG images with a title and a description
// and the same numbers in a table, on a desktop and on a phone without sideways scrolling.
// Screenshots go to test-results/screenshots/.
import assert from 'node:assert/strict';
import { pageTest, credentials, tenantAdmin, loginThroughForm, screenshot, pathOf } from './lib.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const demo = (type) => credentials().demo.find((u) => u.org_type === type);
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

// The tile whose heading is name.
const tileOf = (page, name) => page.locator('section.tile', { has: page.locator('h2', { hasText: new RegExp(`^${name}$`) }) });

// Every chart of the tile: an SVG image named by its title, described by its desc, drawn
// within the tile, with a table of the numbers in the same tile.
async function checkTile(page, name, charts) {
  const tile = tileOf(page, name);
  assert.equal(await tile.count(), 1, `a ${name} tile`);
  const svgs = tile.locator('svg[role=img]');
  assert.equal(await svgs.count(), charts, `${name}: charts`);
  const box = await tile.boundingBox();
  for (let i = 0; i < charts; i++) {
    const svg = svgs.nth(i);
    const title = await svg.locator(':scope > title').textContent();
    const desc = await svg.locator(':scope > desc').textContent();
    assert.ok(title.trim().length > 0 && desc.trim().length > 0, `${name}: title and desc`);
    const label = (await svg.getAttribute('aria-label')) ?? (await page.locator(`[id="${await svg.getAttribute('aria-labelledby')}"]`).textContent());
    assert.equal(label.trim(), title.trim());
    const b = await svg.boundingBox();
    assert.ok(b.width > 100 && b.height > 20, `${name}: drawn (${JSON.stringify(b)})`);
    assert.ok(b.x >= box.x - 1 && b.x + b.width <= box.x + box.width + 1, `${name}: inside its tile`);
  }
  assert.ok((await tile.locator('table.data tbody tr').count()) > 0, `${name}: a table of the numbers`);
  return tile;
}

for (const [label, context] of [['desktop', {}], ['phone', { context: PHONE }]]) {
  pageTest(`the hospital's service tiles on a ${label}`, context, async ({ page }) => {
    await loginThroughForm(page, demo('hospital'));
    assert.equal(pathOf(page), '/dashboard');
    await checkTile(page, 'Equipment', 1);
    const up = await checkTile(page, 'Uptime', 1);
    assert.match(await up.locator('p.kpi').textContent(), /\d+\.\d% over the last 30 days, 4 pieces/);
    await checkTile(page, 'Open requests', 1);
    const ta = tileOf(page, 'Turnaround');
    assert.match(await ta.locator('p.kpi').textContent(), /median time to resolve/);
    assert.equal(await overflow(page), 0, 'no horizontal scroll');
    await screenshot(page, `dashboard-hospital-${label}`);
  });

  pageTest(`the dealer's open, due-soon and breached jobs on a ${label}`, context, async ({ page }) => {
    await loginThroughForm(page, demo('dealer'));
    await checkTile(page, 'Open jobs', 1);
    const soon = tileOf(page, 'Due soon');
    assert.ok((await soon.locator('tbody tr time').count()) >= 1, 'a ticket due soon');
    const br = tileOf(page, 'Breached');
    assert.match(await br.locator('tbody').textContent(), /Pump alarm keeps sounding/);
    assert.equal(await overflow(page), 0, 'no horizontal scroll');
    await screenshot(page, `dashboard-dealer-${label}`);
  });

  pageTest(`tenant staff's ticket volume and open tickets on a ${label}`, context, async ({ page }) => {
    await loginThroughForm(page, tenantAdmin());
    await checkTile(page, 'Open tickets', 1);
    const vol = await checkTile(page, 'Ticket volume', 1);
    // the numbers behind the columns open under "The numbers": 30 days
    await vol.locator('summary').click();
    assert.equal(await vol.locator('tbody tr').count(), 30);
    assert.ok(await vol.locator('tbody tr').first().isVisible());
    const svg = await vol.locator('svg').boundingBox();
    const viewport = page.viewportSize();
    assert.ok(svg.width <= viewport.width, `the chart fits the screen (${svg.width})`);
    assert.equal(await overflow(page), 0, 'no horizontal scroll');
    await screenshot(page, `dashboard-global-service-${label}`);
  });
}

pageTest('the service provider sees its jobs and utilization, readable on a phone', { context: PHONE }, async ({ page }) => {
  await loginThroughForm(page, demo('service_provider'));
  await checkTile(page, 'Jobs', 1);
  const ut = tileOf(page, 'Utilization');
  assert.match(await ut.locator('p.kpi').textContent(), /50\.0% of 2 active engineers/);
  const size = await ut.locator('p.kpi .value').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 24, `the KPI is large (${size}px)`);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'dashboard-service-provider-phone');
});
