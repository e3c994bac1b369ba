// Channels end to end: the feature flag, create/read/list/patch with ETags, names unique per
// tenant, the organization that runs a channel, what org-scoped users may do, audit rows and
// events, and isolation between tenants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import { req, json, bearer, login, newTenant, sql, assertProblem, post, put, orgUser, adminWorld, as, get, patch, RFC3339_MS, ids } from './lib.mjs';

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

const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM channels WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

async function createOrg(token, name, type, extra = {}) {
  const r = await post('/v1/orgs', { name, type, ...extra }, token);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function world(prefix = 'chan') {
  const w = await adminWorld(prefix, { org: true, channels: true });
  w.m1 = await createOrg(w.admin, 'ACME', 'manufacturer');
  w.d1 = await createOrg(w.admin, 'D1', 'distributor');
  return w;
}

async function createChannel(token, body) {
  const r = await post('/v1/channels', body, token);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the channels feature gates the endpoints (404 feature_disabled), writing nothing', async () => {
  const t = await newTenant('chanflag');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const before = counts(t.id);
  assertProblem(await get('/v1/channels', admin), 404, 'feature_disabled');
  assertProblem(await post('/v1/channels', { name: 'Direct', type: 'direct' }, admin), 404, 'feature_disabled');
  assertProblem(await get('/v1/channels/1', admin), 404, 'feature_disabled');
  assertProblem(await patch('/v1/channels/1', { name: 'X' }, admin), 404, 'feature_disabled');
  assert.equal(counts(t.id), before);
  // the org feature is not needed for the tenant's own channels
  assert.equal((await put('/v1/settings', { flags: { channels: true } }, admin)).status, 200);
  assert.deepEqual((await get('/v1/channels', admin)).json, { data: [], next_cursor: null });
  const c = await createChannel(admin, { name: 'Direct', type: 'direct' });
  assert.equal((await put('/v1/settings', { flags: { channels: false } }, admin)).status, 200);
  assertProblem(await get(`/v1/channels/${c.id}`, admin), 404, 'feature_disabled');
});

test('a tenant admin creates, reads and patches channels; ETag and If-Match round trip', async () => {
  const { t, admin, m1 } = await world();
  const c = await post('/v1/channels', { name: 'Distributor channel', type: 'distributor', org_id: m1.id }, admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('Channel', c.json);
  assert.deepEqual({ ...c.json, id: 0, created_at: 0, updated_at: 0 },
    { id: 0, name: 'Distributor channel', type: 'distributor', org_id: m1.id, status: 'active', version: 1, created_at: 0, updated_at: 0 });
  assert.match(c.json.created_at, RFC3339_MS);
  assert.equal(c.headers.get('location'), `/v1/channels/${c.json.id}`);
  assert.equal(c.headers.get('etag'), '"1"');
  // without org_id (or with null) the tenant runs it
  const own = await createChannel(admin, { name: 'Dealer channel', type: 'dealer' });
  const own2 = await createChannel(admin, { name: 'Online', type: 'online', org_id: null });
  assert.deepEqual([own.org_id, own2.org_id], [null, null]);

  const g = await get(`/v1/channels/${c.json.id}`, admin);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, c.json);
  assert.equal(g.headers.get('etag'), '"1"');

  const p = await patch(`/v1/channels/${c.json.id}`, { name: 'ACME distribution', status: 'inactive' }, admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('Channel', p.json);
  assert.deepEqual([p.json.name, p.json.type, p.json.status, p.json.org_id, p.json.version], ['ACME distribution', 'distributor', 'inactive', m1.id, 2]);
  assert.equal(p.headers.get('etag'), '"2"');
  const before = counts(t.id);
  assertProblem(await patch(`/v1/channels/${c.json.id}`, { type: 'online' }, admin, { 'if-match': '"1"' }), 412, 'precondition_failed');
  assert.equal(counts(t.id), before);
  const w = await patch(`/v1/channels/${c.json.id}`, { type: 'direct', status: 'active' }, admin, { 'if-match': 'W/"2"' });
  assert.deepEqual([w.json.type, w.json.status, w.json.version], ['direct', 'active', 3]);
  const free = await patch(`/v1/channels/${c.json.id}`, { name: 'ACME direct' }, admin);
  assert.equal(free.json.version, 4);
  for (const id of ['abc', '0', '-1', '999999999']) {
    assertProblem(await get(`/v1/channels/${id}`, admin), 404, 'not_found');
    assertProblem(await patch(`/v1/channels/${id}`, { name: 'X' }, admin), 404, 'not_found');
  }
});

test('names are unique per tenant without regard to case (409); another tenant may reuse one', async () => {
  const { t, admin } = await world();
  await createChannel(admin, { name: 'Dealer channel', type: 'dealer' });
  const b = await createChannel(admin, { name: 'Online', type: 'online' });
  const before = counts(t.id);
  for (const name of ['Dealer channel', 'DEALER CHANNEL']) {
    const dup = await post('/v1/channels', { name, type: 'direct' }, admin);
    assertProblem(dup, 409, 'conflict');
    assert.deepEqual(dup.json.errors.map((e) => e.field), ['name']);
  }
  assertProblem(await patch(`/v1/channels/${b.id}`, { name: 'dealer channel' }, admin), 409, 'conflict');
  assert.equal(counts(t.id), before);
  const other = await world();
  assert.equal((await createChannel(other.admin, { name: 'Dealer channel', type: 'dealer' })).name, 'Dealer channel');
});

test('bad input is problem+json naming each field; the running org must be an active org of the tenant (422)', async () => {
  const { t, admin, m1 } = await world();
  const c = await createChannel(admin, { name: 'Existing', type: 'direct' });
  const gone = await createOrg(admin, 'Gone', 'dealer', { status: 'inactive' });
  const before = counts(t.id);
  const raw = (body, type = 'application/json') => req('POST', '/v1/channels', { body, headers: { 'content-type': type, ...bearer(admin) } });
  assertProblem(await raw('{"name":'), 400, 'malformed_json');
  assertProblem(await raw('{"name":"A","type":"direct"}', 'text/plain'), 415, 'unsupported_media_type');
  const cases = [
    [{}, ['name', 'type']],
    [[], ['']],
    [{ name: 'A' }, ['type']],
    [{ name: 'A', type: 'retail' }, ['type']],
    [{ name: '', type: 'direct' }, ['name']],
    [{ name: '   ', type: 'direct' }, ['name']],
    [{ name: 'tab\there', type: 'direct' }, ['name']],
    [{ name: 'n'.repeat(201), type: 'direct' }, ['name']],
    [{ name: 'A', type: 'direct', org_id: 0 }, ['org_id']],
    [{ name: 'A', type: 'direct', org_id: -3 }, ['org_id']],
    [{ name: 'A', type: 'direct', org_id: 'x' }, ['org_id']],
    [{ name: 'A', type: 'direct', status: 'active' }, ['status']],
    [{ name: 7, type: 'x', colour: 'red' }, ['colour', 'name', 'type']],
  ];
  for (const [body, fields] of cases) {
    const r = await post('/v1/channels', body, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body).slice(0, 80));
  }
  for (const [body, fields] of [[{}, ['']], [{ org_id: m1.id }, ['org_id']], [{ status: 'closed' }, ['status']], [{ type: 'retail' }, ['type']], [{ name: '' }, ['name']]]) {
    const r = await patch(`/v1/channels/${c.id}`, body, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field), fields, JSON.stringify(body));
  }
  for (const org_id of [999999999, gone.id]) {
    const r = await post('/v1/channels', { name: 'A', type: 'direct', org_id }, admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['org_id']);
  }
  assert.equal(counts(t.id), before);
  assert.equal((await get(`/v1/channels/${c.id}`, admin)).json.version, 1);
});

test('lists filter by type, org_id and status; limit=2 walks every page; bad parameters are 400', async () => {
  const { admin, m1, d1 } = await world();
  const made = [];
  for (const body of [{ name: 'A', type: 'direct' }, { name: 'B', type: 'distributor', org_id: m1.id }, { name: 'C', type: 'dealer', org_id: d1.id },
    { name: 'D', type: 'dealer' }, { name: 'E', type: 'online', org_id: m1.id }]) made.push(await createChannel(admin, body));
  assert.equal((await patch(`/v1/channels/${made[3].id}`, { status: 'inactive' }, admin)).status, 200);
  const all = made.map((c) => c.id);
  const first = await get('/v1/channels', admin);
  assert.deepEqual(first.json.data.map((c) => c.id), all);
  for (const c of first.json.data) await assertSchema('Channel', c);
  const seen = [];
  let cursor = null, pages = 0;
  do {
    const r = await get(`/v1/channels?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
    seen.push(...r.json.data.map((c) => c.id));
    cursor = r.json.next_cursor;
    pages++;
  } while (cursor);
  assert.deepEqual([seen, pages], [all, 3]);
  assert.deepEqual(await ids('/v1/channels?type=dealer', admin), [made[2].id, made[3].id]);
  assert.deepEqual(await ids(`/v1/channels?org_id=${m1.id}`, admin), [made[1].id, made[4].id]);
  assert.deepEqual(await ids('/v1/channels?status=inactive', admin), [made[3].id]);
  assert.deepEqual(await ids(`/v1/channels?type=dealer&status=active&org_id=${d1.id}`, admin), [made[2].id]);
  assert.deepEqual(await ids('/v1/channels?org_id=999999999', admin), []);
  assert.deepEqual(await ids('/v1/channels?type=&status=&org_id=', admin), all);
  for (const q of ['type=retail', 'status=closed', 'org_id=x', 'org_id=0', 'limit=0', 'limit=201', 'cursor=bogus', 'type=%FF']) {
    assertProblem(await get(`/v1/channels?${q}`, admin), 400, 'validation_failed');
  }
});

test('org-scoped users read every channel; an org admin creates and changes only its own', async () => {
  const w = await world('chanscope');
  const { admin, m1, d1 } = w;
  const tenantCh = await createChannel(admin, { name: 'Dealer channel', type: 'dealer' });
  const m1Ch = await createChannel(admin, { name: 'Distributor channel', type: 'distributor', org_id: m1.id });
  const d1Admin = await orgUser(w, d1.id, 'org_admin', 'admin@d1.test');
  const d1Viewer = await orgUser(w, d1.id, 'viewer', 'viewer@d1.test');
  const m1Agent = await orgUser(w, m1.id, 'agent', 'agent@m1.test');

  assert.deepEqual(await ids('/v1/channels', d1Viewer.token), [tenantCh.id, m1Ch.id]);
  assert.deepEqual(await ids(`/v1/channels?org_id=${m1.id}`, d1Admin.token), [m1Ch.id]);
  assert.equal((await get(`/v1/channels/${m1Ch.id}`, m1Agent.token)).status, 200);
  assert.equal((await get(`/v1/channels/${tenantCh.id}`, d1Viewer.token)).status, 200);

  const before = counts(w.t.id);
  assertProblem(await post('/v1/channels', { name: 'Mine', type: 'dealer', org_id: m1.id }, d1Admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/channels', { name: 'Mine', type: 'dealer', org_id: null }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/channels/${m1Ch.id}`, { name: 'Taken over' }, d1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/channels/${tenantCh.id}`, { name: 'Taken over' }, d1Admin.token), 403, 'forbidden');
  // read-only roles (RBAC)
  assertProblem(await post('/v1/channels', { name: 'Mine', type: 'dealer' }, d1Viewer.token), 403, 'forbidden');
  assertProblem(await post('/v1/channels', { name: 'Mine', type: 'direct' }, m1Agent.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/channels/${m1Ch.id}`, { status: 'inactive' }, m1Agent.token), 403, 'forbidden');
  assert.equal(counts(w.t.id), before);

  // org_id omitted: its own organization runs it
  const mine = await createChannel(d1Admin.token, { name: 'D1 dealers', type: 'dealer' });
  assert.equal(mine.org_id, d1.id);
  const explicit = await createChannel(d1Admin.token, { name: 'D1 online', type: 'online', org_id: d1.id });
  assert.equal(explicit.org_id, d1.id);
  const p = await patch(`/v1/channels/${mine.id}`, { name: 'D1 dealer network' }, d1Admin.token, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  // the tenant admin changes any channel
  assert.equal((await patch(`/v1/channels/${mine.id}`, { status: 'inactive' }, admin)).status, 200);
  const [actor, org, action] = sql(`SELECT actor_id, org_id, action FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'channel' AND entity_id = ${mine.id} ORDER BY seq`).split('\n')[1].split('\t');
  assert.deepEqual([Number(actor), Number(org), action], [d1Admin.id, d1.id, 'channel.update']);
});

test('another tenant gets 404 for a channel and sees none in its lists; cannot run one with our org', async () => {
  const a = await world('chana');
  const b = await world('chanb');
  const c = await createChannel(a.admin, { name: 'Only In A', type: 'direct', org_id: a.m1.id });
  await createChannel(b.admin, { name: 'Only In B', type: 'direct' });
  const before = counts(a.t.id);
  assertProblem(await get(`/v1/channels/${c.id}`, b.admin), 404, 'not_found');
  assertProblem(await patch(`/v1/channels/${c.id}`, { name: 'Taken' }, b.admin, { 'if-match': '"1"' }), 404, 'not_found');
  assert.deepEqual((await get('/v1/channels', b.admin)).json.data.map((x) => x.name), ['Only In B']);
  assert.deepEqual(await ids(`/v1/channels?org_id=${a.m1.id}`, b.admin), []);
  const cross = await post('/v1/channels', { name: 'Cross', type: 'direct', org_id: a.m1.id }, b.admin);
  assertProblem(cross, 422, 'unprocessable');
  assert.equal(counts(a.t.id), before);
  assert.equal((await get(`/v1/channels/${c.id}`, a.admin)).json.name, 'Only In A');
  const ghost = await get('/v1/channels/999999999', b.admin);
  const theirs = await get(`/v1/channels/${c.id}`, b.admin);
  assert.equal(ghost.json.detail.replace(/\d+/g, 'N'), theirs.json.detail.replace(/\d+/g, 'N'));
});

test('each change writes its audit row and event; Idempotency-Key replays the 201', async () => {
  const { t, admin } = await world();
  const key = `chan-${Date.now()}`;
  const c = await post('/v1/channels', { name: 'Audited', type: 'online' }, admin, { 'idempotency-key': key });
  assert.equal(c.status, 201, c.text);
  const n = counts(t.id);
  const again = await post('/v1/channels', { name: 'Audited', type: 'online' }, admin, { 'idempotency-key': key });
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, c.text);
  assert.equal(counts(t.id), n);
  const p = await patch(`/v1/channels/${c.json.id}`, { name: 'Audited online' }, admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  const rows = sql(`SELECT action, before_json, after_json FROM audit_log WHERE tenant_id = ${t.id} AND entity = 'channel' AND entity_id = ${c.json.id} ORDER BY seq`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((r) => r[0]), ['channel.create', 'channel.update']);
  assert.deepEqual(JSON.parse(rows[0][2]), c.json);
  assert.deepEqual(JSON.parse(rows[1][1]), c.json);
  assert.deepEqual(JSON.parse(rows[1][2]), p.json);
  const events = sql(`SELECT event_type, payload FROM outbox_events WHERE tenant_id = ${t.id} AND entity = 'channel' AND entity_id = ${c.json.id} ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(events.map((e) => e[0]), ['channel.created', 'channel.updated']);
  assert.equal(JSON.parse(events[1][1]).name, 'Audited online');
});
