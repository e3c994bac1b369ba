// Relationships end to end: the feature flag, create/read/list/patch with ETags, the type
// rules, self-links, cycles and duplicates, times and the database's 2038 limit, history that
// is never deleted, audit rows and events, and isolation between tenants and organizations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import { req, json, bearer, login, newTenant, sql, cli, assertProblem, post, put, orgUser, adminWorld, sleep, as, get, patch, RFC3339_MS, ids } from './lib.mjs';

const iso = (ms) => new Date(ms).toISOString();
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

let ajv;
async function assertSchema(name, body) {
  if (!ajv) {
    const doc = (await req('GET', '/v1/openapi.json')).json;
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema(doc, 'openapi');
  }
  const v = ajv.getSchema(`openapi#/components/schemas/${name}`);
  assert.ok(v(body), `${name}: ${JSON.stringify(v.errors)} in ${JSON.stringify(body)}`);
}

// What a write may leave behind: relationships, the audit chain and the outbox.
const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM org_relationships WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

async function createOrg(token, name, type) {
  const r = await post('/v1/orgs', { name, type }, token);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// A fresh tenant with seed 000's Example A organizations (and one of each other type).
async function world(prefix = 'rel') {
  const w = await adminWorld(prefix, { org: true });
  w.o = {};
  for (const [k, name, type] of [['m1', 'ACME', 'manufacturer'], ['m2', 'BioMed', 'manufacturer'], ['d1', 'D1', 'distributor'],
    ['d2', 'D2', 'distributor'], ['dl1', 'DL1', 'dealer'], ['dl2', 'DL2', 'dealer'], ['s1', 'PartsCo', 'supplier'],
    ['sp', 'ServiceCo', 'service_provider'], ['h1', 'H1', 'hospital'], ['c1', 'Plant C1', 'customer']]) {
    w.o[k] = await createOrg(w.admin, name, type);
  }
  return w;
}

// parent gets child as relation_type; answers the 201's body.
async function link(token, parent, child, relation_type, extra = {}) {
  const r = await post(`/v1/orgs/${parent.id}/relationships`, { child_org_id: child.id, relation_type, ...extra }, token);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the org feature gates relationships (404 feature_disabled), writing nothing', async () => {
  const t = await newTenant('relflag');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const before = counts(t.id);
  assertProblem(await get('/v1/orgs/1/relationships', admin), 404, 'feature_disabled');
  assertProblem(await post('/v1/orgs/1/relationships', { child_org_id: 2, relation_type: 'partner_of' }, admin), 404, 'feature_disabled');
  assertProblem(await get('/v1/relationships/1', admin), 404, 'feature_disabled');
  assertProblem(await patch('/v1/relationships/1', { preferred: true }, admin), 404, 'feature_disabled');
  assert.equal(counts(t.id), before);
  assert.equal((await put('/v1/settings', { flags: { org: true } }, admin)).status, 200);
  const a = await createOrg(admin, 'A', 'manufacturer');
  const b = await createOrg(admin, 'B', 'distributor');
  const r = await link(admin, a, b, 'distributor_of');
  assert.equal((await put('/v1/settings', { flags: { org: false } }, admin)).status, 200);
  assertProblem(await get(`/v1/relationships/${r.id}`, admin), 404, 'feature_disabled');
});

test("Example A: a tenant admin links the network; GET, lists by side, type and activity; ETag", async () => {
  const { admin, o } = await world();
  const body = { child_org_id: o.d1.id, relation_type: 'distributor_of' };
  const c = await post(`/v1/orgs/${o.m1.id}/relationships`, body, admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('Relationship', c.json);
  const r1 = c.json;
  assert.deepEqual([r1.parent_org_id, r1.child_org_id, r1.relation_type, r1.preferred, r1.active_to, r1.active, r1.version],
    [o.m1.id, o.d1.id, 'distributor_of', false, null, true, 1]);
  assert.deepEqual(r1.parent, { id: o.m1.id, name: 'ACME', type: 'manufacturer' });
  assert.deepEqual(r1.child, { id: o.d1.id, name: 'D1', type: 'distributor' });
  for (const k of ['active_from', 'created_at', 'updated_at']) assert.match(r1[k], RFC3339_MS, k);
  assert.ok(Math.abs(Date.parse(r1.active_from) - Date.now()) < 60000, 'active_from defaults to now');
  assert.equal(c.headers.get('location'), `/v1/relationships/${r1.id}`);
  assert.equal(c.headers.get('etag'), '"1"');

  const r2 = await link(admin, o.d1, o.dl1, 'dealer_of', { preferred: true });
  const r3 = await link(admin, o.m2, o.dl1, 'dealer_of');
  const r4 = await link(admin, o.m1, o.s1, 'supplier_of');
  const r5 = await link(admin, o.dl1, o.sp, 'partner_of');
  assert.equal(r2.preferred, true);

  const g = await get(`/v1/relationships/${r1.id}`, admin);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, r1);
  assert.equal(g.headers.get('etag'), '"1"');

  // DL1 has two parents (multi-brand) and one child
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships`, admin), [r2.id, r3.id, r5.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?side=parents`, admin), [r2.id, r3.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?side=children`, admin), [r5.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?relation_type=dealer_of`, admin), [r2.id, r3.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?side=children&relation_type=dealer_of`, admin), []);
  assert.deepEqual(await ids(`/v1/orgs/${o.m1.id}/relationships?side=children`, admin), [r1.id, r4.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.m1.id}/relationships?side=parents`, admin), []);
  assert.deepEqual(await ids(`/v1/orgs/${o.d1.id}/relationships?active=true`, admin), [r1.id, r2.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.d1.id}/relationships?active=false`, admin), []);
  assert.deepEqual(await ids(`/v1/orgs/${o.h1.id}/relationships`, admin), []);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?side=&active=&relation_type=`, admin), [r2.id, r3.id, r5.id], 'empty filters are no filters');
  const list = await get(`/v1/orgs/${o.dl1.id}/relationships`, admin);
  for (const x of list.json.data) await assertSchema('Relationship', x);
  assert.equal(list.json.next_cursor, null);

  // limit=1 walks every page
  const seen = [];
  let cursor = null;
  do {
    const r = await get(`/v1/orgs/${o.dl1.id}/relationships?limit=1${cursor ? `&cursor=${cursor}` : ''}`, admin);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.data.length <= 1);
    seen.push(...r.json.data.map((x) => x.id));
    cursor = r.json.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [r2.id, r3.id, r5.id]);

  for (const q of ['side=up', 'active=yes', 'active=1', 'relation_type=parent_of', 'limit=0', 'limit=201', 'cursor=bogus', 'side=%FF']) {
    const r = await get(`/v1/orgs/${o.dl1.id}/relationships?${q}`, admin);
    assertProblem(r, 400, 'validation_failed');
  }
  for (const id of ['abc', '0', '-1', '999999999']) {
    assertProblem(await get(`/v1/orgs/${id}/relationships`, admin), 404, 'not_found');
    assertProblem(await get(`/v1/relationships/${id}`, admin), 404, 'not_found');
    assertProblem(await post(`/v1/orgs/${id}/relationships`, { child_org_id: o.d1.id, relation_type: 'partner_of' }, admin), 404, 'not_found');
    assertProblem(await patch(`/v1/relationships/${id}`, { preferred: true }, admin), 404, 'not_found');
  }
});

test('the type table: which organizations each relation type may link (422 naming the side)', async () => {
  const { t, admin, o } = await world();
  const ok = [
    ['m1', 'd1', 'distributor_of'], ['d1', 'd2', 'distributor_of'], ['m1', 'dl1', 'dealer_of'], ['d2', 'dl2', 'dealer_of'],
    ['h1', 's1', 'supplier_of'], ['c1', 'h1', 'partner_of'], ['sp', 'dl2', 'partner_of'],
  ];
  for (const [p, c, type] of ok) await link(admin, o[p], o[c], type);
  const bad = [
    ['m1', 'dl2', 'distributor_of', 'child_org_id'], ['m1', 'h1', 'dealer_of', 'child_org_id'],
    ['dl1', 'dl2', 'dealer_of', 'parent_org_id'], ['h1', 'd2', 'distributor_of', 'parent_org_id'],
    ['s1', 'd2', 'distributor_of', 'parent_org_id'], ['m1', 'sp', 'supplier_of', 'child_org_id'],
  ];
  const before = counts(t.id);
  for (const [p, c, type, field] of bad) {
    const r = await post(`/v1/orgs/${o[p].id}/relationships`, { child_org_id: o[c].id, relation_type: type }, admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors.map((e) => e.field), [field], `${p} ${type} ${c}`);
    assert.match(r.json.errors[0].message, new RegExp(`'${o[field === 'child_org_id' ? c : p].name}' is a`));
  }
  // no self-links, and the child must be an organization of this tenant
  const self = await post(`/v1/orgs/${o.m1.id}/relationships`, { child_org_id: o.m1.id, relation_type: 'partner_of' }, admin);
  assertProblem(self, 422, 'unprocessable');
  assert.deepEqual(self.json.errors.map((e) => e.field), ['child_org_id']);
  assertProblem(await post(`/v1/orgs/${o.m1.id}/relationships`, { child_org_id: 999999999, relation_type: 'partner_of' }, admin), 422, 'unprocessable');
  assert.equal(counts(t.id), before, 'a refused relationship writes nothing');
});

test('no cycles through live relationships: the 422 spells out the cycle; ended ones do not count', async () => {
  const { t, admin, o } = await world();
  const ab = await link(admin, o.m1, o.d1, 'distributor_of');
  await link(admin, o.d1, o.d2, 'distributor_of');
  await link(admin, o.d2, o.dl1, 'dealer_of');
  const before = counts(t.id);
  const loop = await post(`/v1/orgs/${o.dl1.id}/relationships`, { child_org_id: o.m1.id, relation_type: 'partner_of' }, admin);
  assertProblem(loop, 422, 'unprocessable');
  assert.deepEqual(loop.json.errors.map((e) => e.field), ['child_org_id']);
  assert.match(loop.json.detail, /cycle: 'DL1' -> 'ACME' -> 'D1' -> 'D2' -> 'DL1'/);
  // a two-step loop and one through another type of relationship are cycles too
  assertProblem(await post(`/v1/orgs/${o.d1.id}/relationships`, { child_org_id: o.m1.id, relation_type: 'partner_of' }, admin), 422, 'unprocessable');
  assertProblem(await post(`/v1/orgs/${o.d2.id}/relationships`, { child_org_id: o.d1.id, relation_type: 'distributor_of' }, admin), 422, 'unprocessable');
  assert.equal(counts(t.id), before);

  // a relationship that has not started yet is live: it closes cycles too
  const future = await link(admin, o.dl1, o.sp, 'partner_of', { active_from: iso(Date.now() + 30 * DAY) });
  assert.equal(future.active, false);
  assertProblem(await post(`/v1/orgs/${o.sp.id}/relationships`, { child_org_id: o.m1.id, relation_type: 'partner_of' }, admin), 422, 'unprocessable');

  // a diamond is no cycle: ACME -> D1 -> D2 and ACME -> D2
  await link(admin, o.m1, o.d2, 'distributor_of');

  // once ACME -> D1 has ended, D1 may become ACME's parent
  await sleep(5);
  const end = await patch(`/v1/relationships/${ab.id}`, { active_to: iso(Date.now()) }, admin);
  assert.equal(end.status, 200, end.text);
  assert.deepEqual([end.json.active, end.json.version], [false, 2]);
  const back = await link(admin, o.d1, o.m1, 'partner_of');
  assert.equal(back.active, true);
});

test('another live relationship of the same type and pair is 409; after it ends a new one is fine', async () => {
  const { t, admin, o } = await world();
  const first = await link(admin, o.m1, o.d1, 'distributor_of');
  const before = counts(t.id);
  const dup = await post(`/v1/orgs/${o.m1.id}/relationships`, { child_org_id: o.d1.id, relation_type: 'distributor_of', preferred: true }, admin);
  assertProblem(dup, 409, 'conflict');
  assert.deepEqual(dup.json.errors.map((e) => e.field), ['child_org_id']);
  // one scheduled to end later is still live
  const later = await post(`/v1/orgs/${o.m1.id}/relationships`, { child_org_id: o.d1.id, relation_type: 'distributor_of', active_from: iso(Date.now() + 60 * DAY) }, admin);
  assertProblem(later, 409, 'conflict');
  assert.equal(counts(t.id), before);
  // another type between the same two is another relationship
  const partner = await link(admin, o.m1, o.d1, 'partner_of');
  assert.equal(partner.relation_type, 'partner_of');

  await sleep(5);
  const end = await patch(`/v1/relationships/${first.id}`, { active_to: iso(Date.now()) }, admin, { 'if-match': '"1"' });
  assert.equal(end.status, 200, end.text);
  const again = await link(admin, o.m1, o.d1, 'distributor_of');
  assert.equal(again.active, true);
  // history stays: both rows are there, the ended one inactive
  const all = (await get(`/v1/orgs/${o.d1.id}/relationships?side=parents&relation_type=distributor_of`, admin)).json.data;
  assert.deepEqual(all.map((x) => [x.id, x.active]), [[first.id, false], [again.id, true]]);
  assert.deepEqual(await ids(`/v1/orgs/${o.d1.id}/relationships?active=false`, admin), [first.id]);
  assert.equal(sql(`SELECT COUNT(*) FROM org_relationships WHERE tenant_id = ${t.id} AND child_org_id = ${o.d1.id}`), '3');
});

test('concurrent writes: a pair of opposite links and a pair of duplicates each leave one', async () => {
  const { t, admin, o } = await world();
  const [x, y] = await Promise.all([
    post(`/v1/orgs/${o.c1.id}/relationships`, { child_org_id: o.h1.id, relation_type: 'partner_of' }, admin),
    post(`/v1/orgs/${o.h1.id}/relationships`, { child_org_id: o.c1.id, relation_type: 'partner_of' }, admin),
  ]);
  assert.deepEqual([x.status, y.status].sort(), [201, 422], `${x.text} ${y.text}`);
  const dups = await Promise.all([1, 2, 3].map(() => post(`/v1/orgs/${o.m1.id}/relationships`, { child_org_id: o.d1.id, relation_type: 'distributor_of' }, admin)));
  assert.deepEqual(dups.map((r) => r.status).sort(), [201, 409, 409], dups.map((r) => r.text).join(' '));
  assert.equal(sql(`SELECT COUNT(*) FROM org_relationships WHERE tenant_id = ${t.id}`), '2');
});

test('times: RFC 3339 in any offset, stored in UTC; ends after starts; nothing past 2038', async () => {
  const { t, admin, o } = await world();
  const r = await link(admin, o.m1, o.d1, 'distributor_of', { active_from: '2024-05-01T14:00:00+02:00', active_to: '2037-12-31T23:59:59.5Z' });
  assert.deepEqual([r.active_from, r.active_to, r.active], ['2024-05-01T12:00:00.000Z', '2037-12-31T23:59:59.500Z', true]);
  // a relationship already over when written is history: it is kept, inactive, and no duplicate
  const past = await link(admin, o.m1, o.d1, 'distributor_of', { active_from: '2020-01-01T00:00:00Z', active_to: '2021-01-01T00:00:00Z' });
  assert.equal(past.active, false);
  // starts in the future: not active yet
  const soon = await link(admin, o.m2, o.dl1, 'dealer_of', { active_from: iso(Date.now() + DAY) });
  assert.equal(soon.active, false);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?active=true`, admin), []);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships?active=false`, admin), [soon.id]);
  // the 2038 limit of the database's TIMESTAMP, to the millisecond
  const edge = await link(admin, o.m1, o.s1, 'supplier_of', { active_to: '2038-01-19T03:14:07.999Z' });
  assert.equal(edge.active_to, '2038-01-19T03:14:07.999Z');

  const before = counts(t.id);
  const cases = [
    [{ active_to: '2038-01-19T03:14:08Z' }, ['active_to'], /2038-01-19T03:14:07Z/],
    [{ active_from: '2040-01-01T00:00:00Z' }, ['active_from'], /2038/],
    [{ active_from: '1969-12-31T23:59:59Z' }, ['active_from'], /1970/],
    [{ active_from: '2024-05-01' }, ['active_from'], /RFC 3339/],
    [{ active_from: '2024-02-30T00:00:00Z' }, ['active_from'], /RFC 3339/],
    [{ active_to: 'tomorrow' }, ['active_to'], /RFC 3339/],
    [{ active_from: 17 }, ['active_from'], null],
    [{ active_from: '2030-01-01T00:00:00Z', active_to: '2030-01-01T00:00:00Z' }, ['active_to'], /after active_from/],
    [{ active_from: '2030-01-01T00:00:00Z', active_to: '2029-01-01T00:00:00Z' }, ['active_to'], /after active_from/],
    [{ active_to: '2020-01-01T00:00:00Z' }, ['active_to'], /after active_from \(now\)/],
  ];
  for (const [extra, fields, msg] of cases) {
    const res = await post(`/v1/orgs/${o.m2.id}/relationships`, { child_org_id: o.d2.id, relation_type: 'distributor_of', ...extra }, admin);
    assertProblem(res, 400, 'validation_failed');
    assert.deepEqual(res.json.errors.map((e) => e.field), fields, JSON.stringify(extra));
    if (msg) assert.match(res.json.errors[0].message, msg);
  }
  assert.equal(counts(t.id), before);
  assert.ok(past.id && edge.id);
});

test('PATCH: preferred, ending and unscheduling an end; If-Match; ended relationships are history', async () => {
  const { t, admin, o } = await world();
  const r = await link(admin, o.d1, o.dl1, 'dealer_of', { active_from: '2024-01-01T00:00:00Z' });
  const p = await patch(`/v1/relationships/${r.id}`, { preferred: true }, admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('Relationship', p.json);
  assert.deepEqual([p.json.preferred, p.json.version, p.json.active_to], [true, 2, null]);
  assert.equal(p.headers.get('etag'), '"2"');

  const before = counts(t.id);
  assertProblem(await patch(`/v1/relationships/${r.id}`, { preferred: false }, admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  for (const [body, fields] of [[{}, ['']], [{ preferred: 'yes' }, ['preferred']], [{ active_to: 'soon' }, ['active_to']],
    [{ active_to: '2038-02-01T00:00:00Z' }, ['active_to']], [{ relation_type: 'partner_of' }, ['relation_type']],
    [{ child_org_id: o.d2.id }, ['child_org_id']], [{ active_from: '2024-01-01T00:00:00Z' }, ['active_from']]]) {
    const res = await patch(`/v1/relationships/${r.id}`, body, admin);
    assertProblem(res, 400, 'validation_failed');
    assert.deepEqual(res.json.errors.map((e) => e.field), fields, JSON.stringify(body));
  }
  const early = await patch(`/v1/relationships/${r.id}`, { active_to: '2023-12-31T23:59:59Z' }, admin);
  assertProblem(early, 422, 'unprocessable');
  assert.deepEqual(early.json.errors.map((e) => e.field), ['active_to']);
  assert.equal(counts(t.id), before, 'refused changes write nothing');

  // schedule an end, then take it back
  const sched = await patch(`/v1/relationships/${r.id}`, { active_to: iso(Date.now() + 7 * DAY) }, admin, { 'if-match': '"2"' });
  assert.equal(sched.status, 200, sched.text);
  assert.equal(sched.json.active, true);
  const unsched = await patch(`/v1/relationships/${r.id}`, { active_to: null }, admin, { 'if-match': '"3"' });
  assert.deepEqual([unsched.json.active_to, unsched.json.active, unsched.json.preferred], [null, true, true]);

  // end it now: it stays, inactive, and is no longer anyone's active parent
  const end = await patch(`/v1/relationships/${r.id}`, { active_to: iso(Date.now()) }, admin, { 'if-match': 'W/"4"' });
  assert.equal(end.status, 200, end.text);
  await sleep(5);
  const ended = await get(`/v1/relationships/${r.id}`, admin);
  assert.deepEqual([ended.json.active, ended.json.version], [false, 5]);
  const n = counts(t.id);
  for (const body of [{ active_to: null }, { active_to: iso(Date.now() + DAY) }, { preferred: false }]) {
    const res = await patch(`/v1/relationships/${r.id}`, body, admin);
    assertProblem(res, 422, 'unprocessable');
    assert.match(res.json.detail, /ended/);
  }
  assert.equal(counts(t.id), n);
  assert.equal(sql(`SELECT COUNT(*) FROM org_relationships WHERE tenant_id = ${t.id} AND id = ${r.id}`), '1', 'never deleted');
});

test('bad bodies are problem+json naming each field, and write nothing', async () => {
  const { t, admin, o } = await world();
  const before = counts(t.id);
  const path = `/v1/orgs/${o.m1.id}/relationships`;
  const raw = (body, type = 'application/json') => req('POST', path, { body, headers: { 'content-type': type, ...bearer(admin) } });
  assertProblem(await raw('{"child_org_id":'), 400, 'malformed_json');
  assertProblem(await raw(''), 400, 'malformed_json');
  assertProblem(await raw('{}', 'text/plain'), 415, 'unsupported_media_type');
  const cases = [
    [{}, ['child_org_id', 'relation_type']],
    [[], ['']],
    [{ child_org_id: o.d1.id }, ['relation_type']],
    [{ child_org_id: o.d1.id, relation_type: 'parent_of' }, ['relation_type']],
    [{ child_org_id: 0, relation_type: 'partner_of' }, ['child_org_id']],
    [{ child_org_id: -4, relation_type: 'partner_of' }, ['child_org_id']],
    [{ child_org_id: '5', relation_type: 'partner_of' }, ['child_org_id']],
    [{ child_org_id: 1.5, relation_type: 'partner_of' }, ['child_org_id']],
    [{ child_org_id: null, relation_type: 'partner_of' }, ['child_org_id']],
    [{ child_org_id: o.d1.id, relation_type: 'partner_of', preferred: 1 }, ['preferred']],
    [{ child_org_id: o.d1.id, relation_type: 'partner_of', parent_org_id: o.m2.id }, ['parent_org_id']],
    [{ child_org_id: 'x', relation_type: 7, colour: 'red' }, ['child_org_id', 'colour', 'relation_type']],
  ];
  for (const [body, fields] of cases) {
    const r = await post(path, body, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body));
  }
  assert.equal(counts(t.id), before);
});

test('org-scoped users: they see relationships their org is part of and write only as the parent', async () => {
  const w = await world('relscope');
  const { o, admin } = w;
  const m1d1 = await link(admin, o.m1, o.d1, 'distributor_of');
  const d1dl1 = await link(admin, o.d1, o.dl1, 'dealer_of');
  const m2dl1 = await link(admin, o.m2, o.dl1, 'dealer_of');
  const m1Admin = await orgUser(w, o.m1.id, 'org_admin', 'admin@m1.test');
  const d1Admin = await orgUser(w, o.d1.id, 'org_admin', 'admin@d1.test');
  const dl1Viewer = await orgUser(w, o.dl1.id, 'viewer', 'viewer@dl1.test');
  const d1Engineer = await orgUser(w, o.d1.id, 'engineer', 'eng@d1.test');

  assert.deepEqual(await ids(`/v1/orgs/${o.d1.id}/relationships`, d1Admin.token), [m1d1.id, d1dl1.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.dl1.id}/relationships`, dl1Viewer.token), [d1dl1.id, m2dl1.id]);
  assert.deepEqual(await ids(`/v1/orgs/${o.d1.id}/relationships?side=parents`, d1Engineer.token), [m1d1.id]);
  assert.equal((await get(`/v1/relationships/${m1d1.id}`, d1Admin.token)).status, 200);
  assert.equal((await get(`/v1/relationships/${m1d1.id}`, m1Admin.token)).status, 200);
  // another organization's list and relationships it is not part of are 404
  assertProblem(await get(`/v1/orgs/${o.m1.id}/relationships`, d1Admin.token), 404, 'not_found');
  assertProblem(await get(`/v1/orgs/${o.dl1.id}/relationships`, m1Admin.token), 404, 'not_found');
  assertProblem(await get(`/v1/relationships/${m2dl1.id}`, d1Admin.token), 404, 'not_found');
  assertProblem(await get(`/v1/relationships/${d1dl1.id}`, m1Admin.token), 404, 'not_found');

  const before = counts(w.t.id);
  // the child may not create in its parent's name or change the relationship
  assertProblem(await post(`/v1/orgs/${o.m1.id}/relationships`, { child_org_id: o.d2.id, relation_type: 'distributor_of' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/relationships/${m1d1.id}`, { preferred: true }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/relationships/${m2dl1.id}`, { preferred: true }, d1Admin.token), 404, 'not_found');
  // read-only roles read but do not write (RBAC)
  assertProblem(await post(`/v1/orgs/${o.dl1.id}/relationships`, { child_org_id: o.sp.id, relation_type: 'partner_of' }, dl1Viewer.token), 403, 'forbidden');
  assertProblem(await post(`/v1/orgs/${o.d1.id}/relationships`, { child_org_id: o.dl2.id, relation_type: 'dealer_of' }, d1Engineer.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/relationships/${d1dl1.id}`, { preferred: true }, d1Engineer.token), 403, 'forbidden');
  assert.equal(counts(w.t.id), before);

  // as the parent it links and changes
  const mine = await link(d1Admin.token, o.d1, o.dl2, 'dealer_of');
  const pref = await patch(`/v1/relationships/${d1dl1.id}`, { preferred: true }, d1Admin.token, { 'if-match': '"1"' });
  assert.equal(pref.status, 200, pref.text);
  assert.deepEqual(await ids(`/v1/orgs/${o.d1.id}/relationships?side=children`, d1Admin.token), [d1dl1.id, mine.id]);
  const [actor, org, action] = sql(`SELECT actor_id, org_id, action FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'relationship' AND entity_id = ${d1dl1.id} ORDER BY seq DESC LIMIT 1`).split('\t');
  assert.deepEqual([Number(actor), Number(org), action], [d1Admin.id, o.d1.id, 'relationship.update']);
});

test('another tenant gets 404 for relationships and organizations, and cannot link to them', async () => {
  const a = await world('rela');
  const b = await adminWorld('relb', { org: true });
  const bm = await createOrg(b.admin, 'Their Maker', 'manufacturer');
  const bd = await createOrg(b.admin, 'Their Distributor', 'distributor');
  const r = await link(a.admin, a.o.m1, a.o.d1, 'distributor_of');
  const before = counts(a.t.id);
  assertProblem(await get(`/v1/relationships/${r.id}`, b.admin), 404, 'not_found');
  assertProblem(await patch(`/v1/relationships/${r.id}`, { preferred: true }, b.admin, { 'if-match': '"1"' }), 404, 'not_found');
  assertProblem(await get(`/v1/orgs/${a.o.m1.id}/relationships`, b.admin), 404, 'not_found');
  assertProblem(await post(`/v1/orgs/${a.o.m1.id}/relationships`, { child_org_id: bd.id, relation_type: 'distributor_of' }, b.admin), 404, 'not_found');
  // a child of another tenant names no organization here
  const cross = await post(`/v1/orgs/${bm.id}/relationships`, { child_org_id: a.o.d1.id, relation_type: 'distributor_of' }, b.admin);
  assertProblem(cross, 422, 'unprocessable');
  assert.deepEqual(cross.json.errors.map((e) => e.field), ['child_org_id']);
  assert.equal(counts(a.t.id), before);
  assert.deepEqual(await ids(`/v1/orgs/${bm.id}/relationships`, b.admin), []);
  assert.equal((await get(`/v1/relationships/${r.id}`, a.admin)).json.preferred, false);
  // an unknown id reads like another tenant's
  const ghost = await get('/v1/relationships/999999999', b.admin);
  const theirs = await get(`/v1/relationships/${r.id}`, b.admin);
  assert.equal(ghost.json.detail.replace(/\d+/g, 'N'), theirs.json.detail.replace(/\d+/g, 'N'));
});

test('each change writes its audit row and event in one transaction; Idempotency-Key replays', async () => {
  const { t, admin, adminId, o } = await world();
  const key = `rel-${Date.now()}`;
  const body = { child_org_id: o.d1.id, relation_type: 'distributor_of' };
  const c = await post(`/v1/orgs/${o.m1.id}/relationships`, body, admin, { 'idempotency-key': key });
  assert.equal(c.status, 201, c.text);
  const n = counts(t.id);
  const again = await post(`/v1/orgs/${o.m1.id}/relationships`, body, admin, { 'idempotency-key': key });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, c.text);
  assert.equal(counts(t.id), n, 'a replay writes nothing');

  const p = await patch(`/v1/relationships/${c.json.id}`, { preferred: true }, admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  const rows = sql(`SELECT action, before_json, after_json, actor_id FROM audit_log WHERE tenant_id = ${t.id} AND entity = 'relationship' AND entity_id = ${c.json.id} ORDER BY seq`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((r) => r[0]), ['relationship.create', 'relationship.update']);
  assert.equal(rows[0][1], 'NULL');
  assert.deepEqual(JSON.parse(rows[0][2]), c.json);
  assert.deepEqual(JSON.parse(rows[1][1]), c.json);
  assert.deepEqual(JSON.parse(rows[1][2]), p.json);
  assert.equal(Number(rows[1][3]), adminId);
  const events = sql(`SELECT event_type, payload FROM outbox_events WHERE tenant_id = ${t.id} AND entity = 'relationship' AND entity_id = ${c.json.id} ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(events.map((e) => e[0]), ['org.relationship_created', 'org.relationship_updated']);
  assert.equal(JSON.parse(events[1][1]).preferred, true);
  const log = await get(`/v1/audit-logs?entity=relationship&entity_id=${c.json.id}`, admin);
  assert.deepEqual(log.json.data.map((e) => e.action), ['relationship.update', 'relationship.create']);
  const v = cli('audit', 'verify', '--tenant', t.slug);
  assert.equal(v.status, 0, v.out);
});
