// Equipment end to end: create/read/list/patch with ETags, serials unique per tenant, every
// validation error, the QR code as SVG, QR token rotation, who sees which equipment (owner
// organization, manufacturer of its SKU, other organizations, staff), isolation between
// tenants, audit rows and events without the token, and all of it with every flag off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, bearer, newTenant, login, sql, assertProblem, post, put, orgUser, adminWorld, get, patch, RFC3339_MS, ids, assertSchema } from './lib.mjs';

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM equipment WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

async function created(r) {
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const createEq = async (token, body) => created(await post('/v1/equipment', body, token));

// A tenant with a manufacturer (and its product and SKU), a hospital and a dealer; then every
// flag is turned off again: equipment must not depend on any of them.
async function world(prefix = 'eq') {
  const w = await adminWorld(prefix, { org: true, catalog_publishing: true });
  const org = async (name, type) => created(await post('/v1/orgs', { name, type }, w.admin));
  w.m1 = await org('M1', 'manufacturer');
  w.m2 = await org('M2', 'manufacturer');
  w.h1 = await org('H1', 'hospital');
  w.dl1 = await org('DL1', 'dealer');
  const p = await created(await post('/v1/products', { manufacturer_id: w.m1.id, name: 'Infusion pump' }, w.admin));
  w.sku = await created(await post('/v1/skus', { product_id: p.id, sku_code: 'IP-100' }, w.admin));
  const p2 = await created(await post('/v1/products', { manufacturer_id: w.m2.id, name: 'Monitor' }, w.admin));
  w.sku2 = await created(await post('/v1/skus', { product_id: p2.id, sku_code: 'MON-7' }, w.admin));
  const off = await put('/v1/settings', { flags: { org: false, catalog_publishing: false } }, w.admin);
  assert.equal(off.status, 200, off.text);
  return w;
}

test('with every flag off a tenant admin registers, reads, lists and patches equipment', async () => {
  const t = await newTenant('eqoff');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const flags = (await get('/v1/settings', admin)).json.flags;
  assert.ok(Object.values(flags).every((v) => v === false), JSON.stringify(flags));

  const c = await post('/v1/equipment', { serial: 'E-123', site: 'Ward 3', region: 'north', install_date: '2024-01-10', warranty_end: '2027-01-10' }, admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('Equipment', c.json);
  assert.deepEqual({ ...c.json, id: 0, qr_token: 0, qr_url: 0, created_at: 0, updated_at: 0 }, {
    id: 0, serial: 'E-123', sku_id: null, owner_org_id: null, site: 'Ward 3', region: 'north',
    install_date: '2024-01-10', warranty_end: '2027-01-10', status: 'active', qr_token: 0, qr_url: 0,
    sku_code: null, product_name: null, version: 1, created_at: 0, updated_at: 0,
  });
  assert.match(c.json.qr_token, TOKEN);
  assert.equal(c.json.qr_url, `${process.env.TRELLIS_BASE_URL}/q/${c.json.qr_token}`);
  assert.match(c.json.created_at, RFC3339_MS);
  assert.equal(c.headers.get('location'), `/v1/equipment/${c.json.id}`);
  assert.equal(c.headers.get('etag'), '"1"');

  const g = await get(`/v1/equipment/${c.json.id}`, admin);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, c.json);
  assert.equal(g.headers.get('etag'), '"1"');

  const l = await get('/v1/equipment', admin);
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.json, { data: [c.json], next_cursor: null });

  const p = await patch(`/v1/equipment/${c.json.id}`, { site: 'ICU', region: null, status: 'retired' }, admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('Equipment', p.json);
  assert.deepEqual([p.json.site, p.json.region, p.json.status, p.json.version, p.json.qr_token],
    ['ICU', null, 'retired', 2, c.json.qr_token]);
  assert.equal(p.headers.get('etag'), '"2"');
  assertProblem(await patch(`/v1/equipment/${c.json.id}`, { site: 'X' }, admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  assert.equal((await get(`/v1/equipment/${c.json.id}`, admin)).json.site, 'ICU');
});

test('serials are unique per tenant: 409 on create and on patch, nothing written', async () => {
  const t = await newTenant('eqdup');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const a = await createEq(admin, { serial: 'SN-1' });
  const b = await createEq(admin, { serial: 'SN-2' });
  const before = counts(t.id);
  const d = await post('/v1/equipment', { serial: 'SN-1' }, admin);
  assertProblem(d, 409, 'conflict');
  assert.deepEqual(d.json.errors, [{ field: 'serial', message: 'is taken by other equipment' }]);
  assertProblem(await patch(`/v1/equipment/${b.id}`, { serial: 'SN-1' }, admin), 409, 'conflict');
  assert.equal(counts(t.id), before);
  // the same serial in another tenant is fine
  const t2 = await newTenant('eqdup2');
  const admin2 = (await login(t2.slug, t2.admin.email, t2.admin.password)).json.access_token;
  assert.equal((await createEq(admin2, { serial: 'SN-1' })).serial, 'SN-1');
  assert.notEqual(a.qr_token, (await get(`/v1/equipment/${b.id}`, admin)).json.qr_token);
});

test('bad input is 400 naming each field, and writes nothing', async () => {
  const w = await world('eqbad');
  const before = counts(w.t.id);
  const bad = async (body, fields, method = 'POST', path = '/v1/equipment') => {
    const r = method === 'POST' ? await post(path, body, w.admin) : await patch(path, body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), [...fields].sort(), r.text);
    return r;
  };
  await bad({}, ['serial']);
  await bad({ serial: '' }, ['serial']);
  await bad({ serial: '   ' }, ['serial']);
  await bad({ serial: 'x'.repeat(101) }, ['serial']);
  await bad({ serial: 'a\u0001b' }, ['serial']);
  await bad({ serial: 7 }, ['serial']);
  await bad({ serial: 'S', color: 'red' }, ['color']);
  await bad({ serial: 'S', sku_id: 0, owner_org_id: 'x' }, ['sku_id', 'owner_org_id']);
  await bad({ serial: 'S', site: '', region: 'r'.repeat(65) }, ['site', 'region']);
  await bad({ serial: 'S', install_date: '2024-02-30', warranty_end: 'tomorrow' }, ['install_date', 'warranty_end']);
  await bad({ serial: 'S', install_date: '2023-02-29' }, ['install_date']);
  await bad({ serial: 'S', status: 'broken' }, ['status']);
  const r = await bad({ serial: 'S', install_date: '2025-01-02', warranty_end: '2025-01-01' }, ['warranty_end']);
  assert.equal(r.json.errors[0].message, 'must not be before install_date');
  await bad({ serial: 'S', sku_id: 999999, owner_org_id: 999999 }, ['sku_id', 'owner_org_id']);
  // the smallest 64-bit integer is not null in disguise (as text: a JS number cannot hold it)
  for (const field of ['sku_id', 'owner_org_id']) {
    const r = await req('POST', '/v1/equipment', { body: `{"serial":"S","${field}":-9223372036854775808}`, headers: { ...bearer(w.admin), 'content-type': 'application/json' } });
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors, [{ field, message: 'must be an integer of at least -9223372036854775807' }]);
  }
  assertProblem(await req('POST', '/v1/equipment', { body: '{"serial":', headers: { ...bearer(w.admin), 'content-type': 'application/json' } }), 400, 'malformed_json');
  assertProblem(await req('POST', '/v1/equipment', { body: 'serial=S', headers: { ...bearer(w.admin), 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');

  const e = await createEq(w.admin, { serial: 'OK-1', install_date: '2025-01-01' });
  const mid = counts(w.t.id);
  await bad({}, [''], 'PATCH', `/v1/equipment/${e.id}`);
  await bad({ warranty_end: '2024-12-31' }, ['warranty_end'], 'PATCH', `/v1/equipment/${e.id}`);
  await bad({ serial: null }, ['serial'], 'PATCH', `/v1/equipment/${e.id}`);
  await bad({ qr_token: 'AAAAAAAAAAAAAAAAAAAAAA' }, ['qr_token'], 'PATCH', `/v1/equipment/${e.id}`);
  assert.equal(counts(w.t.id), mid);
  assert.equal(Number(mid.split('\t')[0]), Number(before.split('\t')[0]) + 1);

  for (const q of ['status=gone', 'owner_org_id=x', 'sku_id=-1', 'limit=0', 'cursor=zz'])
    assert.equal((await get(`/v1/equipment?${q}`, w.admin)).status, 400, q);
  assertProblem(await get('/v1/equipment/abc', w.admin), 404, 'not_found');
  assertProblem(await get('/v1/equipment/999999', w.admin), 404, 'not_found');
  assertProblem(await get('/v1/equipment/999999/qr.svg', w.admin), 404, 'not_found');
  assertProblem(await post('/v1/equipment/999999/qr-token', {}, w.admin), 404, 'not_found');
  assertProblem(await post(`/v1/equipment/${e.id}/qr-token`, { token: 'mine' }, w.admin), 400, 'validation_failed');
});

test('lists filter by owner, SKU, site, region and status, a page at a time', async () => {
  const w = await world('eqlist');
  const a = await createEq(w.admin, { serial: 'A', sku_id: w.sku.id, owner_org_id: w.h1.id, site: 'Ward 1', region: 'north' });
  const b = await createEq(w.admin, { serial: 'B', sku_id: w.sku2.id, owner_org_id: w.h1.id, site: 'Ward 2', region: 'south' });
  const c = await createEq(w.admin, { serial: 'C', sku_id: w.sku.id, site: 'Ward 1', status: 'retired' });
  assert.deepEqual([a.sku_code, a.product_name, b.sku_code, b.product_name], ['IP-100', 'Infusion pump', 'MON-7', 'Monitor']);
  assert.deepEqual(await ids('/v1/equipment', w.admin), [a.id, b.id, c.id]);
  assert.deepEqual(await ids(`/v1/equipment?owner_org_id=${w.h1.id}`, w.admin), [a.id, b.id]);
  assert.deepEqual(await ids(`/v1/equipment?sku_id=${w.sku.id}`, w.admin), [a.id, c.id]);
  assert.deepEqual(await ids('/v1/equipment?site=Ward%201', w.admin), [a.id, c.id]);
  assert.deepEqual(await ids('/v1/equipment?region=south', w.admin), [b.id]);
  assert.deepEqual(await ids('/v1/equipment?status=retired', w.admin), [c.id]);
  assert.deepEqual(await ids(`/v1/equipment?sku_id=${w.sku.id}&status=active`, w.admin), [a.id]);
  const p1 = await get('/v1/equipment?limit=2', w.admin);
  assert.deepEqual(p1.json.data.map((x) => x.id), [a.id, b.id]);
  assert.ok(p1.json.next_cursor);
  const p2 = await get(`/v1/equipment?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`, w.admin);
  assert.deepEqual(p2.json, { data: [(await get(`/v1/equipment/${c.id}`, w.admin)).json], next_cursor: null });
  for (const x of p1.json.data) await assertSchema('Equipment', x);
});

test('qr.svg is the QR code of qr_url as image/svg+xml with a quiet zone', async () => {
  const w = await world('eqsvg');
  const e = await createEq(w.admin, { serial: 'QR-<1>&"', site: 'Lab' });
  const r = await get(`/v1/equipment/${e.id}/qr.svg`, w.admin);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'image/svg+xml');
  assert.equal(r.headers.get('etag'), '"1"');
  assert.match(r.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  assert.match(r.text, /<\/svg>\n$/);
  // the title is escaped: nothing of the serial breaks the XML
  assert.match(r.text, /<title>QR-&lt;1&gt;&amp;&quot;<\/title>/);
  const m = /viewBox="0 0 (\d+) (\d+)"/.exec(r.text);
  assert.ok(m, r.text.slice(0, 200));
  const dim = Number(m[1]);
  // versions are 21 + 4k modules wide, plus 4 of quiet zone on each side
  assert.equal(dim, Number(m[2]));
  assert.equal((dim - 8 - 21) % 4, 0, `dim ${dim}`);
  // every dark module lies inside the quiet zone's frame, and the finder patterns are there
  const d = /<path fill="#000" d="([^"]+)"/.exec(r.text)[1];
  const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)].map((x) => x.slice(1).map(Number));
  assert.equal(runs.map((x) => `M${x[0]} ${x[1]}h${x[2]}v1h-${x[3]}z`).join(''), d);
  for (const [x, y, len] of runs) {
    assert.ok(x >= 4 && y >= 4 && x + len <= dim - 4 && y < dim - 4, `${x} ${y} ${len}`);
  }
  assert.deepEqual(runs[0], [4, 4, 7, 7]); // the top-left finder's first row
  assert.ok(runs.some(([x, y, len]) => x === dim - 11 && y === 4 && len === 7)); // top-right
  // the API's own routes need a token
  assertProblem(await req('GET', `/v1/equipment/${e.id}/qr.svg`), 401, 'unauthorized');
});

test('rotating the QR token gives a new one, bumps the version and keeps the rest', async () => {
  const w = await world('eqrot');
  const e = await createEq(w.admin, { serial: 'ROT-1', owner_org_id: w.h1.id });
  const r = await post(`/v1/equipment/${e.id}/qr-token`, {}, w.admin, { 'if-match': '"1"' });
  assert.equal(r.status, 200, r.text);
  await assertSchema('Equipment', r.json);
  assert.match(r.json.qr_token, TOKEN);
  assert.notEqual(r.json.qr_token, e.qr_token);
  assert.equal(r.json.qr_url, `${process.env.TRELLIS_BASE_URL}/q/${r.json.qr_token}`);
  assert.deepEqual({ ...r.json, qr_token: 0, qr_url: 0, version: 0, updated_at: 0 }, { ...e, qr_token: 0, qr_url: 0, version: 0, updated_at: 0 });
  assert.equal(r.json.version, 2);
  assert.equal(r.headers.get('etag'), '"2"');
  assertProblem(await post(`/v1/equipment/${e.id}/qr-token`, {}, w.admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  // without a body at all
  const r2 = await req('POST', `/v1/equipment/${e.id}/qr-token`, { headers: bearer(w.admin) });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(sql(`SELECT qr_token FROM equipment WHERE id = ${e.id}`), r2.json.qr_token);
  const svg = (await get(`/v1/equipment/${e.id}/qr.svg`, w.admin)).text;
  assert.equal(svg, (await get(`/v1/equipment/${e.id}/qr.svg`, w.admin)).text);
});

test('audit rows and events of every write, none carrying the QR token', async () => {
  const w = await world('eqaudit');
  const e = await createEq(w.admin, { serial: 'AUD-1', site: 'A' });
  await patch(`/v1/equipment/${e.id}`, { site: 'B' }, w.admin);
  const rot = (await post(`/v1/equipment/${e.id}/qr-token`, {}, w.admin)).json;
  const rows = sql(`SELECT action, COALESCE(before_json, 'null'), after_json FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'equipment' AND entity_id = ${e.id} ORDER BY seq`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((x) => x[0]), ['equipment.create', 'equipment.update', 'equipment.rotate_qr_token']);
  assert.equal(JSON.parse(rows[1][1]).site, 'A');
  assert.equal(JSON.parse(rows[1][2]).site, 'B');
  assert.equal(JSON.parse(rows[2][2]).version, 3);
  const events = sql(`SELECT event_type, payload FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = 'equipment' AND entity_id = ${e.id} ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(events.map((x) => x[0]), ['equipment.created', 'equipment.updated', 'equipment.updated']);
  for (const text of [...rows.flatMap((x) => x.slice(1)), ...events.map((x) => x[1])]) {
    assert.ok(!text.includes(e.qr_token) && !text.includes(rot.qr_token), text);
    assert.ok(!/qr_token|qr_url/.test(text), text);
  }
});

test('who sees what: the owner organization, the maker of the SKU, other organizations, staff', async () => {
  const w = await world('eqacl');
  const mine = await createEq(w.admin, { serial: 'H1-A', sku_id: w.sku.id, owner_org_id: w.h1.id });
  const other = await createEq(w.admin, { serial: 'H1-B', sku_id: w.sku2.id, owner_org_id: w.h1.id });
  const loose = await createEq(w.admin, { serial: 'NONE', sku_id: w.sku.id });
  const unowned = await createEq(w.admin, { serial: 'BARE' });
  const h1 = await orgUser(w, w.h1.id, 'org_admin', 'h1@eqacl.test');
  const m1 = await orgUser(w, w.m1.id, 'org_admin', 'm1@eqacl.test');
  const dl1 = await orgUser(w, w.dl1.id, 'org_admin', 'dl1@eqacl.test');
  const viewer = await orgUser(w, w.h1.id, 'viewer', 'hv@eqacl.test');

  assert.deepEqual(await ids('/v1/equipment', w.admin), [mine.id, other.id, loose.id, unowned.id]);
  assert.deepEqual(await ids('/v1/equipment', h1.token), [mine.id, other.id]);
  assert.deepEqual(await ids('/v1/equipment', viewer.token), [mine.id, other.id]);
  assert.deepEqual(await ids('/v1/equipment', m1.token), [mine.id, loose.id]);
  assert.deepEqual(await ids('/v1/equipment', dl1.token), []);
  assert.deepEqual(await ids(`/v1/equipment?owner_org_id=${w.h1.id}`, m1.token), [mine.id]);

  assert.equal((await get(`/v1/equipment/${other.id}`, h1.token)).status, 200);
  assert.equal((await get(`/v1/equipment/${loose.id}/qr.svg`, m1.token)).status, 200);
  for (const [tok, id] of [[m1.token, other.id], [h1.token, loose.id], [dl1.token, mine.id], [m1.token, unowned.id]]) {
    assertProblem(await get(`/v1/equipment/${id}`, tok), 404, 'not_found');
    assertProblem(await get(`/v1/equipment/${id}/qr.svg`, tok), 404, 'not_found');
    assertProblem(await patch(`/v1/equipment/${id}`, { site: 'X' }, tok), 404, 'not_found');
    assertProblem(await post(`/v1/equipment/${id}/qr-token`, {}, tok), 404, 'not_found');
  }

  // an organization's user registers its own equipment; another owner only for a SKU it makes
  const own = await createEq(h1.token, { serial: 'H1-C', site: 'Ward 9' });
  assert.equal(own.owner_org_id, w.h1.id);
  assertProblem(await post('/v1/equipment', { serial: 'H1-D', owner_org_id: w.dl1.id }, h1.token), 403, 'forbidden');
  assertProblem(await post('/v1/equipment', { serial: 'H1-E', owner_org_id: null }, h1.token), 403, 'forbidden');
  const made = await createEq(m1.token, { serial: 'M1-A', sku_id: w.sku.id, owner_org_id: w.h1.id });
  assert.deepEqual([made.owner_org_id, made.sku_id], [w.h1.id, w.sku.id]);
  assertProblem(await post('/v1/equipment', { serial: 'M1-B', sku_id: w.sku2.id, owner_org_id: w.h1.id }, m1.token), 403, 'forbidden');
  // a change must leave the equipment visible to who made it
  assertProblem(await patch(`/v1/equipment/${own.id}`, { owner_org_id: w.dl1.id }, h1.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/equipment/${made.id}`, { sku_id: w.sku2.id }, m1.token), 403, 'forbidden');
  assert.equal((await patch(`/v1/equipment/${made.id}`, { site: 'Theatre' }, m1.token)).status, 200);
  // the maker changes a hospital's equipment, but not its owner: the owner sees its tickets
  const before = sql(`SELECT owner_org_id, version FROM equipment WHERE tenant_id = ${w.t.id} AND id = ${made.id}`);
  for (const owner of [w.m1.id, null, w.dl1.id]) {
    const r = await patch(`/v1/equipment/${made.id}`, { owner_org_id: owner }, m1.token);
    assertProblem(r, 403, 'forbidden');
    assert.equal(r.json.detail, 'only the owner organization or tenant staff change the owner');
  }
  assertProblem(await patch(`/v1/equipment/${loose.id}`, { owner_org_id: w.m1.id }, m1.token), 403, 'forbidden');
  assert.equal(sql(`SELECT owner_org_id, version FROM equipment WHERE tenant_id = ${w.t.id} AND id = ${made.id}`), before);
  // the same owner again is no change; tenant staff move it
  assert.equal((await patch(`/v1/equipment/${made.id}`, { owner_org_id: w.h1.id, site: 'Theatre 2' }, m1.token)).status, 200);
  assert.equal((await patch(`/v1/equipment/${loose.id}`, { owner_org_id: w.h1.id }, w.admin)).status, 200);
  assert.equal((await post(`/v1/equipment/${own.id}/qr-token`, {}, h1.token)).status, 200);

  // roles: a viewer reads but does not write
  assertProblem(await post('/v1/equipment', { serial: 'V-1' }, viewer.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/equipment/${mine.id}`, { site: 'X' }, viewer.token), 403, 'forbidden');
  assertProblem(await post(`/v1/equipment/${mine.id}/qr-token`, {}, viewer.token), 403, 'forbidden');

  // the audit row names the organization's user
  const [actor, org] = sql(`SELECT actor_id, org_id FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'equipment' AND entity_id = ${own.id} ORDER BY seq LIMIT 1`).split('\t');
  assert.deepEqual([Number(actor), Number(org)], [h1.id, w.h1.id]);
});

test('another tenant sees nothing: 404 on every id and empty lists', async () => {
  const w = await world('eqiso');
  const e = await createEq(w.admin, { serial: 'ISO-1', sku_id: w.sku.id, owner_org_id: w.h1.id });
  const b = await adminWorld('eqiso2');
  const before = counts(w.t.id);
  assertProblem(await get(`/v1/equipment/${e.id}`, b.admin), 404, 'not_found');
  assertProblem(await get(`/v1/equipment/${e.id}/qr.svg`, b.admin), 404, 'not_found');
  assertProblem(await patch(`/v1/equipment/${e.id}`, { site: 'X' }, b.admin), 404, 'not_found');
  assertProblem(await post(`/v1/equipment/${e.id}/qr-token`, {}, b.admin), 404, 'not_found');
  assert.deepEqual((await get('/v1/equipment', b.admin)).json, { data: [], next_cursor: null });
  // ids of the other tenant are not references here either
  const r = await post('/v1/equipment', { serial: 'ISO-1', sku_id: w.sku.id, owner_org_id: w.h1.id }, b.admin);
  assertProblem(r, 400, 'validation_failed');
  assert.deepEqual(r.json.errors.map((x) => x.field).sort(), ['owner_org_id', 'sku_id']);
  assert.equal(counts(w.t.id), before);
  assertProblem(await get('/v1/equipment', 'x.y.z'), 401, 'unauthorized');
});
