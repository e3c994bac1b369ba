// Users, memberships, org switching, invitations and password resets, with the isolation
// between tenants and organizations they must keep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, json, bearer, login, newTenant, sql, assertProblem, post } from './lib.mjs';

const as = (token, extra = {}) => ({ ...extra, headers: { ...(extra.headers || {}), ...bearer(token) } });
const org = (tenantId, type, name) => Number(sql(`INSERT INTO organizations (tenant_id, type, name) VALUES (${tenantId}, '${type}', '${name}'); SELECT LAST_INSERT_ID()`));
const lastEvent = (tenantId, type) => JSON.parse(sql(`SELECT payload FROM outbox_events WHERE tenant_id = ${tenantId} AND event_type = '${type}' ORDER BY id DESC LIMIT 1`));

async function world() {
  const t = await newTenant('users');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json;
  const m1 = org(t.id, 'manufacturer', 'M1'), d1 = org(t.id, 'distributor', 'D1');
  return { t, admin, m1, d1 };
}

test('a tenant admin creates users with and without organizations; lists, reads, patches', async () => {
  const { t, admin, m1 } = await world();
  const u = await post('/v1/users', { email: 'ops@m1.test', password: 'ops-password-1', role: 'ops_manager', org_id: m1 }, admin.access_token);
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.status, 'active');
  assert.deepEqual(u.json.memberships.map((m) => [m.org_id, m.role]), [[m1, 'ops_manager']]);
  assert.equal(u.headers.get('location'), `/v1/users/${u.json.id}`);
  const wide = await post('/v1/users', { email: 'viewer@t.test', password: 'viewer-password', role: 'viewer' }, admin.access_token);
  assert.equal(wide.status, 201, wide.text);
  assert.deepEqual(wide.json.memberships, []);
  const dup = await post('/v1/users', { email: 'ops@m1.test', password: 'ops-password-1', role: 'viewer' }, admin.access_token);
  assertProblem(dup, 409, 'conflict');
  const list = await req('GET', '/v1/users?limit=2', as(admin.access_token));
  assert.equal(list.status, 200);
  assert.equal(list.json.data.length, 2);
  const next = await req('GET', `/v1/users?limit=2&cursor=${list.json.next_cursor}`, as(admin.access_token));
  assert.equal(next.json.data.length, 1);
  assert.equal(next.json.next_cursor, null);
  assertProblem(await req('GET', '/v1/users?cursor=bogus', as(admin.access_token)), 400, 'validation_failed');
  assertProblem(await req('GET', '/v1/users?limit=0', as(admin.access_token)), 400, 'validation_failed');
  const one = await req('GET', `/v1/users/${u.json.id}`, as(admin.access_token));
  assert.equal(one.headers.get('etag'), '"1"');
  const stale = await req('PATCH', `/v1/users/${u.json.id}`, json({ status: 'inactive' }, { ...bearer(admin.access_token), 'if-match': '"7"' }));
  assertProblem(stale, 412, 'precondition_failed');
  const ok = await req('PATCH', `/v1/users/${u.json.id}`, json({ status: 'inactive' }, { ...bearer(admin.access_token), 'if-match': '"1"' }));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'inactive');
  assert.equal(ok.json.version, 2);
  assertProblem(await login(t.slug, 'ops@m1.test', 'ops-password-1'), 401, 'invalid_credentials');
  const audit = sql(`SELECT action FROM audit_log WHERE tenant_id = ${t.id} AND entity = 'user' AND entity_id = ${u.json.id} ORDER BY seq`).split('\n');
  assert.deepEqual(audit, ['user.create', 'user.update']);
});

test('bad user input names each field and writes nothing', async () => {
  const { t, admin } = await world();
  const before = sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${t.id}`);
  const r = await post('/v1/users', { email: 'not-an-email', password: 'short', role: 'emperor', org_id: -1, nick: 'x' }, admin.access_token);
  assertProblem(r, 400, 'validation_failed');
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['email', 'nick', 'org_id', 'password', 'role']);
  assertProblem(await post('/v1/users', { email: 'a@b.test', role: 'super_admin', password: 'long-enough-1' }, admin.access_token), 400, 'validation_failed');
  assertProblem(await post('/v1/users', { email: 'a@b.test', role: 'viewer', org_id: 999999, password: 'long-enough-1' }, admin.access_token), 400, 'validation_failed');
  assertProblem(await req('POST', '/v1/users', { body: '{"email":', headers: { 'content-type': 'application/json', ...bearer(admin.access_token) } }), 400, 'malformed_json');
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${t.id}`), before);
});

test('an org user sees and changes only its own organization; another tenant sees nothing', async () => {
  const { t, admin, m1, d1 } = await world();
  const oa = await post('/v1/users', { email: 'admin@m1.test', password: 'm1-admin-password', role: 'org_admin', org_id: m1 }, admin.access_token);
  const other = await post('/v1/users', { email: 'staff@d1.test', password: 'd1-staff-password', role: 'viewer', org_id: d1 }, admin.access_token);
  const s = await login(t.slug, 'admin@m1.test', 'm1-admin-password');
  assert.equal(s.status, 200, s.text);
  assert.deepEqual(s.json.org, { id: m1, type: 'manufacturer', name: 'M1' });
  const tok = s.json.access_token;
  const list = await req('GET', '/v1/users', as(tok));
  assert.deepEqual(list.json.data.map((u) => u.email), ['admin@m1.test']);
  assertProblem(await req('GET', `/v1/users/${other.json.id}`, as(tok)), 404, 'not_found');
  assertProblem(await req('PATCH', `/v1/users/${other.json.id}`, json({ status: 'inactive' }, bearer(tok))), 404, 'not_found');
  assertProblem(await post('/v1/users', { email: 'x@d1.test', password: 'long-enough-1', role: 'viewer', org_id: d1 }, tok), 403, 'forbidden');
  assertProblem(await req('PATCH', `/v1/users/${oa.json.id}`, json({ role: 'tenant_admin' }, bearer(tok))), 403, 'forbidden');
  const mine = await post('/v1/users', { email: 'new@m1.test', password: 'long-enough-1', role: 'engineer' }, tok);
  assert.equal(mine.status, 201, mine.text);
  assert.deepEqual(mine.json.memberships.map((m) => m.org_id), [m1]);
  // a viewer of D1 may not read users at all
  const v = (await login(t.slug, 'staff@d1.test', 'd1-staff-password')).json;
  assertProblem(await req('GET', '/v1/users', as(v.access_token)), 403, 'forbidden');
  // another tenant's admin: 404 for the user, nothing in its list
  const t2 = await newTenant('users2');
  const a2 = (await login(t2.slug, t2.admin.email, t2.admin.password)).json;
  assertProblem(await req('GET', `/v1/users/${oa.json.id}`, as(a2.access_token)), 404, 'not_found');
  assertProblem(await req('PATCH', `/v1/users/${oa.json.id}`, json({ status: 'inactive' }, bearer(a2.access_token))), 404, 'not_found');
  assertProblem(await post(`/v1/users/${oa.json.id}/unlock`, {}, a2.access_token), 404, 'not_found');
  assert.ok((await req('GET', '/v1/users', as(a2.access_token))).json.data.every((u) => u.email.endsWith(`${t2.slug}.test`)));
  assertProblem(await post(`/v1/users/${oa.json.id}/memberships`, { org_id: m1, role: 'viewer' }, a2.access_token), 404, 'not_found');
});

test('memberships: add, switch org, end; a token of an ended membership is 401', async () => {
  const { t, admin, m1, d1 } = await world();
  const u = await post('/v1/users', { email: 'multi@t.test', password: 'multi-password', role: 'engineer', org_id: m1 }, admin.access_token);
  const add = await post(`/v1/users/${u.json.id}/memberships`, { org_id: d1, role: 'agent' }, admin.access_token);
  assert.equal(add.status, 201, add.text);
  assert.equal(add.json.memberships.length, 2);
  assertProblem(await post(`/v1/users/${u.json.id}/memberships`, { org_id: d1, role: 'agent' }, admin.access_token), 409, 'conflict');
  const s = await login(t.slug, 'multi@t.test', 'multi-password');
  assert.equal(s.json.org, null, 'two memberships: none until switch-org');
  const sw = await post('/v1/auth/switch-org', { org_id: d1 }, s.json.access_token);
  assert.equal(sw.status, 200, sw.text);
  assert.deepEqual([sw.json.org.id, sw.json.user.role], [d1, 'agent']);
  assertProblem(await post('/v1/auth/switch-org', { org_id: 999999 }, s.json.access_token), 403, 'forbidden');
  const me = await req('GET', '/v1/me', as(sw.json.access_token));
  assert.equal(me.json.org.id, d1);
  const del = await req('DELETE', `/v1/users/${u.json.id}/memberships/${d1}`, as(admin.access_token));
  assert.equal(del.status, 204, del.text);
  assertProblem(await req('GET', '/v1/me', as(sw.json.access_token)), 401, 'unauthorized');
  assertProblem(await req('DELETE', `/v1/users/${u.json.id}/memberships/${d1}`, as(admin.access_token)), 404, 'not_found');
  const back = await post('/v1/auth/switch-org', { org_id: null }, s.json.access_token);
  assert.equal(back.json.org, null);
});

// A user made for an organization has no tenant-wide role (migration 0017): without an
// organization in its token it reads /v1/me and picks one, nothing of the tenant's.
test('a member of organizations has no tenant-wide role: without an organization it reads nothing', async () => {
  const { t, admin, m1, d1 } = await world();
  const flags = { org: true, engineers: true, service_policies: true, channels: true, catalog_publishing: true };
  assert.equal((await req('PUT', '/v1/settings', json({ flags }, bearer(admin.access_token)))).status, 200);
  const u = await post('/v1/users', { email: 'member@t.test', password: 'member-password', role: 'org_admin', org_id: m1 }, admin.access_token);
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.role, null);
  assert.equal(sql(`SELECT role IS NULL FROM users WHERE tenant_id = ${t.id} AND id = ${u.json.id}`), '1');
  assert.equal((await post(`/v1/users/${u.json.id}/memberships`, { org_id: d1, role: 'viewer' }, admin.access_token)).status, 201);
  const s = (await login(t.slug, 'member@t.test', 'member-password')).json;
  assert.deepEqual([s.org, s.user.role], [null, null], 'two memberships: no organization, and no role without one');
  const paths = ['/v1/tickets', '/v1/equipment', '/v1/engineers', '/v1/stats/tickets', '/v1/stats/equipment',
    '/v1/sla-policies', '/v1/orgs', '/v1/users', '/v1/audit-logs', '/v1/channels', '/v1/products', '/v1/settings'];
  for (const path of paths) {
    const r = await req('GET', path, as(s.access_token));
    assertProblem(r, 403, 'forbidden');
    assert.match(r.json.detail, /no role in this tenant/, path);
  }
  assertProblem(await post('/v1/equipment', { serial: 'NOPE-1' }, s.access_token), 403, 'forbidden');
  const me = await req('GET', '/v1/me', as(s.access_token));
  assert.equal(me.status, 200, me.text);
  assert.deepEqual([me.json.user.role, me.json.org, me.json.memberships.length], [null, null, 2]);
  // in an organization, its membership's role
  const sw = (await post('/v1/auth/switch-org', { org_id: m1 }, s.access_token)).json;
  assert.equal(sw.user.role, 'org_admin');
  assert.equal((await req('GET', '/v1/equipment', as(sw.access_token))).status, 200);
  // and back to none: nothing again, the refreshed session too
  const none = (await post('/v1/auth/switch-org', { org_id: null }, sw.access_token)).json;
  assert.equal(none.user.role, null);
  assertProblem(await req('GET', '/v1/tickets', as(none.access_token)), 403, 'forbidden');
  const again = await req('POST', '/v1/auth/refresh', json({ refresh_token: none.refresh_token }));
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.user.role, null);
  assertProblem(await req('GET', '/v1/tickets', as(again.json.access_token)), 403, 'forbidden');
  // a tenant-wide role is given on purpose, by a tenant admin
  const cur = await req('GET', `/v1/users/${u.json.id}`, as(admin.access_token));
  assert.equal(cur.json.role, null);
  const given = await req('PATCH', `/v1/users/${u.json.id}`, json({ role: 'viewer' }, { ...bearer(admin.access_token), 'if-match': cur.headers.get('etag') }));
  assert.equal(given.status, 200, given.text);
  assert.equal(given.json.role, 'viewer');
  assert.equal((await req('GET', '/v1/tickets', as(none.access_token))).status, 200);
  // another tenant's admin still sees none of it
  const t2 = await newTenant('users2');
  const a2 = (await login(t2.slug, t2.admin.email, t2.admin.password)).json;
  assertProblem(await req('GET', `/v1/users/${u.json.id}`, as(a2.access_token)), 404, 'not_found');
});

test('an invited user accepts with a token once; the token is stored hashed', async () => {
  const { t, admin, m1 } = await world();
  const u = await post('/v1/users', { email: 'invitee@t.test', role: 'viewer', org_id: m1 }, admin.access_token);
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.status, 'pending_invitation');
  assert.ok(!JSON.stringify(u.json).includes('token'), 'the inviter never sees the token');
  const ev = lastEvent(t.id, 'user.invited');
  assert.equal(ev.email, 'invitee@t.test');
  assert.equal(sql(`SELECT COUNT(*) FROM user_tokens WHERE token_hash = '${ev.token.split('.')[1]}'`), '0', 'only the hash is stored');
  assertProblem(await login(t.slug, 'invitee@t.test', 'anything-at-all'), 401, 'invalid_credentials');
  assertProblem(await req('POST', '/v1/auth/accept-invitation', json({ token: ev.token, password: 'short' })), 400, 'validation_failed');
  const acc = await req('POST', '/v1/auth/accept-invitation', json({ token: ev.token, password: 'invitee-password' }));
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.json.org.id, m1);
  assertProblem(await req('POST', '/v1/auth/accept-invitation', json({ token: ev.token, password: 'another-password' })), 422, 'unprocessable');
  assert.equal((await login(t.slug, 'invitee@t.test', 'invitee-password')).status, 200);
});

test('password reset: always 202, single-use token, sessions end', async () => {
  const { t } = await world();
  const s = (await login(t.slug, t.admin.email, t.admin.password)).json;
  const count = () => sql(`SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${t.id} AND event_type = 'user.password_reset_requested'`);
  for (const body of [{ tenant: t.slug, email: 'nobody@t.test' }, { tenant: 'no-such-tenant', email: t.admin.email }]) {
    const r = await req('POST', '/v1/auth/password-reset/request', json(body));
    assert.equal(r.status, 202);
  }
  assert.equal(count(), '0');
  assert.equal((await req('POST', '/v1/auth/password-reset/request', json({ tenant: t.slug, email: t.admin.email }))).status, 202);
  assert.equal(count(), '1');
  const ev = lastEvent(t.id, 'user.password_reset_requested');
  const ok = await req('POST', '/v1/auth/password-reset/confirm', json({ token: ev.token, password: 'brand-new-password' }));
  assert.equal(ok.status, 204, ok.text);
  assertProblem(await req('POST', '/v1/auth/password-reset/confirm', json({ token: ev.token, password: 'again-new-password' })), 422, 'unprocessable');
  assertProblem(await req('POST', '/v1/auth/refresh', json({ refresh_token: s.refresh_token })), 401, 'unauthorized');
  assertProblem(await login(t.slug, t.admin.email, t.admin.password), 401, 'invalid_credentials');
  assert.equal((await login(t.slug, t.admin.email, 'brand-new-password')).status, 200);
  sql(`UPDATE user_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE tenant_id = ${t.id}`);
  await req('POST', '/v1/auth/password-reset/request', json({ tenant: t.slug, email: t.admin.email }));
  const ev2 = lastEvent(t.id, 'user.password_reset_requested');
  sql(`UPDATE user_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE tenant_id = ${t.id}`);
  assertProblem(await req('POST', '/v1/auth/password-reset/confirm', json({ token: ev2.token, password: 'expired-attempt-pw' })), 422, 'unprocessable');
});

test('an admin unlocks a locked account', async () => {
  const { t, admin } = await world();
  const u = await post('/v1/users', { email: 'locked@t.test', password: 'locked-password', role: 'viewer' }, admin.access_token);
  for (let i = 0; i < 5; i++) await login(t.slug, 'locked@t.test', 'wrong-password!');
  assertProblem(await login(t.slug, 'locked@t.test', 'locked-password'), 423, 'account_locked');
  assert.equal((await req('GET', `/v1/users/${u.json.id}`, as(admin.access_token))).json.locked, true);
  const un = await post(`/v1/users/${u.json.id}/unlock`, {}, admin.access_token);
  assert.equal(un.status, 200, un.text);
  assert.equal(un.json.locked, false);
  assert.equal((await login(t.slug, 'locked@t.test', 'locked-password')).status, 200);
});

test('Idempotency-Key: the same request replays, another body with the key is 422', async () => {
  const { t, admin } = await world();
  const body = { email: 'idem@t.test', password: 'idem-password', role: 'viewer' };
  const key = `k-${Date.now()}`;
  const a = await post('/v1/users', body, admin.access_token, { 'idempotency-key': key });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.headers.get('idempotent-replayed'), null);
  const b = await post('/v1/users', body, admin.access_token, { 'idempotency-key': key });
  assert.equal(b.status, 201);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.text, a.text);
  assert.equal(b.headers.get('location'), a.headers.get('location'));
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${t.id} AND email = 'idem@t.test'`), '1');
  const c = await post('/v1/users', { ...body, role: 'agent' }, admin.access_token, { 'idempotency-key': key });
  assertProblem(c, 422, 'unprocessable');
  assertProblem(await post('/v1/users', body, admin.access_token, { 'idempotency-key': 'bad key!' }), 400, 'validation_failed');
  // keys are per tenant: another tenant may use the same key freely
  const t2 = await newTenant('idem2');
  const a2 = (await login(t2.slug, t2.admin.email, t2.admin.password)).json;
  const d = await post('/v1/users', body, a2.access_token, { 'idempotency-key': key });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.headers.get('idempotent-replayed'), null);
});
