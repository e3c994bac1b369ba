// Products, SKUs and offerings end to end: the feature flag, create/read/list/patch with ETags
// and If-Match, the rules of each field, bad input writing nothing, the audit rows and events,
// RBAC by role and organization, what an organization sees of the catalog (its own items and
// what reached it through a live publication), and the isolation between tenants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, json, bearer, login, newTenant, sql, cli, assertProblem, post, put, orgUser, adminWorld, as, get, patch, RFC3339_MS, assertSchema, ids } from './lib.mjs';

// What a write may leave behind: the catalog's rows, the audit chain and the outbox.
const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM products WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM skus WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM offerings WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

// A fresh tenant, its admin's session, with organizations and the catalog on.
const world = (prefix = 'cat') => adminWorld(prefix, { org: true, catalog_publishing: true });

async function created(r) {
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const org = async (w, name, type) => created(await post('/v1/orgs', { name, type }, w.admin));
const product = async (token, body) => created(await post('/v1/products', body, token));
const sku = async (token, body) => created(await post('/v1/skus', body, token));
const offering = async (token, body) => created(await post('/v1/offerings', body, token));

// A tenant-wide user with role, and its session.
async function tenantUser(w, role, email) {
  const password = `pw-${email}-secret`;
  await created(await post('/v1/users', { email, password, role }, w.admin));
  const s = await login(w.t.slug, email, password);
  assert.equal(s.status, 200, s.text);
  return s.json.access_token;
}

test('the catalog is off for a new tenant (404 feature_disabled) on every route until the flag is on', async () => {
  const t = await newTenant('catflag');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  await put('/v1/settings', { flags: { org: true } }, admin);
  const m = await created(await post('/v1/orgs', { name: 'ACME', type: 'manufacturer' }, admin));
  const before = counts(t.id);
  for (const base of ['/v1/products', '/v1/skus', '/v1/offerings']) {
    assertProblem(await get(base, admin), 404, 'feature_disabled');
    assertProblem(await get(`${base}/1`, admin), 404, 'feature_disabled');
    assertProblem(await post(base, {}, admin), 404, 'feature_disabled');
    assertProblem(await patch(`${base}/1`, { name: 'x' }, admin), 404, 'feature_disabled');
  }
  assertProblem(await req('POST', '/v1/imports/skus', { body: 'product\n', headers: { ...bearer(admin), 'content-type': 'text/csv' } }), 404, 'feature_disabled');
  assert.equal(counts(t.id), before, 'a disabled feature writes nothing');

  await put('/v1/settings', { flags: { catalog_publishing: true } }, admin);
  assert.deepEqual((await get('/v1/products', admin)).json, { data: [], next_cursor: null });
  const p = await product(admin, { manufacturer_id: m.id, name: 'Pump' });
  await put('/v1/settings', { flags: { catalog_publishing: false } }, admin);
  assertProblem(await get(`/v1/products/${p.id}`, admin), 404, 'feature_disabled');
});

test('a tenant admin creates, reads and patches a product, a SKU and an offering; ETag and If-Match round trip', async () => {
  const w = await world();
  const m = await org(w, 'ACME', 'manufacturer');
  const body = { manufacturer_id: m.id, name: 'Infusion Pump IP-200', category: 'Pumps', attrs: { voltage: '230V', ports: [1, 2] }, lifecycle_status: 'draft' };
  const c = await post('/v1/products', body, w.admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('Product', c.json);
  assert.deepEqual({ ...c.json, id: 0, created_at: 0, updated_at: 0 }, { ...body, id: 0, version: 1, created_at: 0, updated_at: 0 });
  assert.match(c.json.created_at, RFC3339_MS);
  assert.equal(c.headers.get('location'), `/v1/products/${c.json.id}`);
  assert.equal(c.headers.get('etag'), '"1"');
  const g = await get(`/v1/products/${c.json.id}`, w.admin);
  assert.deepEqual(g.json, c.json);
  assert.equal(g.headers.get('etag'), '"1"');

  // defaults: no category, no attributes, active
  const bare = await product(w.admin, { manufacturer_id: m.id, name: 'Bare' });
  assert.deepEqual([bare.category, bare.attrs, bare.lifecycle_status], [null, {}, 'active']);

  const p = await patch(`/v1/products/${c.json.id}`, { lifecycle_status: 'active', attrs: { voltage: '110V' }, category: null }, w.admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('Product', p.json);
  assert.deepEqual([p.json.lifecycle_status, p.json.attrs, p.json.category, p.json.version, p.json.name], ['active', { voltage: '110V' }, null, 2, body.name]);
  assert.equal(p.headers.get('etag'), '"2"');
  const before = counts(w.t.id);
  assertProblem(await patch(`/v1/products/${c.json.id}`, { name: 'Stale' }, w.admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  assert.equal(counts(w.t.id), before);
  // the manufacturer is fixed; naming the current one is harmless
  const same = await patch(`/v1/products/${c.json.id}`, { manufacturer_id: m.id, name: 'IP-200' }, w.admin, { 'if-match': 'W/"2"' });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.version, 3);

  const s = await post('/v1/skus', { product_id: c.json.id, sku_code: 'S-A1', attrs: { color: 'blue' } }, w.admin);
  assert.equal(s.status, 201, s.text);
  await assertSchema('Sku', s.json);
  assert.deepEqual([s.json.product_id, s.json.manufacturer_id, s.json.sku_code, s.json.attrs, s.json.status, s.json.version], [c.json.id, m.id, 'S-A1', { color: 'blue' }, 'active', 1]);
  assert.equal(s.headers.get('location'), `/v1/skus/${s.json.id}`);
  assert.deepEqual((await get(`/v1/skus/${s.json.id}`, w.admin)).json, s.json);
  const sp = await patch(`/v1/skus/${s.json.id}`, { status: 'discontinued', sku_code: 'S-A1b', product_id: bare.id }, w.admin, { 'if-match': '"1"' });
  assert.equal(sp.status, 200, sp.text);
  assert.deepEqual([sp.json.status, sp.json.sku_code, sp.json.product_id, sp.json.attrs, sp.json.version], ['discontinued', 'S-A1b', bare.id, { color: 'blue' }, 2]);
  assert.equal(sql(`SELECT manufacturer_id FROM skus WHERE tenant_id = ${w.t.id} AND id = ${s.json.id}`), String(m.id));

  const o = await post('/v1/offerings', { sku_id: s.json.id, offer_type: 'subscription', term: '36 months', service_level: 'gold', conditions: { min_qty: 2 } }, w.admin);
  assert.equal(o.status, 201, o.text);
  await assertSchema('Offering', o.json);
  assert.deepEqual([o.json.sku_id, o.json.offer_type, o.json.term, o.json.service_level, o.json.conditions, o.json.status], [s.json.id, 'subscription', '36 months', 'gold', { min_qty: 2 }, 'active']);
  assert.equal(o.headers.get('location'), `/v1/offerings/${o.json.id}`);
  assert.deepEqual((await get(`/v1/offerings/${o.json.id}`, w.admin)).json, o.json);
  const op = await patch(`/v1/offerings/${o.json.id}`, { term: null, status: 'inactive', sku_id: s.json.id }, w.admin, { 'if-match': '"1"' });
  assert.equal(op.status, 200, op.text);
  assert.deepEqual([op.json.term, op.json.service_level, op.json.status, op.json.version], [null, 'gold', 'inactive', 2]);
  assertProblem(await patch(`/v1/offerings/${o.json.id}`, { term: 'x' }, w.admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  const plain = await offering(w.admin, { sku_id: s.json.id, offer_type: 'sale' });
  assert.deepEqual([plain.term, plain.service_level, plain.conditions], [null, null, {}]);
});

test('references and keys: a manufacturer organization (422), unique names per manufacturer and codes per tenant (409)', async () => {
  const w = await world();
  const m1 = await org(w, 'ACME', 'manufacturer');
  const m2 = await org(w, 'BioMed', 'manufacturer');
  const d1 = await org(w, 'D1', 'distributor');
  const p1 = await product(w.admin, { manufacturer_id: m1.id, name: 'Pump' });
  const p2 = await product(w.admin, { manufacturer_id: m2.id, name: 'Pump' }); // another maker may reuse it
  const s1 = await sku(w.admin, { product_id: p1.id, sku_code: 'S-A1' });
  const o1 = await offering(w.admin, { sku_id: s1.id, offer_type: 'rental' });
  const other = await world();
  const theirs = await org(other, 'Theirs', 'manufacturer');
  const theirP = await product(other.admin, { manufacturer_id: theirs.id, name: 'Theirs' });
  const theirS = await sku(other.admin, { product_id: theirP.id, sku_code: 'T-1' });
  const s2 = await sku(w.admin, { product_id: p1.id, sku_code: 'S-A2' });
  const p3 = await product(w.admin, { manufacturer_id: m1.id, name: 'Other' });
  const before = counts(w.t.id);

  for (const id of [d1.id, 999999999, theirs.id]) {
    const r = await post('/v1/products', { manufacturer_id: id, name: 'X' }, w.admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['manufacturer_id']);
  }
  for (const name of ['Pump', 'PUMP']) {
    const r = await post('/v1/products', { manufacturer_id: m1.id, name }, w.admin);
    assertProblem(r, 409, 'conflict');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['name']);
  }
  for (const code of ['S-A1', 's-a1']) {
    const r = await post('/v1/skus', { product_id: p2.id, sku_code: code }, w.admin);
    assertProblem(r, 409, 'conflict');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['sku_code']);
  }
  for (const id of [999999999, theirP.id]) {
    const r = await post('/v1/skus', { product_id: id, sku_code: 'NEW' }, w.admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['product_id']);
  }
  for (const id of [999999999, theirS.id]) {
    const r = await post('/v1/offerings', { sku_id: id, offer_type: 'sale' }, w.admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['sku_id']);
  }
  const pm = await patch(`/v1/products/${p1.id}`, { manufacturer_id: m2.id }, w.admin);
  assertProblem(pm, 422, 'unprocessable');
  assert.deepEqual(pm.json.errors.map((e) => e.field), ['manufacturer_id']);
  const sm = await patch(`/v1/skus/${s1.id}`, { product_id: p2.id }, w.admin);
  assertProblem(sm, 422, 'unprocessable');
  assert.deepEqual(sm.json.errors.map((e) => e.field), ['product_id']);
  assertProblem(await patch(`/v1/skus/${s1.id}`, { product_id: theirP.id }, w.admin), 422, 'unprocessable');
  const om = await patch(`/v1/offerings/${o1.id}`, { sku_id: theirS.id }, w.admin);
  assertProblem(om, 422, 'unprocessable');
  assert.deepEqual(om.json.errors.map((e) => e.field), ['sku_id']);
  const dup = await patch(`/v1/skus/${s2.id}`, { sku_code: 'S-a1' }, w.admin);
  assertProblem(dup, 409, 'conflict');
  assert.deepEqual(dup.json.errors.map((e) => e.field), ['sku_code']);
  assertProblem(await patch(`/v1/products/${p3.id}`, { name: 'pump' }, w.admin), 409, 'conflict');
  assert.equal(counts(w.t.id), before, 'no refused write left anything');
  for (const [path, v] of [[`/v1/products/${p1.id}`, 1], [`/v1/skus/${s1.id}`, 1], [`/v1/offerings/${o1.id}`, 1], [`/v1/skus/${s2.id}`, 1]]) {
    assert.equal((await get(path, w.admin)).json.version, v, path);
  }
  // the same code in another tenant is its own
  assert.equal((await sku(other.admin, { product_id: theirP.id, sku_code: 'S-A1' })).sku_code, 'S-A1');
});

test('bad input is problem+json naming each field, and writes nothing', async () => {
  const w = await world();
  const m = await org(w, 'ACME', 'manufacturer');
  const p = await product(w.admin, { manufacturer_id: m.id, name: 'Pump' });
  const s = await sku(w.admin, { product_id: p.id, sku_code: 'S-1' });
  const o = await offering(w.admin, { sku_id: s.id, offer_type: 'sale' });
  const before = counts(w.t.id);
  const raw = (path, body, type = 'application/json', method = 'POST') => req(method, path, { body, headers: { 'content-type': type, ...bearer(w.admin) } });
  for (const path of ['/v1/products', '/v1/skus', '/v1/offerings']) {
    assertProblem(await raw(path, '{"name":'), 400, 'malformed_json');
    assertProblem(await raw(path, ''), 400, 'malformed_json');
    assertProblem(await raw(path, '{}', 'text/csv'), 415, 'unsupported_media_type');
  }
  const deep = (n) => { let d = { leaf: 1 }; for (let i = 1; i < n; i++) d = { d }; return d; };
  const cases = [
    ['/v1/products', {}, ['manufacturer_id', 'name']],
    ['/v1/products', [], ['']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', color: 'red' }, ['color']],
    ['/v1/products', { manufacturer_id: 0, name: 'A' }, ['manufacturer_id']],
    ['/v1/products', { manufacturer_id: -3, name: 'A' }, ['manufacturer_id']],
    ['/v1/products', { manufacturer_id: '1', name: 'A' }, ['manufacturer_id']],
    ['/v1/products', { manufacturer_id: m.id, name: '' }, ['name']],
    ['/v1/products', { manufacturer_id: m.id, name: '  ' }, ['name']],
    ['/v1/products', { manufacturer_id: m.id, name: 'n'.repeat(201) }, ['name']],
    ['/v1/products', { manufacturer_id: m.id, name: 'a\nb' }, ['name']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', category: '' }, ['category']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', category: 'c'.repeat(101) }, ['category']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', lifecycle_status: 'retired' }, ['lifecycle_status']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', attrs: [] }, ['attrs']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', attrs: null }, ['attrs']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', attrs: { b: 'x'.repeat(16384) } }, ['attrs']],
    ['/v1/products', { manufacturer_id: m.id, name: 'A', attrs: deep(17) }, ['attrs']],
    ['/v1/skus', {}, ['product_id', 'sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: '' }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: ' S-2' }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 'S-2 ' }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 'S\t2' }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 'S\u00852' }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 'x'.repeat(65) }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 'é'.repeat(65) }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 42 }, ['sku_code']],
    ['/v1/skus', { product_id: p.id, sku_code: 'S-2', status: 'gone' }, ['status']],
    ['/v1/skus', { product_id: p.id, sku_code: 'S-2', attrs: 'x' }, ['attrs']],
    ['/v1/skus', { product_id: p.id, sku_code: 'S-2', manufacturer_id: m.id }, ['manufacturer_id']],
    ['/v1/offerings', {}, ['offer_type', 'sku_id']],
    ['/v1/offerings', { sku_id: s.id, offer_type: 'lease' }, ['offer_type']],
    ['/v1/offerings', { sku_id: s.id, offer_type: 'sale', term: '' }, ['term']],
    ['/v1/offerings', { sku_id: s.id, offer_type: 'sale', service_level: 's'.repeat(65) }, ['service_level']],
    ['/v1/offerings', { sku_id: s.id, offer_type: 'sale', conditions: [1] }, ['conditions']],
    ['/v1/offerings', { sku_id: s.id, offer_type: 'sale', status: 'discontinued' }, ['status']],
    ['/v1/offerings', { sku_id: 'x', offer_type: 7, status: 1, extra: true }, ['extra', 'offer_type', 'sku_id', 'status']],
  ];
  for (const [path, body, fields] of cases) {
    const r = await post(path, body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, `${path} ${JSON.stringify(body).slice(0, 80)}`);
  }
  const patches = [
    [`/v1/products/${p.id}`, {}, ['']],
    [`/v1/products/${p.id}`, { name: '' }, ['name']],
    [`/v1/products/${p.id}`, { lifecycle_status: 'x', nick: 1 }, ['lifecycle_status', 'nick']],
    [`/v1/skus/${s.id}`, {}, ['']],
    [`/v1/skus/${s.id}`, { sku_code: ' x' }, ['sku_code']],
    [`/v1/skus/${s.id}`, { attrs: null }, ['attrs']],
    [`/v1/offerings/${o.id}`, {}, ['']],
    [`/v1/offerings/${o.id}`, { offer_type: 'lease' }, ['offer_type']],
  ];
  for (const [path, body, fields] of patches) {
    const r = await patch(path, body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, `${path} ${JSON.stringify(body)}`);
  }
  assertProblem(await raw(`/v1/skus/${s.id}`, '{"status":', 'application/json', 'PATCH'), 400, 'malformed_json');
  assert.equal(counts(w.t.id), before, 'nothing was written');

  // the limits themselves are fine, and SQL meta-characters are data
  const edge = await sku(w.admin, { product_id: p.id, sku_code: 'é'.repeat(64), attrs: { b: 'x'.repeat(16000), d: deep(15) } });
  assert.equal(edge.sku_code, 'é'.repeat(64));
  assert.deepEqual(edge.attrs.d, deep(15));
  const code = "O'Brien\"; DROP TABLE skus; --%_";
  const weird = await sku(w.admin, { product_id: p.id, sku_code: code });
  assert.deepEqual(await ids(`/v1/skus?sku_code=${encodeURIComponent(code)}`, w.admin), [weird.id]);
  assert.deepEqual(await ids(`/v1/skus?sku_code=${encodeURIComponent('%')}`, w.admin), []);
});

test('lists filter and page: products by manufacturer, category, lifecycle and q; SKUs; offerings', async () => {
  const w = await world();
  const m1 = await org(w, 'ACME', 'manufacturer');
  const m2 = await org(w, 'BioMed', 'manufacturer');
  const pa = await product(w.admin, { manufacturer_id: m1.id, name: 'Infusion Pump', category: 'Pumps' });
  const pb = await product(w.admin, { manufacturer_id: m1.id, name: 'Monitor 100%', category: 'Monitors', lifecycle_status: 'discontinued' });
  const pc = await product(w.admin, { manufacturer_id: m2.id, name: 'Syringe Pump', category: 'pumps' });
  const sa = await sku(w.admin, { product_id: pa.id, sku_code: 'A-1' });
  const sb = await sku(w.admin, { product_id: pa.id, sku_code: 'A-2', status: 'inactive' });
  const sc = await sku(w.admin, { product_id: pb.id, sku_code: 'B-1' });
  const sd = await sku(w.admin, { product_id: pc.id, sku_code: 'C-1' });
  const oa = await offering(w.admin, { sku_id: sa.id, offer_type: 'sale' });
  const ob = await offering(w.admin, { sku_id: sa.id, offer_type: 'rental', status: 'inactive' });
  const oc = await offering(w.admin, { sku_id: sd.id, offer_type: 'sale' });

  const all = await get('/v1/products', w.admin);
  assert.deepEqual(all.json.data.map((x) => x.id), [pa.id, pb.id, pc.id]);
  for (const x of all.json.data) await assertSchema('Product', x);
  assert.deepEqual(await ids(`/v1/products?manufacturer_id=${m1.id}`, w.admin), [pa.id, pb.id]);
  assert.deepEqual(await ids('/v1/products?category=pumps', w.admin), [pa.id, pc.id], 'categories compare without case');
  assert.deepEqual(await ids('/v1/products?lifecycle_status=discontinued', w.admin), [pb.id]);
  assert.deepEqual(await ids('/v1/products?q=PUMP', w.admin), [pa.id, pc.id]);
  assert.deepEqual(await ids(`/v1/products?q=${encodeURIComponent('100%')}`, w.admin), [pb.id]);
  assert.deepEqual(await ids(`/v1/products?q=pump&manufacturer_id=${m2.id}`, w.admin), [pc.id]);
  assert.deepEqual(await ids('/v1/products?q=&category=', w.admin), [pa.id, pb.id, pc.id]);

  const skus = await get('/v1/skus', w.admin);
  for (const x of skus.json.data) await assertSchema('Sku', x);
  assert.deepEqual(skus.json.data.map((x) => x.id), [sa.id, sb.id, sc.id, sd.id]);
  assert.deepEqual(await ids(`/v1/skus?product_id=${pa.id}`, w.admin), [sa.id, sb.id]);
  assert.deepEqual(await ids('/v1/skus?sku_code=a-2', w.admin), [sb.id]);
  assert.deepEqual(await ids(`/v1/skus?manufacturer_id=${m2.id}`, w.admin), [sd.id]);
  assert.deepEqual(await ids('/v1/skus?status=inactive', w.admin), [sb.id]);
  assert.deepEqual(await ids(`/v1/skus?manufacturer_id=${m1.id}&status=active`, w.admin), [sa.id, sc.id]);

  const offs = await get('/v1/offerings', w.admin);
  for (const x of offs.json.data) await assertSchema('Offering', x);
  assert.deepEqual(offs.json.data.map((x) => x.id), [oa.id, ob.id, oc.id]);
  assert.deepEqual(await ids(`/v1/offerings?sku_id=${sa.id}`, w.admin), [oa.id, ob.id]);
  assert.deepEqual(await ids('/v1/offerings?offer_type=sale', w.admin), [oa.id, oc.id]);
  assert.deepEqual(await ids('/v1/offerings?status=inactive', w.admin), [ob.id]);

  for (const base of ['/v1/products', '/v1/skus', '/v1/offerings']) {
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await get(`${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.admin);
      assert.equal(r.status, 200, r.text);
      seen.push(...r.json.data.map((x) => x.id));
      cursor = r.json.next_cursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, await ids(base, w.admin), base);
    assert.ok(pages >= 2, base);
  }
  for (const q of ['/v1/products?limit=0', '/v1/products?cursor=bogus', '/v1/products?lifecycle_status=gone', '/v1/products?manufacturer_id=x',
    `/v1/products?q=${'q'.repeat(201)}`, '/v1/skus?status=active,inactive', '/v1/skus?product_id=-1', '/v1/skus?sku_code=%FF',
    '/v1/offerings?offer_type=lease', '/v1/offerings?status=x', '/v1/offerings?sku_id=0']) {
    assertProblem(await get(q, w.admin), 400, 'validation_failed');
  }
});

test('roles: readers read, only catalog writers write; an org user writes only its own manufacturer\'s items', async () => {
  const w = await world();
  const m1 = await org(w, 'M1', 'manufacturer');
  const m2 = await org(w, 'M2', 'manufacturer');
  const d1 = await org(w, 'D1', 'distributor');
  const p2 = await product(w.admin, { manufacturer_id: m2.id, name: 'Theirs' });
  const s2 = await sku(w.admin, { product_id: p2.id, sku_code: 'M2-1' });
  const viewer = await tenantUser(w, 'viewer', 'viewer@cat.test');
  const ops = await tenantUser(w, 'ops_manager', 'ops@cat.test');
  const m1Admin = await orgUser(w, m1.id, 'org_admin', 'admin@m1.test');
  const m1Engineer = await orgUser(w, m1.id, 'engineer', 'eng@m1.test');
  const d1Admin = await orgUser(w, d1.id, 'org_admin', 'admin@d1.test');

  // a tenant-wide ops manager writes for any manufacturer
  const p1 = await product(ops, { manufacturer_id: m1.id, name: 'Pump' });
  // the viewer reads everything and writes nothing
  assert.deepEqual(await ids('/v1/products', viewer), [p2.id, p1.id]);
  const before = counts(w.t.id);
  assertProblem(await post('/v1/products', { manufacturer_id: m1.id, name: 'V' }, viewer), 403, 'forbidden');
  assertProblem(await post('/v1/skus', { product_id: p1.id, sku_code: 'V-1' }, viewer), 403, 'forbidden');
  assertProblem(await post('/v1/offerings', { sku_id: s2.id, offer_type: 'sale' }, viewer), 403, 'forbidden');
  assertProblem(await patch(`/v1/products/${p1.id}`, { name: 'V' }, viewer), 403, 'forbidden');
  assertProblem(await patch(`/v1/skus/${s2.id}`, { status: 'inactive' }, viewer), 403, 'forbidden');
  assertProblem(await post('/v1/products', { manufacturer_id: m1.id, name: 'E' }, m1Engineer.token), 403, 'forbidden');

  // the manufacturer's admin: its own products only; another maker's are not even there
  const r = await post('/v1/products', { manufacturer_id: m2.id, name: 'Not mine' }, m1Admin.token);
  assertProblem(r, 403, 'forbidden');
  assertProblem(await post('/v1/products', { manufacturer_id: d1.id, name: 'Nope' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/skus', { product_id: p2.id, sku_code: 'X-1' }, m1Admin.token), 422, 'unprocessable');
  assertProblem(await post('/v1/offerings', { sku_id: s2.id, offer_type: 'sale' }, m1Admin.token), 422, 'unprocessable');
  assertProblem(await patch(`/v1/products/${p2.id}`, { name: 'X' }, m1Admin.token), 404, 'not_found');
  assertProblem(await patch(`/v1/skus/${s2.id}`, { status: 'inactive' }, m1Admin.token), 404, 'not_found');
  assert.equal(counts(w.t.id), before, 'no refused write left anything');

  const own = await product(m1Admin.token, { manufacturer_id: m1.id, name: 'Own' });
  const ownSku = await sku(m1Admin.token, { product_id: own.id, sku_code: 'M1-1' });
  const ownOffer = await offering(m1Admin.token, { sku_id: ownSku.id, offer_type: 'sale' });
  assert.equal((await patch(`/v1/products/${p1.id}`, { category: 'Pumps' }, m1Admin.token, { 'if-match': '"1"' })).status, 200);
  assert.equal((await patch(`/v1/skus/${ownSku.id}`, { attrs: { a: '1' } }, m1Admin.token)).status, 200);
  assert.equal((await patch(`/v1/offerings/${ownOffer.id}`, { term: '1y' }, m1Admin.token)).status, 200);
  assert.equal((await get(`/v1/products/${own.id}`, m1Engineer.token)).status, 200, 'an engineer reads its organization\'s catalog');
  // the audit row names the org user and its organization
  const [actor, orgId] = sql(`SELECT actor_id, org_id FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'sku' AND entity_id = ${ownSku.id} ORDER BY seq DESC LIMIT 1`).split('\t');
  assert.deepEqual([Number(actor), Number(orgId)], [m1Admin.id, m1.id]);
});

// Rows the relationships and publishing endpoints would write, put straight in the database.
const insert = (statement) => Number(sql(`${statement}; SELECT LAST_INSERT_ID()`));
const relate = (tid, parent, child, type, window = 'NOW(3) - INTERVAL 1 DAY, NULL') => insert(
  `INSERT INTO org_relationships (tenant_id, parent_org_id, child_org_id, relation_type, active_from, active_to) VALUES (${tid}, ${parent}, ${child}, '${type}', ${window})`);
const publication = (tid, channel, publisher, recipient) => insert(
  `INSERT INTO publications (tenant_id, channel_id, publisher_org_id, recipient_org_id, current_version) VALUES (${tid}, ${channel}, ${publisher}, ${recipient ?? 'NULL'}, 2)`);
const item = (tid, pub, skuId, { offering = 'NULL', from = 1, to = 'NULL' } = {}) => insert(
  `INSERT INTO publication_items (tenant_id, publication_id, sku_id, offering_id, from_version, to_version) VALUES (${tid}, ${pub}, ${skuId}, ${offering}, ${from}, ${to})`);

test('an organization sees its own manufacturer\'s items and what reached it through a live publication; nothing else', async () => {
  const w = await world('catvis');
  const tid = w.t.id;
  const m1 = await org(w, 'ACME', 'manufacturer');
  const m2 = await org(w, 'BioMed', 'manufacturer');
  const d1 = await org(w, 'D1', 'distributor');
  const dl1 = await org(w, 'DL1', 'dealer');
  const dl2 = await org(w, 'DL2', 'dealer');
  const dl3 = await org(w, 'DL3', 'dealer');
  const h1 = await org(w, 'H1', 'hospital');
  const pa = await product(w.admin, { manufacturer_id: m1.id, name: 'Pump' });
  const pb = await product(w.admin, { manufacturer_id: m1.id, name: 'Monitor' });
  const pc = await product(w.admin, { manufacturer_id: m2.id, name: 'Syringe' });
  const s1 = await sku(w.admin, { product_id: pa.id, sku_code: 'S-1' });
  const s2 = await sku(w.admin, { product_id: pa.id, sku_code: 'S-2' });
  const s3 = await sku(w.admin, { product_id: pb.id, sku_code: 'S-3' });
  const t1 = await sku(w.admin, { product_id: pc.id, sku_code: 'T-1' });
  const o1 = await offering(w.admin, { sku_id: s1.id, offer_type: 'sale' });
  const o2 = await offering(w.admin, { sku_id: s2.id, offer_type: 'sale' });
  const o3 = await offering(w.admin, { sku_id: t1.id, offer_type: 'rental' });

  // D1 distributor_of ACME; DL1 dealer_of D1; DL2's ended; DL3's not begun; H1 a partner only
  relate(tid, m1.id, d1.id, 'distributor_of');
  relate(tid, d1.id, dl1.id, 'dealer_of');
  relate(tid, d1.id, dl2.id, 'dealer_of', 'NOW(3) - INTERVAL 2 DAY, NOW(3) - INTERVAL 1 DAY');
  relate(tid, d1.id, dl3.id, 'dealer_of', 'NOW(3) + INTERVAL 1 DAY, NULL');
  relate(tid, d1.id, h1.id, 'partner_of');
  const ch = insert(`INSERT INTO channels (tenant_id, name, type) VALUES (${tid}, 'Dealers', 'dealer')`);
  // ACME -> D1: S-1 live, S-2 unlisted in version 2; D1 -> all: S-1; BioMed -> DL1: T-1 with its offering
  const toD1 = publication(tid, ch, m1.id, d1.id);
  item(tid, toD1, s1.id);
  item(tid, toD1, s2.id, { to: 2 });
  const toAll = publication(tid, ch, d1.id, null);
  item(tid, toAll, s1.id);
  const toDl1 = publication(tid, ch, m2.id, dl1.id);
  item(tid, toDl1, t1.id, { offering: o3.id });
  // DL2 published S-3 itself (to DL1): it sees what it published
  const byDl2 = publication(tid, ch, dl2.id, dl1.id);
  item(tid, byDl2, s3.id, { to: 2 }); // already unlisted: reaches nobody
  const byDl2b = publication(tid, insert(`INSERT INTO channels (tenant_id, name, type) VALUES (${tid}, 'Online', 'online')`), dl2.id, null);
  item(tid, byDl2b, s3.id);

  const user = async (o, email) => (await orgUser(w, o.id, 'viewer', email)).token;
  const who = {
    m1: await user(m1, 'v@m1.test'), m2: await user(m2, 'v@m2.test'), d1: await user(d1, 'v@d1.test'),
    dl1: await user(dl1, 'v@dl1.test'), dl2: await user(dl2, 'v@dl2.test'), dl3: await user(dl3, 'v@dl3.test'),
    h1: await user(h1, 'v@h1.test'),
  };
  const expect = {
    m1: { skus: [s1, s2, s3], products: [pa, pb], offerings: [o1, o2] },
    m2: { skus: [t1], products: [pc], offerings: [o3] },
    d1: { skus: [s1], products: [pa], offerings: [o1] },
    dl1: { skus: [s1, t1], products: [pa, pc], offerings: [o1, o3] },
    dl2: { skus: [s3], products: [pb], offerings: [] },
    dl3: { skus: [], products: [], offerings: [] },
    h1: { skus: [], products: [], offerings: [] },
  };
  const everything = { skus: [s1, s2, s3, t1], products: [pa, pb, pc], offerings: [o1, o2, o3] };
  for (const [name, token] of Object.entries(who)) {
    for (const kind of ['skus', 'products', 'offerings']) {
      const want = expect[name][kind].map((x) => x.id);
      assert.deepEqual(await ids(`/v1/${kind}`, token), want, `${name} lists ${kind}`);
      for (const x of everything[kind]) {
        const r = await get(`/v1/${kind}/${x.id}`, token);
        if (want.includes(x.id)) assert.equal(r.status, 200, `${name} gets ${kind} ${x.id}`);
        else assertProblem(r, 404, 'not_found');
      }
    }
  }
  // filters never widen what an organization sees
  assert.deepEqual(await ids(`/v1/skus?product_id=${pa.id}`, who.d1), [s1.id]);
  assert.deepEqual(await ids(`/v1/skus?manufacturer_id=${m1.id}`, who.dl1), [s1.id]);
  assert.deepEqual(await ids(`/v1/offerings?sku_id=${s2.id}`, who.d1), []);
  // tenant-wide users see everything
  assert.deepEqual(await ids('/v1/skus', w.admin), everything.skus.map((x) => x.id));

  // ending D1's relationship to DL1 takes D1's "to all" items away from DL1 at once
  sql(`UPDATE org_relationships SET active_to = NOW(3) WHERE tenant_id = ${tid} AND child_org_id = ${dl1.id}`);
  assert.deepEqual(await ids('/v1/skus', who.dl1), [t1.id]);
  // unlisting (closing the item's interval) takes it away too
  sql(`UPDATE publication_items SET to_version = 3 WHERE tenant_id = ${tid} AND publication_id = ${toD1} AND sku_id = ${s1.id}`);
  assert.deepEqual(await ids('/v1/skus', who.d1), [s1.id], 'D1 still published S-1 itself');
  sql(`UPDATE publication_items SET to_version = 3 WHERE tenant_id = ${tid} AND publication_id = ${toAll}`);
  assert.deepEqual(await ids('/v1/skus', who.d1), []);
  assertProblem(await get(`/v1/products/${pa.id}`, who.d1), 404, 'not_found');
});

test('an organization changes only what it makes: 403 for an item it sees, 404 for one it does not', async () => {
  const w = await world('catwr');
  const tid = w.t.id;
  const m1 = await org(w, 'ACME', 'manufacturer');
  const d1 = await org(w, 'D1', 'distributor');
  const p1 = await product(w.admin, { manufacturer_id: m1.id, name: 'Pump' });
  const s1 = await sku(w.admin, { product_id: p1.id, sku_code: 'S-1' });
  const s2 = await sku(w.admin, { product_id: p1.id, sku_code: 'S-2' });
  const o1 = await offering(w.admin, { sku_id: s1.id, offer_type: 'sale' });
  const o2 = await offering(w.admin, { sku_id: s2.id, offer_type: 'sale' });
  relate(tid, m1.id, d1.id, 'distributor_of');
  const ch = insert(`INSERT INTO channels (tenant_id, name, type) VALUES (${tid}, 'Direct', 'direct')`);
  item(tid, publication(tid, ch, m1.id, d1.id), s1.id);
  const d1Admin = await orgUser(w, d1.id, 'org_admin', 'admin@d1.test');
  const before = counts(tid);
  assertProblem(await patch(`/v1/products/${p1.id}`, { name: 'Mine' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/skus/${s1.id}`, { status: 'inactive' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/offerings/${o1.id}`, { term: 'x' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/skus/${s2.id}`, { status: 'inactive' }, d1Admin.token), 404, 'not_found');
  assertProblem(await patch(`/v1/offerings/${o2.id}`, { term: 'x' }, d1Admin.token), 404, 'not_found');
  assertProblem(await post('/v1/skus', { product_id: p1.id, sku_code: 'D-1' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/offerings', { sku_id: s1.id, offer_type: 'rental' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/offerings', { sku_id: s2.id, offer_type: 'rental' }, d1Admin.token), 422, 'unprocessable');
  assertProblem(await post('/v1/products', { manufacturer_id: m1.id, name: 'As ACME' }, d1Admin.token), 403, 'forbidden');
  assert.equal(counts(tid), before);
});

test('another tenant gets 404 for every item and sees none in its lists; a malformed id is 404', async () => {
  const a = await world('cata');
  const b = await world('catb');
  const m = await org(a, 'ACME', 'manufacturer');
  const p = await product(a.admin, { manufacturer_id: m.id, name: 'Pump' });
  const s = await sku(a.admin, { product_id: p.id, sku_code: 'S-1' });
  const o = await offering(a.admin, { sku_id: s.id, offer_type: 'sale' });
  await org(b, 'ACME', 'manufacturer');
  const before = counts(a.t.id);
  for (const [kind, x] of [['products', p], ['skus', s], ['offerings', o]]) {
    assertProblem(await get(`/v1/${kind}/${x.id}`, b.admin), 404, 'not_found');
    const change = kind === 'products' ? { lifecycle_status: 'draft' } : { status: 'inactive' };
    assertProblem(await patch(`/v1/${kind}/${x.id}`, change, b.admin, { 'if-match': '"1"' }), 404, 'not_found');
    assert.deepEqual((await get(`/v1/${kind}`, b.admin)).json.data, []);
    const ghost = await get(`/v1/${kind}/999999999`, b.admin);
    const theirs = await get(`/v1/${kind}/${x.id}`, b.admin);
    assert.equal(ghost.json.detail.replace(/\d+/g, 'N'), theirs.json.detail.replace(/\d+/g, 'N'));
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      assertProblem(await get(`/v1/${kind}/${id}`, a.admin), 404, 'not_found');
      assertProblem(await patch(`/v1/${kind}/${id}`, { status: 'inactive' }, a.admin), 404, 'not_found');
    }
  }
  assertProblem(await post('/v1/products', { manufacturer_id: m.id, name: 'X' }, b.admin), 422, 'unprocessable');
  assertProblem(await post('/v1/skus', { product_id: p.id, sku_code: 'X' }, b.admin), 422, 'unprocessable');
  assertProblem(await post('/v1/offerings', { sku_id: s.id, offer_type: 'sale' }, b.admin), 422, 'unprocessable');
  assert.deepEqual(await ids(`/v1/skus?manufacturer_id=${m.id}`, b.admin), []);
  assert.equal(counts(a.t.id), before);
});

test('each change writes its audit row and catalog event in its transaction; the chain holds; Idempotency-Key replays', async () => {
  const w = await world('cataud');
  const tid = w.t.id;
  const m = await org(w, 'ACME', 'manufacturer');
  const p = await product(w.admin, { manufacturer_id: m.id, name: 'Pump' });
  const pp = (await patch(`/v1/products/${p.id}`, { category: 'Pumps' }, w.admin)).json;
  const s = await sku(w.admin, { product_id: p.id, sku_code: 'S-1' });
  const sp = (await patch(`/v1/skus/${s.id}`, { attrs: { c: 'red' } }, w.admin)).json;
  const o = await offering(w.admin, { sku_id: s.id, offer_type: 'sale' });
  const op = (await patch(`/v1/offerings/${o.id}`, { service_level: 'gold' }, w.admin)).json;
  for (const [entity, id, created, updated] of [['product', p.id, p, pp], ['sku', s.id, s, sp], ['offering', o.id, o, op]]) {
    const rows = sql(`SELECT action, before_json, after_json FROM audit_log WHERE tenant_id = ${tid} AND entity = '${entity}' AND entity_id = ${id} ORDER BY seq`)
      .split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.map((r) => r[0]), [`${entity}.create`, `${entity}.update`]);
    assert.equal(rows[0][1], 'NULL');
    assert.deepEqual(JSON.parse(rows[0][2]), created);
    assert.deepEqual(JSON.parse(rows[1][1]), created);
    assert.deepEqual(JSON.parse(rows[1][2]), updated);
    const events = sql(`SELECT event_type, payload FROM outbox_events WHERE tenant_id = ${tid} AND entity = '${entity}' AND entity_id = ${id} ORDER BY id`)
      .split('\n').map((l) => l.split('\t'));
    assert.deepEqual(events.map((e) => e[0]), [`catalog.${entity}_created`, `catalog.${entity}_updated`]);
    assert.deepEqual(JSON.parse(events[1][1]), updated);
    const log = await get(`/v1/audit-logs?entity=${entity}&entity_id=${id}`, w.admin);
    assert.deepEqual(log.json.data.map((e) => e.action), [`${entity}.update`, `${entity}.create`]);
  }
  const v = cli('audit', 'verify', '--tenant', w.t.slug);
  assert.equal(v.status, 0, v.out);
  assert.match(v.out, /chain intact/);

  const key = `sku-${Date.now()}`;
  const body = { product_id: p.id, sku_code: 'S-ONCE' };
  const first = await post('/v1/skus', body, w.admin, { 'idempotency-key': key });
  assert.equal(first.status, 201, first.text);
  const before = counts(tid);
  const again = await post('/v1/skus', body, w.admin, { 'idempotency-key': key });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, first.text);
  assert.equal(counts(tid), before);
  assertProblem(await post('/v1/skus', { ...body, sku_code: 'S-TWICE' }, w.admin, { 'idempotency-key': key }), 422, 'unprocessable');
});
