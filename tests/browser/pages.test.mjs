// The server-rendered pages in headless Chromium (API.md "Pages", DESIGN.md §8): signing
// in through the form, every dashboard, escaping, CSRF, pages without JavaScript and an
// expired session. Screenshots go to test-results/screenshots/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  pageTest, credentials, tenantAdmin, loginThroughForm, fillLogin, loginForm, submitForm,
  screenshot, pathOf, cookie, flashText, api, apiToken, slug,
} from './lib.mjs';

const creds = credentials();
const random = () => randomBytes(4).toString('hex');

// The users whose dashboards are opened: the super admin (no tenant of its own: the
// global dashboard, kept as dashboard-platform.png), then every demo user, whose
// screenshot is dashboard-<org_type>.png (global for the tenant-wide admin); a second
// user of the same type (two manufacturers) gets the org's name appended.
const seen = new Set();
const dashboardUsers = [
  { ...creds.superadmin, org: null, org_type: null, label: 'the platform super admin', shot: 'dashboard-platform' },
  ...creds.demo.map((u) => {
    const kind = u.org_type ?? 'global';
    const shot = seen.has(kind) ? `dashboard-${kind}-${slug(u.org)}` : `dashboard-${kind}`;
    seen.add(kind);
    return { ...u, label: `${u.email} (${u.org_type ?? 'tenant-wide'})`, shot };
  }),
];

for (const u of dashboardUsers) {
  pageTest(`signing in as ${u.label} leads to the ${u.org_type ?? 'global'} dashboard`, async ({ page }) => {
    const response = await loginThroughForm(page, u);
    assert.equal(pathOf(page), '/dashboard');
    assert.equal(response.status(), 200);
    const post = response.request().redirectedFrom();
    assert.ok(post && post.method() === 'POST', 'the dashboard came after the POST /login');
    assert.equal((await post.response()).status(), 303, 'POST /login answers 303');
    assert.equal(await page.locator('body').getAttribute('data-dashboard'), u.org_type ?? 'global');

    const session = await cookie(page, 'trellis_session');
    assert.ok(session, 'the trellis_session cookie is set');
    assert.equal(session.httpOnly, true, 'trellis_session is HttpOnly');
    assert.equal(session.sameSite, 'Lax', 'trellis_session is SameSite=Lax');

    assert.equal(await page.locator('h1').count(), 1, 'one <h1>');
    const styled = await page.evaluate(() => [...document.styleSheets].some((s) => s.href && new URL(s.href).pathname === '/static/trellis.css' && s.cssRules.length > 0));
    assert.ok(styled, '/static/trellis.css is applied');
    await screenshot(page, u.shot);
  });
}

pageTest('GET /dashboard without a session: 303 to /login', async ({ page }) => {
  const response = await page.goto('/dashboard');
  assert.equal(pathOf(page), '/login');
  assert.equal(response.status(), 200);
  const first = response.request().redirectedFrom();
  assert.ok(first, 'a redirect');
  assert.equal((await first.response()).status(), 303);
});

pageTest('the login form: labelled inputs tenant, email and password, a hidden csrf_token', async ({ page }) => {
  const r = await page.goto('/login');
  assert.equal(r.status(), 200);
  const fields = await loginForm(page).evaluate((form) => [...form.elements]
    .filter((e) => e.tagName === 'INPUT')
    .map((e) => ({ name: e.name, type: e.type, labelled: (e.labels?.length ?? 0) > 0 || !!e.getAttribute('aria-label') })));
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
  for (const name of ['tenant', 'email', 'password']) {
    assert.ok(byName[name], `an input named ${name}`);
    assert.ok(byName[name].labelled, `the ${name} input has a label`);
  }
  assert.equal(byName.password.type, 'password');
  assert.equal(byName.csrf_token?.type, 'hidden', 'a hidden csrf_token');
});

pageTest('bad credentials: 401, the form again with an error', { allow: [/status of 401/] }, async ({ page }) => {
  await page.goto('/login');
  const form = await fillLogin(page, { tenant: 'demo', email: `nobody-${random()}@demo.test`, password: 'not-the-password' });
  const response = await submitForm(page, form);
  assert.equal(response.status(), 401);
  assert.equal(await loginForm(page).count(), 1, 'the form is shown again');
  assert.ok(await page.locator('.flash.error, [role=alert]').first().isVisible(), 'an error is shown');
  assert.equal(await cookie(page, 'trellis_session'), undefined);
});

pageTest('an organization named <script>alert(1)</script> shows as text, never runs', async ({ page }) => {
  const admin = tenantAdmin();
  const token = await apiToken(admin);
  const names = [`<script>alert(1)</script> ${random()}`, `"><img src=x onerror=alert(2)> ${random()}`];
  const ids = [];
  for (const name of names) {
    const r = await api('POST', '/v1/orgs', { name, type: 'dealer' }, token);
    assert.equal(r.status, 201, `POST /v1/orgs ${name}: ${r.text}`);
    ids.push(r.json.id);
  }
  await loginThroughForm(page, admin);
  const pages = names.flatMap((name, i) => [[`/orgs?q=${encodeURIComponent(name)}`, name], [`/orgs/${ids[i]}`, name]]);
  for (const [path, name] of pages) {
    const response = await page.goto(path);
    assert.equal(response.status(), 200, `GET ${path}`);
    const injected = await page.evaluate(() => ({
      scripts: [...document.scripts].filter((s) => s.textContent.includes('alert(')).length,
      imgs: [...document.images].filter((i) => i.getAttribute('src') === 'x').length,
      handlers: document.querySelectorAll('[onerror]').length,
    }));
    assert.deepEqual(injected, { scripts: 0, imgs: 0, handlers: 0 }, `nothing injected into ${path}`);
    assert.deepEqual(page.dialogs, [], `no dialog on ${path}`);
    await page.getByText(name).first().waitFor({ state: 'visible' });
  }
  await screenshot(page, 'orgs-xss');
});

pageTest('POST /login without the CSRF token: 403 and no session cookie', { allow: [/status of 403/] }, async ({ page }) => {
  const user = tenantAdmin();
  const r = await page.goto('/login');
  assert.equal(r.status(), 200);
  const removed = await page.evaluate(() => {
    const inputs = document.querySelectorAll('input[name=csrf_token]');
    inputs.forEach((i) => i.remove());
    return inputs.length;
  });
  assert.ok(removed >= 1, 'the page had a csrf_token input');
  const form = await fillLogin(page, user);
  const response = await submitForm(page, form);
  assert.equal(response.status(), 403);
  assert.equal(await cookie(page, 'trellis_session'), undefined, 'no trellis_session cookie');
  // the same credentials with the token sign in: the token was the only thing missing
  await loginThroughForm(page, user);
  assert.equal(pathOf(page), '/dashboard');
});

pageTest('POST /logout without or with a wrong CSRF token: 403, the session still works', { allow: [/status of 403/] }, async ({ page }) => {
  const user = tenantAdmin();
  await loginThroughForm(page, user);
  const logout = () => page.locator('form[action="/logout"]');
  assert.equal(await logout().count(), 1, 'the page has a sign-out form');

  await logout().evaluate((f) => f.querySelectorAll('input[name=csrf_token]').forEach((i) => i.remove()));
  assert.equal((await submitForm(page, logout())).status(), 403, 'no token');

  await page.goto('/dashboard');
  await logout().evaluate((f) => { f.querySelector('input[name=csrf_token]').value = 'A'.repeat(43); });
  assert.equal((await submitForm(page, logout())).status(), 403, 'a wrong token');

  const again = await page.goto('/dashboard');
  assert.equal(again.status(), 200);
  assert.equal(pathOf(page), '/dashboard', 'still signed in');

  // and with its token, the form signs out
  await submitForm(page, logout());
  await page.goto('/dashboard');
  assert.equal(pathOf(page), '/login', 'signed out');
});

pageTest('without JavaScript: sign in through the form, reach the dashboard, sign out', { context: { javaScriptEnabled: false } }, async ({ page }) => {
  const user = creds.demo.find((d) => d.org_type === 'dealer') ?? tenantAdmin();
  await loginThroughForm(page, user);
  assert.equal(pathOf(page), '/dashboard');
  assert.equal(await page.locator('body').getAttribute('data-dashboard'), user.org_type ?? 'global');
  await submitForm(page, page.locator('form[action="/logout"]'));
  await page.goto('/dashboard');
  assert.equal(pathOf(page), '/login', 'signed out');
});

pageTest('an expired session: /orgs leads to /login with a message, then back to /orgs', async ({ page }) => {
  const user = tenantAdmin();
  await loginThroughForm(page, user);
  const context = page.context();
  const stale = (await context.cookies()).filter((c) => c.name === 'trellis_session' || c.name === 'trellis_refresh');
  assert.deepEqual(stale.map((c) => c.name).sort(), ['trellis_refresh', 'trellis_session']);
  await context.addCookies(stale.map((c) => ({ ...c, value: `garbage${random()}` })));

  await page.goto('/orgs');
  assert.equal(pathOf(page), '/login');
  const message = page.locator('[role=alert], .flash').first();
  await message.waitFor({ state: 'visible' });
  assert.ok((await flashText(page)).length > 0, 'the message says something');

  await loginThroughForm(page, user);
  assert.equal(pathOf(page), '/orgs', `back on /orgs, not ${page.url()}`);
});

pageTest('on a phone: the login page and a dashboard fit the screen', { context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } }, async ({ page }) => {
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto('/login');
  assert.equal(await overflow(), 0, 'no horizontal scroll on /login');
  await screenshot(page, 'login-phone');
  await loginThroughForm(page, tenantAdmin());
  assert.equal(await overflow(), 0, 'no horizontal scroll on the dashboard');
  await screenshot(page, 'dashboard-global-phone');
});
