// The worker pool under load: killed workers, reloads, recycling and crash loops fail no request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masterPid, workerPids, killWorker, workersWanted, loadLoop, sleep, waitFor, logText, req } from './lib.mjs';

const settle = () => waitFor(() => workerPids().length === workersWanted(), { what: 'a full pool' });

test('a killed worker is replaced at once and no request fails', async () => {
  await settle();
  const master = masterPid();
  const load = loadLoop('/readyz');
  await sleep(300);
  for (let i = 0; i < 5; i++) {
    const pids = workerPids(master);
    killWorker(pids[i % pids.length], 'SIGKILL');
    await sleep(250);
  }
  await sleep(300);
  const stats = await load.stop();
  assert.equal(stats.failed, 0, JSON.stringify(stats));
  assert.ok(stats.ok > 100, `served ${stats.ok}`);
  await settle();
  assert.equal(masterPid(), master);
  const m = /trellis_worker_restarts_total (\d+)/.exec((await req('GET', '/metrics')).text);
  assert.ok(Number(m[1]) >= 5);
  assert.match(logText(), /killed by signal 9 \(Killed\)/);
});

test('SIGHUP replaces every worker one at a time and no request fails', async () => {
  await settle();
  const master = masterPid();
  const before = new Set(workerPids(master));
  const load = loadLoop('/readyz');
  await sleep(300);
  process.kill(master, 'SIGHUP');
  await waitFor(() => /reload done/.test(logText()) && workerPids(master).every((p) => !before.has(p)), { what: 'the reload' });
  await sleep(300);
  const stats = await load.stop();
  assert.equal(stats.failed, 0, JSON.stringify(stats));
  const after = workerPids(master);
  assert.equal(after.length, before.size);
  assert.ok(after.every((p) => !before.has(p)), 'all workers are new');
});

test('max_requests recycles workers without failed requests', async () => {
  await settle();
  // the test stack sets max_requests = 500
  const before = new Set(workerPids());
  const load = loadLoop('/healthz', 8);
  await waitFor(() => load.stats.ok > before.size * 600, { timeoutMs: 60000, what: 'enough requests' });
  const stats = await load.stop();
  assert.equal(stats.failed, 0, JSON.stringify(stats));
  assert.match(logText(), /recycled after/);
  await settle();
  assert.ok(workerPids().some((p) => !before.has(p)), 'some workers were recycled');
});

test('a worker that dies in a loop is restarted with back-off, and the master says why', async () => {
  await settle();
  const master = masterPid();
  for (let round = 0; round < 4; round++) {
    for (const p of workerPids(master)) killWorker(p, 'SIGSEGV');
    await sleep(40);
  }
  await waitFor(() => /crash loop, restarting in \d/.test(logText()), { what: 'the back-off log line' });
  assert.match(logText(), /killed by signal 11 \(Segmentation fault\)/);
  await settle(); // back-off ends and the pool fills again
  assert.equal((await req('GET', '/readyz')).status, 200);
});
