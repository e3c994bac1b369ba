// Pages: the login form, session cookies and their transparent refresh, CSRF on every
// form, sign-out, expired sessions, error pages, and templates checked at start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as jose from 'jose';
import { req, json, login, newTenant, jwtSecret, assertProblem, Visitor, demoUser, fcgi, ROOT } from './lib.mjs';

const cookieOf = (res, name) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

test('GET /login is a form with labelled fields and a CSRF token, and sets the CSRF cookie', async () => {
  const v = new Visitor();
  const r = await v.get('/login');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
  for (const f of ['tenant', 'email', 'password']) {
    assert.match(r.text, new RegExp(`<label for="${f}">`));
    assert.match(r.text, new RegExp(`<input id="${f}" name="${f}"`));
  }
  assert.match(r.text, /<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{43}">/);
  const c = cookieOf(r, 'trellis_csrf');
  assert.ok(c, 'a CSRF cookie');
  assert.match(c, /; HttpOnly/);
  assert.match(c, /; SameSite=Lax/);
  assert.doesNotMatch(c, /Secure/, 'plain HTTP: no Secure attribute');
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  // a second visit keeps the cookie and so the token
  const again = await v.get('/login');
  assert.equal(cookieOf(again, 'trellis_csrf'), undefined);
});

test('POST /login without the CSRF token, or with a wrong one, is 403 and signs nobody in', async () => {
  const u = demoUser('dealer');
  for (const csrf of [false, 'x'.repeat(43), '']) {
    const v = new Visitor();
    await v.get('/login');
    const fields = { tenant: u.tenant, email: u.email, password: u.password };
    const r = csrf === false ? await v.post('/login', fields, { csrf: false }) : await v.post('/login', { ...fields, csrf_token: csrf });
    assert.equal(r.status, 403, r.text);
    assert.match(r.text, /CSRF Check Failed/);
    assert.equal(cookieOf(r, 'trellis_session'), undefined);
  }
  // a token from another browser's cookie does not pass either
  const a = new Visitor();
  const b = new Visitor();
  await a.get('/login');
  await b.get('/login');
  const r = await b.post('/login', { tenant: u.tenant, email: u.email, password: u.password, csrf_token: a.csrf });
  assert.equal(r.status, 403);
});

test('a wrong password or an unknown user gets the form again with 401 and a message', async () => {
  const u = demoUser('dealer');
  const v = new Visitor();
  let r = await v.login({ ...u, password: 'wrong-password' });
  assert.equal(r.status, 401);
  assert.match(r.text, /role="alert">The tenant, email or password is wrong\./);
  assert.match(r.text, new RegExp(`value="${u.email}"`), 'the email is kept');
  assert.doesNotMatch(r.text, /wrong-password/, 'the password never comes back');
  r = await v.login({ ...u, email: 'nobody@demo.test' });
  assert.equal(r.status, 401);
  r = await v.post('/login', { tenant: '', email: '', password: '' });
  assert.equal(r.status, 400);
});

test('signing in sets the session cookies and goes to the dashboard, or back to next', async () => {
  const u = demoUser('dealer');
  const v = new Visitor();
  const r = await v.login(u);
  assert.equal(r.status, 303, r.text);
  assert.equal(r.location, '/dashboard');
  for (const name of ['trellis_session', 'trellis_refresh']) {
    const c = cookieOf(r, name);
    assert.ok(c, name);
    assert.match(c, /; Path=\/; HttpOnly; SameSite=Lax/);
  }
  const d = await v.get('/dashboard');
  assert.equal(d.status, 200);
  assert.match(d.text, /<body data-dashboard="dealer">/);
  // next: a local path is followed, anything else is not
  const n = new Visitor();
  assert.equal((await n.login(u, { next: '/orgs?type=dealer' })).location, '/orgs?type=dealer');
  for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
    const e = new Visitor();
    assert.equal((await e.login(u, { next: evil })).location, '/dashboard', evil);
  }
});

test('without a session a page sends the browser to /login with where it was', async () => {
  const r = await new Visitor().get('/dashboard?x=1');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login?next=%2Fdashboard%3Fx%3D1');
  const form = await new Visitor().get(r.location);
  assert.match(form.text, /<input type="hidden" name="next" value="\/dashboard\?x=1">/);
});

test('an expired access token is refreshed transparently with the refresh cookie', async () => {
  const u = demoUser('distributor');
  const v = new Visitor();
  await v.login(u);
  const oldRefresh = v.cookies.get('trellis_refresh');
  const claims = jose.decodeJwt(v.cookies.get('trellis_session'));
  const key = new TextEncoder().encode(jwtSecret());
  const now = Math.floor(Date.now() / 1000);
  v.cookies.set('trellis_session', await new jose.SignJWT({ ...claims, iat: now - 1000, exp: now - 10 })
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(key));
  const r = await v.get('/dashboard');
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /data-dashboard="distributor"/);
  assert.ok(cookieOf(r, 'trellis_session'), 'a new access token');
  assert.ok(cookieOf(r, 'trellis_refresh'), 'a new refresh token');
  assert.notEqual(v.cookies.get('trellis_refresh'), oldRefresh, 'rotated');
  // the new pair works without another refresh
  const again = await v.get('/dashboard');
  assert.equal(again.status, 200);
  assert.equal(cookieOf(again, 'trellis_session'), undefined);
});

test('a session that cannot be refreshed goes to /login with a message, then back', async () => {
  const u = demoUser('hospital');
  const v = new Visitor();
  await v.login(u);
  v.cookies.set('trellis_session', 'garbage');
  v.cookies.set('trellis_refresh', '2.not-a-token');
  const r = await v.get('/dashboard?tab=1');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login?next=%2Fdashboard%3Ftab%3D1&expired=1');
  assert.match(cookieOf(r, 'trellis_session'), /Max-Age=0/, 'the dead cookies are cleared');
  const form = await v.get(r.location);
  assert.match(form.text, /Your session has expired/);
  const back = await v.post('/login', { tenant: u.tenant, email: u.email, password: u.password, next: '/dashboard?tab=1' });
  assert.equal(back.location, '/dashboard?tab=1');
});

test('POST /logout needs the CSRF token, revokes the session and clears the cookies', async () => {
  const u = demoUser('supplier');
  const v = new Visitor();
  await v.login(u);
  await v.get('/dashboard');
  const refresh = v.cookies.get('trellis_refresh');
  const refused = await v.post('/logout', {}, { csrf: false });
  assert.equal(refused.status, 403);
  assert.equal((await v.get('/dashboard')).status, 200, 'still signed in');
  const r = await v.post('/logout');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login?signed_out=1');
  assert.equal(v.cookies.has('trellis_session'), false);
  assert.match((await v.get(r.location)).text, /You have signed out/);
  // the refresh token's family is revoked server-side
  assertProblem(await req('POST', '/v1/auth/refresh', json({ refresh_token: refresh })), 401, 'unauthorized');
});

test('five wrong passwords through the form lock the account: 423 with a message', async () => {
  const t = await newTenant('pg');
  const v = new Visitor();
  for (let i = 0; i < 5; i++) assert.equal((await v.login({ tenant: t.slug, email: t.admin.email, password: 'nope' })).status, 401);
  const r = await v.login({ tenant: t.slug, email: t.admin.email, password: t.admin.password });
  assert.equal(r.status, 423);
  assert.match(r.text, /locked/);
});

test('a form post that is not a form is refused: 415 page', async () => {
  const v = new Visitor();
  await v.get('/login');
  const r = await v.send('POST', '/login', JSON.stringify({ tenant: 'demo' }), { 'content-type': 'application/json' });
  assert.equal(r.status, 415);
  assert.match(r.headers.get('content-type'), /^text\/html/);
});

test('a form field that is not UTF-8 is a 400 page naming it, before anything is read', async () => {
  const v = new Visitor();
  await v.get('/login');
  const r = await v.send('POST', '/login', `csrf_token=${v.csrf}&tenant=demo&email=%FF%FE&password=x`, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(r.status, 400);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<p class="field-error"><code>email<\/code> must be text \(UTF-8\)<\/p>/);
});

test('errors are pages for browsers and problem+json for API clients', async () => {
  const v = new Visitor();
  const page = await v.get('/no/such/page');
  assert.equal(page.status, 404);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.text, /<p class="code">404<\/p>/);
  assert.match(page.text, /<link rel="stylesheet" href="\/static\/trellis.css">/, 'in the layout');
  assert.match(page.text, new RegExp(page.headers.get('x-request-id')), 'the reference to quote');
  assertProblem(await req('GET', '/no/such/page', { headers: { accept: 'application/json' } }), 404, 'not_found');
  // the API stays JSON even for a browser
  assertProblem(await req('GET', '/v1/nope', { headers: { accept: 'text/html' } }), 404, 'not_found');
  // a page route with the wrong method
  const m = await v.send('PUT', '/dashboard');
  assert.equal(m.status, 405);
  // a bad escape in a page's query string, found before any route is matched
  const esc = await v.get('/tickets?status=%ZZ');
  assert.equal(esc.status, 400);
  assert.match(esc.headers.get('content-type'), /^text\/html/);
  assert.match(esc.text, /<p class="code">400<\/p>/);
  assertProblem(await req('GET', '/v1/tickets?status=%ZZ', { headers: { accept: 'text/html' } }), 400, 'bad_escape');
});

test('API tokens do not open pages and page cookies do not open the API', async () => {
  const u = demoUser('dealer');
  const s = await login(u.tenant, u.email, u.password);
  const page = await req('GET', '/dashboard', { headers: { authorization: `Bearer ${s.json.access_token}`, accept: 'text/html' } });
  assert.equal(page.status, 303, 'pages read the cookie only');
  const v = new Visitor();
  await v.login(u);
  assertProblem(await req('GET', '/v1/me', { headers: { cookie: v.cookieHeader() } }), 401, 'unauthorized');
});

test('a template that does not compile stops start-up with file:line:col', () => {
  const dir = mkdtempSync(`${tmpdir()}/trellis-tmpl-`);
  try {
    cpSync(`${ROOT}/templates`, dir, { recursive: true });
    writeFileSync(`${dir}/login.mustache`, '<p>\n  {{#open}}never closed\n');
    let out = '';
    let status = 0;
    try {
      execFileSync(`${process.env.TRELLIS_BUILD}/trellis-fcgi`, ['-t', '-c', `${ROOT}/etc/trellis.conf`], {
        env: { ...process.env, TRELLIS_PATHS_TEMPLATES_DIR: dir, TRELLIS_AUTH_JWT_SECRET: jwtSecret(), TRELLIS_LOG_FILE: '-' },
        stdio: 'pipe',
      });
    } catch (e) {
      status = e.status;
      out = `${e.stderr}`;
    }
    assert.equal(status, 1, out);
    assert.match(out, new RegExp(`${dir}/login\\.mustache:2:\\d+: `));
    // a missing dashboard is refused as well
    writeFileSync(`${dir}/login.mustache`, 'ok');
    rmSync(`${dir}/dashboards/dealer.mustache`);
    try {
      execFileSync(`${process.env.TRELLIS_BUILD}/trellis-fcgi`, ['-t', '-c', `${ROOT}/etc/trellis.conf`], {
        env: { ...process.env, TRELLIS_PATHS_TEMPLATES_DIR: dir, TRELLIS_AUTH_JWT_SECRET: jwtSecret(), TRELLIS_LOG_FILE: '-' },
        stdio: 'pipe',
      });
      assert.fail('started without dashboards/dealer');
    } catch (e) {
      assert.match(`${e.stderr}`, /no template 'dashboards\/dealer'/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('over TLS (HTTPS=on from nginx) the cookies are Secure', async () => {
  const u = demoUser('customer');
  const base = { REQUEST_URI: '/login', REQUEST_METHOD: 'GET', HTTPS: 'on', REMOTE_ADDR: '127.0.0.1' };
  const form = await fcgi(base);
  assert.equal(form.status, 200);
  const csrfCookie = form.headers.find(([k, v]) => k === 'set-cookie' && v.startsWith('trellis_csrf='))[1];
  assert.match(csrfCookie, /; Secure$/);
  const token = /name="csrf_token" value="([^"]+)"/.exec(form.body)[1];
  const body = new URLSearchParams({ csrf_token: token, tenant: u.tenant, email: u.email, password: u.password }).toString();
  const r = await fcgi({ ...base, REQUEST_METHOD: 'POST', CONTENT_TYPE: 'application/x-www-form-urlencoded',
    CONTENT_LENGTH: Buffer.byteLength(body), HTTP_COOKIE: csrfCookie.split(';')[0] }, body);
  assert.equal(r.status, 303, r.body);
  const cookies = r.headers.filter(([k]) => k === 'set-cookie').map(([, v]) => v);
  assert.equal(cookies.length, 2);
  for (const c of cookies) assert.match(c, /; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
});
