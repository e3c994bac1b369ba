// Shared helpers for the browser suites: Debian's chromium driven by playwright-core
// (never a browser playwright downloads), against the stack `./dev test` started.
// Run by hand against the ./dev up stack: node --test --test-concurrency=1 tests/browser/
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = process.env.TRELLIS_ROOT || fileURLToPath(new URL('../..', import.meta.url));
export const VAR = process.env.TRELLIS_VAR || `${ROOT}/var`;
export const CHROMIUM = process.env.TRELLIS_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = `${ROOT}/test-results/screenshots`;

// V/dev-credentials.json: {base_url, superadmin: {tenant, email, password},
// demo: [{tenant, email, password, org, org_id, org_type, role}]}
export function credentials() {
  return JSON.parse(readFileSync(`${VAR}/dev-credentials.json`, 'utf8'));
}

export const BASE = (process.env.TRELLIS_BASE_URL || credentials().base_url).replace(/\/$/, '');

// The demo tenant's tenant-wide admin: the one demo user without an organization.
export function tenantAdmin() {
  const u = credentials().demo.find((d) => d.org_type === null);
  assert.ok(u, 'dev-credentials.json has a tenant-wide admin (org_type null)');
  return u;
}

// One Chromium per test file, launched on first use and closed after the file's tests.
let launched = null;
export function browser() {
  launched ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  return launched;
}
after(async () => {
  if (launched) await (await launched).close();
});

// newPage(t, contextOptions): a page in a fresh context (its own cookies) that records
// console errors, uncaught page errors and dialogs; the context closes when t ends.
// page.problems holds what was recorded; checkProblems(page, allow) fails on any of them
// except console messages matching one of the allow regexps.
export async function newPage(t, contextOptions = {}) {
  const context = await (await browser()).newContext({ baseURL: BASE, ...contextOptions });
  context.setDefaultTimeout(10000);
  context.setDefaultNavigationTimeout(20000);
  const page = await context.newPage();
  page.problems = [];
  page.dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()} (${m.location().url || page.url()})`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    page.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  t.after(() => context.close());
  return page;
}

export function checkProblems(page, allow = []) {
  const left = page.problems.filter((p) => !allow.some((re) => re.test(p)));
  assert.deepEqual(left, [], 'no console errors or page errors');
  assert.deepEqual(page.dialogs, [], 'no dialog opened');
}

// pageTest(name, [options], fn): a test with a fresh page; fn({page, t}) runs, then the
// test fails on any console error, page error or dialog (options.allow: console messages
// that this test expects, as regexps). A failing test leaves failed-<name>.png behind.
// options.context goes to browser.newContext (javaScriptEnabled, viewport...).
export function pageTest(name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  test(name, async (t) => {
    const page = await newPage(t, options.context);
    try {
      await fn({ page, t });
    } catch (e) {
      await screenshot(page, `failed-${slug(name)}`).catch(() => {});
      if (page.problems.length) e.message += `\nrecorded in the page:\n  ${page.problems.join('\n  ')}`;
      throw e;
    }
    checkProblems(page, options.allow);
  });
}

export function slug(s) {
  return String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

// screenshot(page, name): the whole page in test-results/screenshots/<name>.png.
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const pathOf = (page) => new URL(page.url()).pathname;

// submitForm(page, form): clicks the form's submit button and waits for the page it
// leads to; returns the response of that page, after redirects (a 303 after the POST
// is response.request().redirectedFrom()).
export async function submitForm(page, form) {
  const button = form.locator('button[type=submit], button:not([type]), input[type=submit]').first();
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  return response;
}

export function loginForm(page) {
  return page.locator('form', { has: page.locator('input[name=password]') });
}

// fillLogin(page, user): fills the login form of the current page.
export async function fillLogin(page, user) {
  const form = loginForm(page);
  await form.locator('input[name=tenant]').fill(user.tenant);
  await form.locator('input[name=email]').fill(user.email);
  await form.locator('input[name=password]').fill(user.password);
  return form;
}

// loginThroughForm(page, user): opens /login (unless the page shows its form already,
// e.g. after a redirect that carries where to go next), fills tenant, email and password,
// submits and waits for the page it leads to; fails when that is /login again.
// Returns the response of the page it led to.
export async function loginThroughForm(page, user) {
  if (pathOf(page) !== '/login' || (await loginForm(page).count()) === 0) {
    const r = await page.goto('/login');
    assert.equal(r.status(), 200, `GET /login answered ${r.status()}`);
  }
  const form = await fillLogin(page, user);
  const response = await submitForm(page, form);
  assert.notEqual(pathOf(page), '/login', `still on /login after signing in as ${user.email}: ${await flashText(page)}`);
  return response;
}

// The text of the page's messages (.flash, role=alert), for assertions and failures.
export async function flashText(page) {
  const texts = await page.locator('.flash, [role=alert]').allTextContents();
  return texts.map((s) => s.trim()).join(' | ');
}

export async function cookie(page, name) {
  return (await page.context().cookies(BASE)).find((c) => c.name === name);
}

// api(method, path, body, token): the JSON API, outside the browser.
export async function api(method, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the text is enough to explain a failure
  }
  return { status: res.status, text, json };
}

export async function apiToken(user) {
  const r = await api('POST', '/v1/auth/login', { tenant: user.tenant, email: user.email, password: user.password });
  assert.equal(r.status, 200, `POST /v1/auth/login as ${user.email}: ${r.text}`);
  return r.json.access_token;
}
