// The price pages: the price check (a form, the amount, FX and tax, and the provenance as a
// readable trace; the API's refusals on the page), the price list behind the session cookie
// and the dealer dashboard's "Price list" tile. Each must show what the API answers the same
// user; nothing of another tenant or organization may show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { post, put, get, adminWorld, orgUser, Visitor } from './lib.mjs';

const unescape = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
const main = (html) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)[1];
const fieldError = (html, id) => {
  const m = new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(html);
  return m ? unescape(m[1]) : null;
};
const flash = (html) => [...html.matchAll(/<p class="flash[^"]*" role="(?:status|alert)">([\s\S]*?)<\/p>/g)].map((m) => unescape(m[1]));
const options = (html, id) => {
  const sel = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  assert.ok(sel, `a select #${id}`);
  return [...sel[1].matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map((m) => [m[1], unescape(m[3]), !!m[2]]);
};
const trace = (html) => {
  const t = /<table class="data trace">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  if (!t) return null;
  // [what, outcome, why]: the outcome's badge and the reason share the second cell
  return [...t[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => {
    const c = [...r[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    return [unescape(c[0]), unescape(/<span class="badge[^"]*">([^<]*)<\/span>/.exec(c[1])[1]), unescape(/<span class="why">([\s\S]*?)<\/span>/.exec(c[1])[1])];
  });
};
const amount = (html) => {
  const m = /<span class="value" data-amount>([^<]*)<\/span>/.exec(html);
  return m ? m[1] : null;
};
const props = (html) => Object.fromEntries([...html.matchAll(/<dt>([^<]*)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g)].map((m) => [m[1], unescape(m[2])]));

function assertPage(r, status, title = 'Price check') {
  assert.equal(r.status, status, `${r.status}: ${r.text.slice(0, 3000)}`);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<header class="site">/, 'in the layout');
  if (title) assert.ok(r.text.includes(`<title>${title} · Trellis</title>`), `title ${title}`);
}

function assertErrorPage(r, status) {
  assertPage(r, status, null);
  assert.match(r.text, /<section class="problem">/);
  assert.match(r.text, new RegExp(`<p class="code">${status}</p>`));
}

async function visitor(tenant, email, password) {
  const v = new Visitor();
  const r = await v.login({ tenant, email, password });
  assert.equal(r.status, 303, r.text);
  return v;
}

let seq = 0;
async function member(w, org, role = 'org_admin') {
  const email = `pp${seq++}-${role}@org${org.id}.test`;
  const u = await orgUser(w, org.id, role, email);
  return { ...u, v: await visitor(w.t.slug, email, `pw-${email}-secret`) };
}

const created = (r) => {
  assert.equal(r.status, 201, r.text);
  return r.json;
};

// Example B in a fresh tenant (as tests/e2e/79-prices builds it), with Visitors signed in.
async function world(prefix = 'pp') {
  const w = await adminWorld(prefix, { org: true, channels: true, catalog_publishing: true, price_books: true, price_resolution: true });
  const org = async (name, type) => created(await post('/v1/orgs', { name, type }, w.admin));
  const relate = async (parent, child, type) => created(await post(`/v1/orgs/${parent.id}/relationships`, { child_org_id: child.id, relation_type: type }, w.admin));
  w.acme = await org('ACME', 'manufacturer');
  w.biomed = await org('BioMed', 'manufacturer');
  w.d1 = await org('D1', 'distributor');
  w.dl1 = await org('DL1', 'dealer');
  w.dl2 = await org('DL2', 'dealer');
  await relate(w.acme, w.d1, 'distributor_of');
  await relate(w.d1, w.dl1, 'dealer_of');
  await relate(w.d1, w.dl2, 'dealer_of');
  await relate(w.biomed, w.dl1, 'dealer_of');
  w.ch = created(await post('/v1/channels', { name: 'DealerChannel', type: 'dealer' }, w.admin));
  w.ch2 = created(await post('/v1/channels', { name: 'Online', type: 'online' }, w.admin));
  w.pa = created(await post('/v1/products', { manufacturer_id: w.acme.id, name: 'P-A', category: 'analyzers' }, w.admin));
  w.pb = created(await post('/v1/products', { manufacturer_id: w.biomed.id, name: 'P-B', category: 'monitors' }, w.admin));
  w.sa1 = created(await post('/v1/skus', { product_id: w.pa.id, sku_code: 'S-A1' }, w.admin));
  w.sb1 = created(await post('/v1/skus', { product_id: w.pb.id, sku_code: 'S-B1' }, w.admin));
  const publish = async (ch, by, to, sku) => created(await post(`/v1/channels/${ch.id}/catalog/publish`, { publisher_org_id: by.id, org_id: to.id, items: [{ sku_id: sku.id }] }, w.admin));
  await publish(w.ch, w.acme, w.d1, w.sa1);
  await publish(w.ch, w.d1, w.dl1, w.sa1);
  await publish(w.ch, w.d1, w.dl2, w.sa1);
  await publish(w.ch, w.biomed, w.dl1, w.sb1);
  await publish(w.ch2, w.biomed, w.dl1, w.sb1);
  const book = async (body) => created(await post('/v1/price-books', { currency: 'EUR', ...body }, w.admin));
  const rule = async (b, body) => created(await post('/v1/price-rules', { price_book_id: b.id, ...body }, w.admin));
  w.oc = await book({ name: 'DL1 at DealerChannel', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id });
  w.ocA1 = await rule(w.oc, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '950' });
  w.chb = await book({ name: 'DealerChannel', scope_type: 'channel', channel_id: w.ch.id });
  w.chB1 = await rule(w.chb, { selector: 'sku', selector_value: String(w.sb1.id), rule_type: 'fixed', value: '1000' });
  w.chB1off = await rule(w.chb, { selector: 'sku', selector_value: String(w.sb1.id), rule_type: 'discount', value: '5' });
  w.chA1 = await rule(w.chb, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '1000' });
  w.v = await visitor(w.t.slug, w.t.admin.email, w.t.admin.password);
  return w;
}

const check = (v, params) => v.get(`/prices/check?${new URLSearchParams(params)}`);

test('the price check shows the amount and the provenance as a trace, as the API answers them', async () => {
  const w = await world('ppok');
  const empty = await w.v.get('/prices/check');
  assertPage(empty, 200);
  assert.equal(amount(empty.text), null);
  assert.equal(trace(empty.text), null);
  assert.deepEqual(options(empty.text, 'f-org').map((o) => o[1]), ['None (tenant-wide prices)', 'ACME', 'BioMed', 'D1', 'DL1', 'DL2']);
  assert.deepEqual(options(empty.text, 'f-channel').map((o) => o[1]), ['None', 'DealerChannel', 'Online']);

  const r = await check(w.v, { sku_code: 'S-B1', org_id: w.dl1.id, channel_id: w.ch.id });
  assertPage(r, 200);
  assert.equal(amount(r.text), '950.00 EUR');
  assert.equal(props(r.text)['Book and rule'], `book ${w.chb.id}, rule ${w.chB1off.id} (base from book ${w.chb.id}, rule ${w.chB1.id})`);
  const api = (await get(`/v1/prices/resolve?sku_id=${w.sb1.id}&org_id=${w.dl1.id}&channel_id=${w.ch.id}`, w.admin)).json;
  const rows = trace(r.text);
  assert.equal(rows.length, api.provenance.length);
  assert.deepEqual(rows.map((x) => [x[1], x[2]]), api.provenance.map((l) => [l.taken ? 'taken' : 'passed over', l.reason]));
  assert.deepEqual(rows.map((x) => x[0]), [
    `Book ${w.oc.id} “DL1 at DealerChannel” · org_channel · EUR`,
    `Book ${w.chb.id} “DealerChannel” · channel · EUR`,
    `↳ Rule ${w.chB1.id} · fixed 1000.00 · sku ${w.sb1.id}`,
    `↳ Rule ${w.chB1off.id} · discount 5 · sku ${w.sb1.id}`,
  ]);
  // the form keeps what was asked; the organization and channel stay selected
  assert.deepEqual(options(r.text, 'f-org').find((o) => o[2]), [String(w.dl1.id), 'DL1', true]);
  assert.deepEqual(options(r.text, 'f-channel').find((o) => o[2]), [String(w.ch.id), 'DealerChannel', true]);
  assert.match(r.text, /<input id="f-sku" name="sku_code" value="S-B1"/);
  assert.ok(r.text.includes(`<a href="/prices/list.csv?org_id=${w.dl1.id}&amp;channel_id=${w.ch.id}&amp;currency=EUR">`));

  // FX and tax: the conversion and net, tax, gross; their lines in the trace
  created(await post('/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'USD', rate: '1.085', rate_date: '2026-01-01' }, w.admin));
  created(await post('/v1/tax-rates', { region: 'DE', rate: '19', effective_from: '2026-01-01' }, w.admin));
  const x = await check(w.v, { sku_code: 'S-A1', org_id: w.dl1.id, channel_id: w.ch.id, currency: 'USD', region: 'DE', qty: '2', at: '2026-02-01T00:00:00Z' });
  assertPage(x, 200);
  assert.equal(amount(x.text), '1030.75 USD');
  assert.match(x.text, /per unit at quantity 2</);
  const p = props(x.text);
  assert.deepEqual([p.Converted, p.Net, p.Tax, p.Gross, p.At], ['950.00 EUR × 1.085 (rate of 2026-01-01)', '1030.75 USD', '195.84 USD (19 %, region DE)', '1226.59 USD', '2026-02-01T00:00:00.000Z']);
  const xr = trace(x.text);
  assert.deepEqual(xr.slice(-2).map((row) => [row[0], row[1]]), [['FX rate 1.085', 'taken'], ['Tax 19 %', 'taken']]);
  assert.match(xr.at(-1)[2], /^19 % of region 'DE' \(its default rate\), in effect from 2026-01-01: 195\.84 on 1030\.75, rounded once$/);
  assert.ok(x.text.includes('&amp;currency=USD&amp;region=DE">'));
});

test('the price check shows the API\'s refusals on the page, with the form as sent', async () => {
  const w = await world('pperr');
  const bad = await check(w.v, { sku_code: 'S-A1', qty: '0', currency: 'usd', at: 'yesterday' });
  assertPage(bad, 400);
  assert.deepEqual(flash(bad.text), ['Correct the fields marked below.']);
  assert.deepEqual([fieldError(bad.text, 'f-qty'), fieldError(bad.text, 'f-currency'), fieldError(bad.text, 'f-at')], [
    'must be a positive quantity', 'must be a known ISO 4217 currency code like "EUR"', 'must be an RFC 3339 time like "2026-01-31T12:00:00Z"',
  ]);
  assert.match(bad.text, /<input id="f-qty" name="qty" inputmode="decimal" value="0"/);
  assert.match(bad.text, /value="usd"/);
  // a code nobody has
  const nf = await check(w.v, { sku_code: 'S-ZZ' });
  assertPage(nf, 404);
  assert.equal(fieldError(nf.text, 'f-sku'), 'no SKU you may see has this code');
  // no price: the message and the trace of why
  const np = await check(w.v, { sku_code: 'S-A1', org_id: w.dl1.id, channel_id: w.ch.id, currency: 'JPY' });
  assertPage(np, 404);
  assert.equal(amount(np.text), null);
  assert.match(flash(np.text)[0], /^no book prices SKU \d+ in JPY, and no EUR to JPY rate is in effect on/);
  assert.deepEqual(trace(np.text).at(-1).slice(0, 2), ['FX rate', 'passed over']);
  // no tax rate for the region: 422, with the trace
  const nt = await check(w.v, { sku_code: 'S-A1', org_id: w.dl1.id, channel_id: w.ch.id, region: 'FR' });
  assertPage(nt, 422);
  assert.match(flash(nt.text)[0], /^region 'FR' has no tax rate for SKU \d+ in effect on/);
  assert.deepEqual(trace(nt.text).at(-1).slice(0, 2), ['Tax', 'passed over']);
  // an organization id typed by hand that names nothing
  const org = await check(w.v, { sku_code: 'S-A1', org_id: '999999999' });
  assertPage(org, 404);
  assert.equal(fieldError(org.text, 'f-org'), 'names no organization of this tenant');
});

test('organizations\' users: a dealer prices for itself, a distributor also for its dealers; the list behind the cookie; the tile', async () => {
  const w = await world('ppacc');
  const dl1 = await member(w, w.dl1, 'viewer');
  const d1 = await member(w, w.d1);
  const acme = await member(w, w.acme);
  // the dealer: its own organization is the only choice, and the default
  const page = await check(dl1.v, { sku_code: 'S-A1', channel_id: w.ch.id });
  assertPage(page, 200);
  assert.deepEqual(options(page.text, 'f-org'), [[String(w.dl1.id), 'DL1', true]]);
  assert.equal(amount(page.text), '950.00 EUR');
  const other = await check(dl1.v, { sku_code: 'S-A1', channel_id: w.ch.id, org_id: w.dl2.id });
  assertPage(other, 403);
  assert.match(flash(other.text)[0], /prices for its own organization only/);
  // the distributor: itself and its dealers
  const dp = await d1.v.get('/prices/check');
  assert.deepEqual(options(dp.text, 'f-org').map((o) => o[1]), ['D1', 'DL1', 'DL2']);
  assert.equal(amount((await check(d1.v, { sku_code: 'S-A1', channel_id: w.ch.id, org_id: w.dl2.id })).text), '1000.00 EUR');
  // ACME sees its own S-A1 only; BioMed's S-B1 is not a code it may see
  assert.equal(fieldError((await check(acme.v, { sku_code: 'S-B1' })).text, 'f-sku'), 'no SKU you may see has this code');

  // the dealer's dashboard tile links each channel's list; the list is the API's, byte for byte
  const dash = await dl1.v.get('/dashboard');
  assert.equal(dash.status, 200);
  const tile = /<section class="tile">\s*<h2>Price list<\/h2>([\s\S]*?)<\/section>/.exec(dash.text);
  assert.ok(tile, 'a Price list tile');
  const links = [...tile[1].matchAll(/<li><a href="([^"]*)" download>([^<]*)<\/a><\/li>/g)].map((m) => [m[1].replace(/&amp;/g, '&'), m[2]]);
  assert.deepEqual(links, [[`/prices/list.csv?channel_id=${w.ch.id}`, 'DealerChannel (CSV)'], [`/prices/list.csv?channel_id=${w.ch2.id}`, 'Online (CSV)']]);
  assert.match(tile[1], /<a href="\/prices\/check">Check a price<\/a>/);
  const file = await dl1.v.get(links[0][0]);
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type'), /^text\/csv/);
  assert.equal(file.headers.get('content-disposition'), `attachment; filename="prices-org${w.dl1.id}-channel${w.ch.id}-EUR.csv"`);
  const api = await get(`/v1/prices/list.csv?org_id=${w.dl1.id}&channel_id=${w.ch.id}`, w.admin);
  assert.equal(file.text, api.text);
  assert.equal(file.text.split('\r\n').length, 4);
  // the page route's refusals are pages
  assertErrorPage(await dl1.v.get('/prices/list.csv'), 400);
  assertErrorPage(await dl1.v.get(`/prices/list.csv?channel_id=${w.ch.id}&org_id=${w.dl2.id}`), 403);
  // the other organizations' dashboards have no such tile
  assert.ok(!(await d1.v.get('/dashboard')).text.includes('<h2>Price list</h2>'));
  // without a session: to the login page
  const anon = await new Visitor().get('/prices/check');
  assert.equal(anon.status, 303);
  assert.match(anon.location, /^\/login\?next=/);
  const anonList = await new Visitor().get(`/prices/list.csv?channel_id=${w.ch.id}`);
  assert.equal(anonList.status, 303);
});

test('RBAC, the feature flag and another tenant: 403 and 404 pages, nothing of ours', async () => {
  const w = await world('pprb');
  const eng = await member(w, w.dl1, 'engineer');
  assertErrorPage(await eng.v.get('/prices/check'), 403);
  assertErrorPage(await eng.v.get(`/prices/list.csv?channel_id=${w.ch.id}`), 403);
  assert.ok(!(await eng.v.get('/dashboard')).text.includes('<h2>Price list</h2>'));
  // another tenant names our organization and our SKU code: nothing of ours shows
  const o = await adminWorld('ppo', { org: true, channels: true, catalog_publishing: true, price_books: true, price_resolution: true });
  const ov = await visitor(o.t.slug, o.t.admin.email, o.t.admin.password);
  assert.equal(fieldError((await check(ov, { sku_code: 'S-A1' })).text, 'f-sku'), 'no SKU you may see has this code');
  assertErrorPage(await ov.get(`/prices/list.csv?org_id=${w.dl1.id}&channel_id=${w.ch.id}`), 404);
  const oo = await ov.get('/prices/check');
  assert.ok(!oo.text.includes('DL1') && !oo.text.includes('DealerChannel'));
  // the flag off: 404 feature_disabled pages, and no tile
  const dl1 = await member(w, w.dl1, 'viewer');
  assert.equal((await put('/v1/settings', { flags: { price_resolution: false } }, w.admin)).status, 200);
  const off = await w.v.get('/prices/check');
  assertErrorPage(off, 404);
  assert.match(off.text, /not enabled/);
  assertErrorPage(await dl1.v.get(`/prices/list.csv?channel_id=${w.ch.id}`), 404);
  assert.ok(!(await dl1.v.get('/dashboard')).text.includes('<h2>Price list</h2>'));
});
