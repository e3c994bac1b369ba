// SIGTERM: the master stops accepting, lets in-flight requests finish, and exits cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { req, stack, masterPid, waitFor, VAR, sleep } from './lib.mjs';

test('SIGTERM finishes in-flight requests, then the pool is gone', async () => {
  const master = masterPid();
  const slow = req('GET', '/v1/_test/sleep?ms=1500');
  await sleep(300);
  process.kill(master, 'SIGTERM');
  await sleep(200);
  const refused = await req('GET', '/healthz');
  assert.equal(refused.status, 502, 'no new request is accepted');
  assert.match(refused.headers.get('content-type'), /^application\/problem\+json/);
  const r = await slow;
  assert.equal(r.status, 200, 'the in-flight request finished');
  assert.deepEqual(r.json, { slept_ms: 1500 });
  await waitFor(() => !existsSync(`${VAR}/run/trellis-fcgi.pid`), { what: 'the pid file to go' });
  assert.ok(!existsSync(`${VAR}/run/trellis.sock`), 'the socket is removed');
  stack('pool-start');
  await waitFor(async () => (await req('GET', '/healthz')).status === 200, { what: 'the pool to return' });
});
