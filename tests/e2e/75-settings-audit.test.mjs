// Tenant settings and feature flags (GET|PUT /v1/settings) and the audit log API
// (GET /v1/audit-logs): partial PUTs, If-Match, validation, who may, and who sees which rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, json, bearer, login, newTenant, superadmin, sql, cli, assertProblem, post, put, orgUser, adminWorld, as, get, patch, RFC3339_MS } from './lib.mjs';

const FLAGS = ['org', 'channels', 'catalog_publishing', 'price_books', 'price_resolution', 'service_policies', 'resp_org_assignment', 'engineers', 'event_dispatcher'];

const tenantRow = (tid) => sql(`SELECT flags, timezone, locale, currency, rounding, lockout_threshold, lockout_minutes, version FROM tenants WHERE id = ${tid}`);
const writes = (tid) => sql(`SELECT (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

const world = (prefix = 'set') => adminWorld(prefix);

test('a new tenant has every flag off and the default settings; the ETag is its version', async () => {
  const { t, admin } = await world();
  const r = await get('/v1/settings', admin);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json.flags).sort(), [...FLAGS].sort());
  assert.ok(Object.values(r.json.flags).every((v) => v === false));
  assert.deepEqual({ ...r.json, flags: undefined }, {
    flags: undefined, timezone: 'UTC', currency: 'EUR', locale: 'en', rounding: 'half_away_from_zero',
    lockout: { threshold: 5, minutes: 15 }, version: Number(sql(`SELECT version FROM tenants WHERE id = ${t.id}`)),
  });
  assert.equal(r.headers.get('etag'), `"${r.json.version}"`);
});

test('PUT changes only what it names, bumps the version, and writes settings.update and settings.updated', async () => {
  const { t, admin, adminId } = await world();
  const g = await get('/v1/settings', admin);
  const v0 = g.json.version;
  const w0 = writes(t.id).split('\t').map(Number);

  const tz = await put('/v1/settings', { timezone: 'Europe/Berlin' }, admin, { 'if-match': g.headers.get('etag') });
  assert.equal(tz.status, 200, tz.text);
  assert.deepEqual(tz.json, { ...g.json, timezone: 'Europe/Berlin', version: v0 + 1 });
  assert.equal(tz.headers.get('etag'), `"${v0 + 1}"`);

  const fl = await put('/v1/settings', { flags: { org: true, engineers: true } }, admin);
  assert.deepEqual(Object.entries(fl.json.flags).filter(([, on]) => on).map(([n]) => n), ['org', 'engineers']);
  const off = await put('/v1/settings', { flags: { engineers: false } }, admin);
  assert.deepEqual(Object.entries(off.json.flags).filter(([, on]) => on).map(([n]) => n), ['org'], 'flags not named keep their value');
  const all = await put('/v1/settings', { currency: 'JPY', locale: 'de-DE', rounding: 'half_even', lockout: { threshold: 3 } }, admin);
  assert.equal(all.status, 200, all.text);
  assert.deepEqual({ ...all.json, flags: undefined }, {
    flags: undefined, timezone: 'Europe/Berlin', currency: 'JPY', locale: 'de-DE', rounding: 'half_even', lockout: { threshold: 3, minutes: 15 }, version: v0 + 4,
  });
  assert.equal(tenantRow(t.id), ['org', 'Europe/Berlin', 'de-DE', 'JPY', 'half_even', 3, 15, v0 + 4].join('\t'));
  assert.deepEqual((await get('/v1/settings', admin)).json, all.json);

  const w1 = writes(t.id).split('\t').map(Number);
  assert.deepEqual([w1[0] - w0[0], w1[1] - w0[1]], [4, 4], 'one audit row and one event per PUT');
  const [action, entity, entityId, actor, before, after] = sql(`SELECT action, entity, entity_id, actor_id, before_json, after_json FROM audit_log WHERE tenant_id = ${t.id} ORDER BY seq DESC LIMIT 1`).split('\t');
  assert.deepEqual([action, entity, Number(entityId), Number(actor)], ['settings.update', 'settings', t.id, adminId]);
  assert.deepEqual(JSON.parse(before), off.json);
  assert.deepEqual(JSON.parse(after), all.json);
  assert.deepEqual(JSON.parse(sql(`SELECT payload FROM outbox_events WHERE tenant_id = ${t.id} AND event_type = 'settings.updated' ORDER BY id DESC LIMIT 1`)), all.json);
});

test('a stale If-Match is 412 and changes nothing', async () => {
  const { t, admin } = await world();
  const g = await get('/v1/settings', admin);
  assert.equal((await put('/v1/settings', { locale: 'fr' }, admin, { 'if-match': g.headers.get('etag') })).status, 200);
  const row = tenantRow(t.id), w = writes(t.id);
  assertProblem(await put('/v1/settings', { locale: 'it' }, admin, { 'if-match': g.headers.get('etag') }), 412, 'precondition_failed');
  assertProblem(await put('/v1/settings', { locale: 'it' }, admin, { 'if-match': '"not-a-version"' }), 412, 'precondition_failed');
  assert.equal(tenantRow(t.id), row);
  assert.equal(writes(t.id), w);
});

test('bad settings name each field and write nothing', async () => {
  const { t, admin } = await world();
  const row = tenantRow(t.id), w = writes(t.id);
  const cases = [
    [{}, ['']],
    [[], ['']],
    [{ flags: { nope: true } }, ['flags.nope']],
    [{ flags: { org: 'yes', price_books: 1 } }, ['flags.org', 'flags.price_books']],
    [{ flags: { org: true, nope: true } }, ['flags.nope']],
    [{ flags: [] }, ['flags']],
    [{ timezone: 'Mars/Olympus_Mons' }, ['timezone']],
    [{ timezone: '../../../etc/passwd' }, ['timezone']],
    [{ timezone: '/etc/localtime' }, ['timezone']],
    [{ timezone: 'Europe' }, ['timezone']],
    [{ timezone: 'Europe/../UTC' }, ['timezone']],
    [{ timezone: 'zone.tab' }, ['timezone']],
    [{ timezone: 'UTC\n' }, ['timezone']],
    [{ timezone: 'x'.repeat(65) }, ['timezone']],
    [{ currency: 'eur' }, ['currency']],
    [{ currency: 'XXX' }, ['currency']],
    [{ currency: 'EURO' }, ['currency']],
    [{ rounding: 'up' }, ['rounding']],
    [{ locale: 'english' }, ['locale']],
    [{ locale: 'de_DE' }, ['locale']],
    [{ lockout: { threshold: 0 } }, ['lockout.threshold']],
    [{ lockout: { threshold: 101, minutes: 1441 } }, ['lockout.minutes', 'lockout.threshold']],
    [{ lockout: { minutes: 0 } }, ['lockout.minutes']],
    [{ lockout: { minutes: '15' } }, ['lockout.minutes']],
    [{ lockout: { seconds: 5 } }, ['lockout.seconds']],
    [{ lockout: 5 }, ['lockout']],
    [{ timezone: 'UTC', color: 'blue' }, ['color']],
    [{ currency: 'XXX', flags: { nope: false }, rounding: 'up', lockout: { threshold: -1 } }, ['currency', 'flags.nope', 'lockout.threshold', 'rounding']],
  ];
  for (const [body, fields] of cases) {
    const r = await put('/v1/settings', body, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), fields, JSON.stringify(body));
  }
  assertProblem(await req('PUT', '/v1/settings', { body: '{"timezone":', headers: { 'content-type': 'application/json', ...bearer(admin) } }), 400, 'malformed_json');
  assertProblem(await req('PUT', '/v1/settings', { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), headers: { 'content-type': 'application/json', ...bearer(admin) } }), 400, 'malformed_json');
  assert.equal(tenantRow(t.id), row);
  assert.equal(writes(t.id), w);
  // and what is valid is taken
  for (const [k, v] of [['timezone', 'America/Argentina/Buenos_Aires'], ['timezone', 'Etc/GMT+5'], ['timezone', 'UTC'], ['locale', 'zh-Hans-CN'], ['locale', 'es-419'], ['currency', 'KWD']]) {
    const r = await put('/v1/settings', { [k]: v }, admin);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json[k], v);
  }
});

test('the lockout policy the tenant sets is the one logins use', async () => {
  const { t, admin } = await world('lockset');
  assert.equal((await put('/v1/settings', { lockout: { threshold: 2, minutes: 1 } }, admin)).status, 200);
  for (let i = 0; i < 2; i++) assertProblem(await login(t.slug, t.admin.email, 'wrong-password!'), 401, 'invalid_credentials');
  assertProblem(await login(t.slug, t.admin.email, t.admin.password), 423, 'account_locked');
  const minutes = Number(sql(`SELECT TIMESTAMPDIFF(SECOND, NOW(3), locked_until) FROM users WHERE tenant_id = ${t.id} AND email = '${t.admin.email}'`));
  assert.ok(minutes > 0 && minutes <= 60, `locked for ${minutes} s`);
});

test('only a tenant admin reads or changes settings', async () => {
  const w = await world();
  assert.equal((await put('/v1/settings', { flags: { org: true } }, w.admin)).status, 200);
  const o = await post('/v1/orgs', { name: 'M1', type: 'manufacturer' }, w.admin);
  assert.equal(o.status, 201, o.text);
  const oa = await orgUser(w, o.json.id, 'org_admin', 'admin@m1.test');
  const viewerPw = 'viewer-password-1';
  assert.equal((await post('/v1/users', { email: 'viewer@t.test', password: viewerPw, role: 'viewer' }, w.admin)).status, 201);
  const viewer = (await login(w.t.slug, 'viewer@t.test', viewerPw)).json.access_token;
  const sa = (await superadmin()).access_token;
  const row = tenantRow(w.t.id);
  for (const tok of [oa.token, viewer, sa]) {
    assertProblem(await get('/v1/settings', tok), 403, 'forbidden');
    assertProblem(await put('/v1/settings', { flags: { channels: true } }, tok), 403, 'forbidden');
  }
  assert.equal(tenantRow(w.t.id), row);
  assertProblem(await req('GET', '/v1/settings'), 401, 'unauthorized');
  assertProblem(await req('PATCH', '/v1/settings', json({ locale: 'fr' }, bearer(w.admin))), 405, 'method_not_allowed');
});

test('GET /v1/audit-logs: newest first, filters, cursor pages, since validated; nothing of another tenant', async () => {
  const { t, admin, adminId } = await world('auditapi');
  const other = await world('auditother');
  await put('/v1/settings', { flags: { org: true } }, admin);
  await put('/v1/settings', { flags: { org: true } }, other.admin);
  const o = (await post('/v1/orgs', { name: 'Logged', type: 'dealer' }, admin)).json;
  for (const region of ['A', 'B', 'C']) assert.equal((await patch(`/v1/orgs/${o.id}`, { region }, admin)).status, 200);
  const theirs = (await post('/v1/orgs', { name: 'Theirs', type: 'dealer' }, other.admin)).json;

  const total = Number(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${t.id}`));
  const first = await get('/v1/audit-logs', admin);
  assert.equal(first.status, 200, first.text);
  const seqs = first.json.data.map((e) => e.seq);
  assert.equal(seqs.length, total);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  assert.equal(seqs[0], Number(sql(`SELECT MAX(seq) FROM audit_log WHERE tenant_id = ${t.id}`)));
  for (const e of first.json.data) {
    assert.match(e.at, RFC3339_MS);
    assert.deepEqual(Object.keys(e).sort(), ['action', 'actor_id', 'after', 'at', 'before', 'entity', 'entity_id', 'ip', 'org_id', 'request_id', 'seq']);
  }
  assert.ok(!first.json.data.some((e) => e.entity === 'org' && e.entity_id === theirs.id && e.after?.name === 'Theirs'));

  // limit=2 walks every row, newest to oldest
  const walked = [];
  let cursor = null;
  do {
    const r = await get(`/v1/audit-logs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
    assert.equal(r.status, 200, r.text);
    walked.push(...r.json.data.map((e) => e.seq));
    cursor = r.json.next_cursor;
  } while (cursor);
  assert.deepEqual(walked, seqs);

  const q = async (qs) => (await get(`/v1/audit-logs?${qs}`, admin)).json.data;
  const orgRows = await q(`entity=org&entity_id=${o.id}`);
  assert.deepEqual(orgRows.map((e) => e.action), ['org.update', 'org.update', 'org.update', 'org.create']);
  assert.deepEqual(orgRows.map((e) => e.after.region), ['C', 'B', 'A', null]);
  assert.deepEqual(orgRows.slice(0, 3).map((e) => e.before.region), ['B', 'A', null]);
  assert.deepEqual((await q('entity=settings')).map((e) => e.action), ['settings.update']);
  assert.ok((await q(`actor_id=${adminId}`)).every((e) => e.actor_id === adminId));
  assert.deepEqual(await q(`actor_id=${other.adminId}`), [], "another tenant's actor has no rows here");
  assert.deepEqual(await q(`entity=org&entity_id=${theirs.id}`).then((rows) => rows.filter((e) => e.after?.name === 'Theirs')), []);
  assert.deepEqual(await q('since=2999-01-01T00:00:00Z'), []);
  assert.equal((await q('since=2000-01-01T00:00:00Z')).length, total);
  assert.equal((await q(`since=${encodeURIComponent('2000-01-01T01:00:00+01:00')}`)).length, total);
  const newest = first.json.data[0];
  assert.deepEqual((await q(`since=${newest.at}`)).map((e) => e.seq).includes(newest.seq), true, 'since is inclusive');

  for (const bad of ['since=yesterday', 'since=2024-13-01T00:00:00Z', 'since=2024-01-01', 'since=2024-01-01T00:00:00', 'entity_id=abc', 'entity_id=0', 'actor_id=-1', 'cursor=bogus', 'limit=500', `entity=${'e'.repeat(65)}`]) {
    const r = await get(`/v1/audit-logs?${bad}`, admin);
    assertProblem(r, 400, 'validation_failed');
    assert.equal(r.json.errors.length, 1, bad);
    assert.equal(r.json.errors[0].field, bad.split('=')[0]);
  }
  const v = cli('audit', 'verify', '--tenant', t.slug);
  assert.equal(v.status, 0, v.out);
});

test('an org admin reads only the audit rows written under its organization; other org roles may not read them', async () => {
  const w = await world('auditorg');
  await put('/v1/settings', { flags: { org: true } }, w.admin);
  const m1 = (await post('/v1/orgs', { name: 'M1', type: 'manufacturer' }, w.admin)).json;
  const d1 = (await post('/v1/orgs', { name: 'D1', type: 'distributor' }, w.admin)).json;
  const m1Admin = await orgUser(w, m1.id, 'org_admin', 'admin@m1.test');
  const d1Admin = await orgUser(w, d1.id, 'org_admin', 'admin@d1.test');
  const d1Viewer = await orgUser(w, d1.id, 'viewer', 'viewer@d1.test');
  assert.equal((await patch(`/v1/orgs/${m1.id}`, { region: 'M1-land' }, m1Admin.token)).status, 200);
  assert.equal((await patch(`/v1/orgs/${d1.id}`, { region: 'D1-land' }, d1Admin.token)).status, 200);

  const mine = (await get('/v1/audit-logs', m1Admin.token)).json.data;
  assert.ok(mine.length >= 1);
  assert.ok(mine.every((e) => e.org_id === m1.id), JSON.stringify(mine.map((e) => [e.action, e.org_id])));
  assert.ok(mine.some((e) => e.action === 'org.update' && e.entity_id === m1.id));
  assert.deepEqual((await get(`/v1/audit-logs?entity=org&entity_id=${d1.id}`, m1Admin.token)).json.data, []);
  const tenantWide = (await get('/v1/audit-logs', w.admin)).json.data;
  assert.ok(tenantWide.some((e) => e.org_id === null) && tenantWide.some((e) => e.org_id === d1.id));
  assertProblem(await get('/v1/audit-logs', d1Viewer.token), 403, 'forbidden');
});
