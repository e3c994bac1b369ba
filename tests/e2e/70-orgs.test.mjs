// Organizations end to end: the feature flag, create/read/list/patch, ETags and If-Match,
// idempotency, bad input writing nothing, the audit rows and events of each change, and the
// isolation between tenants and between organizations of one tenant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, json, bearer, login, newTenant, sql, cli, assertProblem, post, put, orgUser, adminWorld, as, get, patch, RFC3339_MS, assertSchema } from './lib.mjs';

// What a write may leave behind: rows of the table, the audit chain and the outbox.
const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM organizations WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

// A fresh tenant, its admin's session, and the org feature on (it is off for new tenants).
const world = (prefix = 'org') => adminWorld(prefix, { org: true });

async function createOrg(token, body) {
  const r = await post('/v1/orgs', body, token);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the org feature is off for a new tenant (404 feature_disabled) until PUT /v1/settings turns it on', async () => {
  const t = await newTenant('orgflag');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const before = counts(t.id);
  assertProblem(await get('/v1/orgs', admin), 404, 'feature_disabled');
  assertProblem(await get('/v1/orgs/1', admin), 404, 'feature_disabled');
  assertProblem(await post('/v1/orgs', { name: 'ACME', type: 'manufacturer' }, admin), 404, 'feature_disabled');
  assertProblem(await patch('/v1/orgs/1', { region: 'EU' }, admin), 404, 'feature_disabled');
  assert.equal(counts(t.id), before, 'a disabled feature writes nothing');

  const on = await put('/v1/settings', { flags: { org: true } }, admin);
  assert.equal(on.status, 200, on.text);
  assert.equal(on.json.flags.org, true);
  const list = await get('/v1/orgs', admin);
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json, { data: [], next_cursor: null });
  const o = await createOrg(admin, { name: 'ACME', type: 'manufacturer' });

  const off = await put('/v1/settings', { flags: { org: false } }, admin);
  assert.equal(off.json.flags.org, false);
  assertProblem(await get(`/v1/orgs/${o.id}`, admin), 404, 'feature_disabled');
});

test('a tenant admin creates, reads and patches an organization; ETag and If-Match round trip', async () => {
  const { t, admin } = await world();
  const body = { name: 'ACME Medical', type: 'manufacturer', status: 'active', region: 'EU-West', certifications: ['ISO 13485', 'CE'], metadata: { lead_time_days: 14, territories: ['DE', 'AT'] } };
  const c = await post('/v1/orgs', body, admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('Org', c.json);
  assert.ok(c.json.id > 0);
  assert.deepEqual({ ...c.json, id: undefined, created_at: undefined, updated_at: undefined }, { ...body, id: undefined, version: 1, created_at: undefined, updated_at: undefined });
  assert.match(c.json.created_at, RFC3339_MS);
  assert.match(c.json.updated_at, RFC3339_MS);
  assert.equal(c.headers.get('location'), `/v1/orgs/${c.json.id}`);
  assert.equal(c.headers.get('etag'), '"1"');

  const g = await get(`/v1/orgs/${c.json.id}`, admin);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, c.json);
  const etag = g.headers.get('etag');
  assert.equal(etag, '"1"');

  // defaults: active, no region, no certifications, an empty profile
  const d = await createOrg(admin, { name: 'D1', type: 'distributor' });
  assert.deepEqual([d.status, d.region, d.certifications, d.metadata, d.version], ['active', null, [], {}, 1]);

  const p = await patch(`/v1/orgs/${c.json.id}`, { region: 'EU-North', metadata: { lead_time_days: 7 } }, admin, { 'if-match': etag });
  assert.equal(p.status, 200, p.text);
  await assertSchema('Org', p.json);
  assert.equal(p.json.version, 2);
  assert.equal(p.json.region, 'EU-North');
  assert.deepEqual(p.json.metadata, { lead_time_days: 7 }, 'metadata is replaced whole');
  assert.deepEqual(p.json.certifications, body.certifications, 'fields not named stay');
  assert.equal(p.headers.get('etag'), '"2"');

  // a stale version is 412 and changes nothing
  const before = counts(t.id);
  const stale = await patch(`/v1/orgs/${c.json.id}`, { name: 'Stale' }, admin, { 'if-match': etag });
  assertProblem(stale, 412, 'precondition_failed');
  assert.equal(counts(t.id), before);
  assert.equal((await get(`/v1/orgs/${c.json.id}`, admin)).json.name, 'ACME Medical');

  // a weak validator names the same version; no If-Match means last write wins
  const w = await patch(`/v1/orgs/${c.json.id}`, { region: null, status: 'inactive' }, admin, { 'if-match': 'W/"2"' });
  assert.equal(w.status, 200, w.text);
  assert.deepEqual([w.json.region, w.json.status, w.json.version], [null, 'inactive', 3]);
  const free = await patch(`/v1/orgs/${c.json.id}`, { certifications: [] }, admin);
  assert.equal(free.status, 200, free.text);
  assert.deepEqual([free.json.certifications, free.json.version], [[], 4]);
  assert.equal(sql(`SELECT version FROM organizations WHERE tenant_id = ${t.id} AND id = ${c.json.id}`), '4');
});

test('names are unique per tenant, without regard to case (409); another tenant may reuse one', async () => {
  const { t, admin } = await world();
  const a = await createOrg(admin, { name: 'ACME Corp', type: 'manufacturer' });
  const b = await createOrg(admin, { name: 'BioMed', type: 'manufacturer' });
  const before = counts(t.id);
  for (const name of ['ACME Corp', 'acme corp']) {
    const dup = await post('/v1/orgs', { name, type: 'dealer' }, admin);
    assertProblem(dup, 409, 'conflict');
    assert.deepEqual(dup.json.errors.map((e) => e.field), ['name']);
  }
  const rename = await patch(`/v1/orgs/${b.id}`, { name: 'ACME CORP' }, admin);
  assertProblem(rename, 409, 'conflict');
  assert.equal(counts(t.id), before, 'a conflict writes nothing');
  assert.equal((await get(`/v1/orgs/${b.id}`, admin)).json.version, 1);
  const other = await world();
  assert.equal((await createOrg(other.admin, { name: 'ACME Corp', type: 'dealer' })).name, 'ACME Corp');
  assert.ok(a.id);
});

test('bad input is problem+json naming each field, and writes nothing', async () => {
  const { t, admin } = await world();
  const o = await createOrg(admin, { name: 'Existing', type: 'hospital' });
  const before = counts(t.id);
  const raw = (body, method = 'POST', path = '/v1/orgs', type = 'application/json') => req(method, path, { body, headers: { 'content-type': type, ...bearer(admin) } });

  assertProblem(await raw('{"name":'), 400, 'malformed_json');
  assertProblem(await raw('{"name":"A","type":"dealer"} x'), 400, 'malformed_json');
  assertProblem(await raw(Buffer.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('","type":"dealer"}')])), 400, 'malformed_json');
  assertProblem(await raw(''), 400, 'malformed_json');
  assertProblem(await raw('{"name":"A","type":"dealer"}', 'POST', '/v1/orgs', 'text/plain'), 415, 'unsupported_media_type');

  const cases = [
    [{ type: 'dealer' }, ['name']],
    [{}, ['name', 'type']],
    [[], ['']],
    [{ name: 'A', type: 'dealer', color: 'red' }, ['color']],
    [{ name: 'A', type: 'partner' }, ['type']],
    [{ name: 'A', type: 'dealer', status: 'deleted' }, ['status']],
    [{ name: 'n'.repeat(201), type: 'dealer' }, ['name']],
    [{ name: 'é'.repeat(101), type: 'dealer' }, ['name']], // 202 bytes
    [{ name: '', type: 'dealer' }, ['name']],
    [{ name: '   ', type: 'dealer' }, ['name']],
    [{ name: 'tab\there', type: 'dealer' }, ['name']],
    [{ name: 42, type: 'dealer' }, ['name']],
    [{ name: 'A', type: 'dealer', region: '' }, ['region']],
    [{ name: 'A', type: 'dealer', region: 'r'.repeat(65) }, ['region']],
    [{ name: 'A', type: 'dealer', metadata: [] }, ['metadata']],
    [{ name: 'A', type: 'dealer', metadata: 'x' }, ['metadata']],
    [{ name: 'A', type: 'dealer', metadata: null }, ['metadata']],
    [{ name: 'A', type: 'dealer', metadata: { blob: 'x'.repeat(16384) } }, ['metadata']],
    [{ name: 'A', type: 'dealer', certifications: 'ISO' }, ['certifications']],
    [{ name: 'A', type: 'dealer', certifications: ['ISO', 7] }, ['certifications[1]']],
    [{ name: 'A', type: 'dealer', certifications: ['c'.repeat(65)] }, ['certifications[0]']],
    [{ name: 'A', type: 'dealer', certifications: ['CE', 'CE'] }, ['certifications[1]']],
    [{ name: 'A', type: 'dealer', certifications: Array.from({ length: 51 }, (_, i) => `c${i}`) }, ['certifications']],
    [{ name: 'n'.repeat(201), type: 'x', status: 'y', extra: 1 }, ['extra', 'name', 'status', 'type']],
  ];
  for (const [body, fields] of cases) {
    const r = await post('/v1/orgs', body, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body).slice(0, 80));
  }
  const patches = [
    [{}, ['']],
    [{ nick: 'x' }, ['nick']],
    [{ name: '' }, ['name']],
    [{ type: 'partner' }, ['type']],
    [{ metadata: [1] }, ['metadata']],
  ];
  for (const [body, fields] of patches) {
    const r = await patch(`/v1/orgs/${o.id}`, body, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body));
  }
  assertProblem(await raw('{"region":', 'PATCH', `/v1/orgs/${o.id}`), 400, 'malformed_json');
  assert.equal(counts(t.id), before, 'no organization, audit row or event was written');
  assert.equal((await get(`/v1/orgs/${o.id}`, admin)).json.version, 1);

  // the limits themselves are fine
  const edge = await createOrg(admin, { name: 'é'.repeat(100), type: 'dealer', region: 'r'.repeat(64), certifications: Array.from({ length: 50 }, (_, i) => `c${i}`), metadata: { blob: 'x'.repeat(16000) } });
  assert.equal(edge.name, 'é'.repeat(100));
  assert.equal(edge.certifications.length, 50);
  // a profile as deep as allowed (16 levels) comes back whole, here and in the audit log
  let deep = { leaf: [1.5, 'x'] };
  for (let i = 0; i < 14; i++) deep = { d: deep };
  const deepOrg = await createOrg(admin, { name: 'Deep', type: 'supplier', metadata: deep });
  assert.deepEqual(deepOrg.metadata, deep);
  assert.deepEqual((await get(`/v1/orgs/${deepOrg.id}`, admin)).json.metadata, deep);
  const logged = (await get(`/v1/audit-logs?entity=org&entity_id=${deepOrg.id}`, admin)).json.data[0];
  assert.deepEqual(logged.after.metadata, deep);
  const n = counts(t.id);
  for (const meta of [{ d: deep }, { a: [deep] }]) {
    const r = await post('/v1/orgs', { name: 'Deeper', type: 'supplier', metadata: meta }, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['metadata']);
  }
  assert.equal(counts(t.id), n);

  // SQL meta-characters are data, stored and searched literally
  const name = "O'Brien \"; DROP TABLE organizations; -- 100%_\\";
  const sqlish = await createOrg(admin, { name, type: 'customer', metadata: { "k'ey": "v\"al; DELETE" } });
  assert.equal(sqlish.name, name);
  assert.deepEqual(sqlish.metadata, { "k'ey": "v\"al; DELETE" });
  assert.equal(sql(`SELECT name FROM organizations WHERE tenant_id = ${t.id} AND id = ${sqlish.id}`), name.replace(/\\/g, '\\\\'));
  const found = await get(`/v1/orgs?q=${encodeURIComponent("o'brien \"; drop")}`, admin);
  assert.deepEqual(found.json.data.map((x) => x.id), [sqlish.id]);
  const pct = await get(`/v1/orgs?q=${encodeURIComponent('100%_')}`, admin);
  assert.deepEqual(pct.json.data.map((x) => x.id), [sqlish.id], "'%' and '_' match only themselves");
  assert.deepEqual((await get(`/v1/orgs?q=${encodeURIComponent('%')}`, admin)).json.data.map((x) => x.id), [sqlish.id]);
});

test('lists filter by type, status and q; limit=2 walks every page; a tampered cursor is 400', async () => {
  const { admin } = await world();
  const made = [];
  for (const [name, type, status] of [['ACME', 'manufacturer', 'active'], ['BioMed', 'manufacturer', 'inactive'], ['D1 Distribution', 'distributor', 'active'], ['DL1 Dealer', 'dealer', 'active'], ['H1 Hospital', 'hospital', 'active']]) {
    made.push(await createOrg(admin, { name, type, status }));
  }
  const all = made.map((o) => o.id);
  const first = await get('/v1/orgs', admin);
  assert.deepEqual(first.json.data.map((o) => o.id), all, 'ordered by id');
  assert.equal(first.json.next_cursor, null);
  for (const o of first.json.data) await assertSchema('Org', o);

  const seen = [];
  let cursor = null, pages = 0;
  do {
    const r = await get(`/v1/orgs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.data.length <= 2);
    seen.push(...r.json.data.map((o) => o.id));
    cursor = r.json.next_cursor;
    pages++;
  } while (cursor);
  assert.deepEqual(seen, all);
  assert.equal(pages, 3);

  const ids = async (q) => (await get(`/v1/orgs?${q}`, admin)).json.data.map((o) => o.id);
  assert.deepEqual(await ids('type=manufacturer'), [made[0].id, made[1].id]);
  assert.deepEqual(await ids('status=inactive'), [made[1].id]);
  assert.deepEqual(await ids('type=manufacturer&status=active'), [made[0].id]);
  assert.deepEqual(await ids('q=acm'), [made[0].id], 'case-insensitive');
  assert.deepEqual(await ids('q=d'), [made[1].id, made[2].id, made[3].id]);
  assert.deepEqual(await ids('q=d&type=dealer'), [made[3].id]);
  assert.deepEqual(await ids('q=nothing-like-it'), []);
  assert.deepEqual(await ids('type=&q='), all, 'empty filters are no filters');
  assert.deepEqual(await ids('type=manufacturer&limit=1'), [made[0].id]);

  const page = await get('/v1/orgs?limit=2', admin);
  const good = page.json.next_cursor;
  const decoded = Buffer.from(good, 'base64url').toString();
  const tampered = [
    'bogus', `${good}x`, good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A'),
    Buffer.from('c1:0').toString('base64url'), Buffer.from('c1:-5').toString('base64url'),
    Buffer.from(decoded.replace('c1:', 'c2:')).toString('base64url'), Buffer.from("c1:1 OR 1=1").toString('base64url'),
  ];
  for (const c of tampered) {
    const r = await get(`/v1/orgs?cursor=${encodeURIComponent(c)}`, admin);
    if (r.status === 200) continue; // a flipped character may still name a valid position
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field), ['cursor']);
  }
  assertProblem(await get('/v1/orgs?cursor=bogus', admin), 400, 'validation_failed');
  assertProblem(await get(`/v1/orgs?cursor=${Buffer.from('c1:0').toString('base64url')}`, admin), 400, 'validation_failed');
  for (const q of ['limit=0', 'limit=201', 'limit=x', 'type=partner', 'status=gone', `q=${'q'.repeat(201)}`, 'q=%FF']) {
    const r = await get(`/v1/orgs?${q}`, admin);
    assertProblem(r, 400, 'validation_failed');
  }
});

test('another tenant gets 404 for an organization and sees none in its lists; a malformed id is 404', async () => {
  const a = await world('orga');
  const b = await world('orgb');
  const o = await createOrg(a.admin, { name: 'Only In A', type: 'dealer' });
  await createOrg(b.admin, { name: 'Only In B', type: 'dealer' });
  assertProblem(await get(`/v1/orgs/${o.id}`, b.admin), 404, 'not_found');
  const before = counts(a.t.id);
  assertProblem(await patch(`/v1/orgs/${o.id}`, { name: 'Taken Over' }, b.admin, { 'if-match': '"1"' }), 404, 'not_found');
  assert.equal(counts(a.t.id), before);
  assert.equal((await get(`/v1/orgs/${o.id}`, a.admin)).json.name, 'Only In A');
  assert.deepEqual((await get('/v1/orgs', b.admin)).json.data.map((x) => x.name), ['Only In B']);
  assert.deepEqual((await get('/v1/orgs?q=Only', b.admin)).json.data.map((x) => x.name), ['Only In B']);
  // a 404 for another tenant's id reads exactly like one for an id nobody has
  const ghost = await get('/v1/orgs/999999999', b.admin);
  const theirs = await get(`/v1/orgs/${o.id}`, b.admin);
  assert.equal(ghost.json.detail.replace(/\d+/g, 'N'), theirs.json.detail.replace(/\d+/g, 'N'));
  for (const id of ['abc', '0', '-1', '1.5', '1e3', '%20', '99999999999999999999']) {
    assertProblem(await get(`/v1/orgs/${id}`, a.admin), 404, 'not_found');
    assertProblem(await patch(`/v1/orgs/${id}`, { region: 'x' }, a.admin), 404, 'not_found');
  }
});

test('an org user sees only its own organization; its admin patches only that one, not its type or status', async () => {
  const w = await world('orgscope');
  const m1 = await createOrg(w.admin, { name: 'M1', type: 'manufacturer' });
  const d1 = await createOrg(w.admin, { name: 'D1', type: 'distributor' });
  const m1Admin = await orgUser(w, m1.id, 'org_admin', 'admin@m1.test');
  const d1Viewer = await orgUser(w, d1.id, 'viewer', 'viewer@d1.test');

  assert.deepEqual((await get('/v1/orgs', m1Admin.token)).json.data.map((o) => o.id), [m1.id]);
  assert.deepEqual((await get('/v1/orgs?type=distributor', m1Admin.token)).json.data, []);
  assert.deepEqual((await get('/v1/orgs', d1Viewer.token)).json.data.map((o) => o.id), [d1.id]);
  assert.equal((await get(`/v1/orgs/${m1.id}`, m1Admin.token)).status, 200);
  assert.equal((await get(`/v1/orgs/${d1.id}`, d1Viewer.token)).status, 200);

  const before = counts(w.t.id);
  assertProblem(await get(`/v1/orgs/${d1.id}`, m1Admin.token), 404, 'not_found');
  assertProblem(await patch(`/v1/orgs/${d1.id}`, { region: 'X' }, m1Admin.token), 404, 'not_found');
  assertProblem(await get(`/v1/orgs/${m1.id}`, d1Viewer.token), 404, 'not_found');
  assertProblem(await post('/v1/orgs', { name: 'M2', type: 'manufacturer' }, m1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/orgs/${d1.id}`, { region: 'X' }, d1Viewer.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/orgs/${m1.id}`, { type: 'dealer' }, m1Admin.token), 403, 'forbidden');
  assertProblem(await patch(`/v1/orgs/${m1.id}`, { status: 'inactive' }, m1Admin.token), 403, 'forbidden');
  assert.equal(counts(w.t.id), before);

  const own = await patch(`/v1/orgs/${m1.id}`, { region: 'EU', certifications: ['ISO 13485'] }, m1Admin.token, { 'if-match': '"1"' });
  assert.equal(own.status, 200, own.text);
  assert.deepEqual([own.json.region, own.json.version], ['EU', 2]);
  // the audit row carries who did it and under which organization
  const [actor, org, action] = sql(`SELECT actor_id, org_id, action FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'org' AND entity_id = ${m1.id} ORDER BY seq DESC LIMIT 1`).split('\t');
  assert.deepEqual([Number(actor), Number(org), action], [m1Admin.id, m1.id, 'org.update']);
});

test('Idempotency-Key: the same key and body replay the 201 once written; another body is 422', async () => {
  const { t, admin } = await world();
  const body = { name: 'Once Only', type: 'supplier', metadata: { n: 1 } };
  const key = `org-create-${Date.now()}`;
  const first = await post('/v1/orgs', body, admin, { 'idempotency-key': key });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const before = counts(t.id);
  const again = await post('/v1/orgs', body, admin, { 'idempotency-key': key });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, first.text);
  assert.equal(again.headers.get('location'), first.headers.get('location'));
  assert.equal(counts(t.id), before, 'a replay writes nothing');
  assert.equal(sql(`SELECT COUNT(*) FROM organizations WHERE tenant_id = ${t.id} AND name = 'Once Only'`), '1');
  const other = await post('/v1/orgs', { ...body, name: 'Twice' }, admin, { 'idempotency-key': key });
  assertProblem(other, 422, 'unprocessable');
  assert.equal(counts(t.id), before);
  assert.equal(sql(`SELECT COUNT(*) FROM organizations WHERE tenant_id = ${t.id} AND name = 'Twice'`), '0');
  // a key is per tenant: another tenant's identical request is its own
  const b = await world();
  const theirs = await post('/v1/orgs', body, b.admin, { 'idempotency-key': key });
  assert.equal(theirs.status, 201, theirs.text);
  assert.equal(theirs.headers.get('idempotent-replayed'), null);
});

test('each change writes its audit row and event in one transaction; GET /v1/audit-logs shows them; the chain holds', async () => {
  const { t, admin, adminId } = await world();
  const c = await post('/v1/orgs', { name: 'Audited', type: 'service_provider', region: 'DE' }, admin);
  assert.equal(c.status, 201, c.text);
  const id = c.json.id;
  const p = await patch(`/v1/orgs/${id}`, { region: 'AT', name: 'Audited GmbH' }, admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);

  const rows = sql(`SELECT action, before_json, after_json, request_id FROM audit_log WHERE tenant_id = ${t.id} AND entity = 'org' AND entity_id = ${id} ORDER BY seq`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((r) => r[0]), ['org.create', 'org.update']);
  assert.equal(rows[0][1], 'NULL');
  assert.deepEqual(JSON.parse(rows[0][2]), c.json);
  assert.deepEqual(JSON.parse(rows[1][1]), c.json);
  assert.deepEqual(JSON.parse(rows[1][2]), p.json);
  assert.equal(rows[0][3], c.headers.get('x-request-id'));
  assert.equal(rows[1][3], p.headers.get('x-request-id'));

  const events = sql(`SELECT event_type, payload, request_id FROM outbox_events WHERE tenant_id = ${t.id} AND entity = 'org' AND entity_id = ${id} ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(events.map((e) => e[0]), ['org.created', 'org.updated']);
  assert.equal(JSON.parse(events[0][1]).name, 'Audited');
  assert.equal(JSON.parse(events[1][1]).name, 'Audited GmbH');
  assert.equal(events[1][2], p.headers.get('x-request-id'));

  const log = await get(`/v1/audit-logs?entity=org&entity_id=${id}`, admin);
  assert.equal(log.status, 200, log.text);
  assert.deepEqual(log.json.data.map((e) => e.action), ['org.update', 'org.create'], 'newest first');
  const [upd, crt] = log.json.data;
  assert.ok(upd.seq > crt.seq);
  assert.deepEqual([upd.actor_id, upd.org_id, upd.entity, upd.entity_id], [adminId, null, 'org', id]);
  assert.deepEqual(upd.before, c.json);
  assert.deepEqual(upd.after, p.json);
  assert.equal(crt.before, null);
  assert.match(upd.at, RFC3339_MS);
  assert.equal(upd.request_id, p.headers.get('x-request-id'));
  for (const e of log.json.data) await assertSchema('AuditLogEntry', e);

  const v = cli('audit', 'verify', '--tenant', t.slug);
  assert.equal(v.status, 0, v.out);
  assert.match(v.out, /chain intact/);
});
