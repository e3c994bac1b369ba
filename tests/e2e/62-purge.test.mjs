// trellis purge: expired idempotency keys and tokens go, everything still in use stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, login, newTenant, post, sql, cli } from './lib.mjs';

test('trellis purge removes what has expired and keeps what is live', async () => {
  const t = await newTenant('purge');
  const a = (await login(t.slug, t.admin.email, t.admin.password)).json;
  const body = { email: 'kept@purge.test', password: 'kept-password', role: 'viewer' };
  const first = await post('/v1/users', body, a.access_token, { 'idempotency-key': 'fresh-key' });
  assert.equal(first.status, 201, first.text);
  const uid = a.user.id;
  // one of each kind, expired: a key past its 24 h, a refresh and a reset token past a day
  sql(`INSERT INTO idempotency_keys (tenant_id, idem_key, user_id, request_hash, status, content_type, headers, body, created_at)
       VALUES (${t.id}, 'old-key', ${uid}, REPEAT('0', 64), 201, 'application/json', '', '{}', NOW(3) - INTERVAL 25 HOUR)`);
  sql(`INSERT INTO refresh_tokens (tenant_id, user_id, family, token_hash, expires_at)
       VALUES (${t.id}, ${uid}, REPEAT('f', 32), REPEAT('e', 64), NOW(3) - INTERVAL 2 DAY)`);
  sql(`INSERT INTO user_tokens (tenant_id, user_id, kind, token_hash, expires_at)
       VALUES (${t.id}, ${uid}, 'password_reset', REPEAT('d', 64), NOW(3) - INTERVAL 2 DAY)`);
  const count = () => sql(`SELECT (SELECT COUNT(*) FROM idempotency_keys WHERE tenant_id = ${t.id}),
    (SELECT COUNT(*) FROM refresh_tokens WHERE tenant_id = ${t.id}),
    (SELECT COUNT(*) FROM user_tokens WHERE tenant_id = ${t.id})`);
  assert.equal(count(), '2\t2\t1');

  const dry = cli('purge', '--dry-run');
  assert.equal(dry.status, 0, dry.out);
  assert.ok(dry.out.includes(`tenant '${t.slug}': 1 idempotency keys, 1 refresh tokens, 1 invitation and reset tokens to remove`), dry.out);
  assert.equal(count(), '2\t2\t1', 'a dry run removes nothing');

  const run = cli('purge');
  assert.equal(run.status, 0, run.out);
  assert.ok(run.out.includes(`tenant '${t.slug}': 1 idempotency keys, 1 refresh tokens, 1 invitation and reset tokens removed`), run.out);
  assert.equal(count(), '1\t1\t0');
  assert.equal(sql(`SELECT idem_key FROM idempotency_keys WHERE tenant_id = ${t.id}`), 'fresh-key');

  // what stayed still works: the key replays, the refresh token refreshes
  const again = await post('/v1/users', body, a.access_token, { 'idempotency-key': 'fresh-key' });
  assert.equal(again.status, 201);
  assert.equal(again.json.id, first.json.id);
  const r = await req('POST', '/v1/auth/refresh', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: a.refresh_token }) });
  assert.equal(r.status, 200, r.text);

  const second = cli('purge');
  assert.equal(second.status, 0, second.out);
  assert.ok(!second.out.includes(`'${t.slug}'`), 'nothing left to remove');
});

test('trellis purge refuses unknown arguments', () => {
  const r = cli('purge', '--everything');
  assert.equal(r.status, 2);
  assert.match(r.out, /usage: trellis/);
});
