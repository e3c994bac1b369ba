// trellis migrate against the test stack's database: status, down, up, and bad usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { ROOT, req } from './lib.mjs';

const cli = (...args) => {
  const r = spawnSync(`${process.env.TRELLIS_BUILD}/trellis`, ['-c', `${ROOT}/etc/trellis.conf`, ...args], { cwd: ROOT, env: process.env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
};

const files = readdirSync(`${ROOT}/sql/migrations`).filter((f) => f.endsWith('.up.sql')).sort();
const last = files[files.length - 1].replace('.up.sql', '');

test('status lists every migration as applied', () => {
  const r = cli('migrate', 'status');
  assert.equal(r.status, 0, r.out);
  for (const f of files) assert.match(r.out, new RegExp(`${f.replace('.up.sql', '')} +\\d{4}-\\d\\d-\\d\\dT`));
  assert.match(r.out, new RegExp(`${files.length} applied, 0 pending`));
});

test('down reverts the last migration, up applies it again, a second up does nothing', async () => {
  let r = cli('migrate', 'down');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`reverted ${last}`));
  r = cli('migrate', 'status');
  assert.match(r.out, new RegExp(`${last} +pending`));
  assert.match(r.out, /, 1 pending/);
  r = cli('migrate', 'up');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`applied ${last}`));
  r = cli('migrate', 'up');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /nothing to apply/);
  assert.equal((await req('GET', '/readyz')).status, 200);
});

test('bad usage exits 2 with a message', () => {
  for (const args of [['migrate', 'sideways'], ['migrate', 'up', 'x'], ['migrate'], ['frobnicate']]) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, /usage|unknown|not a number/);
  }
});

test('a database that does not answer is a clear error, exit 1', () => {
  const r = spawnSync(`${process.env.TRELLIS_BUILD}/trellis`, ['-c', `${ROOT}/etc/trellis.conf`, 'migrate', 'status'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRELLIS_DB_SOCKET: '/nonexistent/mysqld.sock' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot connect to the database/);
});
