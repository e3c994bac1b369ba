// trellis migrate on a scratch database of the test stack's server: from nothing to the
// latest schema, every step back down, and up again; the stack's own data is untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { ROOT } from './lib.mjs';

const DB = `trellis_migrate_${process.pid}`;
const root = (statement) => execFileSync('mariadb', ['--no-defaults', '-S', process.env.TRELLIS_DB_SOCKET, '-uroot', '-e', statement], { encoding: 'utf8' });
const cli = (args, env = {}) => {
  const r = spawnSync(`${process.env.TRELLIS_BUILD}/trellis`, ['-c', `${ROOT}/etc/trellis.conf`, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRELLIS_DB_NAME: DB, ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr };
};

const names = readdirSync(`${ROOT}/sql/migrations`).filter((f) => f.endsWith('.up.sql')).sort().map((f) => f.replace('.up.sql', ''));

before(() => root(`CREATE DATABASE ${DB}; GRANT ALL ON ${DB}.* TO 'trellis'@'localhost', 'trellis'@'127.0.0.1';`));
after(() => root(`DROP DATABASE IF EXISTS ${DB}`));

test('up applies every migration in order; a second up does nothing', () => {
  let r = cli(['migrate', 'status']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`0 applied, ${names.length} pending`));
  r = cli(['migrate', 'up']);
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.out.trim().split('\n'), names.map((n) => `applied ${n}`));
  r = cli(['migrate', 'up']);
  assert.match(r.out, /nothing to apply/);
  r = cli(['migrate', 'status']);
  for (const n of names) assert.match(r.out, new RegExp(`${n} +\\d{4}-\\d\\d-\\d\\dT`));
  assert.match(r.out, new RegExp(`${names.length} applied, 0 pending`));
});

test('down reverts one step, or N; every down file works; up restores all', () => {
  let r = cli(['migrate', 'down']);
  assert.equal(r.status, 0, r.out);
  assert.equal(r.out.trim(), `reverted ${names[names.length - 1]}`);
  r = cli(['migrate', 'down', String(names.length)]);
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.out.trim().split('\n'), names.slice(0, -1).reverse().map((n) => `reverted ${n}`));
  assert.equal(root(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '${DB}' AND table_name <> 'schema_migrations'`).split('\n')[1], '0');
  r = cli(['migrate', 'up', '1']);
  assert.equal(r.out.trim(), `applied ${names[0]}`);
  r = cli(['migrate', 'up']);
  assert.equal(r.status, 0, r.out);
  assert.match(cli(['migrate', 'status']).out, /, 0 pending/);
});

test('bad usage exits 2 with a message', () => {
  for (const args of [['migrate', 'sideways'], ['migrate', 'up', 'x'], ['migrate'], ['frobnicate']]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, /usage|unknown|not a number/);
  }
});

test('a database that does not answer is a clear error, exit 1', () => {
  const r = cli(['migrate', 'status'], { TRELLIS_DB_SOCKET: '/nonexistent/mysqld.sock' });
  assert.equal(r.status, 1);
  assert.match(r.out, /cannot connect to the database/);
});
