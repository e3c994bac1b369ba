// Identity end to end: login, tokens (verified and forged with jose), refresh rotation and
// reuse, lockout, tenants, and the audit chain catching an edit made behind its back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { req, json, bearer, login, superadmin, credentials, jwtSecret, newTenant, sql, sqlAsync, threadRunning, logText, cli, assertProblem, adminWorld, post, put, patch } from './lib.mjs';

const key = () => new TextEncoder().encode(jwtSecret());
const me = (token) => req('GET', '/v1/me', { headers: bearer(token) });

test('the super admin logs in; the token verifies with jose and carries the claims', async () => {
  const c = credentials().superadmin;
  const r = await login(c.tenant, c.email, c.password);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.token_type, 'Bearer');
  assert.equal(r.json.expires_in, 900);
  assert.deepEqual(r.json.org, null);
  assert.equal(r.json.user.email, c.email);
  assert.equal(r.json.user.role, 'super_admin');
  assert.match(r.json.refresh_token, /^\d+\.[A-Za-z0-9_-]{43}$/);
  const { payload, protectedHeader } = await jose.jwtVerify(r.json.access_token, key(), { issuer: 'trellis', algorithms: ['HS256'] });
  assert.equal(protectedHeader.kid, 'k1');
  assert.equal(payload.role, 'super_admin');
  assert.equal(payload.sub, String(r.json.user.id));
  assert.equal(payload.exp - payload.iat, 900);
  assert.ok(payload.tid > 0 && payload.jti);
  const m = await me(r.json.access_token);
  assert.equal(m.status, 200, m.text);
  assert.equal(m.json.user.email, c.email);
  assert.equal(m.json.tenant.slug, 'platform');
  assert.deepEqual(m.json.memberships, []);
});

test('unknown tenant, unknown user and wrong password get the same 401 after the same work', async () => {
  const c = credentials().superadmin;
  const cases = [['nope-tenant', c.email, 'whatever-password'], [c.tenant, 'nobody@trellis.test', 'whatever-password'], [c.tenant, c.email, 'wrong-password!']];
  const times = [];
  for (const [t, e, p] of cases) {
    const t0 = performance.now();
    const r = await login(t, e, p);
    times.push(performance.now() - t0);
    assertProblem(r, 401, 'invalid_credentials');
    assert.equal(r.json.detail, 'the tenant, email or password is wrong');
  }
  // argon2id runs in each case: none answers in a fraction of another's time
  assert.ok(Math.min(...times) > Math.max(...times) / 4, `times ${times.map((x) => x.toFixed(1))}`);
  const good = await superadmin(); // the failure above must not lock the super admin out
  assert.ok(good.access_token);
});

test('forged, edited, expired and unknown-key tokens are all 401; a token jose signs with our key is accepted', async () => {
  const sa = await superadmin();
  const { payload } = await jose.jwtVerify(sa.access_token, key());
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims, header = { alg: 'HS256', kid: 'k1' }, k = key()) => new jose.SignJWT(claims).setProtectedHeader(header).sign(k);

  const accepted = await sign({ ...payload, iat: now, exp: now + 60 });
  assert.equal((await me(accepted)).status, 200);

  const unsecured = new jose.UnsecuredJWT({ ...payload }).encode();
  const [h, p, s] = sa.access_token.split('.');
  const edited = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'tenant_admin', tid: payload.tid + 1 })).toString('base64url')}.${s}`;
  const forged = {
    'alg none': unsecured,
    'alg none with our kid': `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${p}.`,
    'edited claims': edited,
    expired: await sign({ ...payload, iat: now - 1000, exp: now - 10 }),
    'unknown kid': await sign({ ...payload }, { alg: 'HS256', kid: 'k9' }),
    'another key': await sign({ ...payload }, { alg: 'HS256', kid: 'k1' }, new TextEncoder().encode('x'.repeat(64))),
    'HS512': await sign({ ...payload }, { alg: 'HS512', kid: 'k1' }),
    'wrong issuer': await sign({ ...payload, iss: 'someone-else' }),
    garbage: 'not.a.token',
    empty: '',
  };
  for (const [name, token] of Object.entries(forged)) {
    const r = await me(token);
    assertProblem(r, 401, 'unauthorized');
    assert.ok(r.headers.get('www-authenticate'), name);
  }
  assertProblem(await req('GET', '/v1/me'), 401, 'unauthorized');
});

test('refresh rotates; a reused refresh token revokes the whole family', async () => {
  const sa = await superadmin();
  const r1 = await req('POST', '/v1/auth/refresh', json({ refresh_token: sa.refresh_token }));
  assert.equal(r1.status, 200, r1.text);
  assert.notEqual(r1.json.refresh_token, sa.refresh_token);
  assert.equal((await me(r1.json.access_token)).status, 200);
  const reuse = await req('POST', '/v1/auth/refresh', json({ refresh_token: sa.refresh_token }));
  assertProblem(reuse, 401, 'unauthorized');
  assert.match(reuse.json.detail, /revoked/);
  const child = await req('POST', '/v1/auth/refresh', json({ refresh_token: r1.json.refresh_token }));
  assertProblem(child, 401, 'unauthorized');
  for (const bad of ['x', '1.short', `999999.${'a'.repeat(43)}`]) {
    assertProblem(await req('POST', '/v1/auth/refresh', json({ refresh_token: bad })), 401, 'unauthorized');
  }
});

test('logout revokes its refresh token', async () => {
  const sa = await superadmin();
  const r = await req('POST', '/v1/auth/logout', json({ refresh_token: sa.refresh_token }, bearer(sa.access_token)));
  assert.equal(r.status, 204, r.text);
  assertProblem(await req('POST', '/v1/auth/refresh', json({ refresh_token: sa.refresh_token })), 401, 'unauthorized');
  assert.equal((await req('POST', '/v1/auth/logout', { headers: bearer(sa.access_token) })).status, 204, 'no body is fine');
});

test('a super admin creates a tenant; its admin logs in; the slug is unique; only super admins may', async () => {
  const t = await newTenant('acme');
  assert.equal(t.status, 'active');
  assert.equal(t.country_code, 'DE');
  const a = await login(t.slug, t.admin.email, t.admin.password);
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.user.role, 'tenant_admin');
  const m = await me(a.json.access_token);
  assert.equal(m.json.tenant.id, t.id);
  const sa = await superadmin();
  const dup = await req('POST', '/v1/tenants', json({ slug: t.slug, name: 'x', country_code: 'FR', admin: { email: 'a@b.test', password: 'long-enough-pw' } }, bearer(sa.access_token)));
  assertProblem(dup, 409, 'conflict');
  const denied = await req('POST', '/v1/tenants', json({ slug: `${t.slug}-2`, name: 'x', country_code: 'FR', admin: { email: 'a@b.test', password: 'long-enough-pw' } }, bearer(a.json.access_token)));
  assertProblem(denied, 403, 'forbidden');
  assert.equal(sql(`SELECT COUNT(*) FROM tenants WHERE slug = '${t.slug}-2'`), '0');
});

test('bad tenant input names each field and writes nothing', async () => {
  const sa = await superadmin();
  const slug = `bad-${Date.now().toString(36)}`;
  const r = await req('POST', '/v1/tenants', json({ slug: 'Bad Slug!', name: '', country_code: 'deu', admin: { email: 'nope', password: 'short' }, extra: 1 }, bearer(sa.access_token)));
  assertProblem(r, 400, 'validation_failed');
  const fields = r.json.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['admin.email', 'admin.password', 'country_code', 'extra', 'name', 'slug']);
  const missing = await req('POST', '/v1/tenants', json({ slug }, bearer(sa.access_token)));
  assertProblem(missing, 400, 'validation_failed');
  assert.deepEqual(missing.json.errors.map((e) => e.field).sort(), ['admin', 'country_code', 'name']);
  // SQL meta-characters are data, stored literally
  const name = "O'Brien \"; DROP TABLE tenants; --";
  const ok = await req('POST', '/v1/tenants', json({ slug, name, country_code: 'IE', admin: { email: `a@${slug}.test`, password: 'long-enough-pw' } }, bearer(sa.access_token)));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.name, name);
  assert.equal(sql(`SELECT name FROM tenants WHERE slug = '${slug}'`), name.replace(/\\/g, '\\\\'));
});

test('five wrong passwords lock the account (423), even for the right password', async () => {
  const t = await newTenant('lock');
  for (let i = 0; i < 5; i++) assertProblem(await login(t.slug, t.admin.email, 'wrong-password!'), 401, 'invalid_credentials');
  assertProblem(await login(t.slug, t.admin.email, t.admin.password), 423, 'account_locked');
  assert.equal(sql(`SELECT u.locked_until > NOW(3) FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = '${t.slug}'`), '1');
  // once the lock has passed, the right password works and the count starts over
  sql(`UPDATE users u JOIN tenants t ON t.id = u.tenant_id SET u.locked_until = NOW(3) - INTERVAL 1 SECOND WHERE t.slug = '${t.slug}'`);
  assert.equal((await login(t.slug, t.admin.email, t.admin.password)).status, 200);
});

// A change made in the database by hand is seen once the workers' principal cache entries
// have aged out: principal_ttl, 1 second by default (etc/trellis.conf).
const aged = () => new Promise((resolve) => setTimeout(resolve, 1100));

test('a token of a suspended tenant or an inactive user is 401', async () => {
  const t = await newTenant('susp');
  const a = (await login(t.slug, t.admin.email, t.admin.password)).json;
  assert.equal((await me(a.access_token)).status, 200);
  sql(`UPDATE tenants SET status = 'suspended' WHERE id = ${t.id}`);
  await aged();
  assertProblem(await me(a.access_token), 401, 'unauthorized');
  assertProblem(await req('POST', '/v1/auth/refresh', json({ refresh_token: a.refresh_token })), 401, 'unauthorized');
  assertProblem(await login(t.slug, t.admin.email, t.admin.password), 401, 'invalid_credentials');
  sql(`UPDATE tenants SET status = 'active' WHERE id = ${t.id}`);
  await aged();
  assert.equal((await me(a.access_token)).status, 200);
  sql(`UPDATE users SET status = 'inactive' WHERE tenant_id = ${t.id}`);
  await aged();
  assertProblem(await me(a.access_token), 401, 'unauthorized');
});

test('a demotion or deactivation through the API holds at once in every worker', async () => {
  const t = await newTenant('demote');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const u = await req('POST', '/v1/users', json({ email: 'second@demote.test', password: 'second-admin-pw', role: 'tenant_admin' }, bearer(admin)));
  assert.equal(u.status, 201, u.text);
  const tok = (await login(t.slug, 'second@demote.test', 'second-admin-pw')).json.access_token;
  const users = () => req('GET', '/v1/users', { headers: bearer(tok) });
  // enough requests that every worker of the pool has the principal cached
  for (let i = 0; i < 12; i++) assert.equal((await users()).status, 200);
  const d = await req('PATCH', `/v1/users/${u.json.id}`, json({ role: 'viewer' }, bearer(admin)));
  assert.equal(d.status, 200, d.text);
  for (let i = 0; i < 12; i++) assertProblem(await users(), 403, 'forbidden');
  for (let i = 0; i < 12; i++) assert.equal((await me(tok)).json.user.role, 'viewer');
  const off = await req('PATCH', `/v1/users/${u.json.id}`, json({ status: 'inactive' }, bearer(admin)));
  assert.equal(off.status, 200, off.text);
  for (let i = 0; i < 12; i++) assertProblem(await me(tok), 401, 'unauthorized');
});

test('trellis audit verify holds, and finds a row edited in the database', async () => {
  const t = await newTenant('audit');
  await login(t.slug, t.admin.email, t.admin.password);
  let v = cli('audit', 'verify');
  assert.equal(v.status, 0, v.out);
  assert.match(v.out, /tenant 'platform': \d+ rows, chain intact/);
  const [seq, action] = sql(`SELECT seq, action FROM audit_log WHERE tenant_id = ${t.id} ORDER BY seq LIMIT 1`).split('\t');
  sql(`UPDATE audit_log SET action = 'tampered' WHERE tenant_id = ${t.id} AND seq = ${seq}`);
  v = cli('audit', 'verify', '--tenant', t.slug);
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`tenant '${t.slug}': row ${seq} was changed`));
  sql(`UPDATE audit_log SET action = '${action}' WHERE tenant_id = ${t.id} AND seq = ${seq}`);
  sql(`DELETE FROM audit_log WHERE tenant_id = ${t.id} AND seq = (SELECT m FROM (SELECT MAX(seq) m FROM audit_log WHERE tenant_id = ${t.id}) x)`);
  v = cli('audit', 'verify', '--tenant', t.slug);
  assert.equal(v.status, 1, 'a deleted last row is caught by the head');
  assert.match(v.out, /the head says/);
});

// The database links each row (migration 0013, audit_append()); trellis audit verify hashes
// them again in C: the two agree on multi-byte text, NULL fields and a row with no actor.
test('rows linked by the database verify in C, whatever their text', async () => {
  const t = await newTenant('auditutf');
  const s = await login(t.slug, t.admin.email, t.admin.password);
  const admin = s.json.access_token;
  const name = 'Zürich – Ωmega 東京 🚑';
  const on = await req('PUT', '/v1/settings', json({ flags: { org: true } }, bearer(admin)));
  assert.equal(on.status, 200, on.text);
  const o = await req('POST', '/v1/orgs', json({ name, type: 'dealer' }, bearer(admin)));
  assert.equal(o.status, 201, o.text);
  const p = await req('PATCH', `/v1/orgs/${o.json.id}`, json({ name: `${name} ²` }, bearer(admin)));
  assert.equal(p.status, 200, p.text);
  const v = cli('audit', 'verify', '--tenant', t.slug);
  assert.equal(v.status, 0, v.out);
  assert.match(v.out, new RegExp(`tenant '${t.slug}': [1-9]\\d* rows, chain intact`));
  const rows = sql(`SELECT CONCAT_WS(' ', seq, action, COALESCE(org_id, 'null'), before_json IS NULL,
      after_json LIKE '%Ωmega%', LENGTH(request_id) > 0) FROM audit_log WHERE tenant_id = ${t.id} ORDER BY seq`).split('\n');
  assert.deepEqual(rows.slice(-2).map((r) => r.split(' ').slice(1).join(' ')),
    ['org.create null 1 1 1', 'org.update null 0 1 1']);
  assert.deepEqual(rows.map((r) => Number(r.split(' ')[0])), rows.map((_, i) => i + 1));
  // and a link changed behind its back is still found
  sql(`UPDATE audit_log SET after_json = REPLACE(after_json, 'Ωmega', 'Omega') WHERE tenant_id = ${t.id} AND action = 'org.update'`);
  assert.equal(cli('audit', 'verify', '--tenant', t.slug).status, 1);
});

// Concurrent writes of one tenant: each share-locks the tenant's row through a foreign key
// (equipment, organizations, users…) before its audit link. While the link locked that row
// for update, two such writes deadlocked and one answered 503; the head has its own row
// since migration 0015. Settings writes, which lock the tenant's row for update first, run
// among them.
test('concurrent writes of one tenant: none deadlocks, every one is linked, the chain verifies', async () => {
  const w = await adminWorld('auditconc', { org: true, engineers: true });
  const made = async (path, body) => {
    const r = await post(path, body, w.admin);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const dist = await made('/v1/orgs', { name: 'Distributor', type: 'distributor' });
  const dealer = await made('/v1/orgs', { name: 'Dealer', type: 'dealer' });
  const eq = await made('/v1/equipment', { serial: 'CONC-0' });
  const tk = await made('/v1/tickets', { equipment_id: eq.id, severity: 'low', title: 'Concurrent' });
  const before = Number(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id}`));
  let n = 0;
  for (let round = 0; round < 4; round++) {
    const dealers = await Promise.all([0, 1].map((i) => made('/v1/orgs', { name: `New dealer ${round}.${i}`, type: 'dealer' })));
    n += 2;
    const writes = [
      // relationships and engineers share-lock organizations that other writes update
      ...dealers.map((d) => post(`/v1/orgs/${dist.id}/relationships`, { child_org_id: d.id, relation_type: 'dealer_of' }, w.admin)),
      ...Array.from({ length: 2 }, (_, i) => post('/v1/engineers', { name: `Eng ${round}.${i}`, org_ids: [dealer.id] }, w.admin)),
      ...Array.from({ length: 2 }, (_, i) => patch(`/v1/orgs/${dealer.id}`, { name: `Main dealer ${round}.${i}` }, w.admin)),
      ...Array.from({ length: 4 }, (_, i) => post('/v1/equipment', { serial: `CONC-${round}-${i}` }, w.admin)),
      ...Array.from({ length: 3 }, (_, i) => post('/v1/orgs', { name: `Dealer ${round}.${i}`, type: 'dealer' }, w.admin)),
      ...Array.from({ length: 3 }, (_, i) => post('/v1/users', { email: `u${round}.${i}@conc.test`, password: 'long-enough-pw', role: 'viewer' }, w.admin)),
      ...Array.from({ length: 3 }, (_, i) => post('/v1/tickets', { equipment_id: eq.id, severity: 'high', title: `T ${round}.${i}` }, w.admin)),
      ...Array.from({ length: 2 }, (_, i) => post(`/v1/tickets/${tk.id}/comments`, { body: `Note ${round}.${i}` }, w.admin)),
      put('/v1/settings', { locale: round % 2 ? 'de' : 'en' }, w.admin),
    ];
    const answers = await Promise.all(writes);
    assert.deepEqual(answers.map((r) => r.status < 300), answers.map(() => true), answers.find((r) => r.status >= 300)?.text);
    n += answers.length;
  }
  const v = cli('audit', 'verify', '--tenant', w.t.slug);
  assert.equal(v.status, 0, v.out);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id}`)), before + n);
  assert.equal(sql(`SELECT seq FROM audit_heads WHERE tenant_id = ${w.t.id}`), String(before + n));
  assert.equal(sql(`SELECT COUNT(*) FROM engineer_orgs WHERE tenant_id = ${w.t.id} AND org_id = ${dealer.id}`), '8');
});

// A deadlock made on purpose, with the API's write as its victim: a session holds the
// tenant's chain head and, once the write waits for it, reaches for the write's new row.
// The session has written more, so the database rolls the write back; the worker runs the
// request again, and the client gets its 201 instead of a 503. Each step waits for the
// one before it in the process list, so a slow machine cannot reorder them.
test('a write chosen as the victim of a deadlock is run again, and answers as if alone', async () => {
  const w = await adminWorld('auditretry');
  const serial = `RETRY-${Date.now()}`;
  const session = sqlAsync(`START TRANSACTION;
    INSERT INTO stats_pending (tenant_id, kind, sign) SELECT ${w.t.id}, 1, 1 FROM seq_1_to_50;
    SELECT seq FROM audit_heads WHERE tenant_id = ${w.t.id} FOR UPDATE;
    DO SLEEP(60);
    SELECT COUNT(*) FROM equipment WHERE tenant_id = ${w.t.id} FOR UPDATE;
    ROLLBACK`);
  const sleeper = await threadRunning('DO SLEEP(60)');
  const logged = logText().length;
  const made = post('/v1/equipment', { serial }, w.admin);
  await threadRunning('%FROM audit_heads WHERE tenant_id%FOR UPDATE%'); // the write waits for the head
  sql(`KILL QUERY ${sleeper}`); // the session goes on, to the write's row
  const r = await made;
  await session;
  assert.equal(r.status, 201, r.text);
  assert.equal(sql(`SELECT COUNT(*) FROM equipment WHERE tenant_id = ${w.t.id} AND serial = '${serial}'`), '1');
  assert.match(logText().slice(logged), /POST \/v1\/equipment: a deadlock's victim, run again/);
  assert.equal(cli('audit', 'verify', '--tenant', w.t.slug).status, 0);
});

test('the super admin CLI reads the password from stdin or a file, never argv', () => {
  const r = cli('user', 'create-superadmin', '--email', 'x@trellis.test', '--password', 'nope');
  assert.equal(r.status, 2);
  assert.match(r.out, /unknown option '--password'/);
});
