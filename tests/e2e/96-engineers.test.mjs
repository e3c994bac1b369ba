// Engineers end to end: the flag, create/read/list/patch with ETags and If-Match, bad input
// writing nothing, audit rows and events, who sees and changes which engineers, another
// tenant, the eligible list for a ticket (organizations below the responsible one, skills,
// region, availability, the ranking) and assignment refusing an ineligible engineer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, sql, sqlAsync, threadRunning, post, get, patch, assertProblem, assertSchema, newTenant, login, RFC3339_MS } from './lib.mjs';
import { exampleC, ok, equipment } from './service.mjs';

const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM engineers WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM engineer_orgs WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

// Example C with the engineers flag (and whatever else is asked), and a way to add engineers.
async function world(prefix, flags = {}) {
  const w = await exampleC(prefix, { engineers: true, ...flags });
  w.eng = async (body, token) => {
    const r = await post('/v1/engineers', { name: `Eng ${Math.random().toString(36).slice(2, 8)}`, ...body }, token || w.admin);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  return w;
}

const ids = async (path, token) => {
  const r = await get(path, token);
  assert.equal(r.status, 200, r.text);
  return r.json.data.map((x) => x.id);
};

test('the engineers flag: off, every engineer route is 404 feature_disabled and writes nothing', async () => {
  const w = await exampleC('engflag');
  const t = await w.ticket();
  const before = counts(w.t.id);
  assertProblem(await get('/v1/engineers', w.admin), 404, 'feature_disabled');
  assertProblem(await post('/v1/engineers', { name: 'Ana' }, w.admin), 404, 'feature_disabled');
  assertProblem(await get('/v1/engineers/1', w.admin), 404, 'feature_disabled');
  assertProblem(await patch('/v1/engineers/1', { name: 'Ana' }, w.admin), 404, 'feature_disabled');
  assertProblem(await get(`/v1/engineers/eligible?ticket_id=${t.id}`, w.admin), 404, 'feature_disabled');
  assert.equal(counts(w.t.id), before);
  await w.flags({ engineers: true });
  assert.deepEqual(ok(await get('/v1/engineers', w.admin), 200), { data: [], next_cursor: null });
});

test('a tenant admin creates, reads, lists and patches engineers; ETag and If-Match; audit rows and events', async () => {
  const w = await world('engcrud');
  const body = { name: 'Ana Petrova', email: 'ana@example.test', user_id: w.adminId, org_ids: [w.dl1.id, w.d1.id], skills: ['x-ray', 'MRI'], regions: ['north'], availability: 'busy' };
  const c = await post('/v1/engineers', body, w.admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('Engineer', c.json);
  const e = c.json;
  assert.equal(c.headers.get('location'), `/v1/engineers/${e.id}`);
  assert.equal(c.headers.get('etag'), '"1"');
  assert.deepEqual({ ...e, id: 0, created_at: 0, updated_at: 0 }, {
    id: 0, name: 'Ana Petrova', email: 'ana@example.test', user_id: w.adminId, org_id: Math.min(w.dl1.id, w.d1.id),
    org_ids: [w.dl1.id, w.d1.id].sort((a, b) => a - b), skills: ['x-ray', 'MRI'], regions: ['north'], availability: 'busy',
    status: 'active', version: 1, created_at: 0, updated_at: 0,
  });
  assert.match(e.created_at, RFC3339_MS);
  const g = await get(`/v1/engineers/${e.id}`, w.admin);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, e);
  assert.equal(g.headers.get('etag'), '"1"');
  // defaults: no organization, no skills or regions, available, active
  const bare = await w.eng({ name: 'Tenant engineer' });
  assert.deepEqual([bare.email, bare.user_id, bare.org_id, bare.org_ids, bare.skills, bare.regions, bare.availability, bare.status],
    [null, null, null, [], [], [], 'available', 'active']);
  const single = await w.eng({ org_id: w.dl1.id, skills: ['x-ray'], regions: ['south'] });
  assert.deepEqual([single.org_id, single.org_ids], [w.dl1.id, [w.dl1.id]]);

  // PATCH: If-Match, memberships replaced, fields not named kept
  const stale = counts(w.t.id);
  assertProblem(await patch(`/v1/engineers/${e.id}`, { availability: 'off' }, w.admin, { 'if-match': '"7"' }), 412, 'precondition_failed');
  assert.equal(counts(w.t.id), stale);
  const p = await patch(`/v1/engineers/${e.id}`, { availability: 'available', org_ids: [w.d1.id], regions: [] }, w.admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('Engineer', p.json);
  assert.deepEqual([p.json.version, p.json.availability, p.json.org_ids, p.json.regions, p.json.skills, p.json.name],
    [2, 'available', [w.d1.id], [], ['x-ray', 'MRI'], 'Ana Petrova']);
  assert.equal(p.headers.get('etag'), '"2"');
  const p2 = ok(await patch(`/v1/engineers/${e.id}`, { org_id: null, email: null, user_id: null, status: 'inactive' }, w.admin), 200);
  assert.deepEqual([p2.org_ids, p2.org_id, p2.email, p2.user_id, p2.status, p2.version], [[], null, null, null, 'inactive', 3]);

  // one audit row and one event per write, before and after in the audit row
  assert.deepEqual(sql(`SELECT action FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'engineer' AND entity_id = ${e.id} ORDER BY id`).split('\n'),
    ['engineer.create', 'engineer.update', 'engineer.update']);
  assert.deepEqual(sql(`SELECT event_type FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = 'engineer' AND entity_id = ${e.id} ORDER BY id`).split('\n'),
    ['engineer.created', 'engineer.updated', 'engineer.updated']);
  // Idempotency-Key: the same key and body replay the 201 and write nothing more
  const key = { 'idempotency-key': `eng-${Date.now()}` };
  const first = await post('/v1/engineers', { name: 'Replayed', org_id: w.dl1.id }, w.admin, key);
  assert.equal(first.status, 201, first.text);
  const once = counts(w.t.id);
  const again = await post('/v1/engineers', { name: 'Replayed', org_id: w.dl1.id }, w.admin, key);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(again.json, first.json);
  assert.equal(counts(w.t.id), once);
  assertProblem(await post('/v1/engineers', { name: 'Other body' }, w.admin, key), 422, 'unprocessable');
  const audit = JSON.parse(sql(`SELECT JSON_OBJECT('b', JSON_EXTRACT(before_json, '$.availability'), 'a', JSON_EXTRACT(after_json, '$.availability')) FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'engineer' AND entity_id = ${e.id} AND action = 'engineer.update' ORDER BY id LIMIT 1`));
  assert.deepEqual(audit, { b: 'busy', a: 'available' });
});

test('lists filter by organization, skill, region, availability and status, a page at a time', async () => {
  const w = await world('englist');
  const a = await w.eng({ org_ids: [w.dl1.id], skills: ['x-ray', 'MRI'], regions: ['north'] });
  const b = await w.eng({ org_ids: [w.d1.id, w.dl1.id], skills: ['mri'], regions: ['north', 'south'], availability: 'busy' });
  const c = await w.eng({ org_ids: [w.d1.id], skills: ['CT'], availability: 'off', status: 'inactive' });
  const d = await w.eng({});
  const check = async (q, want) => {
    const r = ok(await get(`/v1/engineers${q}`, w.admin), 200);
    for (const e of r.data) await assertSchema('Engineer', e);
    assert.deepEqual(r.data.map((e) => e.id), want, q);
  };
  await check('', [a.id, b.id, c.id, d.id]);
  await check(`?org_id=${w.dl1.id}`, [a.id, b.id]);
  await check(`?org_id=${w.d1.id}`, [b.id, c.id]);
  await check('?skill=MRI', [a.id]);
  await check('?skill=mri', [b.id]);
  await check('?region=south', [b.id]);
  await check('?availability=busy', [b.id]);
  await check('?status=inactive', [c.id]);
  await check(`?org_id=${w.dl1.id}&region=north&availability=available`, [a.id]);
  const p1 = ok(await get('/v1/engineers?limit=3', w.admin), 200);
  assert.deepEqual(p1.data.map((e) => e.id), [a.id, b.id, c.id]);
  await check(`?limit=3&cursor=${p1.next_cursor}`, [d.id]);
  for (const q of ['?availability=away', '?status=gone', '?org_id=x', '?limit=0', '?cursor=zzz', `?skill=${'s'.repeat(65)}`]) {
    const r = await get(`/v1/engineers${q}`, w.admin);
    assertProblem(r, 400, 'validation_failed');
  }
});

test('bad bodies are 400 naming each field, and write nothing', async () => {
  const w = await world('engbad');
  const e = await w.eng({ org_id: w.dl1.id });
  const before = counts(w.t.id);
  const fields = async (body, method = 'POST', path = '/v1/engineers') => {
    const r = method === 'POST' ? await post(path, body, w.admin) : await patch(path, body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    return r.json.errors.map((x) => x.field).sort();
  };
  assert.deepEqual(await fields({}), ['name']);
  assert.deepEqual(await fields({ name: ' ', email: 'nope', availability: 'away', status: 'gone', colour: 'red' }),
    ['availability', 'colour', 'email', 'name', 'status']);
  assert.deepEqual(await fields({ name: 'x', skills: ['a', 'a'], regions: ['a,b'] }), ['regions[0]', 'skills[1]']);
  assert.deepEqual(await fields({ name: 'x', skills: Array.from({ length: 33 }, (_, i) => `s${i}`), regions: 'north' }), ['regions', 'skills']);
  assert.deepEqual(await fields({ name: 'x', skills: ['x'.repeat(65)], regions: [''] }), ['regions[0]', 'skills[0]']);
  assert.deepEqual(await fields({ name: 'x', org_id: w.dl1.id, org_ids: [w.dl1.id] }), ['org_ids']);
  assert.deepEqual(await fields({ name: 'x', org_ids: [w.dl1.id, w.dl1.id, -3, 'x'] }), ['org_ids[1]', 'org_ids[2]', 'org_ids[3]']);
  assert.deepEqual(await fields({ name: 'x', org_ids: [w.dl1.id, 999999] }), ['org_ids[1]']);
  assert.deepEqual(await fields({ name: 'x', org_id: 999999, user_id: 999999 }), ['org_id', 'user_id']);
  assert.deepEqual(await fields({ name: 'x', org_id: 0, user_id: -1 }), ['org_id', 'user_id']);
  // another tenant's organization is unknown here
  const other = await exampleC('engbad-other');
  assert.deepEqual(await fields({ name: 'x', org_id: other.dl1.id }), ['org_id']);
  assert.deepEqual(await fields({}, 'PATCH', `/v1/engineers/${e.id}`), ['']);
  assert.deepEqual(await fields({ skills: ['', 'b'] }, 'PATCH', `/v1/engineers/${e.id}`), ['skills[0]']);
  assert.deepEqual(await fields({ org_ids: [999999] }, 'PATCH', `/v1/engineers/${e.id}`), ['org_ids[0]']);
  assertProblem(await req('POST', '/v1/engineers', { headers: { authorization: `Bearer ${w.admin}`, 'content-type': 'text/plain' }, body: 'x' }), 415, 'unsupported_media_type');
  assertProblem(await get('/v1/engineers/abc', w.admin), 404, 'not_found');
  assertProblem(await get('/v1/engineers/999999', w.admin), 404, 'not_found');
  assertProblem(await patch('/v1/engineers/999999', { name: 'x' }, w.admin), 404, 'not_found');
  assert.equal(counts(w.t.id), before);
});

test('who sees and changes which engineers: org users their own organization, roles, another tenant', async () => {
  const w = await world('engaccess', { service_policies: true, resp_org_assignment: true });
  const dl1admin = await w.user(w.dl1.id, 'org_admin', 'dl1admin');
  const dl1viewer = await w.user(w.dl1.id, 'viewer', 'dl1viewer');
  const d1admin = await w.user(w.d1.id, 'org_admin', 'd1admin');
  // an org admin adds to its own organization (left out: its own), never to another
  const own = await w.eng({ name: 'Own' }, dl1admin.token);
  assert.deepEqual(own.org_ids, [w.dl1.id]);
  const own2 = await w.eng({ name: 'Own 2', org_id: w.dl1.id }, dl1admin.token);
  const before = counts(w.t.id);
  assertProblem(await post('/v1/engineers', { name: 'Theirs', org_id: w.d1.id }, dl1admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/engineers', { name: 'Both', org_ids: [w.dl1.id, w.d1.id] }, dl1admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/engineers', { name: 'None', org_ids: [] }, dl1admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/engineers', { name: 'Viewer' }, dl1viewer.token), 403, 'forbidden');
  assert.equal(counts(w.t.id), before);
  const theirs = await w.eng({ name: 'D1 only', org_id: w.d1.id });
  const shared = await w.eng({ name: 'Shared', org_ids: [w.dl1.id, w.d1.id] });
  const tenantWide = await w.eng({ name: 'Tenant' });
  // lists and reads: the engineers of its own organization
  assert.deepEqual(await ids('/v1/engineers', dl1admin.token), [own.id, own2.id, shared.id]);
  assert.deepEqual(await ids('/v1/engineers', dl1viewer.token), [own.id, own2.id, shared.id]);
  assert.deepEqual(await ids(`/v1/engineers?org_id=${w.d1.id}`, dl1admin.token), [shared.id]);
  assert.deepEqual(await ids('/v1/engineers', d1admin.token), [theirs.id, shared.id]);
  assert.deepEqual(await ids('/v1/engineers', w.admin), [own.id, own2.id, theirs.id, shared.id, tenantWide.id]);
  assert.equal((await get(`/v1/engineers/${shared.id}`, dl1admin.token)).status, 200);
  assertProblem(await get(`/v1/engineers/${theirs.id}`, dl1admin.token), 404, 'not_found');
  assertProblem(await get(`/v1/engineers/${tenantWide.id}`, dl1admin.token), 404, 'not_found');
  // changes: its own organization's engineers only, and they stay there
  const p = ok(await patch(`/v1/engineers/${own.id}`, { skills: ['x-ray'], availability: 'busy' }, dl1admin.token), 200);
  assert.deepEqual([p.skills, p.availability, p.version], [['x-ray'], 'busy', 2]);
  ok(await patch(`/v1/engineers/${own.id}`, { org_ids: [w.dl1.id] }, dl1admin.token), 200);
  const mid = counts(w.t.id);
  assertProblem(await patch(`/v1/engineers/${shared.id}`, { availability: 'off' }, dl1admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/engineers/${own.id}`, { org_ids: [w.d1.id] }, dl1admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/engineers/${own.id}`, { org_id: null }, dl1admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/engineers/${theirs.id}`, { availability: 'off' }, dl1admin.token), 404, 'not_found');
  assertProblem(await patch(`/v1/engineers/${own.id}`, { availability: 'off' }, dl1viewer.token), 403, 'forbidden');
  assert.equal(counts(w.t.id), mid);
  // the tenant admin changes any of them
  ok(await patch(`/v1/engineers/${shared.id}`, { org_ids: [w.d1.id] }, w.admin), 200);
  assertProblem(await get(`/v1/engineers/${shared.id}`, dl1admin.token), 404, 'not_found');

  // another tenant: nothing to see, nothing to change
  const t2 = await newTenant('engaccess-other');
  const s2 = (await login(t2.slug, t2.admin.email, t2.admin.password)).json.access_token;
  ok(await req('PUT', '/v1/settings', { headers: { authorization: `Bearer ${s2}`, 'content-type': 'application/json' }, body: JSON.stringify({ flags: { engineers: true } }) }), 200);
  assert.deepEqual(await ids('/v1/engineers', s2), []);
  assert.deepEqual(await ids(`/v1/engineers?org_id=${w.dl1.id}`, s2), []);
  assertProblem(await get(`/v1/engineers/${own.id}`, s2), 404, 'not_found');
  assertProblem(await patch(`/v1/engineers/${own.id}`, { name: 'Mine' }, s2), 404, 'not_found');
  const t = await w.ticket();
  assertProblem(await get(`/v1/engineers/eligible?ticket_id=${t.id}`, s2), 404, 'not_found');
  assertProblem(await post(`/v1/tickets/${t.id}/assign`, { engineer_id: own.id }, s2), 404, 'not_found');
  assertProblem(await post('/v1/tickets/' + t.id + '/assign', { engineer_id: own.id }, d1admin.token), 404, 'not_found');
});

// The eligibility network: the ticket's responsible org DL1, SP1 below it (partner_of DL1),
// D1 above it; equipment in region north.
async function network(prefix) {
  const w = await world(prefix, { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  w.sp1 = ok(await post('/v1/orgs', { name: 'SP1', type: 'service_provider' }, w.admin));
  w.rel = ok(await post(`/v1/orgs/${w.dl1.id}/relationships`, { child_org_id: w.sp1.id, relation_type: 'partner_of', active_from: '2020-01-01T00:00:00Z' }, w.admin));
  w.north = equipment(w.t.id, { sku: w.sku.id, owner: w.h1.id, region: 'north' });
  w.t1 = await w.ticket(null, { equipment_id: w.north });
  assert.equal(w.t1.responsible_org_id, w.dl1.id);
  const base = { skills: ['x-ray'], regions: ['north'] };
  w.a = await w.eng({ ...base, name: 'A', org_ids: [w.dl1.id], skills: ['x-ray', 'mri'] });
  w.b = await w.eng({ ...base, name: 'B', org_ids: [w.sp1.id] });
  w.c = await w.eng({ ...base, name: 'C', org_ids: [w.dl1.id], availability: 'busy' });
  w.d = await w.eng({ ...base, name: 'D', org_ids: [w.d1.id] });
  w.e = await w.eng({ ...base, name: 'E', org_ids: [w.dl1.id], availability: 'off' });
  w.f = await w.eng({ ...base, name: 'F', org_ids: [w.dl1.id], status: 'inactive' });
  w.g = await w.eng({ ...base, name: 'G', org_ids: [w.dl1.id], regions: ['south'] });
  w.h = await w.eng({ ...base, name: 'H', org_ids: [w.dl1.id] });
  w.n = await w.eng({ ...base, name: 'N' });
  // A has one open ticket already
  const busy = await w.ticket();
  ok(await post(`/v1/tickets/${busy.id}/assign`, { engineer_id: w.a.id }, w.admin), 200);
  w.eligible = async (q, token) => {
    const r = await get(`/v1/engineers/eligible?ticket_id=${w.t1.id}${q}`, token || w.admin);
    assert.equal(r.status, 200, r.text);
    for (const e of r.json.data) await assertSchema('EligibleEngineer', e);
    return r.json;
  };
  return w;
}

test('eligible engineers: the responsible org and those below it, available, skilled, in the region, ranked', async () => {
  const w = await network('engelig');
  const all = await w.eligible('');
  // B and H have no open tickets (B has the lower id), A has one, C is busy
  assert.deepEqual(all.data.map((e) => e.id), [w.b.id, w.h.id, w.a.id, w.c.id]);
  assert.deepEqual(all.data.map((e) => e.rank), [1, 2, 3, 4]);
  assert.deepEqual(all.data.map((e) => e.open_tickets), [0, 0, 1, 0]);
  assert.deepEqual(all.data.map((e) => e.via_org_id), [w.sp1.id, w.dl1.id, w.dl1.id, w.dl1.id]);
  assert.deepEqual([all.ticket_id, all.responsible_org_id, all.skills, all.region], [w.t1.id, w.dl1.id, [], 'north']);
  assert.deepEqual(all.data[0].reasons, [`works for organization ${w.sp1.id}, below the responsible one`, 'available', "covers region 'north'", '0 open tickets']);
  assert.deepEqual(all.data[3].reasons, [`works for organization ${w.dl1.id}, the responsible one`, 'busy', "covers region 'north'", '0 open tickets']);
  // skills: every one asked for; region: asked for instead of the equipment's
  const mri = await w.eligible('&skills=mri,x-ray');
  assert.deepEqual(mri.data.map((e) => e.id), [w.a.id]);
  assert.deepEqual(mri.skills, ['mri', 'x-ray']);
  assert.ok(mri.data[0].reasons.includes("has skill 'mri'"));
  assert.deepEqual((await w.eligible('&skills=MRI')).data, []);
  assert.deepEqual((await w.eligible('&region=south')).data.map((e) => e.id), [w.g.id]);
  assert.deepEqual((await w.eligible('&limit=2')).data.map((e) => e.id), [w.b.id, w.h.id]);
  // availability moves an engineer in the ranking; off takes it out
  ok(await patch(`/v1/engineers/${w.b.id}`, { availability: 'busy' }, w.admin), 200);
  ok(await patch(`/v1/engineers/${w.h.id}`, { availability: 'off' }, w.admin), 200);
  assert.deepEqual((await w.eligible('')).data.map((e) => e.id), [w.a.id, w.b.id, w.c.id]);
  // a relationship that ended takes the organization below out
  sql(`UPDATE org_relationships SET active_to = NOW(3) - INTERVAL 1 SECOND WHERE tenant_id = ${w.t.id} AND id = ${w.rel.id}`);
  assert.deepEqual((await w.eligible('')).data.map((e) => e.id), [w.a.id, w.c.id]);
  // the responsible org moves up to D1: DL1 below it now counts, and D1's own
  sql(`UPDATE tickets SET responsible_org_id = ${w.d1.id} WHERE tenant_id = ${w.t.id} AND id = ${w.t1.id}`);
  assert.deepEqual((await w.eligible('')).data.map((e) => e.id), [w.d.id, w.a.id, w.c.id]);
  // no responsible organization: any engineer of the tenant
  sql(`UPDATE tickets SET responsible_org_id = NULL WHERE tenant_id = ${w.t.id} AND id = ${w.t1.id}`);
  const any = await w.eligible('');
  assert.deepEqual(any.data.map((e) => e.id), [w.d.id, w.n.id, w.a.id, w.b.id, w.c.id]);
  assert.equal(any.responsible_org_id, null);
  assert.deepEqual(any.data.map((e) => e.via_org_id), [null, null, null, null, null]);
});

test('eligible engineers: bad queries, and only for who may read the ticket', async () => {
  const w = await network('engeligacc');
  for (const q of ['', '?ticket_id=x', `?ticket_id=${w.t1.id}&skills=a%09b`, `?ticket_id=${w.t1.id}&skills=mri,x-ray,mri`, `?ticket_id=${w.t1.id}&region=${'r'.repeat(65)}`, `?ticket_id=${w.t1.id}&limit=201`]) {
    assertProblem(await get(`/v1/engineers/eligible${q}`, w.admin), 400, 'validation_failed');
  }
  assertProblem(await get('/v1/engineers/eligible?ticket_id=999999', w.admin), 404, 'not_found');
  const h1 = await w.user(w.h1.id, 'viewer', 'h1viewer');
  const dl1 = await w.user(w.dl1.id, 'engineer', 'dl1eng');
  const d1 = await w.user(w.d1.id, 'org_admin', 'd1admin');
  const h2org = ok(await post('/v1/orgs', { name: 'H2', type: 'hospital' }, w.admin));
  const h2 = await w.user(h2org.id, 'org_admin', 'h2admin');
  // the owner and the responsible organization read the ticket, so they get its list
  assert.deepEqual((await w.eligible('', h1.token)).data.map((e) => e.id), [w.b.id, w.h.id, w.a.id, w.c.id]);
  assert.deepEqual((await w.eligible('', dl1.token)).data.map((e) => e.id), [w.b.id, w.h.id, w.a.id, w.c.id]);
  assertProblem(await get(`/v1/engineers/eligible?ticket_id=${w.t1.id}`, d1.token), 404, 'not_found');
  assertProblem(await get(`/v1/engineers/eligible?ticket_id=${w.t1.id}`, h2.token), 404, 'not_found');
});

test('assignment checks eligibility: 422 with the reason, nothing written; an eligible engineer is assigned', async () => {
  const w = await network('engassign');
  const t = w.t1;
  const state = () => sql(`SELECT version, IFNULL(assigned_engineer_id, 0) FROM tickets WHERE tenant_id = ${w.t.id} AND id = ${t.id}`) + counts(w.t.id);
  const before = state();
  const refused = async (body, why) => {
    const r = await post(`/v1/tickets/${t.id}/assign`, body, w.admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors, [{ field: 'engineer_id', message: why }]);
    assert.equal(r.json.detail, `the engineer ${why}`);
  };
  await refused({ engineer_id: w.d.id }, 'is not a member of the responsible organization or its children');
  await refused({ engineer_id: w.n.id }, 'is not a member of the responsible organization or its children');
  await refused({ engineer_id: w.e.id }, 'is off');
  await refused({ engineer_id: w.f.id }, 'names an inactive engineer');
  await refused({ engineer_id: w.a.id, skills: ['mri', 'ct'] }, "lacks skill 'ct'");
  await refused({ engineer_id: w.g.id }, "does not cover region 'north'");
  await refused({ engineer_id: w.b.id, region: 'south' }, "does not cover region 'south'");
  await refused({ engineer_id: 999999 }, 'names no engineer of this tenant');
  for (const body of [{ engineer_id: w.a.id, skills: ['a', 'a'] }, { engineer_id: w.a.id, skills: 'mri' }, { engineer_id: w.a.id, region: '' }]) {
    assertProblem(await post(`/v1/tickets/${t.id}/assign`, body, w.admin), 400, 'validation_failed');
  }
  assert.equal(state(), before);
  // an engineer of the organization below, with the skills asked for
  const a1 = await post(`/v1/tickets/${t.id}/assign`, { engineer_id: w.b.id, skills: ['x-ray'] }, w.admin);
  assert.equal(a1.status, 200, a1.text);
  await assertSchema('Ticket', a1.json);
  assert.equal(a1.json.assigned_engineer_id, w.b.id);
  // the region asked for wins over the equipment's
  const a2 = ok(await post(`/v1/tickets/${t.id}/assign`, { engineer_id: w.g.id, region: 'south' }, w.admin), 200);
  assert.equal(a2.assigned_engineer_id, w.g.id);
  // the eligible list and the assignment agree, engineer by engineer
  const eligible = new Set((await w.eligible('')).data.map((e) => e.id));
  for (const e of [w.a, w.b, w.c, w.d, w.e, w.f, w.g, w.h, w.n]) {
    const r = await post(`/v1/tickets/${t.id}/assign`, { engineer_id: e.id }, w.admin);
    assert.equal(r.status, eligible.has(e.id) ? 200 : 422, `${e.name}: ${r.text}`);
  }
  assert.deepEqual(sql(`SELECT event_type FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = 'ticket' AND entity_id = ${t.id} AND event_type = 'ticket.assigned'`).split('\n').length, 2 + eligible.size);
});

// An assignment racing a change to the engineer: a session deactivates the engineer and holds
// its row while the assignment comes in. The assignment waits for that change and refuses the
// engineer it made inactive; it never reads the engineer as it was before.
test('an assignment waits for a change to the engineer that is committing, and sees it', async () => {
  const w = await network('engrace');
  const t = w.t1;
  const before = sql(`SELECT version, IFNULL(assigned_engineer_id, 0) FROM tickets WHERE tenant_id = ${w.t.id} AND id = ${t.id}`);
  const session = sqlAsync(`START TRANSACTION;
    UPDATE engineers SET status = 'inactive', version = version + 1 WHERE tenant_id = ${w.t.id} AND id = ${w.h.id};
    DO SLEEP(60);
    COMMIT`);
  const sleeper = await threadRunning('DO SLEEP(60)');
  const assigned = post(`/v1/tickets/${t.id}/assign`, { engineer_id: w.h.id }, w.admin);
  await threadRunning('%FROM engineers WHERE tenant_id%LOCK IN SHARE MODE%'); // the assignment waits
  sql(`KILL QUERY ${sleeper}`); // the session commits the deactivation
  await session;
  const r = await assigned;
  assertProblem(r, 422, 'unprocessable');
  assert.equal(r.json.detail, 'the engineer names an inactive engineer');
  assert.equal(sql(`SELECT version, IFNULL(assigned_engineer_id, 0) FROM tickets WHERE tenant_id = ${w.t.id} AND id = ${t.id}`), before);
});
