// Shared helpers for the end-to-end suites: the stack `./dev test` started, over real HTTP.
import { readFileSync, existsSync, appendFileSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import net from 'node:net';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';

export const BASE = process.env.TRELLIS_BASE_URL;
export const VAR = process.env.TRELLIS_VAR;
export const ROOT = process.env.TRELLIS_ROOT;
if (!BASE || !VAR || !ROOT) throw new Error('run through ./dev test (TRELLIS_BASE_URL, TRELLIS_VAR, TRELLIS_ROOT)');

const { hostname, port } = new URL(BASE);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function req(method, path, { body, headers = {} } = {}) {
  const res = await fetch(BASE + path, { method, body, headers, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  if (/json/.test(res.headers.get('content-type') || '') && text) json = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, json };
}

// Sends bytes exactly as given (fetch would normalise the target and headers).
export function raw(data, { halfClose = false, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: hostname, port: Number(port) });
    const chunks = [];
    const timer = setTimeout(() => { s.destroy(); resolve(parse(Buffer.concat(chunks))); }, timeoutMs);
    s.on('connect', () => { s.write(data); if (halfClose) s.end(); });
    s.on('data', (c) => chunks.push(c));
    s.on('error', (e) => { clearTimeout(timer); if (e.code === 'ECONNRESET') resolve(parse(Buffer.concat(chunks))); else reject(e); });
    s.on('close', () => { clearTimeout(timer); resolve(parse(Buffer.concat(chunks))); });
  });
  function parse(buf) {
    const s = buf.toString('utf8');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(s);
    const i = s.indexOf('\r\n\r\n');
    const head = i >= 0 ? s.slice(0, i) : s;
    const bodyText = i >= 0 ? s.slice(i + 4) : '';
    const ct = /\r\ncontent-type: *([^\r\n]*)/i.exec(head);
    return { status: m ? Number(m[1]) : 0, head, body: bodyText, contentType: ct ? ct[1] : null };
  }
}

export function assertProblem(r, status, code) {
  assert.equal(r.status, status, `status ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.json.status, status);
  assert.equal(r.json.code, code);
  assert.equal(r.json.type, `/problems/${code}`);
  assert.equal(typeof r.json.title, 'string');
  assert.equal(typeof r.json.detail, 'string');
  assert.ok(r.json.instance, 'instance is the request id');
  if (r.headers.get('x-request-id')) assert.equal(r.json.instance, r.headers.get('x-request-id'));
}

export function masterPid() {
  return Number(readFileSync(`${VAR}/run/trellis-fcgi.pid`, 'utf8').trim());
}

export function workerPids(master = masterPid()) {
  const f = `/proc/${master}/task/${master}/children`;
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

// Kills a worker on purpose, noting its pid where ./dev test's "workers" suite looks:
// every other worker that dies of a signal or a non-zero exit fails that suite.
export function killWorker(pid, signal) {
  appendFileSync(`${VAR}/log/killed-on-purpose`, `${pid}\n`);
  process.kill(pid, signal);
}

export function workersWanted() {
  const m = /trellis_workers (\d+)/.exec(execFileSync('curl', ['-s', `${BASE}/metrics`]).toString());
  return m ? Number(m[1]) : 0;
}

export function stack(cmd) {
  return execFileSync(`${ROOT}/scripts/stack.sh`, [cmd, VAR], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env }).toString();
}

export function logText() {
  return readFileSync(`${VAR}/log/trellis.log`, 'utf8');
}

// The id of the database thread (not this one) running a statement LIKE like, once one does:
// for tests that interleave sessions by what the process list shows.
export async function threadRunning(like) {
  for (let i = 0; i < 400; i++) {
    const id = sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '${like}' LIMIT 1`);
    if (id) return id;
    await sleep(25);
  }
  throw new Error(`no thread runs ${like}`);
}

export async function waitFor(pred, { timeoutMs = 15000, stepMs = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

// Runs `concurrency` loops of GET path until stop() resolves; counts every non-200 answer.
export function loadLoop(path, concurrency = 6) {
  let running = true;
  const stats = { ok: 0, failed: 0, statuses: {} };
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const res = await fetch(BASE + path);
        await res.arrayBuffer();
        if (res.status === 200) stats.ok++;
        else { stats.failed++; stats.statuses[res.status] = (stats.statuses[res.status] || 0) + 1; }
      } catch (e) {
        stats.failed++; stats.statuses[e.code || e.message] = (stats.statuses[e.code || e.message] || 0) + 1;
      }
    }
  });
  return { stats, stop: async () => { running = false; await Promise.all(loops); return stats; } };
}

// The stack's credentials (./dev test writes them like ./dev up does).
export function credentials() {
  return JSON.parse(readFileSync(`${VAR}/dev-credentials.json`, 'utf8'));
}

export function jwtSecret() {
  return readFileSync(`${VAR}/jwt-secret`, 'utf8').trim();
}

export async function login(tenant, email, password, extra = {}) {
  const r = await req('POST', '/v1/auth/login', json({ tenant, email, password, ...extra }));
  return r;
}

export function json(body, headers = {}) {
  return { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });

export async function superadmin() {
  const c = credentials().superadmin;
  const r = await login(c.tenant, c.email, c.password);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Runs SQL on the stack's database as the application user; returns the tab-separated rows.
const mariadbArgs = (statement) => ['--no-defaults', '-S', process.env.TRELLIS_DB_SOCKET, '-u', 'trellis', '-N', '-B', 'trellis', '-e', statement];
const mariadbEnv = () => ({ ...process.env, MYSQL_PWD: process.env.TRELLIS_DB_PASSWORD });

export function sql(statement) {
  return execFileSync('mariadb', mariadbArgs(statement), { env: mariadbEnv(), encoding: 'utf8' }).trim();
}

// The same in a session of its own that runs while the test goes on: for interleavings.
export function sqlAsync(statement) {
  return new Promise((resolve, reject) => {
    execFile('mariadb', mariadbArgs(statement), { env: mariadbEnv(), encoding: 'utf8' }, (err, out, errOut) =>
      (err ? reject(new Error(errOut.trim() || err.message)) : resolve(out.trim())));
  });
}

export function cli(...args) {
  try {
    const out = execFileSync(`${process.env.TRELLIS_BUILD}/trellis`, ['-c', `${ROOT}/etc/trellis.conf`, ...args], { cwd: ROOT, env: process.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, out };
  } catch (e) {
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

let seq = 0;
// A fresh tenant with its admin, made by the super admin: tests never share mutable tenants.
export async function newTenant(prefix = 't') {
  const sa = await superadmin();
  const slug = `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
  const admin = { email: `admin@${slug}.test`, password: `pw-${slug}-secret` };
  const r = await req('POST', '/v1/tenants', json({ slug, name: `Tenant ${slug}`, country_code: 'DE', admin }, bearer(sa.access_token)));
  assert.equal(r.status, 201, r.text);
  return { ...r.json, admin };
}

// POST with a bearer token.
export const post = (path, body, token, headers = {}) => req('POST', path, json(body, { ...bearer(token), ...headers }));

// PUT with a bearer token.
export const put = (path, body, token, headers = {}) => req('PUT', path, json(body, { ...bearer(token), ...headers }));

// Request options with a bearer token; GET and PATCH with one.
export const as = (token, headers = {}) => ({ headers: { ...bearer(token), ...headers } });
export const get = (path, token, headers = {}) => req('GET', path, as(token, headers));
export const patch = (path, body, token, headers = {}) => req('PATCH', path, json(body, { ...bearer(token), ...headers }));
export const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Response bodies are checked against the schemas docs/openapi.yaml promises.
let ajv;
async function schema(name) {
  if (!ajv) {
    const doc = (await req('GET', '/v1/openapi.json')).json;
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema(doc, 'openapi');
  }
  return ajv.getSchema(`openapi#/components/schemas/${name}`) || ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
}
export async function assertSchema(name, body) {
  const v = await schema(name);
  assert.ok(v(body), `${name}: ${JSON.stringify(v.errors)} in ${JSON.stringify(body)}`);
}

// The ids of a list's page, which must answer 200.
export const ids = async (path, token) => {
  const r = await get(path, token);
  assert.equal(r.status, 200, r.text);
  return r.json.data.map((x) => x.id);
};

// A fresh tenant and its admin's API session; flags (e.g. {org: true}) are turned on, as
// they are all off for a new tenant. Returns {t, admin: the access token, adminId}.
export async function adminWorld(prefix, flags = null) {
  const t = await newTenant(prefix);
  const s = await login(t.slug, t.admin.email, t.admin.password);
  assert.equal(s.status, 200, s.text);
  const admin = s.json.access_token;
  if (flags) {
    const on = await put('/v1/settings', { flags }, admin);
    assert.equal(on.status, 200, on.text);
  }
  return { t, admin, adminId: s.json.user.id };
}

// A user of one organization, made through the API, and its session in that organization.
// w is {t: the tenant from newTenant(), admin: its admin's access token}.
export async function orgUser(w, orgId, role, email) {
  const password = `pw-${email}-secret`;
  const u = await post('/v1/users', { email, password, role, org_id: orgId }, w.admin);
  assert.equal(u.status, 201, u.text);
  const s = await login(w.t.slug, email, password, { org_id: orgId });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.org.id, orgId);
  return { id: u.json.id, token: s.json.access_token };
}

// A browser without a browser, for the page suites: keeps cookies, follows nothing by
// itself, and reads each page's CSRF token so forms post as a person would.
export class Visitor {
  constructor() {
    this.cookies = new Map();
    this.csrf = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async send(method, path, body, headers = {}) {
    const h = { accept: 'text/html', ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    const res = await fetch(BASE + path, { method, body, headers: h, redirect: 'manual' });
    this.keep(res);
    const text = await res.text();
    const m = /name="csrf_token" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path) {
    return this.send('GET', path);
  }

  // Posts fields as a form; the page's CSRF token is added unless csrf is false (or given).
  post(path, fields = {}, { csrf = true } = {}) {
    const f = { ...fields };
    if (csrf === true && this.csrf && !('csrf_token' in f)) f.csrf_token = this.csrf;
    return this.send('POST', path, new URLSearchParams(f).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  }

  // Signs in through the form: GET /login for the token, POST it; returns the POST's answer.
  async login(user, extra = {}) {
    await this.get('/login');
    return this.post('/login', { tenant: user.tenant, email: user.email, password: user.password, ...extra });
  }
}

// The demo user of an org type (null: the tenant-wide admin) from dev-credentials.json.
export function demoUser(orgType) {
  const u = credentials().demo.find((d) => (d.org_type ?? null) === orgType);
  if (!u) throw new Error(`no demo user of type ${orgType}`);
  return u;
}

// One request straight to the pool's FastCGI socket, bypassing nginx: for what nginx would
// only send over TLS (HTTPS=on). params are the CGI variables; answers {status, headers, body}.
export function fcgi(params, body = '') {
  const rec = (type, content) => {
    const h = Buffer.alloc(8);
    h.writeUInt8(1, 0); // version
    h.writeUInt8(type, 1);
    h.writeUInt16BE(1, 2); // request id
    h.writeUInt16BE(content.length, 4);
    return Buffer.concat([h, content]);
  };
  const len = (n) => {
    if (n < 128) return Buffer.from([n]);
    const b = Buffer.alloc(4);
    b.writeUInt32BE((n | 0x80000000) >>> 0);
    return b;
  };
  const pairs = Buffer.concat(Object.entries(params).map(([k, v]) => {
    const kb = Buffer.from(k);
    const vb = Buffer.from(String(v));
    return Buffer.concat([len(kb.length), len(vb.length), kb, vb]);
  }));
  const stdin = Buffer.from(body);
  const begin = Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]); // responder, no keep-alive
  const out = Buffer.concat([rec(1, begin), rec(4, pairs), rec(4, Buffer.alloc(0)),
    ...(stdin.length ? [rec(5, stdin)] : []), rec(5, Buffer.alloc(0))]);
  return new Promise((resolve, reject) => {
    const s = net.connect(`${VAR}/run/trellis.sock`);
    let buf = Buffer.alloc(0);
    let stdout = Buffer.alloc(0);
    s.on('connect', () => s.write(out));
    s.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 8) {
        const type = buf[1];
        const n = buf.readUInt16BE(4);
        const pad = buf[6];
        if (buf.length < 8 + n + pad) break;
        if (type === 6) stdout = Buffer.concat([stdout, buf.subarray(8, 8 + n)]);
        buf = buf.subarray(8 + n + pad);
        if (type === 3) s.end(); // END_REQUEST
      }
    });
    s.on('error', reject);
    s.on('close', () => {
      const text = stdout.toString('utf8');
      const i = text.indexOf('\r\n\r\n');
      const headers = text.slice(0, i).split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]);
      const status = Number((headers.find(([k]) => k === 'status') || [0, '200'])[1].slice(0, 3));
      resolve({ status, headers, body: text.slice(i + 4) });
    });
  });
}
