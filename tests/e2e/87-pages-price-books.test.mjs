// The price book pages over real HTTP: the list with its filters and pager, the new-book form,
// a book with its rules, the add-rule form, the delete and retire buttons. Each page shows what
// the API answers the same user, each form changes data through the API's rules (CSRF,
// validation, If-Match, retired books), the API's reasons appear on the form as sent, and
// nothing of another owner or tenant shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, post, put, orgUser, adminWorld, sql, Visitor } from './lib.mjs';

const unescape = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
const main = (html) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)[1];
const fieldError = (html, id) => {
  const m = new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(html);
  return m ? unescape(m[1]) : null;
};
const flash = (html) => [...html.matchAll(/<p class="flash[^"]*" role="(?:status|alert)">([\s\S]*?)<\/p>/g)].map((m) => unescape(m[1]));
const inputValue = (html, id) => {
  const m = new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(html);
  return m ? unescape(m[1]) : null;
};
const selected = (html, id) => {
  const sel = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  const m = sel && /<option value="([^"]*)" selected>/.exec(sel[1]);
  return m ? m[1] : null;
};
const writes = (tid) => sql(`SELECT (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM price_books WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM price_rules WHERE tenant_id = ${tid})`);
const nav = (html) => [.../<nav aria-label="Main">([\s\S]*?)<\/nav>/.exec(html)[1].matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);

// The body rows of the first table after caption (or the first table), each a list of cell texts.
function tableRows(html, caption) {
  let part = html;
  if (caption) {
    const i = html.indexOf(`<caption>${caption}`);
    assert.ok(i >= 0, `a table "${caption}"`);
    part = html.slice(i);
  }
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(part);
  assert.ok(body, 'a table');
  return [...body[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1])));
}

function assertPage(r, status, title) {
  assert.equal(r.status, status, `${r.status}: ${r.text.slice(0, 3000)}`);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<header class="site">/, 'in the layout');
  assert.match(r.text, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  if (title) assert.ok(r.text.includes(`<title>${title} · Trellis</title>`), `title ${title}`);
}

function assertErrorPage(r, status) {
  assertPage(r, status);
  assert.match(r.text, /<section class="problem">/);
  assert.match(r.text, new RegExp(`<p class="code">${status}</p>`));
}

async function visitor(tenant, email, password) {
  const v = new Visitor();
  const r = await v.login({ tenant, email, password });
  assert.equal(r.status, 303, r.text);
  return v;
}

async function created(r) {
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// A tenant with ACME (manufacturer, P-A with S-A1 in category analyzers), D1 (distributor),
// DL1 (dealer), the Dealer channel, and the tenant admin signed in.
async function world(prefix = 'pbp') {
  const w = await adminWorld(prefix, { org: true, channels: true, catalog_publishing: true, price_books: true });
  const org = async (name, type) => created(await post('/v1/orgs', { name, type }, w.admin));
  w.acme = await org('ACME', 'manufacturer');
  w.d1 = await org('D1', 'distributor');
  w.dl1 = await org('DL1', 'dealer');
  w.ch = await created(await post('/v1/channels', { name: 'Dealer channel', type: 'dealer' }, w.admin));
  w.pa = await created(await post('/v1/products', { manufacturer_id: w.acme.id, name: 'P-A', category: 'analyzers' }, w.admin));
  w.sa1 = await created(await post('/v1/skus', { product_id: w.pa.id, sku_code: 'S-A1' }, w.admin));
  w.v = await visitor(w.t.slug, w.t.admin.email, w.t.admin.password);
  return w;
}

let seq = 0;
async function member(w, org, role = 'org_admin') {
  const email = `pbp${seq++}-${role}@org${org.id}.test`;
  const u = await orgUser(w, org.id, role, email);
  return { ...u, v: await visitor(w.t.slug, email, `pw-${email}-secret`) };
}

const book = async (w, token, body) => created(await post('/v1/price-books', { currency: 'EUR', scope_type: 'global', name: 'Book', ...body }, token));

test('the list shows the books by name and scope in words, filters them and pages through them', async () => {
  const w = await world();
  const oc = await book(w, w.admin, { name: 'DL1 at the dealer channel', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id, owner_org_id: w.d1.id });
  const ch = await book(w, w.admin, { name: 'Dealer channel', scope_type: 'channel', channel_id: w.ch.id, status: 'draft', priority: 3 });
  const gl = await book(w, w.admin, { name: 'List <prices> & co', currency: 'USD', effective_from: '2025-01-01T00:00:00Z' });
  await post('/v1/price-rules', { price_book_id: oc.id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'fixed', value: '950' }, w.admin);

  const r = await w.v.get('/price-books');
  assertPage(r, 200, 'Price books');
  assert.ok(nav(r.text).includes('/price-books'));
  assert.match(r.text, /<a href="\/price-books" aria-current="page">Price books<\/a>/);
  assert.match(main(r.text), /<a href="\/price-books\/new">New price book<\/a>/);
  // every value through the escaping of the templates
  assert.ok(r.text.includes('List &lt;prices&gt; &amp; co'));
  assert.deepEqual(tableRows(r.text, 'Price books'), [
    [String(oc.id), 'DL1 at the dealer channel', 'DL1 at Dealer channel org_channel', 'EUR', '0', 'active', '—', '—', '1', 'D1'],
    [String(ch.id), 'Dealer channel', 'the Dealer channel channel', 'EUR', '3', 'draft', '—', '—', '0', 'the tenant'],
    [String(gl.id), 'List <prices> & co', 'everyone global', 'USD', '0', 'active', '2025-01-01T00:00:00.000Z', '—', '0', 'the tenant'],
  ]);
  const f = await w.v.get('/price-books?status=draft');
  assert.deepEqual(tableRows(f.text, 'Price books').map((x) => x[1]), ['Dealer channel']);
  assert.equal(selected(f.text, 'f-status'), 'draft');
  assert.deepEqual(tableRows((await w.v.get('/price-books?scope_type=global&currency=USD')).text, 'Price books').map((x) => x[0]), [String(gl.id)]);
  assert.deepEqual(tableRows((await w.v.get(`/price-books?org_id=${w.dl1.id}`)).text, 'Price books').map((x) => x[0]), [String(oc.id)]);
  assert.deepEqual(tableRows((await w.v.get('/price-books?currency=JPY')).text, 'Price books'), [['No price books match.']]);
  // the API's refusal of a filter, next to it
  const bad = await w.v.get('/price-books?currency=euro&scope_type=region');
  assertPage(bad, 400);
  assert.equal(fieldError(bad.text, 'f-currency'), 'must be an active ISO 4217 code like EUR');
  assert.equal(fieldError(bad.text, 'f-scope'), 'must be one of global, org, channel, org_channel');
  assert.deepEqual(flash(bad.text), ['Some filters are not valid: correct the fields marked below.']);
  // pages of 2 with the filters kept
  const p1 = await w.v.get('/price-books?limit=2&currency=');
  assert.deepEqual(tableRows(p1.text, 'Price books').map((x) => x[0]), [String(oc.id), String(ch.id)]);
  const next = /<a rel="next" href="([^"]*)">/.exec(p1.text)[1].replace(/&amp;/g, '&');
  assert.match(next, /^\/price-books\?limit=2&cursor=/);
  const p2 = await w.v.get(next);
  assert.deepEqual(tableRows(p2.text, 'Price books').map((x) => x[0]), [String(gl.id)]);
  assert.doesNotMatch(p2.text, /rel="next"/);
  assert.match(p2.text, /First page<\/a>/);
});

test('the new-book form creates a book through the API; its reasons come back on the form as sent', async () => {
  const w = await world();
  const form = await w.v.get('/price-books/new');
  assertPage(form, 200, 'New price book');
  assert.match(form.text, /<form class="stack" method="post" action="\/price-books">/);
  assert.equal(inputValue(form.text, 'currency'), 'EUR');
  // selects of the tenant's organizations, channels and possible owners
  assert.match(form.text, new RegExp(`<option value="${w.dl1.id}">DL1</option>`));
  assert.match(form.text, new RegExp(`<option value="${w.ch.id}">Dealer channel</option>`));
  const owners = /<select id="owner_org_id"[^>]*>([\s\S]*?)<\/select>/.exec(form.text)[1];
  assert.deepEqual([...owners.matchAll(/<option value="(\d+)">([^<]*)</g)].map((m) => m[2]), ['ACME', 'D1']);

  const before = writes(w.t.id);
  const bad = await w.v.post('/price-books', {
    name: 'Summer', scope_type: 'org', org_id: '', channel_id: String(w.ch.id), currency: 'eur', priority: 'high',
    effective_from: '2025-09-01T00:00', effective_to: '2025-06-01T00:00', status: 'active', owner_org_id: '',
  });
  assertPage(bad, 400, 'New price book');
  assert.deepEqual(flash(bad.text), ['Nothing was saved: correct the fields marked below.']);
  assert.equal(fieldError(bad.text, 'org_id'), 'is required for scope_type org');
  assert.equal(fieldError(bad.text, 'channel_id'), 'must be null for scope_type org');
  assert.equal(fieldError(bad.text, 'currency'), 'must be an active ISO 4217 code like EUR');
  assert.equal(fieldError(bad.text, 'priority'), 'must be an integer');
  // what was typed stays
  assert.deepEqual([inputValue(bad.text, 'name'), inputValue(bad.text, 'currency'), inputValue(bad.text, 'priority'), inputValue(bad.text, 'effective_from')],
    ['Summer', 'eur', 'high', '2025-09-01T00:00']);
  assert.equal(selected(bad.text, 'scope_type'), 'org');
  assert.equal(selected(bad.text, 'channel_id'), String(w.ch.id));
  const window = await w.v.post('/price-books', { name: 'Summer', scope_type: 'global', currency: 'EUR', effective_from: '2025-09-01T00:00', effective_to: '2025-06-01T00:00' });
  assertPage(window, 400);
  assert.equal(fieldError(window.text, 'effective_to'), 'must be after effective_from');
  const owner = await w.v.post('/price-books', { name: 'X', scope_type: 'global', currency: 'EUR', owner_org_id: String(w.dl1.id) });
  assertPage(owner, 422);
  assert.equal(fieldError(owner.text, 'owner_org_id'), 'names no manufacturer or distributor organization of this tenant');
  // without the CSRF token nothing happens
  const forged = await w.v.post('/price-books', { name: 'Forged', scope_type: 'global', currency: 'EUR' }, { csrf: false });
  assertErrorPage(forged, 403);
  assert.equal(writes(w.t.id), before);

  const ok = await w.v.post('/price-books', {
    name: 'Summer', scope_type: 'org_channel', org_id: String(w.dl1.id), channel_id: String(w.ch.id), currency: 'EUR', priority: '5',
    effective_from: '2025-06-01T00:00', effective_to: '2025-09-01T12:30:15', status: 'draft', owner_org_id: String(w.d1.id),
  });
  assert.equal(ok.status, 303, ok.text);
  const id = Number(/^\/price-books\/(\d+)\?done=book_created$/.exec(ok.location)[1]);
  const api = (await req('GET', `/v1/price-books/${id}`, { headers: { authorization: `Bearer ${w.admin}` } })).json;
  assert.deepEqual([api.name, api.scope_type, api.org_id, api.channel_id, api.priority, api.status, api.owner_org_id, api.effective_from, api.effective_to],
    ['Summer', 'org_channel', w.dl1.id, w.ch.id, 5, 'draft', w.d1.id, '2025-06-01T00:00:00.000Z', '2025-09-01T12:30:15.000Z']);
  const page = await w.v.get(ok.location);
  assertPage(page, 200, 'Summer');
  assert.deepEqual(flash(page.text), ['The price book was created.']);
});

test("a book's page lists its rules; the add-rule form takes a SKU by its code; delete and retire buttons", async () => {
  const w = await world();
  const b = await book(w, w.admin, { name: 'DL1', scope_type: 'org', org_id: w.dl1.id });
  const r0 = await created(await post('/v1/price-rules', { price_book_id: b.id, selector: 'category', selector_value: 'analyzers', rule_type: 'discount', value: '2.50', min_qty: '10' }, w.admin));
  const page = await w.v.get(`/price-books/${b.id}`);
  assertPage(page, 200, 'DL1');
  const props = Object.fromEntries([.../<dt>([^<]*)<\/dt><dd>([\s\S]*?)<\/dd>/g[Symbol.matchAll](page.text)].map((m) => [m[1], unescape(m[2])]));
  assert.deepEqual([props['Prices for'], props.Organization, props.Currency, props.Status, props.From, props.Until, props['Managed by'], props.Version],
    ['DL1 (org)', 'DL1', 'EUR', 'active', 'always', 'no end', 'the tenant', '2']);
  assert.deepEqual(tableRows(page.text, 'Every rule'), [[String(r0.id), 'analyzers category', 'discount', '2.5 %', '10', 'Delete']]);

  // a SKU by its code, an amount in the book's currency
  const before = writes(w.t.id);
  const add = await w.v.post(`/price-books/${b.id}/rules`, { selector: 'sku', selector_value: 'S-A1', rule_type: 'fixed', value: '950', min_qty: '' });
  assert.equal(add.status, 303, add.text);
  assert.equal(add.location, `/price-books/${b.id}?done=rule_added#rules`);
  const after = await w.v.get(add.location);
  assert.deepEqual(flash(after.text), ['The rule was added.']);
  const rows = tableRows(after.text, 'Every rule');
  assert.deepEqual(rows.map((x) => x.slice(1, 5)), [['analyzers category', 'discount', '2.5 %', '10'], ['SKU S-A1 sku', 'fixed', '950.00 EUR', '—']]);
  const rid = Number(rows[1][0]);
  assert.equal(sql(`SELECT selector_value FROM price_rules WHERE tenant_id = ${w.t.id} AND id = ${rid}`), String(w.sa1.id));

  // the API's reasons on the form as sent
  const mid = writes(w.t.id);
  const bad = await w.v.post(`/price-books/${b.id}/rules`, { selector: 'sku', selector_value: 'NO-SUCH', rule_type: 'fixed', value: '950.001', min_qty: '0' });
  assertPage(bad, 400, 'DL1');
  assert.deepEqual(flash(bad.text), ['Nothing was saved: correct the fields marked below.']);
  assert.equal(fieldError(bad.text, 'selector_value'), 'must be a positive id');
  assert.equal(fieldError(bad.text, 'value'), 'has more than 2 decimals');
  assert.equal(fieldError(bad.text, 'min_qty'), 'must be a positive quantity');
  assert.deepEqual([inputValue(bad.text, 'selector_value'), inputValue(bad.text, 'value'), inputValue(bad.text, 'min_qty')], ['NO-SUCH', '950.001', '0']);
  assert.equal(selected(bad.text, 'rule_type'), 'fixed');
  const gone = await w.v.post(`/price-books/${b.id}/rules`, { selector: 'product', selector_value: '999999999', rule_type: 'discount', value: '5' });
  assertPage(gone, 422);
  assert.equal(fieldError(gone.text, 'selector_value'), 'names no product of this tenant');
  assert.equal(selected(gone.text, 'selector'), 'product');
  assertErrorPage(await w.v.post(`/price-books/${b.id}/rules`, { selector: 'all', rule_type: 'discount', value: '5' }, { csrf: false }), 403);
  assert.equal(writes(w.t.id), mid);

  // delete with the rule's version; a stale one is 412 with a message, nothing deleted
  const stale = await w.v.post(`/price-rules/${r0.id}/delete`, { version: '9' });
  assertPage(stale, 412, 'DL1');
  assert.match(flash(stale.text)[0], /Someone changed this rule meanwhile/);
  assert.equal(tableRows(stale.text, 'Every rule').length, 2);
  const del = await w.v.post(`/price-rules/${r0.id}/delete`, { version: '1' });
  assert.equal(del.status, 303, del.text);
  assert.equal(del.location, `/price-books/${b.id}?done=rule_deleted#rules`);
  assert.deepEqual(tableRows((await w.v.get(del.location)).text, 'Every rule').map((x) => x[0]), [String(rid)]);

  // retire with the book's version: final, the forms and buttons go
  const v = (await req('GET', `/v1/price-books/${b.id}`, { headers: { authorization: `Bearer ${w.admin}` } })).json.version;
  assert.equal(v, 4);
  assertPage(await w.v.post(`/price-books/${b.id}/retire`, { version: '3' }), 412);
  const ret = await w.v.post(`/price-books/${b.id}/retire`, { version: String(v) });
  assert.equal(ret.status, 303, ret.text);
  const retired = await w.v.get(ret.location);
  assert.deepEqual(flash(retired.text), ['The price book was retired: it prices nothing any more and stays as it is.']);
  assert.match(main(retired.text), /This book is retired/);
  assert.doesNotMatch(main(retired.text), /action="\/price-books\/\d+\/rules"|\/delete"|\/retire"/);
  // a form still open elsewhere meets the API's 409
  const late = await w.v.post(`/price-books/${b.id}/rules`, { selector: 'all', rule_type: 'discount', value: '5' });
  assertPage(late, 409);
  assert.match(flash(late.text)[0], new RegExp(`Nothing was saved: price book ${b.id} is retired`));
  const lateDel = await w.v.post(`/price-rules/${rid}/delete`, { version: '1' });
  assertPage(lateDel, 409);
  assert.equal(writes(w.t.id).split('\t')[2], '1');
  assert.notEqual(writes(w.t.id), before);
});

test('who sees what: owners their own books, dealers the 403 page and no nav link, viewers no forms, other tenants 404', async () => {
  const w = await world('pbpaccess');
  const tenantBook = await book(w, w.admin, { name: 'Tenant list' });
  const acme = await member(w, w.acme);
  const d1 = await member(w, w.d1);
  const dl1 = await member(w, w.dl1);
  const acmeViewer = await member(w, w.acme, 'viewer');
  const acmeBook = await book(w, acme.token, { name: 'ACME book' });
  await post('/v1/price-rules', { price_book_id: acmeBook.id, selector: 'all', rule_type: 'discount', value: '1' }, acme.token);

  // the manufacturer: its own books, created as its own
  const list = await acme.v.get('/price-books');
  assertPage(list, 200);
  assert.ok(nav(list.text).includes('/price-books'));
  assert.deepEqual(tableRows(list.text, 'Price books').map((x) => [x[1], x[9]]), [['ACME book', 'ACME']]);
  const form = await acme.v.get('/price-books/new');
  assertPage(form, 200);
  assert.match(form.text, /<p>Owner: ACME<\/p>/);
  assert.doesNotMatch(form.text, /id="owner_org_id"/);
  const made = await acme.v.post('/price-books', { name: 'ACME second', scope_type: 'global', currency: 'EUR' });
  assert.equal(made.status, 303, made.text);
  assertErrorPage(await acme.v.get(`/price-books/${tenantBook.id}`), 404);
  assertErrorPage(await d1.v.get(`/price-books/${acmeBook.id}`), 404);
  assert.deepEqual(tableRows((await d1.v.get('/price-books')).text, 'Price books'), [['No price books match.']]);

  // a dealer has no books: no nav link, the 403 page everywhere
  const dash = await dl1.v.get('/dashboard');
  assert.ok(!nav(dash.text).includes('/price-books'));
  for (const path of ['/price-books', '/price-books/new', `/price-books/${acmeBook.id}`]) assertErrorPage(await dl1.v.get(path), 403);
  const before = writes(w.t.id);
  assertErrorPage(await dl1.v.post('/price-books', { name: 'X', scope_type: 'global', currency: 'EUR' }), 403);
  assertErrorPage(await dl1.v.post(`/price-books/${acmeBook.id}/retire`, { version: '2' }), 403);
  // a viewer reads without forms or buttons, and may not post them
  const seen = await acmeViewer.v.get(`/price-books/${acmeBook.id}`);
  assertPage(seen, 200, 'ACME book');
  assert.doesNotMatch(main(seen.text), /<form/);
  assert.doesNotMatch((await acmeViewer.v.get('/price-books')).text, /New price book/);
  assertErrorPage(await acmeViewer.v.get('/price-books/new'), 403);
  assertErrorPage(await acmeViewer.v.post(`/price-books/${acmeBook.id}/rules`, { selector: 'all', rule_type: 'discount', value: '5' }), 403);
  assert.equal(writes(w.t.id), before);

  // another tenant: 404 pages, nothing listed
  const other = await world('pbpother');
  assertErrorPage(await other.v.get(`/price-books/${acmeBook.id}`), 404);
  assertErrorPage(await other.v.post(`/price-books/${acmeBook.id}/rules`, { selector: 'all', rule_type: 'discount', value: '5' }), 404);
  assert.deepEqual(tableRows((await other.v.get('/price-books')).text, 'Price books'), [['No price books match.']]);
  assert.equal(writes(w.t.id), before);

  // the feature off: the 404 page and no nav link
  assert.equal((await put('/v1/settings', { flags: { price_books: false } }, w.admin)).status, 200);
  assertErrorPage(await w.v.get('/price-books'), 404);
  assert.ok(!nav((await w.v.get('/dashboard')).text).includes('/price-books'));
});
