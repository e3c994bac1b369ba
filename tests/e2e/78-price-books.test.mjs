// Price books and rules end to end: the feature flag, create/read/list/patch/retire with ETags
// and If-Match, every validation error writing nothing, rules and their normalised values, the
// book's version going up with every change to it or its rules, audit rows and price.updated
// events field by field, who may do what (tenant admin, a manufacturer's and a distributor's
// own books, dealers refused, viewers read only), and the isolation between tenants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, bearer, login, newTenant, sql, assertProblem, post, put, orgUser, adminWorld, get, patch, RFC3339_MS, assertSchema, ids } from './lib.mjs';

// What a write may leave behind: books, rules, the audit chain and the outbox.
const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM price_books WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM price_rules WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid}), (SELECT COALESCE(SUM(version), 0) FROM price_books WHERE tenant_id = ${tid})`);

const del = (path, token, headers = {}) => req('DELETE', path, { headers: { ...bearer(token), ...headers } });

async function created(r) {
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// A tenant with organizations, channels, a catalog and price books: ACME (manufacturer) with
// product P-A and SKU S-A1, BioMed (manufacturer) with P-B and S-B1, D1 (distributor), DL1
// (dealer), the tenant's Dealer channel.
async function world(prefix = 'pb') {
  const w = await adminWorld(prefix, { org: true, channels: true, catalog_publishing: true, price_books: true });
  const org = async (name, type) => created(await post('/v1/orgs', { name, type }, w.admin));
  w.acme = await org('ACME', 'manufacturer');
  w.biomed = await org('BioMed', 'manufacturer');
  w.d1 = await org('D1', 'distributor');
  w.dl1 = await org('DL1', 'dealer');
  w.ch = await created(await post('/v1/channels', { name: 'Dealer channel', type: 'dealer' }, w.admin));
  w.pa = await created(await post('/v1/products', { manufacturer_id: w.acme.id, name: 'P-A', category: 'analyzers' }, w.admin));
  w.pb = await created(await post('/v1/products', { manufacturer_id: w.biomed.id, name: 'P-B', category: 'monitors' }, w.admin));
  w.sa1 = await created(await post('/v1/skus', { product_id: w.pa.id, sku_code: 'S-A1' }, w.admin));
  w.sb1 = await created(await post('/v1/skus', { product_id: w.pb.id, sku_code: 'S-B1' }, w.admin));
  return w;
}

// A tenant-wide user with role, and its session.
async function tenantUser(w, role, email) {
  const password = `pw-${email}-secret`;
  await created(await post('/v1/users', { email, password, role }, w.admin));
  const s = await login(w.t.slug, email, password);
  assert.equal(s.status, 200, s.text);
  return s.json.access_token;
}

const book = async (token, body) => created(await post('/v1/price-books', { currency: 'EUR', scope_type: 'global', name: 'Book', ...body }, token));
const rule = async (token, body) => created(await post('/v1/price-rules', body, token));
const version = async (id, token) => (await get(`/v1/price-books/${id}`, token)).json.version;

// The audit rows and price.updated events of a tenant from the sequence number / id after.
const auditRows = (tid, entity, id) => sql(`SELECT action, actor_id, COALESCE(org_id, 0), before_json, after_json, request_id FROM audit_log
  WHERE tenant_id = ${tid} AND entity = '${entity}' AND entity_id = ${id} ORDER BY seq`)
  .split('\n').filter(Boolean).map((l) => l.split('\t'))
  .map(([action, actor, org, before, after, rid]) => ({ action, actor: Number(actor), org: Number(org), before: before === 'NULL' ? null : JSON.parse(before), after: after === 'NULL' ? null : JSON.parse(after), rid }));
const events = (tid, bookId) => sql(`SELECT event_type, entity, entity_id, payload, request_id FROM outbox_events
  WHERE tenant_id = ${tid} AND entity = 'price_book' AND entity_id = ${bookId} ORDER BY id`)
  .split('\n').filter(Boolean).map((l) => l.split('\t'))
  .map(([type, entity, id, payload, rid]) => ({ type, entity, id: Number(id), payload: JSON.parse(payload), rid }));

const ROUTES = (b, r) => [
  ['GET', '/v1/price-books'], ['POST', '/v1/price-books', { name: 'X', scope_type: 'global', currency: 'EUR' }],
  ['GET', `/v1/price-books/${b}`], ['PATCH', `/v1/price-books/${b}`, { name: 'Y' }], ['POST', `/v1/price-books/${b}/retire`],
  ['GET', '/v1/price-rules'], ['POST', '/v1/price-rules', { price_book_id: b, selector: 'all', rule_type: 'discount', value: '1' }],
  ['GET', `/v1/price-rules/${r}`], ['PATCH', `/v1/price-rules/${r}`, { value: '2' }], ['DELETE', `/v1/price-rules/${r}`],
];
const call = (token, [method, path, body]) => req(method, path, {
  body: body === undefined ? undefined : JSON.stringify(body),
  headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
});

test('the price_books feature gates every route (404 feature_disabled), writing nothing', async () => {
  const w = await world('pbflag');
  const b = await book(w.admin, { name: 'Before the switch' });
  const r = await rule(w.admin, { price_book_id: b.id, selector: 'all', rule_type: 'discount', value: '2' });
  assert.equal((await put('/v1/settings', { flags: { price_books: false } }, w.admin)).status, 200);
  const before = counts(w.t.id);
  for (const route of ROUTES(b.id, r.id)) assertProblem(await call(w.admin, route), 404, 'feature_disabled');
  assert.equal(counts(w.t.id), before);
  // off for a new tenant too
  const t = await newTenant('pbflag2');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  assertProblem(await get('/v1/price-books', admin), 404, 'feature_disabled');
  assert.equal((await put('/v1/settings', { flags: { price_books: true } }, admin)).status, 200);
  assert.deepEqual((await get('/v1/price-books', admin)).json, { data: [], next_cursor: null });
  assert.deepEqual((await get('/v1/price-rules', admin)).json, { data: [], next_cursor: null });
});

test('a tenant admin creates a book of each scope; reads it with its ETag; defaults and times as the schema says', async () => {
  const w = await world();
  const r = await post('/v1/price-books', { name: 'DL1 at the dealer channel', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id, currency: 'EUR' }, w.admin);
  assert.equal(r.status, 201, r.text);
  await assertSchema('PriceBook', r.json);
  assert.deepEqual({ ...r.json, id: 0, created_at: 0, updated_at: 0 }, {
    id: 0, name: 'DL1 at the dealer channel', owner_org_id: null, scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id,
    currency: 'EUR', priority: 0, status: 'active', effective_from: null, effective_to: null, version: 1, rule_count: 0, created_at: 0, updated_at: 0,
  });
  assert.match(r.json.created_at, RFC3339_MS);
  assert.equal(r.json.created_at, r.json.updated_at);
  assert.equal(r.headers.get('location'), `/v1/price-books/${r.json.id}`);
  assert.equal(r.headers.get('etag'), '"1"');
  const ch = await book(w.admin, { name: 'Channel', scope_type: 'channel', channel_id: w.ch.id, priority: -7, status: 'draft', org_id: null });
  assert.deepEqual([ch.scope_type, ch.org_id, ch.channel_id, ch.priority, ch.status], ['channel', null, w.ch.id, -7, 'draft']);
  const og = await book(w.admin, { name: 'DL1', scope_type: 'org', org_id: w.dl1.id, currency: 'JPY', effective_from: '2025-01-01T00:00:00+02:00', effective_to: '2025-07-01T00:00:00.5Z' });
  assert.deepEqual([og.currency, og.effective_from, og.effective_to], ['JPY', '2024-12-31T22:00:00.000Z', '2025-07-01T00:00:00.500Z']);
  const gl = await book(w.admin, { name: 'List', owner_org_id: w.d1.id, priority: 1000000, channel_id: null });
  assert.deepEqual([gl.scope_type, gl.owner_org_id, gl.priority], ['global', w.d1.id, 1000000]);
  for (const b of [ch, og, gl]) await assertSchema('PriceBook', b);

  const g = await get(`/v1/price-books/${og.id}`, w.admin);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, og);
  assert.equal(g.headers.get('etag'), '"1"');
  for (const id of ['abc', '0', '-1', '999999999']) {
    assertProblem(await get(`/v1/price-books/${id}`, w.admin), 404, 'not_found');
    assertProblem(await patch(`/v1/price-books/${id}`, { name: 'X' }, w.admin), 404, 'not_found');
    assertProblem(await post(`/v1/price-books/${id}/retire`, {}, w.admin), 404, 'not_found');
    assertProblem(await get(`/v1/price-rules/${id}`, w.admin), 404, 'not_found');
    assertProblem(await patch(`/v1/price-rules/${id}`, { value: '1' }, w.admin), 404, 'not_found');
    assertProblem(await del(`/v1/price-rules/${id}`, w.admin), 404, 'not_found');
  }
});

test('bad book bodies are 400 naming every field; references to nothing 422; nothing is written', async () => {
  const w = await world();
  const other = await world('pbother');
  const before = counts(w.t.id);
  const raw = (body, type = 'application/json') => req('POST', '/v1/price-books', { body, headers: { 'content-type': type, ...bearer(w.admin) } });
  assertProblem(await raw('{"name":'), 400, 'malformed_json');
  assertProblem(await raw('{"name":"A","scope_type":"global","currency":"EUR"}', 'text/plain'), 415, 'unsupported_media_type');
  const ok = { name: 'A', scope_type: 'global', currency: 'EUR' };
  const cases = [
    [{}, ['currency', 'name', 'scope_type']],
    [[], ['']],
    [{ ...ok, colour: 'red' }, ['colour']],
    [{ ...ok, name: '' }, ['name']],
    [{ ...ok, name: '  ' }, ['name']],
    [{ ...ok, name: 'tab\there' }, ['name']],
    [{ ...ok, name: 'n'.repeat(201) }, ['name']],
    [{ ...ok, name: 7 }, ['name']],
    [{ ...ok, scope_type: 'region' }, ['scope_type']],
    [{ ...ok, currency: 'eur' }, ['currency']],
    [{ ...ok, currency: 'EURO' }, ['currency']],
    [{ ...ok, currency: 'XAU' }, ['currency']],
    [{ ...ok, currency: 'ZZZ' }, ['currency']],
    [{ ...ok, priority: 1000001 }, ['priority']],
    [{ ...ok, priority: -1000001 }, ['priority']],
    [{ ...ok, priority: 1.5 }, ['priority']],
    [{ ...ok, priority: '3' }, ['priority']],
    [{ ...ok, status: 'retired' }, ['status']],
    [{ ...ok, status: 'paused' }, ['status']],
    [{ ...ok, effective_from: 'yesterday' }, ['effective_from']],
    [{ ...ok, effective_to: '2025-02-30T00:00:00Z' }, ['effective_to']],
    [{ ...ok, effective_to: '2040-01-01T00:00:00Z' }, ['effective_to']],
    [{ ...ok, effective_from: '1969-12-31T23:59:59Z' }, ['effective_from']],
    [{ ...ok, effective_from: '2025-06-01T00:00:00Z', effective_to: '2025-06-01T00:00:00Z' }, ['effective_to']],
    [{ ...ok, effective_from: '2025-06-01T00:00:00Z', effective_to: '2025-01-01T00:00:00Z' }, ['effective_to']],
    [{ ...ok, org_id: w.dl1.id }, ['org_id']],
    [{ ...ok, channel_id: w.ch.id }, ['channel_id']],
    [{ ...ok, scope_type: 'org' }, ['org_id']],
    [{ ...ok, scope_type: 'org', org_id: null }, ['org_id']],
    [{ ...ok, scope_type: 'org', org_id: w.dl1.id, channel_id: w.ch.id }, ['channel_id']],
    [{ ...ok, scope_type: 'channel' }, ['channel_id']],
    [{ ...ok, scope_type: 'channel', channel_id: w.ch.id, org_id: w.dl1.id }, ['org_id']],
    [{ ...ok, scope_type: 'org_channel' }, ['channel_id', 'org_id']],
    [{ ...ok, scope_type: 'org_channel', org_id: w.dl1.id }, ['channel_id']],
    [{ ...ok, scope_type: 'org', org_id: 0 }, ['org_id']],
    [{ ...ok, scope_type: 'org', org_id: -4 }, ['org_id']],
    [{ ...ok, scope_type: 'org', org_id: 'DL1' }, ['org_id']],
    [{ ...ok, owner_org_id: 0 }, ['owner_org_id']],
    [{ ...ok, owner_org_id: 'ACME' }, ['owner_org_id']],
    [{ ...ok, id: 5, version: 2 }, ['id', 'version']],
  ];
  for (const [body, fields] of cases) {
    const r = await post('/v1/price-books', body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body).slice(0, 120));
    for (const e of r.json.errors) assert.ok(e.message.length > 0);
  }
  const msg = async (body) => (await post('/v1/price-books', body, w.admin)).json.errors.map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(await msg({ ...ok, scope_type: 'org' }), ['org_id: is required for scope_type org']);
  assert.deepEqual(await msg({ ...ok, channel_id: 3 }), ['channel_id: must be null for scope_type global']);
  assert.deepEqual(await msg({ ...ok, status: 'retired' }), ['status: cannot be set: a book is retired by POST /v1/price-books/{id}/retire']);
  // well-formed references to nothing of this tenant: 422 naming each
  const refs = [
    [{ ...ok, scope_type: 'org', org_id: 999999999 }, ['org_id']],
    [{ ...ok, scope_type: 'org', org_id: other.dl1.id }, ['org_id']],
    [{ ...ok, scope_type: 'channel', channel_id: other.ch.id }, ['channel_id']],
    [{ ...ok, scope_type: 'org_channel', org_id: 999999999, channel_id: 999999999 }, ['channel_id', 'org_id']],
    [{ ...ok, owner_org_id: w.dl1.id }, ['owner_org_id']],
    [{ ...ok, owner_org_id: other.acme.id }, ['owner_org_id']],
  ];
  for (const [body, fields] of refs) {
    const r = await post('/v1/price-books', body, w.admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body));
  }
  assert.equal(counts(w.t.id), before);
});

test('PATCH changes name, priority, status and the window with If-Match; fixed fields are 400; retire is final (409)', async () => {
  const w = await world();
  const b = await book(w.admin, { name: 'Summer', scope_type: 'channel', channel_id: w.ch.id, effective_from: '2025-06-01T00:00:00Z' });
  const p = await patch(`/v1/price-books/${b.id}`, { name: 'Summer 2025', priority: 5, status: 'draft', effective_to: '2025-09-01T00:00:00Z' }, w.admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('PriceBook', p.json);
  assert.deepEqual({ ...p.json, updated_at: 0 }, { ...b, name: 'Summer 2025', priority: 5, status: 'draft', effective_to: '2025-09-01T00:00:00.000Z', version: 2, updated_at: 0 });
  assert.equal(p.headers.get('etag'), '"2"');
  const before = counts(w.t.id);
  assertProblem(await patch(`/v1/price-books/${b.id}`, { name: 'Stale' }, w.admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  assertProblem(await post(`/v1/price-books/${b.id}/retire`, {}, w.admin, { 'if-match': '"7"' }), 412, 'precondition_failed');
  const bad = [
    [{}, ['']],
    [{ scope_type: 'global' }, ['scope_type']],
    [{ org_id: w.dl1.id }, ['org_id']],
    [{ channel_id: null }, ['channel_id']],
    [{ currency: 'EUR' }, ['currency']],
    [{ owner_org_id: w.acme.id, name: 'X' }, ['owner_org_id']],
    [{ status: 'retired' }, ['status']],
    [{ version: 3 }, ['version']],
    [{ name: '' }, ['name']],
    [{ priority: 2000000 }, ['priority']],
    [{ effective_to: 'soon' }, ['effective_to']],
    // against the stored start (2025-06-01)
    [{ effective_to: '2025-05-01T00:00:00Z' }, ['effective_to']],
    [{ effective_from: '2025-10-01T00:00:00Z' }, ['effective_from']],
    [{ effective_from: '2025-10-01T00:00:00Z', effective_to: '2025-09-30T00:00:00Z' }, ['effective_to']],
  ];
  for (const [body, fields] of bad) {
    const r = await patch(`/v1/price-books/${b.id}`, body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body));
  }
  assert.equal((await patch(`/v1/price-books/${b.id}`, { scope_type: 'global' }, w.admin)).json.errors[0].message, 'cannot be changed after the book is created');
  assert.equal(counts(w.t.id), before);
  // null opens a side; W/"n" names the same version; no If-Match: the last write wins
  const open = await patch(`/v1/price-books/${b.id}`, { effective_from: null, effective_to: null, status: 'active' }, w.admin, { 'if-match': 'W/"2"' });
  assert.deepEqual([open.json.effective_from, open.json.effective_to, open.json.status, open.json.version], [null, null, 'active', 3]);
  assert.equal((await patch(`/v1/price-books/${b.id}`, { priority: 0 }, w.admin)).json.version, 4);

  const r = await rule(w.admin, { price_book_id: b.id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'fixed', value: '100' });
  const ret = await post(`/v1/price-books/${b.id}/retire`, {}, w.admin, { 'if-match': '"5"' });
  assert.equal(ret.status, 200, ret.text);
  await assertSchema('PriceBook', ret.json);
  assert.deepEqual([ret.json.status, ret.json.version, ret.json.rule_count], ['retired', 6, 1]);
  assert.equal(ret.headers.get('etag'), '"6"');
  // final: the book and its rules stay as they are
  const after = counts(w.t.id);
  for (const res of [
    await post(`/v1/price-books/${b.id}/retire`, {}, w.admin),
    await patch(`/v1/price-books/${b.id}`, { status: 'active' }, w.admin),
    await patch(`/v1/price-books/${b.id}`, { name: 'Again' }, w.admin, { 'if-match': '"6"' }),
    await post('/v1/price-rules', { price_book_id: b.id, selector: 'all', rule_type: 'discount', value: '1' }, w.admin),
    await patch(`/v1/price-rules/${r.id}`, { value: '90' }, w.admin),
    await del(`/v1/price-rules/${r.id}`, w.admin),
  ]) {
    assertProblem(res, 409, 'price_book_retired');
    assert.match(res.json.detail, new RegExp(`price book ${b.id} is retired`));
  }
  assert.equal(counts(w.t.id), after);
  assert.equal((await get(`/v1/price-rules/${r.id}`, w.admin)).status, 200);
});

test('rules: each selector and type, values normalised, tiers; every rule change raises the book version', async () => {
  const w = await world();
  const eur = await book(w.admin, { name: 'EUR' });
  const jpy = await book(w.admin, { name: 'JPY', currency: 'JPY' });
  const kwd = await book(w.admin, { name: 'KWD', currency: 'KWD' });
  const made = [];
  const add = async (body, expect) => {
    const r = await post('/v1/price-rules', body, w.admin);
    assert.equal(r.status, 201, r.text);
    await assertSchema('PriceRule', r.json);
    assert.equal(r.headers.get('location'), `/v1/price-rules/${r.json.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.deepEqual({ ...r.json, id: 0, created_at: 0, updated_at: 0 }, { id: 0, version: 1, created_at: 0, updated_at: 0, min_qty: null, ...expect });
    assert.match(r.json.created_at, RFC3339_MS);
    made.push(r.json);
    return r.json;
  };
  await add({ price_book_id: eur.id, selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '950' },
    { price_book_id: eur.id, selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '950.00' });
  await add({ price_book_id: eur.id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'fixed', value: 900, min_qty: '10.000' },
    { price_book_id: eur.id, selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '900.00', min_qty: '10' });
  await add({ price_book_id: eur.id, selector: 'product', selector_value: w.pb.id, rule_type: 'markup', value: '12.50', min_qty: '2.5' },
    { price_book_id: eur.id, selector: 'product', selector_value: String(w.pb.id), rule_type: 'markup', value: '12.5', min_qty: '2.5' });
  await add({ price_book_id: eur.id, selector: 'category', selector_value: 'analyzers', rule_type: 'discount', value: '5' },
    { price_book_id: eur.id, selector: 'category', selector_value: 'analyzers', rule_type: 'discount', value: '5' });
  await add({ price_book_id: eur.id, selector: 'all', rule_type: 'margin', value: '99.9999', selector_value: null },
    { price_book_id: eur.id, selector: 'all', selector_value: null, rule_type: 'margin', value: '99.9999' });
  await add({ price_book_id: jpy.id, selector: 'all', rule_type: 'fixed', value: '997' },
    { price_book_id: jpy.id, selector: 'all', selector_value: null, rule_type: 'fixed', value: '997' });
  await add({ price_book_id: kwd.id, selector: 'all', rule_type: 'fixed', value: '1.5' },
    { price_book_id: kwd.id, selector: 'all', selector_value: null, rule_type: 'fixed', value: '1.500' });
  await add({ price_book_id: kwd.id, selector: 'all', rule_type: 'discount', value: '100', min_qty: '999999999999.999' },
    { price_book_id: kwd.id, selector: 'all', selector_value: null, rule_type: 'discount', value: '100', min_qty: '999999999999.999' });
  // each rule raised its book's version once, and rule_count follows
  const eurNow = (await get(`/v1/price-books/${eur.id}`, w.admin)).json;
  assert.deepEqual([eurNow.version, eurNow.rule_count], [6, 5]);
  assert.deepEqual([await version(jpy.id, w.admin), await version(kwd.id, w.admin)], [2, 3]);
  const g = await get(`/v1/price-rules/${made[1].id}`, w.admin);
  assert.deepEqual(g.json, made[1]);
  assert.equal(g.headers.get('etag'), '"1"');

  // PATCH: If-Match on the rule's version; the whole rule is checked after the change
  const p = await patch(`/v1/price-rules/${made[1].id}`, { value: '899.5', min_qty: null }, w.admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('PriceRule', p.json);
  assert.deepEqual({ ...p.json, updated_at: 0 }, { ...made[1], value: '899.50', min_qty: null, version: 2, updated_at: 0 });
  assert.equal(p.headers.get('etag'), '"2"');
  assert.equal(await version(eur.id, w.admin), 7);
  const before = counts(w.t.id);
  assertProblem(await patch(`/v1/price-rules/${made[1].id}`, { value: '1' }, w.admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  assertProblem(await del(`/v1/price-rules/${made[1].id}`, w.admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  assert.equal(counts(w.t.id), before);
  // a discount becomes a fixed price: the stored percent is read as an amount of the book
  const t = await patch(`/v1/price-rules/${made[3].id}`, { rule_type: 'fixed' }, w.admin);
  assert.deepEqual([t.json.rule_type, t.json.value, t.json.version], ['fixed', '5.00', 2]);
  const s = await patch(`/v1/price-rules/${made[3].id}`, { selector: 'all', selector_value: null, rule_type: 'discount', value: '2.25', min_qty: 3 }, w.admin);
  assert.deepEqual([s.json.selector, s.json.selector_value, s.json.rule_type, s.json.value, s.json.min_qty], ['all', null, 'discount', '2.25', '3']);
  const sku = await patch(`/v1/price-rules/${made[3].id}`, { selector: 'sku', selector_value: w.sb1.id }, w.admin);
  assert.deepEqual([sku.json.selector, sku.json.selector_value], ['sku', String(w.sb1.id)]);
  assert.equal(await version(eur.id, w.admin), 10);

  const d = await del(`/v1/price-rules/${made[4].id}`, w.admin, { 'if-match': '"1"' });
  assert.equal(d.status, 204, d.text);
  assert.equal(d.text, '');
  assertProblem(await get(`/v1/price-rules/${made[4].id}`, w.admin), 404, 'not_found');
  assertProblem(await del(`/v1/price-rules/${made[4].id}`, w.admin), 404, 'not_found');
  const eurEnd = (await get(`/v1/price-books/${eur.id}`, w.admin)).json;
  assert.deepEqual([eurEnd.version, eurEnd.rule_count], [11, 4]);
});

test('bad rule bodies are 400 naming every field; a book or SKU of nothing is 422; nothing is written', async () => {
  const w = await world();
  const other = await world('pbrother');
  const eur = await book(w.admin, { name: 'EUR' });
  const jpy = await book(w.admin, { name: 'JPY', currency: 'JPY' });
  const r = await rule(w.admin, { price_book_id: eur.id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'fixed', value: '10' });
  const theirs = await book(other.admin, { name: 'Theirs' });
  const before = counts(w.t.id);
  const ok = { price_book_id: eur.id, selector: 'all', rule_type: 'discount', value: '5' };
  const cases = [
    [{}, ['price_book_id', 'rule_type', 'selector', 'value']],
    [[], ['']],
    [{ ...ok, weight: 1 }, ['weight']],
    [{ ...ok, price_book_id: 0 }, ['price_book_id']],
    [{ ...ok, price_book_id: '1' }, ['price_book_id']],
    [{ ...ok, selector: 'brand' }, ['selector']],
    [{ ...ok, rule_type: 'rebate' }, ['rule_type']],
    [{ ...ok, selector_value: 'x' }, ['selector_value']],
    [{ ...ok, selector: 'sku' }, ['selector_value']],
    [{ ...ok, selector: 'sku', selector_value: null }, ['selector_value']],
    [{ ...ok, selector: 'sku', selector_value: '0' }, ['selector_value']],
    [{ ...ok, selector: 'sku', selector_value: '007' }, ['selector_value']],
    [{ ...ok, selector: 'sku', selector_value: 'S-A1' }, ['selector_value']],
    [{ ...ok, selector: 'sku', selector_value: -3 }, ['selector_value']],
    [{ ...ok, selector: 'product', selector_value: 1.5 }, ['selector_value']],
    [{ ...ok, selector: 'product', selector_value: true }, ['selector_value']],
    [{ ...ok, selector: 'category' }, ['selector_value']],
    [{ ...ok, selector: 'category', selector_value: '' }, ['selector_value']],
    [{ ...ok, selector: 'category', selector_value: ' ' }, ['selector_value']],
    [{ ...ok, selector: 'category', selector_value: 'c'.repeat(101) }, ['selector_value']],
    [{ ...ok, selector: 'category', selector_value: 'a\nb' }, ['selector_value']],
    [{ ...ok, value: 5.5 }, ['value']],
    [{ ...ok, value: '5,5' }, ['value']],
    [{ ...ok, value: '1e2' }, ['value']],
    [{ ...ok, value: '' }, ['value']],
    [{ ...ok, value: null }, ['value']],
    [{ ...ok, value: '100.01' }, ['value']],
    [{ ...ok, value: '-1' }, ['value']],
    [{ ...ok, value: '5.00001' }, ['value']],
    [{ ...ok, rule_type: 'margin', value: '100' }, ['value']],
    [{ ...ok, rule_type: 'markup', value: '-0.01' }, ['value']],
    [{ ...ok, rule_type: 'fixed', value: '950.001' }, ['value']],
    [{ ...ok, rule_type: 'fixed', value: '-950' }, ['value']],
    [{ ...ok, rule_type: 'fixed', value: '1234567890123456789' }, ['value']],
    [{ ...ok, price_book_id: jpy.id, rule_type: 'fixed', value: '950.5' }, ['value']],
    [{ ...ok, min_qty: '0' }, ['min_qty']],
    [{ ...ok, min_qty: '-1' }, ['min_qty']],
    [{ ...ok, min_qty: '1.0001' }, ['min_qty']],
    [{ ...ok, min_qty: '1000000000000' }, ['min_qty']],
    [{ ...ok, min_qty: 'ten' }, ['min_qty']],
    [{ ...ok, selector: 'sku', selector_value: 'x', value: 'x', min_qty: 0, rule_type: 'fixed' }, ['min_qty', 'selector_value', 'value']],
    // the book is unknown: the rest is still checked at once
    [{ ...ok, price_book_id: 999999999, value: '101' }, ['value']],
  ];
  for (const [body, fields] of cases) {
    const res = await post('/v1/price-rules', body, w.admin);
    assertProblem(res, 400, 'validation_failed');
    assert.deepEqual(res.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body).slice(0, 120));
  }
  const msg = async (body) => (await post('/v1/price-rules', body, w.admin)).json.errors.map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(await msg({ ...ok, rule_type: 'fixed', value: '950.001' }), ['value: has more than 2 decimals']);
  assert.deepEqual(await msg({ ...ok, value: '101' }), ['value: must be a percent from 0 to 100']);
  assert.deepEqual(await msg({ ...ok, selector_value: 'x' }), ['selector_value: must be null for selector all']);
  assert.deepEqual(await msg({ ...ok, min_qty: '0' }), ['min_qty: must be a positive quantity']);
  const refs = [
    [{ ...ok, price_book_id: 999999999 }, 'price_book_id'],
    [{ ...ok, price_book_id: theirs.id }, 'price_book_id'],
    [{ ...ok, selector: 'sku', selector_value: 999999999 }, 'selector_value'],
    [{ ...ok, selector: 'sku', selector_value: other.sa1.id }, 'selector_value'],
    [{ ...ok, selector: 'product', selector_value: String(other.pa.id) }, 'selector_value'],
    [{ ...ok, selector: 'product', selector_value: 999999999 }, 'selector_value'],
  ];
  for (const [body, field] of refs) {
    const res = await post('/v1/price-rules', body, w.admin);
    assertProblem(res, 422, 'unprocessable');
    assert.deepEqual(res.json.errors.map((e) => e.field), [field], JSON.stringify(body));
  }
  const patches = [
    [{}, ['']],
    [{ price_book_id: jpy.id }, ['price_book_id']],
    [{ value: '1.234' }, ['value']],
    [{ rule_type: 'discount', value: '150' }, ['value']],
    [{ selector: 'all' }, ['selector_value']],
    [{ selector_value: null }, ['selector_value']],
    [{ min_qty: 0 }, ['min_qty']],
    [{ colour: 'red' }, ['colour']],
  ];
  for (const [body, fields] of patches) {
    const res = await patch(`/v1/price-rules/${r.id}`, body, w.admin);
    assertProblem(res, 400, 'validation_failed');
    assert.deepEqual(res.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body));
  }
  for (const body of [{ selector_value: 999999999 }, { selector: 'product', selector_value: other.pa.id }]) {
    const res = await patch(`/v1/price-rules/${r.id}`, body, w.admin);
    assertProblem(res, 422, 'unprocessable');
    assert.deepEqual(res.json.errors.map((e) => e.field), ['selector_value']);
  }
  assert.equal(counts(w.t.id), before);
  assert.deepEqual(await get(`/v1/price-rules/${r.id}`, w.admin).then((x) => x.json), r);
});

test('lists filter books and rules; limit=2 walks every page; bad parameters are 400', async () => {
  const w = await world();
  const b = [
    await book(w.admin, { name: 'G' }),
    await book(w.admin, { name: 'O', scope_type: 'org', org_id: w.dl1.id, status: 'draft' }),
    await book(w.admin, { name: 'C', scope_type: 'channel', channel_id: w.ch.id, currency: 'USD', owner_org_id: w.acme.id }),
    await book(w.admin, { name: 'OC', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id, owner_org_id: w.d1.id }),
    await book(w.admin, { name: 'G2', currency: 'USD' }),
  ];
  assert.equal((await post(`/v1/price-books/${b[4].id}/retire`, {}, w.admin)).status, 200);
  const all = b.map((x) => x.id);
  const first = await get('/v1/price-books', w.admin);
  assert.deepEqual(first.json.data.map((x) => x.id), all);
  for (const x of first.json.data) await assertSchema('PriceBook', x);
  const seen = [];
  let cursor = null, pages = 0;
  do {
    const r = await get(`/v1/price-books?limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.admin);
    seen.push(...r.json.data.map((x) => x.id));
    cursor = r.json.next_cursor;
    pages++;
  } while (cursor);
  assert.deepEqual([seen, pages], [all, 3]);
  assert.deepEqual(await ids('/v1/price-books?scope_type=global', w.admin), [b[0].id, b[4].id]);
  assert.deepEqual(await ids(`/v1/price-books?org_id=${w.dl1.id}`, w.admin), [b[1].id, b[3].id]);
  assert.deepEqual(await ids(`/v1/price-books?channel_id=${w.ch.id}`, w.admin), [b[2].id, b[3].id]);
  assert.deepEqual(await ids('/v1/price-books?currency=USD', w.admin), [b[2].id, b[4].id]);
  assert.deepEqual(await ids('/v1/price-books?status=draft', w.admin), [b[1].id]);
  assert.deepEqual(await ids('/v1/price-books?status=retired', w.admin), [b[4].id]);
  assert.deepEqual(await ids(`/v1/price-books?owner_org_id=${w.acme.id}`, w.admin), [b[2].id]);
  assert.deepEqual(await ids(`/v1/price-books?scope_type=org_channel&currency=EUR&status=active&owner_org_id=${w.d1.id}&org_id=${w.dl1.id}&channel_id=${w.ch.id}`, w.admin), [b[3].id]);
  assert.deepEqual(await ids('/v1/price-books?org_id=999999999', w.admin), []);
  assert.deepEqual(await ids('/v1/price-books?scope_type=&status=&currency=&org_id=', w.admin), all);
  for (const q of ['scope_type=region', 'status=deleted', 'currency=eur', 'currency=ZZZ', 'org_id=x', 'channel_id=0', 'owner_org_id=-1', 'limit=0', 'limit=201', 'cursor=bogus', 'scope_type=%FF']) {
    assertProblem(await get(`/v1/price-books?${q}`, w.admin), 400, 'validation_failed');
  }

  const r = [
    await rule(w.admin, { price_book_id: b[0].id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'fixed', value: '1' }),
    await rule(w.admin, { price_book_id: b[0].id, selector: 'category', selector_value: 'analyzers', rule_type: 'discount', value: '1' }),
    await rule(w.admin, { price_book_id: b[1].id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'markup', value: '1' }),
    await rule(w.admin, { price_book_id: b[1].id, selector: 'all', rule_type: 'margin', value: '1' }),
    await rule(w.admin, { price_book_id: b[2].id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'fixed', value: '1' }),
  ];
  const rall = r.map((x) => x.id);
  const rl = await get('/v1/price-rules', w.admin);
  assert.deepEqual(rl.json.data.map((x) => x.id), rall);
  for (const x of rl.json.data) await assertSchema('PriceRule', x);
  const rseen = [];
  cursor = null;
  do {
    const res = await get(`/v1/price-rules?limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.admin);
    rseen.push(...res.json.data.map((x) => x.id));
    cursor = res.json.next_cursor;
  } while (cursor);
  assert.deepEqual(rseen, rall);
  assert.deepEqual(await ids(`/v1/price-rules?price_book_id=${b[1].id}`, w.admin), [r[2].id, r[3].id]);
  assert.deepEqual(await ids('/v1/price-rules?selector=sku', w.admin), [r[0].id, r[2].id, r[4].id]);
  assert.deepEqual(await ids(`/v1/price-rules?selector=sku&selector_value=${w.sa1.id}`, w.admin), [r[0].id, r[2].id]);
  assert.deepEqual(await ids('/v1/price-rules?selector_value=analyzers', w.admin), [r[1].id]);
  assert.deepEqual(await ids('/v1/price-rules?price_book_id=999999999', w.admin), []);
  for (const q of ['selector=brand', 'price_book_id=x', 'price_book_id=0', `selector_value=${'v'.repeat(101)}`, 'limit=500', 'cursor=bogus']) {
    assertProblem(await get(`/v1/price-rules?${q}`, w.admin), 400, 'validation_failed');
  }
});

test('each change writes its audit row (before and after) and a price.updated event, field by field; Idempotency-Key replays', async () => {
  const w = await world();
  const tid = w.t.id;
  const key = `pb-${Date.now()}`;
  const c = await post('/v1/price-books', { name: 'Audited', scope_type: 'channel', channel_id: w.ch.id, currency: 'EUR' }, w.admin, { 'idempotency-key': key });
  assert.equal(c.status, 201, c.text);
  const n = counts(tid);
  const again = await post('/v1/price-books', { name: 'Audited', scope_type: 'channel', channel_id: w.ch.id, currency: 'EUR' }, w.admin, { 'idempotency-key': key });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, c.text);
  assert.equal(counts(tid), n);
  const id = c.json.id;
  const p = await patch(`/v1/price-books/${id}`, { priority: 3 }, w.admin, { 'if-match': '"1"' });
  const rkey = `pr-${Date.now()}`;
  const r1 = await post('/v1/price-rules', { price_book_id: id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'fixed', value: '1000' }, w.admin, { 'idempotency-key': rkey });
  const r1again = await post('/v1/price-rules', { price_book_id: id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'fixed', value: '1000' }, w.admin, { 'idempotency-key': rkey });
  assert.equal(r1again.headers.get('idempotent-replayed'), 'true');
  const r2 = await post('/v1/price-rules', { price_book_id: id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'discount', value: '5' }, w.admin);
  const r2p = await patch(`/v1/price-rules/${r2.json.id}`, { value: '4.5' }, w.admin);
  const d = await del(`/v1/price-rules/${r1.json.id}`, w.admin);
  assert.equal(d.status, 204);
  const ret = await post(`/v1/price-books/${id}/retire`, {}, w.admin);
  const final = (await get(`/v1/price-books/${id}`, w.admin)).json;
  assert.equal(final.version, 7);

  const ab = auditRows(tid, 'price_book', id);
  assert.deepEqual(ab.map((a) => a.action), ['price_book.create', 'price_book.update', 'price_book.retire']);
  for (const a of ab) assert.deepEqual([a.actor, a.org], [w.adminId, 0]);
  assert.deepEqual([ab[0].before, ab[0].after], [null, c.json]);
  assert.deepEqual([ab[1].before, ab[1].after], [c.json, p.json]);
  assert.equal(ab[2].before.status, 'active');
  assert.deepEqual(ab[2].after, ret.json);
  assert.equal(ab[2].before.version, 6);
  const ar1 = auditRows(tid, 'price_rule', r1.json.id);
  assert.deepEqual(ar1.map((a) => [a.action, a.before, a.after]), [['price_rule.create', null, r1.json], ['price_rule.delete', r1.json, null]]);
  const ar2 = auditRows(tid, 'price_rule', r2.json.id);
  assert.deepEqual(ar2.map((a) => [a.action, a.before, a.after]), [['price_rule.create', null, r2.json], ['price_rule.update', r2.json, r2p.json]]);

  const ev = events(tid, id);
  assert.deepEqual(ev.map((e) => [e.type, e.entity, e.id]), Array(7).fill(['price.updated', 'price_book', id]));
  assert.deepEqual(ev.map((e) => e.payload), [
    { price_book_id: id, version: 1, change: 'book.created' },
    { price_book_id: id, version: 2, change: 'book.updated' },
    { price_book_id: id, version: 3, change: 'rule.created', rule_id: r1.json.id },
    { price_book_id: id, version: 4, change: 'rule.created', rule_id: r2.json.id },
    { price_book_id: id, version: 5, change: 'rule.updated', rule_id: r2.json.id },
    { price_book_id: id, version: 6, change: 'rule.deleted', rule_id: r1.json.id },
    { price_book_id: id, version: 7, change: 'book.retired' },
  ]);
  // the event and the audit row of a change share its request
  assert.deepEqual(ev.map((e) => e.rid), [...ab.slice(0, 2), ar1[0], ar2[0], ar2[1], ar1[1], ab[2]].map((a) => a.rid));
  // no other event: the book's are all there is
  assert.equal(sql(`SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid} AND event_type = 'price.updated'`), '7');
});

test('access: a manufacturer and a distributor manage their own books only; dealers are refused; viewers read', async () => {
  const w = await world('pbaccess');
  const acmeAdmin = await orgUser(w, w.acme.id, 'org_admin', 'admin@acme.test');
  const acmeViewer = await orgUser(w, w.acme.id, 'viewer', 'viewer@acme.test');
  const biomedAdmin = await orgUser(w, w.biomed.id, 'org_admin', 'admin@biomed.test');
  const d1Admin = await orgUser(w, w.d1.id, 'org_admin', 'admin@d1.test');
  const dl1Admin = await orgUser(w, w.dl1.id, 'org_admin', 'admin@dl1.test');
  const viewer = await tenantUser(w, 'viewer', 'viewer@pb.test');
  const ops = await tenantUser(w, 'ops_manager', 'ops@pb.test');

  const tenantBook = await book(w.admin, { name: 'Tenant list' });
  const tenantRule = await rule(w.admin, { price_book_id: tenantBook.id, selector: 'all', rule_type: 'discount', value: '1' });
  // a manufacturer's book is its own, whatever it asks for
  const acmeBook = await book(acmeAdmin.token, { name: 'ACME to DL1', scope_type: 'org', org_id: w.dl1.id });
  assert.equal(acmeBook.owner_org_id, w.acme.id);
  const explicit = await book(acmeAdmin.token, { name: 'ACME list', owner_org_id: w.acme.id });
  assert.equal(explicit.owner_org_id, w.acme.id);
  const acmeRule = await rule(acmeAdmin.token, { price_book_id: acmeBook.id, selector: 'sku', selector_value: w.sa1.id, rule_type: 'fixed', value: '950' });
  const d1Book = await book(d1Admin.token, { name: 'D1 to DL1', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id });
  assert.equal(d1Book.owner_org_id, w.d1.id);
  const d1Rule = await rule(d1Admin.token, { price_book_id: d1Book.id, selector: 'category', selector_value: 'analyzers', rule_type: 'markup', value: '10' });
  const before = counts(w.t.id);

  // each sees its own
  assert.deepEqual(await ids('/v1/price-books', acmeAdmin.token), [acmeBook.id, explicit.id]);
  assert.deepEqual(await ids('/v1/price-books', acmeViewer.token), [acmeBook.id, explicit.id]);
  assert.deepEqual(await ids('/v1/price-books', d1Admin.token), [d1Book.id]);
  assert.deepEqual(await ids('/v1/price-books', biomedAdmin.token), []);
  assert.deepEqual(await ids(`/v1/price-books?owner_org_id=${w.d1.id}`, acmeAdmin.token), []);
  assert.deepEqual(await ids('/v1/price-rules', acmeAdmin.token), [acmeRule.id]);
  assert.deepEqual(await ids(`/v1/price-rules?price_book_id=${d1Book.id}`, acmeAdmin.token), []);
  assert.deepEqual(await ids('/v1/price-rules', d1Admin.token), [d1Rule.id]);
  // tenant-wide: everything
  assert.deepEqual(await ids('/v1/price-books', w.admin), [tenantBook.id, acmeBook.id, explicit.id, d1Book.id]);
  assert.deepEqual(await ids('/v1/price-books', viewer), [tenantBook.id, acmeBook.id, explicit.id, d1Book.id]);
  assert.deepEqual(await ids('/v1/price-rules', ops), [tenantRule.id, acmeRule.id, d1Rule.id]);

  // another owner's book and rules are 404 to an organization's user, whatever it tries
  for (const [token, b, r] of [[acmeAdmin.token, d1Book.id, d1Rule.id], [d1Admin.token, acmeBook.id, acmeRule.id], [biomedAdmin.token, acmeBook.id, acmeRule.id], [acmeAdmin.token, tenantBook.id, tenantRule.id]]) {
    assertProblem(await get(`/v1/price-books/${b}`, token), 404, 'not_found');
    assertProblem(await patch(`/v1/price-books/${b}`, { name: 'Mine now' }, token), 404, 'not_found');
    assertProblem(await post(`/v1/price-books/${b}/retire`, {}, token), 404, 'not_found');
    assertProblem(await get(`/v1/price-rules/${r}`, token), 404, 'not_found');
    assertProblem(await patch(`/v1/price-rules/${r}`, { value: '1' }, token), 404, 'not_found');
    assertProblem(await del(`/v1/price-rules/${r}`, token), 404, 'not_found');
    const add = await post('/v1/price-rules', { price_book_id: b, selector: 'all', rule_type: 'discount', value: '1' }, token);
    assertProblem(add, 422, 'unprocessable');
    assert.deepEqual(add.json.errors.map((e) => e.field), ['price_book_id']);
  }
  // an organization's books are its own: another owner, or none, is 403
  for (const owner of [w.d1.id, w.biomed.id, null]) {
    assertProblem(await post('/v1/price-books', { name: 'X', scope_type: 'global', currency: 'EUR', owner_org_id: owner }, acmeAdmin.token), 403, 'forbidden');
  }
  // a rule names SKUs and products its organization can see
  const hidden = await post('/v1/price-rules', { price_book_id: acmeBook.id, selector: 'sku', selector_value: w.sb1.id, rule_type: 'fixed', value: '1' }, acmeAdmin.token);
  assertProblem(hidden, 422, 'unprocessable');
  assert.deepEqual(hidden.json.errors.map((e) => e.field), ['selector_value']);
  // dealers (and every type but manufacturer and distributor) have no books: 403, reads too
  for (const route of ROUTES(acmeBook.id, acmeRule.id)) {
    const r = await call(dl1Admin.token, route);
    assertProblem(r, 403, 'forbidden');
  }
  assert.match((await get('/v1/price-books', dl1Admin.token)).json.detail, /not a dealer/);
  // read-only roles
  for (const token of [viewer, acmeViewer.token]) {
    const b = token === viewer ? tenantBook.id : acmeBook.id;
    const r = token === viewer ? tenantRule.id : acmeRule.id;
    assert.equal((await get(`/v1/price-books/${b}`, token)).status, 200);
    assert.equal((await get(`/v1/price-rules/${r}`, token)).status, 200);
    for (const route of ROUTES(b, r).filter(([m]) => m !== 'GET')) assertProblem(await call(token, route), 403, 'forbidden');
  }
  assert.equal(counts(w.t.id), before);

  // the owners change their own; the tenant admin any
  const p = await patch(`/v1/price-books/${acmeBook.id}`, { priority: 2 }, acmeAdmin.token, { 'if-match': '"2"' });
  assert.equal(p.status, 200, p.text);
  assert.equal((await patch(`/v1/price-rules/${d1Rule.id}`, { value: '12' }, d1Admin.token)).status, 200);
  assert.equal((await del(`/v1/price-rules/${acmeRule.id}`, acmeAdmin.token)).status, 204);
  assert.equal((await post(`/v1/price-books/${d1Book.id}/retire`, {}, d1Admin.token)).status, 200);
  assert.equal((await patch(`/v1/price-books/${explicit.id}`, { name: 'By the tenant' }, w.admin)).status, 200);
  assert.equal((await patch(`/v1/price-books/${tenantBook.id}`, { name: 'Ops' }, ops)).status, 200);
  const last = auditRows(w.t.id, 'price_book', acmeBook.id).at(-1);
  assert.deepEqual([last.action, last.actor, last.org], ['price_book.update', acmeAdmin.id, w.acme.id]);
});

test('another tenant gets 404 for every book and rule, sees nothing in lists, and cannot name ours', async () => {
  const a = await world('pba');
  const b = await world('pbb');
  const ab = await book(a.admin, { name: 'Only In A', scope_type: 'org', org_id: a.dl1.id });
  const ar = await rule(a.admin, { price_book_id: ab.id, selector: 'sku', selector_value: a.sa1.id, rule_type: 'fixed', value: '950' });
  await book(b.admin, { name: 'Only In B' });
  const before = counts(a.t.id);
  assertProblem(await get(`/v1/price-books/${ab.id}`, b.admin), 404, 'not_found');
  assertProblem(await patch(`/v1/price-books/${ab.id}`, { name: 'Taken' }, b.admin, { 'if-match': '"2"' }), 404, 'not_found');
  assertProblem(await post(`/v1/price-books/${ab.id}/retire`, {}, b.admin), 404, 'not_found');
  assertProblem(await get(`/v1/price-rules/${ar.id}`, b.admin), 404, 'not_found');
  assertProblem(await patch(`/v1/price-rules/${ar.id}`, { value: '1' }, b.admin), 404, 'not_found');
  assertProblem(await del(`/v1/price-rules/${ar.id}`, b.admin), 404, 'not_found');
  assert.deepEqual((await get('/v1/price-books', b.admin)).json.data.map((x) => x.name), ['Only In B']);
  assert.deepEqual(await ids(`/v1/price-books?org_id=${a.dl1.id}`, b.admin), []);
  assert.deepEqual(await ids(`/v1/price-rules?price_book_id=${ab.id}`, b.admin), []);
  assert.deepEqual(await ids('/v1/price-rules', b.admin), []);
  assertProblem(await post('/v1/price-rules', { price_book_id: ab.id, selector: 'all', rule_type: 'discount', value: '1' }, b.admin), 422, 'unprocessable');
  assertProblem(await post('/v1/price-books', { name: 'X', scope_type: 'org_channel', org_id: a.dl1.id, channel_id: a.ch.id, currency: 'EUR' }, b.admin), 422, 'unprocessable');
  assert.equal(counts(a.t.id), before);
  // the answers for theirs and for nothing are the same
  const ghost = await get('/v1/price-books/999999999', b.admin);
  const theirs = await get(`/v1/price-books/${ab.id}`, b.admin);
  assert.equal(ghost.json.detail.replace(/\d+/g, 'N'), theirs.json.detail.replace(/\d+/g, 'N'));
  assert.equal((await get(`/v1/price-books/${ab.id}`, a.admin)).json.name, 'Only In A');
});
