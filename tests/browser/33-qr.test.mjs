// The QR flow in a browser: on a phone, the public page of a piece of equipment fits the
// screen, the form is filled and sent, and the thanks are shown, with the ticket there for
// the tenant; the equipment page draws its QR code and the label sheet prints three across.
// Equipment is made through the API in the demo tenant. Screenshots go to
// test-results/screenshots/.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, pageTest, tenantAdmin, loginThroughForm, submitForm, screenshot, pathOf, flashText, api, apiToken } from './lib.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

let admin;
let eq;
let eq2;
let eq3;

before(async () => {
  // nginx limits /q/ per address: wait out a suite that used the allowance up just before
  for (let i = 0; i < 30; i++) {
    const r = await fetch(`${BASE}/q/AAAAAAAAAAAAAAAAAAAAAA`);
    if (r.status !== 429) break;
    await new Promise((res) => setTimeout(res, 2000));
  }
  admin = await apiToken(tenantAdmin());
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const make = async (body) => {
    const r = await api('POST', '/v1/equipment', body, admin);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  eq = await make({ serial: `QR-PHONE-${stamp}`, site: 'Ward 3, east wing, second floor by the nurses\' station' });
  eq2 = await make({ serial: `QR-LABEL-${stamp}`, site: 'Theatre 1' });
  eq3 = await make({ serial: `QR-LONG-SERIAL-${stamp}-`.padEnd(100, '0123456789'),
    site: 'Building B, Radiology department, second floor, room 214 (CT suite), next to the nurses\' station, '.repeat(2) });
});

pageTest('on a phone: open the QR page, fill the request, send it, see the thanks', { context: PHONE }, async ({ page }) => {
  const r = await page.goto(new URL(eq.qr_url).pathname);
  assert.equal(r.status(), 200);
  assert.equal(await page.locator('h1').textContent(), 'Request service');
  assert.match(await page.locator('dl.qr-equipment').textContent(), new RegExp(eq.serial));
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  // the honeypot is out of sight; the fields and the button span the screen
  const hp = await page.locator('input[name=website]').boundingBox();
  assert.ok(!hp || hp.x + hp.width <= 0, `honeypot off-screen: ${JSON.stringify(hp)}`);
  const button = await page.locator('form.stack button[type=submit]').boundingBox();
  assert.ok(button.width >= 250, `the button is wide enough for a thumb (${button.width})`);
  const fontSize = await page.locator('textarea[name=description]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 16, `16px text in the fields keeps phones from zooming (${fontSize})`);
  await screenshot(page, 'qr-page-phone');

  const form = page.locator('form.stack');
  await form.locator('select[name=severity]').selectOption('high');
  await form.locator('input[name=title]').fill('Pump alarm keeps sounding');
  await form.locator('textarea[name=description]').fill('The infusion pump alarms every few minutes.\nBattery is full.');
  await form.locator('input[name=contact_name]').fill('Ana Nurse');
  await form.locator('input[name=contact_email]').fill('ana@h1.example');
  await screenshot(page, 'qr-page-phone-filled');
  const sent = await submitForm(page, form);
  assert.equal(sent.status(), 200);
  assert.equal(await page.locator('h1').textContent(), 'Thank you');
  assert.match(await flashText(page), /Your service request was sent/);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'qr-thanks-phone');
  // the thanks came by a redirect: reloading them sends nothing again
  assert.equal(new URL(page.url()).search, '?sent=1');
  await page.reload();
  assert.equal(await page.locator('h1').textContent(), 'Thank you');

  const tickets = await api('GET', `/v1/tickets?equipment_id=${eq.id}`, undefined, admin);
  assert.equal(tickets.status, 200, tickets.text);
  assert.equal(tickets.json.data.length, 1);
  assert.deepEqual([tickets.json.data[0].status, tickets.json.data[0].title], ['open', 'Pump alarm keeps sounding']);
});

pageTest('on a phone: a missing description is kept from being sent, an unknown code is a 404 page', { context: PHONE, allow: [/status of 404/] }, async ({ page }) => {
  await page.goto(new URL(eq.qr_url).pathname);
  // the browser's own check: required, so nothing is posted
  await page.locator('form.stack button[type=submit]').click();
  assert.equal(await page.locator('textarea[name=description]').evaluate((el) => el.validity.valueMissing), true);
  assert.equal(await page.locator('h1').textContent(), 'Request service');
  const r = await page.goto('/q/AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(r.status(), 404);
  assert.match(await page.locator('section.problem').textContent(), /does not open service requests/);
  assert.equal(await overflow(page), 0, 'no horizontal scroll');
  await screenshot(page, 'qr-unknown-phone');
});

pageTest('the equipment page draws its QR code; the label sheet prints three across without the site chrome', async ({ page }) => {
  await loginThroughForm(page, tenantAdmin());
  await page.goto(`/equipment/${eq.id}`);
  assert.equal(pathOf(page), `/equipment/${eq.id}`);
  const qr = page.locator('figure.qr svg');
  assert.equal(await qr.getAttribute('aria-label'), `QR code of ${eq.serial}`);
  const box = await qr.boundingBox();
  assert.ok(box.width >= 150 && Math.abs(box.width - box.height) < 1, JSON.stringify(box));
  assert.match(await page.locator('dl.props').textContent(), new RegExp(eq.qr_url.replace(/[.?]/g, '\\$&')));
  await screenshot(page, 'equipment-detail');

  await page.goto(`/equipment/labels?ids=${eq.id},${eq2.id},${eq3.id}`);
  assert.equal(await page.locator('li.label').count(), 3);
  assert.deepEqual(await page.locator('li.label p.serial').allTextContents(), [eq.serial, eq2.serial, eq3.serial]);
  await screenshot(page, 'equipment-labels');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.site').isVisible(), false);
  assert.equal(await page.locator('footer.site').isVisible(), false);
  const cols = await page.locator('ul.labels').evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  assert.equal(cols, 3);
  const label = await page.locator('li.label').first().boundingBox();
  // 34 mm at 96 px per inch
  assert.ok(Math.abs(label.height - (34 / 25.4) * 96) < 2, `label height ${label.height}`);
  // a long serial and site: the serial stays whole on the label, the site is cut instead
  const inside = await page.locator('li.label').evaluateAll((lis) => lis.map((li) => {
    const b = li.getBoundingClientRect();
    const p = li.querySelector('p.serial');
    const s = p.getBoundingClientRect();
    return s.top >= b.top && s.bottom <= b.bottom && p.scrollHeight <= p.clientHeight + 1;
  }));
  assert.deepEqual(inside, [true, true, true]);
  await screenshot(page, 'equipment-labels-print');
  // the list's filters with a limit: the note names it
  await page.emulateMedia({ media: 'screen' });
  await page.goto('/equipment/labels?limit=2');
  assert.equal(await page.locator('li.label').count(), 2);
  assert.match(await page.locator('p.note').textContent(), /The sheet stops at 2: narrow the filters to print the rest\./);
});
