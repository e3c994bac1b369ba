// The database goes away and comes back: 503 problem meanwhile, recovery without a pool restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, stack, masterPid, waitFor, assertProblem, logText } from './lib.mjs';

test('while MariaDB is down requests get 503, and they succeed again after it returns', async () => {
  const master = masterPid();
  assert.equal((await req('GET', '/readyz')).status, 200);
  stack('db-stop');
  try {
    // every worker finds out: a burst spread over the pool all answers 503
    const down = await Promise.all(Array.from({ length: 24 }, () => req('GET', '/readyz')));
    for (const r of down) assertProblem(r, 503, 'database_unavailable');
    assert.equal(down[0].headers.get('retry-after'), '1');
    assert.equal((await req('GET', '/healthz')).status, 200, 'liveness does not depend on the database');
  } finally {
    stack('db-start');
  }
  await waitFor(async () => (await req('GET', '/readyz')).status === 200, { what: 'readiness after restart' });
  // a worker whose last attempt failed waits 200 ms before the next (RECONNECT_INTERVAL_MS):
  // polls while MariaDB was still starting may have just made one
  await new Promise((ok) => setTimeout(ok, 250));
  // every worker reconnects: a burst spread over the pool all succeeds
  const rs = await Promise.all(Array.from({ length: 40 }, () => req('GET', '/readyz')));
  assert.deepEqual(rs.map((r) => r.status).filter((s) => s !== 200), []);
  assert.equal(masterPid(), master, 'the pool was not restarted');
  const m = /trellis_db_errors_total (\d+)/.exec((await req('GET', '/metrics')).text);
  assert.ok(Number(m[1]) > 0, 'database errors are counted');
});

// A handler that returns with its transaction open (a bug) must not hand it to the next
// request: the worker rolls it back and logs the route, so the bug shows.
test('a transaction a handler leaves open is rolled back and logged, not inherited', async () => {
  const logged = logText().length;
  const r = await req('POST', '/v1/_test/open-tx', { body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 200, r.text);
  await waitFor(() => /POST \/v1\/_test\/open-tx left a transaction open: rolled back/.test(logText().slice(logged)), { what: 'the log line' });
});
