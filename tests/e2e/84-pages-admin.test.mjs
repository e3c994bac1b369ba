// The admin pages: organizations, users and memberships, settings and flags, the audit log.
// Each page must show what the API answers the same user, each form must change through the
// API's rules (validation, If-Match, CSRF), and nothing of another tenant or org may show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, json, bearer, login, newTenant, post, put, orgUser, sql, Visitor, demoUser, adminWorld, as } from './lib.mjs';

const api = async (path, token) => {
  const r = await req('GET', path, as(token));
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
};
const writes = (tid) => sql(`SELECT (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
const ids = (html, what) => [...html.matchAll(new RegExp(`<td><a href="/${what}/(\\d+)">`, 'g'))].map((m) => Number(m[1]));
const nextLink = (html) => {
  const m = /<a rel="next" href="([^"]+)">/.exec(html);
  return m ? unescape(m[1]) : null;
};
const fieldError = (html, field) => {
  const m = new RegExp(`<span class="field-error" id="${field}-error">([^<]*)</span>`).exec(html);
  return m ? unescape(m[1]) : null;
};
const main = (html) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)[1];

function assertPage(r, status, title) {
  assert.equal(r.status, status, r.text.slice(0, 2000));
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<header class="site">/, 'in the layout');
  if (title) assert.match(r.text, new RegExp(`<title>${title} · Trellis</title>`));
}

function assertErrorPage(r, status, code) {
  assertPage(r, status);
  assert.match(r.text, /<section class="problem">/);
  assert.match(r.text, new RegExp(`<p class="code">${status}</p>`));
  if (code) assert.ok(r.text.includes('Reference: <code>'), 'the request id to quote');
}

// A fresh tenant with the org feature on, its admin signed in to the API and as a Visitor.
async function world(prefix = 'pa') {
  const w = await adminWorld(prefix, { org: true });
  const v = new Visitor();
  assert.equal((await v.login({ tenant: w.t.slug, email: w.t.admin.email, password: w.t.admin.password })).status, 303);
  return { ...w, v };
}

async function makeOrg(w, body) {
  const r = await post('/v1/orgs', body, w.admin);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function visitorFor(tenant, email, password) {
  const v = new Visitor();
  const r = await v.login({ tenant, email, password });
  assert.equal(r.status, 303, r.text);
  return v;
}

async function demo(orgType) {
  const u = demoUser(orgType);
  const s = await login(u.tenant, u.email, u.password);
  assert.equal(s.status, 200, s.text);
  const v = await visitorFor(u.tenant, u.email, u.password);
  return { u, token: s.json.access_token, me: s.json, v };
}

// ---- each page as the tenant admin and as an org user, against the API ----

test('the organizations list and detail show what the API answers, to the tenant admin and to an org user', async () => {
  const a = await demo(null);
  const list = await a.v.get('/orgs?limit=200');
  assertPage(list, 200, 'Organizations');
  const apiOrgs = (await api('/v1/orgs?limit=200', a.token)).data;
  assert.deepEqual(ids(list.text, 'orgs'), apiOrgs.map((o) => o.id));
  for (const o of apiOrgs) assert.ok(list.text.includes(`<a href="/orgs/${o.id}">${o.name}</a>`), o.name);
  assert.match(list.text, /<a href="\/orgs\/new">/, 'a tenant admin may create');
  assert.match(list.text, /<a href="\/orgs" aria-current="page">Organizations<\/a>/);

  const one = apiOrgs[0];
  const d = await a.v.get(`/orgs/${one.id}`);
  assertPage(d, 200, one.name);
  assert.match(d.text, new RegExp(`<h1>${one.name}</h1>`));
  assert.ok(d.text.includes(`<dt>Type</dt><dd>${one.type}</dd>`));
  assert.ok(d.text.includes(`<dt>Version</dt><dd>${one.version}</dd>`));
  assert.ok(d.text.includes(`<span class="badge ok">${one.status}</span>`));
  const members = (await api(`/v1/users?org_id=${one.id}&limit=50`, a.token)).data;
  assert.deepEqual(ids(d.text, 'users'), members.map((m) => m.id), 'its members');
  assert.match(d.text, /<form class="stack" method="post" action="\/orgs\/\d+">/, 'the edit form');
  assert.match(d.text, /<select id="status" name="status"/, 'a tenant admin may set the status');

  const o = await demo('dealer');
  const ol = await o.v.get('/orgs');
  assertPage(ol, 200);
  const own = (await api('/v1/orgs', o.token)).data;
  assert.deepEqual(ids(ol.text, 'orgs'), own.map((x) => x.id));
  assert.deepEqual(own.map((x) => x.id), [o.me.org.id], 'an org user sees its own org only');
  assert.doesNotMatch(ol.text, /href="\/orgs\/new"/, 'an org admin may not create');
  const od = await o.v.get(`/orgs/${o.me.org.id}`);
  assertPage(od, 200);
  assert.match(od.text, /<form class="stack" method="post" action="\/orgs\/\d+">/, 'an org admin may rename its org');
  assert.doesNotMatch(od.text, /name="status"/, 'but not set its status');
  const other = apiOrgs.find((x) => x.id !== o.me.org.id);
  assertErrorPage(await o.v.get(`/orgs/${other.id}`), 404, 'not_found');
  assertErrorPage(await o.v.get('/orgs/new'), 403, 'forbidden');
});

test('the users list and detail show what the API answers, to the tenant admin and to an org user', async () => {
  const a = await demo(null);
  const list = await a.v.get('/users?limit=200');
  assertPage(list, 200, 'Users');
  const apiUsers = (await api('/v1/users?limit=200', a.token)).data;
  assert.deepEqual(ids(list.text, 'users'), apiUsers.map((u) => u.id));
  const dealerUser = apiUsers.find((u) => u.email === demoUser('dealer').email);
  const d = await a.v.get(`/users/${dealerUser.id}`);
  assertPage(d, 200);
  const full = await api(`/v1/users/${dealerUser.id}`, a.token);
  assert.ok(d.text.includes(`<h1>${full.email}</h1>`));
  for (const m of full.memberships) {
    assert.ok(d.text.includes(`<td>${m.role}</td>`), m.role);
    assert.ok(d.text.includes(`action="/users/${full.id}/memberships/${m.org_id}/delete"`));
    const org = await api(`/v1/orgs/${m.org_id}`, a.token);
    assert.ok(d.text.includes(`<a href="/orgs/${m.org_id}">${org.name}</a>`), 'the org by name');
  }
  assert.match(d.text, /action="\/users\/\d+\/memberships"/, 'the add-membership form');

  const o = await demo('dealer');
  const ol = await o.v.get('/users');
  assertPage(ol, 200);
  const own = (await api('/v1/users', o.token)).data;
  assert.deepEqual(ids(ol.text, 'users'), own.map((u) => u.id));
  const stranger = apiUsers.find((u) => !own.some((x) => x.id === u.id));
  assertErrorPage(await o.v.get(`/users/${stranger.id}`), 404, 'not_found');
  const me = await o.v.get(`/users/${o.me.user.id}`);
  assertPage(me, 200);
  assert.ok(me.text.includes(`<p>Organization: <a href="/orgs/${o.me.org.id}">`), 'an org admin adds to its own org only');
});

test('the audit page shows the API\'s rows; settings are the tenant admin\'s', async () => {
  const a = await demo(null);
  const au = await a.v.get('/audit?limit=20');
  assertPage(au, 200, 'Audit log');
  const rows = (await api('/v1/audit-logs?limit=20', a.token)).data;
  const seqs = [...au.text.matchAll(/<td class="num">(\d+)<\/td>\n<td><time/g)].map((m) => Number(m[1]));
  assert.deepEqual(seqs, rows.map((r) => r.seq));
  assert.ok(rows.length >= 2, 'this test signed in twice');
  assert.ok(nextLink((await a.v.get('/audit?limit=1')).text), 'more than one page');

  const o = await demo('dealer');
  const ou = await o.v.get('/audit');
  assertPage(ou, 200);
  const oseqs = [...ou.text.matchAll(/<td class="num">(\d+)<\/td>\n<td><time/g)].map((m) => Number(m[1]));
  const orows = (await api('/v1/audit-logs', o.token)).data;
  assert.deepEqual(oseqs, orows.map((r) => r.seq), 'the org user\'s rows, as the API keeps them');

  const s = await a.v.get('/settings');
  assertPage(s, 200, 'Settings');
  const cur = await api('/v1/settings', a.token);
  for (const [flag, on] of Object.entries(cur.flags)) {
    assert.match(s.text, new RegExp(`name="flag_${flag}" value="on"${on ? ' checked' : ''}>`), flag);
  }
  assert.ok(s.text.includes(`name="lockout_threshold" type="number" min="1" max="100" value="${cur.lockout.threshold}"`));
  assert.ok(s.text.includes(`<input type="hidden" name="version" value="${cur.version}">`));

  assertErrorPage(await o.v.get('/settings'), 403, 'forbidden');
  assert.doesNotMatch((await o.v.get('/dashboard')).text, /href="\/settings"/, 'not in the nav either');
});

// ---- filters and pagination ----

test('the organizations list filters by type, status and name and pages with the filters kept', async () => {
  const w = await world('paf');
  const dealers = [];
  for (const n of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) dealers.push(await makeOrg(w, { name: `Dealer ${n}`, type: 'dealer', region: 'EU' }));
  await makeOrg(w, { name: 'Clinic One', type: 'hospital' });
  await makeOrg(w, { name: 'Closed Dealer', type: 'dealer', status: 'inactive' });

  // the API's pages first: the page's links must carry exactly its cursors
  const apiPages = [];
  let cursor = null;
  do {
    const p = await api(`/v1/orgs?type=dealer&status=active&limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.admin);
    apiPages.push(p);
    cursor = p.next_cursor;
  } while (cursor);
  assert.equal(apiPages.length, 3);

  let path = '/orgs?type=dealer&status=active&limit=2';
  for (const [i, p] of apiPages.entries()) {
    const r = await w.v.get(path);
    assertPage(r, 200);
    assert.match(r.text, /<option value="dealer" selected>dealer<\/option>/, 'the type is kept');
    assert.match(r.text, /<option value="active" selected>active<\/option>/, 'the status is kept');
    assert.match(r.text, /<input type="hidden" name="limit" value="2">/);
    assert.deepEqual(ids(r.text, 'orgs'), p.data.map((o) => o.id), `page ${i + 1}`);
    if (i > 0) assert.match(r.text, /<a href="\/orgs\?type=dealer&amp;status=active&amp;limit=2">First page<\/a>/);
    else assert.doesNotMatch(r.text, /First page/);
    path = nextLink(r.text);
    if (!p.next_cursor) {
      assert.equal(path, null, 'no next page after the last');
      break;
    }
    const u = new URL(path, 'http://x');
    assert.deepEqual([u.pathname, u.searchParams.get('type'), u.searchParams.get('status'), u.searchParams.get('limit'), u.searchParams.get('cursor')],
      ['/orgs', 'dealer', 'active', '2', p.next_cursor]);
  }
  assert.deepEqual(apiPages.flatMap((p) => p.data.map((o) => o.id)), dealers.map((d) => d.id));

  const q = await w.v.get('/orgs?q=Bravo');
  assert.deepEqual(ids(q.text, 'orgs'), [dealers[1].id]);
  assert.match(q.text, /<input id="f-q" name="q" type="search" value="Bravo"/, 'the name is kept');
  const inactive = await w.v.get('/orgs?status=inactive');
  assert.equal(ids(inactive.text, 'orgs').length, 1);
  assert.match(inactive.text, /<span class="badge off">inactive<\/span>/);
  const none = await w.v.get('/orgs?q=%3Cnothing%3E');
  assert.match(none.text, /No organizations match\./);
  assert.match(none.text, /value="&lt;nothing&gt;"/);

  const bad = await w.v.get('/orgs?type=spaceship');
  assertPage(bad, 400);
  assert.match(fieldError(bad.text, 'f-type'), /must be one of/);
  assert.match(bad.text, /<p class="flash error" role="alert">/);
});

test('the users and audit lists filter and page like the API', async () => {
  const w = await world('pau');
  const org = await makeOrg(w, { name: 'Users Org', type: 'dealer' });
  const made = [];
  for (let i = 0; i < 5; i++) {
    const r = await post('/v1/users', { email: `p${i}@filter.test`, role: 'viewer', org_id: i < 3 ? org.id : undefined }, w.admin);
    assert.equal(r.status, 201, r.text);
    made.push(r.json.id);
  }
  const byOrg = await w.v.get(`/users?org_id=${org.id}`);
  assert.deepEqual(ids(byOrg.text, 'users'), made.slice(0, 3));
  assert.match(byOrg.text, new RegExp(`name="org_id" inputmode="numeric" value="${org.id}"`));
  const pending = await w.v.get('/users?status=pending_invitation&q=filter.test&limit=2');
  assert.deepEqual(ids(pending.text, 'users'), made.slice(0, 2));
  assert.match(pending.text, /<span class="badge warn">pending_invitation<\/span>/);
  const next = new URL(nextLink(pending.text), 'http://x');
  assert.deepEqual([next.pathname, next.searchParams.get('status'), next.searchParams.get('q'), next.searchParams.get('limit')], ['/users', 'pending_invitation', 'filter.test', '2']);
  const p2 = await w.v.get(next.pathname + next.search);
  assert.deepEqual(ids(p2.text, 'users'), made.slice(2, 4));
  assert.match(p2.text, /First page/);
  const bad = await w.v.get('/users?org_id=abc');
  assertPage(bad, 400);
  assert.equal(fieldError(bad.text, 'f-org'), 'must be a positive id');

  const ent = await w.v.get(`/audit?entity=org&entity_id=${org.id}`);
  assertPage(ent, 200);
  const apiRows = (await api(`/v1/audit-logs?entity=org&entity_id=${org.id}`, w.admin)).data;
  assert.equal(apiRows.length, 1);
  assert.match(ent.text, new RegExp(`<td class="num">${apiRows[0].seq}</td>`));
  assert.match(ent.text, /<td>org\.create<\/td>/);
  assert.match(ent.text, new RegExp(`<a href="/orgs/${org.id}">org ${org.id}</a>`));
  assert.match(ent.text, /value="org"/);
  const byActor = await w.v.get(`/audit?actor_id=${w.adminId}&limit=3`);
  const seqs = [...byActor.text.matchAll(/<td class="num">(\d+)<\/td>\n<td><time/g)].map((m) => Number(m[1]));
  const apiSeqs = (await api(`/v1/audit-logs?actor_id=${w.adminId}&limit=3`, w.admin)).data.map((r) => r.seq);
  assert.deepEqual(seqs, apiSeqs);
  const an = new URL(nextLink(byActor.text), 'http://x');
  assert.equal(an.searchParams.get('actor_id'), String(w.adminId));
  const a2 = await w.v.get(an.pathname + an.search);
  const seqs2 = [...a2.text.matchAll(/<td class="num">(\d+)<\/td>\n<td><time/g)].map((m) => Number(m[1]));
  assert.ok(seqs2.length > 0 && Math.max(...seqs2) < Math.min(...seqs), 'older rows on the next page');
  const since = await w.v.get('/audit?since=yesterday');
  assertPage(since, 400);
  assert.match(fieldError(since.text, 'f-since'), /RFC 3339/);
});

// ---- forms: organizations ----

test('creating an organization: success, validation errors, a taken name, no CSRF token', async () => {
  const w = await world('pac');
  const form = await w.v.get('/orgs/new');
  assertPage(form, 200, 'New organization');
  const count = () => sql(`SELECT COUNT(*) FROM organizations WHERE tenant_id = ${w.t.id}`);

  const ok = await w.v.post('/orgs', { name: 'Nordic Dealer', type: 'dealer', status: 'active', region: 'EU-North', certifications: 'iso-9001, gold ,' });
  assert.equal(ok.status, 303, ok.text);
  const id = Number(/^\/orgs\/(\d+)\?done=created$/.exec(ok.location)[1]);
  const o = await api(`/v1/orgs/${id}`, w.admin);
  assert.deepEqual([o.name, o.type, o.status, o.region, o.certifications], ['Nordic Dealer', 'dealer', 'active', 'EU-North', ['iso-9001', 'gold']]);
  const shown = await w.v.get(ok.location);
  assert.match(shown.text, /<p class="flash" role="status">The organization was created\.<\/p>/);
  assert.match(shown.text, /<span class="badge">iso-9001<\/span>/);

  const n0 = count();
  const w0 = writes(w.t.id);
  const bad = await w.v.post('/orgs', { name: '', type: 'spaceship', region: 'x'.repeat(65) });
  assertPage(bad, 400);
  assert.equal(fieldError(bad.text, 'name'), 'is required');
  assert.match(fieldError(bad.text, 'type'), /must be one of/);
  assert.match(fieldError(bad.text, 'region'), /64 bytes/);
  assert.match(bad.text, /<input id="region" name="region" value="x{65}"/, 'the form as sent');
  assert.match(bad.text, /<p class="flash error" role="alert">Nothing was saved/);
  assert.match(bad.text, /<select id="type" name="type" required aria-invalid="true" aria-describedby="type-error">/);

  const taken = await w.v.post('/orgs', { name: 'Nordic Dealer', type: 'dealer' });
  assertPage(taken, 409);
  assert.equal(fieldError(taken.text, 'name'), 'is taken by another organization');
  assert.match(taken.text, /<option value="dealer" selected>/);

  const forged = await w.v.post('/orgs', { name: 'Forged', type: 'dealer' }, { csrf: false });
  assertErrorPage(forged, 403, 'csrf_failed');
  const wrong = await w.v.post('/orgs', { name: 'Forged', type: 'dealer', csrf_token: 'x'.repeat(43) });
  assertErrorPage(wrong, 403);
  assert.equal(count(), n0, 'nothing written');
  assert.equal(writes(w.t.id), w0, 'no audit row, no event');
});

test('updating an organization: success with If-Match, a stale version, validation errors, no CSRF token', async () => {
  const w = await world('pae');
  const o = await makeOrg(w, { name: 'Before', type: 'dealer', region: 'EU' });
  await makeOrg(w, { name: 'Other Name', type: 'dealer' });
  const page = await w.v.get(`/orgs/${o.id}`);
  assert.match(page.text, new RegExp(`<input type="hidden" name="version" value="${o.version}">`));

  const ok = await w.v.post(`/orgs/${o.id}`, { version: String(o.version), name: 'After', region: '', status: 'inactive' });
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.location, `/orgs/${o.id}?done=updated`);
  const after = await api(`/v1/orgs/${o.id}`, w.admin);
  assert.deepEqual([after.name, after.region, after.status, after.version], ['After', null, 'inactive', o.version + 1]);
  const shown = await w.v.get(ok.location);
  assert.match(shown.text, /The changes were saved\./);
  assert.match(shown.text, new RegExp(`name="version" value="${o.version + 1}"`));
  const hist = (await api(`/v1/audit-logs?entity=org&entity_id=${o.id}`, w.admin)).data;
  assert.ok(shown.text.includes('<td>org.update</td>') && hist[0].action === 'org.update', 'its recent changes');

  const w0 = writes(w.t.id);
  const stale = await w.v.post(`/orgs/${o.id}`, { version: String(o.version), name: 'Stale', region: 'EU', status: 'active' });
  assertPage(stale, 412);
  assert.match(stale.text, /<p class="flash error" role="alert">Someone changed this organization/);
  assert.match(stale.text, /<input id="name" name="name" value="After"/, 'the current values');
  assert.match(stale.text, new RegExp(`name="version" value="${o.version + 1}"`));
  const noVersion = await w.v.post(`/orgs/${o.id}`, { name: 'No Version', status: 'active' });
  assertPage(noVersion, 412);

  const bad = await w.v.post(`/orgs/${o.id}`, { version: String(o.version + 1), name: '   ', region: 'EU', status: 'gone' });
  assertPage(bad, 400);
  assert.match(fieldError(bad.text, 'name'), /1 to 200 bytes|blank/);
  assert.equal(fieldError(bad.text, 'status'), 'must be active or inactive');
  assert.match(bad.text, new RegExp(`name="version" value="${o.version + 1}"`), 'the version as sent');
  const dup = await w.v.post(`/orgs/${o.id}`, { version: String(o.version + 1), name: 'Other Name', region: '', status: 'inactive' });
  assertPage(dup, 409);
  assert.equal(fieldError(dup.text, 'name'), 'is taken by another organization');
  assert.match(dup.text, /<input id="name" name="name" value="Other Name"/, 'the form as sent');

  const forged = await w.v.post(`/orgs/${o.id}`, { version: String(o.version + 1), name: 'Forged', status: 'active' }, { csrf: false });
  assertErrorPage(forged, 403);
  const now = await api(`/v1/orgs/${o.id}`, w.admin);
  assert.deepEqual([now.name, now.version], ['After', o.version + 1], 'nothing written');
  assert.equal(writes(w.t.id), w0);
});

test('an org admin renames its org but may not set its status; a viewer may not edit', async () => {
  const w = await world('pao');
  const o = await makeOrg(w, { name: 'Own Org', type: 'dealer' });
  const oa = await orgUser(w, o.id, 'org_admin', 'oa@pao.test');
  const v = await visitorFor(w.t.slug, 'oa@pao.test', 'pw-oa@pao.test-secret');
  const page = await v.get(`/orgs/${o.id}`);
  assertPage(page, 200);
  const ok = await v.post(`/orgs/${o.id}`, { version: String(o.version), name: 'Renamed', region: 'North' });
  assert.equal(ok.status, 303, ok.text);
  assert.equal((await api(`/v1/orgs/${o.id}`, oa.token)).name, 'Renamed');
  const status = await v.post(`/orgs/${o.id}`, { version: String(o.version + 1), name: 'Renamed', status: 'inactive' });
  assertErrorPage(status, 403);
  assert.equal((await api(`/v1/orgs/${o.id}`, w.admin)).status, 'active');

  await orgUser(w, o.id, 'viewer', 'vw@pao.test');
  const vv = await visitorFor(w.t.slug, 'vw@pao.test', 'pw-vw@pao.test-secret');
  const vp = await vv.get(`/orgs/${o.id}`);
  assertPage(vp, 200);
  assert.doesNotMatch(vp.text, /name="version"/, 'no edit form for a viewer');
  assert.doesNotMatch(vp.text, /Members/, 'a viewer may not read users');
  await vv.get('/dashboard');
  assertErrorPage(await vv.post(`/orgs/${o.id}`, { version: String(o.version + 1), name: 'Viewer' }), 403);
  assertErrorPage(await vv.get('/users'), 403);
  assertErrorPage(await vv.get('/audit'), 403);
  assert.equal((await api(`/v1/orgs/${o.id}`, w.admin)).name, 'Renamed');
});

// ---- forms: users and memberships ----

test('inviting a user: success, validation errors, a taken email, no CSRF token; an org admin invites into its org', async () => {
  const w = await world('pai');
  const o = await makeOrg(w, { name: 'Invite Org', type: 'hospital' });
  const form = await w.v.get('/users/new');
  assertPage(form, 200, 'Invite a user');
  assert.ok(form.text.includes(`<option value="${o.id}">Invite Org</option>`));

  const ok = await w.v.post('/users', { email: 'new@pai.test', role: 'engineer', org_id: String(o.id) });
  assert.equal(ok.status, 303, ok.text);
  const id = Number(/^\/users\/(\d+)\?done=invited$/.exec(ok.location)[1]);
  const u = await api(`/v1/users/${id}`, w.admin);
  assert.equal(u.status, 'pending_invitation');
  assert.deepEqual(u.memberships.map((m) => [m.org_id, m.role]), [[o.id, 'engineer']]);
  const shown = await w.v.get(ok.location);
  assert.match(shown.text, /The user was invited\./);
  assert.match(shown.text, /<span class="badge warn">pending_invitation<\/span>/);

  const count = () => sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${w.t.id}`);
  const n0 = count();
  const w0 = writes(w.t.id);
  const bad = await w.v.post('/users', { email: 'not-an-email', role: 'emperor' });
  assertPage(bad, 400);
  assert.ok(fieldError(bad.text, 'email'));
  assert.ok(fieldError(bad.text, 'role'));
  assert.match(bad.text, /value="not-an-email"/);
  const dup = await w.v.post('/users', { email: 'new@pai.test', role: 'viewer' });
  assertPage(dup, 409);
  assert.equal(fieldError(dup.text, 'email'), 'belongs to another user of this tenant');
  const noOrg = await w.v.post('/users', { email: 'x@pai.test', role: 'viewer', org_id: '999999999' });
  assertPage(noOrg, 400);
  assert.equal(fieldError(noOrg.text, 'org_id'), 'is not an organization');
  const forged = await w.v.post('/users', { email: 'forged@pai.test', role: 'viewer' }, { csrf: false });
  assertErrorPage(forged, 403);
  assert.equal(count(), n0, 'nothing written');
  assert.equal(writes(w.t.id), w0);

  await orgUser(w, o.id, 'org_admin', 'boss@pai.test');
  const bv = await visitorFor(w.t.slug, 'boss@pai.test', 'pw-boss@pai.test-secret');
  const bf = await bv.get('/users/new');
  assertPage(bf, 200);
  assert.doesNotMatch(bf.text, /value="tenant_admin"/);
  assert.doesNotMatch(bf.text.split('<main')[1], /name="org_id"/, 'its own org, not a choice');
  const bok = await bv.post('/users', { email: 'staff@pai.test', role: 'agent' });
  assert.equal(bok.status, 303, bok.text);
  const staff = await api(`/v1/users/${/\/users\/(\d+)/.exec(bok.location)[1]}`, w.admin);
  assert.deepEqual(staff.memberships.map((m) => [m.org_id, m.role]), [[o.id, 'agent']]);
});

test('unlocking an account through its page', async () => {
  const w = await world('pal');
  const u = await post('/v1/users', { email: 'locked@pal.test', password: 'locked-password', role: 'viewer' }, w.admin);
  assert.equal(u.status, 201, u.text);
  const plain = await w.v.get(`/users/${u.json.id}`);
  assert.doesNotMatch(plain.text, /Unlock the account/, 'nothing to unlock');
  for (let i = 0; i < 5; i++) await login(w.t.slug, 'locked@pal.test', 'wrong-password!');
  assert.equal((await api(`/v1/users/${u.json.id}`, w.admin)).locked, true);
  const page = await w.v.get(`/users/${u.json.id}`);
  assert.match(page.text, /<span class="badge warn">locked<\/span>/);
  assert.match(page.text, new RegExp(`<form class="inline" method="post" action="/users/${u.json.id}/unlock">`));

  assertErrorPage(await w.v.post(`/users/${u.json.id}/unlock`, {}, { csrf: false }), 403);
  assert.equal((await api(`/v1/users/${u.json.id}`, w.admin)).locked, true, 'still locked');
  const ok = await w.v.post(`/users/${u.json.id}/unlock`, {});
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.location, `/users/${u.json.id}?done=unlocked`);
  assert.equal((await api(`/v1/users/${u.json.id}`, w.admin)).locked, false);
  assert.match((await w.v.get(ok.location)).text, /The account was unlocked\./);
  assert.equal((await login(w.t.slug, 'locked@pal.test', 'locked-password')).status, 200);
});

test('adding and ending a membership: success, validation errors, a duplicate, no CSRF token', async () => {
  const w = await world('pam');
  const a = await makeOrg(w, { name: 'Org A', type: 'dealer' });
  const b = await makeOrg(w, { name: 'Org B', type: 'distributor' });
  const u = await post('/v1/users', { email: 'member@pam.test', role: 'viewer', org_id: a.id }, w.admin);
  assert.equal(u.status, 201, u.text);
  const uid = u.json.id;
  const page = await w.v.get(`/users/${uid}`);
  assert.ok(page.text.includes(`<option value="${b.id}">Org B</option>`));

  const ok = await w.v.post(`/users/${uid}/memberships`, { org_id: String(b.id), role: 'ops_manager' });
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.location, `/users/${uid}?done=membership_added`);
  let m = (await api(`/v1/users/${uid}`, w.admin)).memberships;
  assert.deepEqual(m.map((x) => [x.org_id, x.role]).sort(), [[a.id, 'viewer'], [b.id, 'ops_manager']].sort());
  assert.match((await w.v.get(ok.location)).text, /The membership was added\./);

  const count = () => sql(`SELECT COUNT(*) FROM memberships WHERE tenant_id = ${w.t.id}`);
  const n0 = count();
  const w0 = writes(w.t.id);
  const bad = await w.v.post(`/users/${uid}/memberships`, { org_id: '', role: 'emperor' });
  assertPage(bad, 400);
  assert.equal(fieldError(bad.text, 'role'), 'must be an organization role');
  assert.equal(fieldError(bad.text, 'org_id'), 'is required');
  const dup = await w.v.post(`/users/${uid}/memberships`, { org_id: String(b.id), role: 'viewer' });
  assertPage(dup, 409);
  assert.match(dup.text, /member of that organization already/);
  assertErrorPage(await w.v.post(`/users/${uid}/memberships`, { org_id: String(b.id), role: 'viewer' }, { csrf: false }), 403);
  assertErrorPage(await w.v.post(`/users/${uid}/memberships/${b.id}/delete`, {}, { csrf: false }), 403);
  assert.equal(count(), n0, 'nothing written');
  assert.equal(writes(w.t.id), w0);

  const end = await w.v.post(`/users/${uid}/memberships/${b.id}/delete`, {});
  assert.equal(end.status, 303, end.text);
  assert.equal(end.location, `/users/${uid}?done=membership_ended`);
  m = (await api(`/v1/users/${uid}`, w.admin)).memberships;
  assert.deepEqual(m.map((x) => x.org_id), [a.id]);
  assert.match((await w.v.get(end.location)).text, /The membership was ended\./);
  assertErrorPage(await w.v.post(`/users/${uid}/memberships/${b.id}/delete`, {}), 404);
});

// ---- forms: settings ----

test('settings: flags and lockout through the form, validation errors, a stale version, no CSRF token', async () => {
  const w = await world('pas');
  const cur = await api('/v1/settings', w.admin);
  const base = {
    version: String(cur.version), timezone: cur.timezone, locale: cur.locale, currency: cur.currency,
    rounding: cur.rounding, lockout_threshold: String(cur.lockout.threshold), lockout_minutes: String(cur.lockout.minutes),
  };
  await w.v.get('/settings');
  const ok = await w.v.post('/settings', { ...base, flag_org: 'on', flag_engineers: 'on', timezone: 'Europe/Berlin', lockout_threshold: '7' });
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.location, '/settings?done=saved');
  const after = await api('/v1/settings', w.admin);
  assert.deepEqual(Object.entries(after.flags).filter(([, on]) => on).map(([n]) => n), ['org', 'engineers']);
  assert.deepEqual([after.timezone, after.lockout.threshold, after.version], ['Europe/Berlin', 7, cur.version + 1]);
  const shown = await w.v.get(ok.location);
  assert.match(shown.text, /The settings were saved\./);
  assert.match(shown.text, /name="flag_engineers" value="on" checked>/);
  assert.match(shown.text, /name="flag_channels" value="on">/);

  const w0 = writes(w.t.id);
  const next = { ...base, version: String(after.version), flag_org: 'on', timezone: 'Europe/Berlin', lockout_threshold: '7' };
  const bad = await w.v.post('/settings', { ...next, timezone: 'Mars/Olympus', lockout_threshold: '0', lockout_minutes: 'soon', flag_channels: 'on' });
  assertPage(bad, 400);
  assert.ok(fieldError(bad.text, 'timezone'));
  assert.equal(fieldError(bad.text, 'lockout_threshold'), 'must be from 1 to 100');
  assert.ok(fieldError(bad.text, 'lockout_minutes'));
  assert.match(bad.text, /name="timezone" value="Mars\/Olympus"/, 'the form as sent');
  assert.match(bad.text, /name="flag_channels" value="on" checked>/, 'the boxes as sent');
  const stale = await w.v.post('/settings', { ...next, version: String(cur.version), flag_channels: 'on' });
  assertPage(stale, 412);
  assert.match(stale.text, /Someone changed the settings/);
  assert.match(stale.text, new RegExp(`name="version" value="${after.version}"`));
  assertErrorPage(await w.v.post('/settings', { ...next, flag_channels: 'on' }, { csrf: false }), 403);
  assert.deepEqual(await api('/v1/settings', w.admin), after, 'nothing written');
  assert.equal(writes(w.t.id), w0);

  const off = await w.v.post('/settings', { ...next });
  assert.equal(off.status, 303);
  assert.equal((await api('/v1/settings', w.admin)).flags.engineers, false, 'an unticked box turns a flag off');
});

test('with the org feature off, the organization pages are the 404 page', async () => {
  const t = await newTenant('paoff');
  const v = await visitorFor(t.slug, t.admin.email, t.admin.password);
  const r = await v.get('/orgs');
  assertErrorPage(r, 404);
  assert.match(r.text, /Feature Disabled/);
  assertErrorPage(await v.get('/orgs/1'), 404);
  assert.doesNotMatch((await v.get('/dashboard')).text, /href="\/orgs"/);
});

// ---- isolation ----

test('another tenant sees none of the demo tenant\'s organizations, users or audit rows', async () => {
  const a = await demo(null);
  const demoOrgs = (await api('/v1/orgs?limit=200', a.token)).data;
  const demoUsers = (await api('/v1/users?limit=200', a.token)).data;
  const w = await world('pax');
  await makeOrg(w, { name: 'Mine', type: 'dealer' });

  for (const o of demoOrgs.slice(0, 3)) assertErrorPage(await w.v.get(`/orgs/${o.id}`), 404);
  for (const u of demoUsers.slice(0, 3)) assertErrorPage(await w.v.get(`/users/${u.id}`), 404);
  const o0 = demoOrgs[0].id;
  const u0 = demoUsers[0].id;
  assertErrorPage(await w.v.post(`/orgs/${o0}`, { version: '1', name: 'Taken over', status: 'active' }), 404);
  assertErrorPage(await w.v.post(`/users/${u0}/unlock`, {}), 404);
  assertErrorPage(await w.v.post(`/users/${u0}/memberships/${o0}/delete`, {}), 404);
  assert.equal((await api(`/v1/orgs/${o0}`, a.token)).name, demoOrgs[0].name, 'untouched');

  const ol = await w.v.get('/orgs?limit=200');
  assert.ok(!ids(ol.text, 'orgs').some((id) => demoOrgs.some((o) => o.id === id)));
  for (const o of demoOrgs) assert.ok(!ol.text.includes(`>${o.name}</a>`), o.name);
  const ul = await w.v.get('/users?limit=200');
  assert.ok(!ids(ul.text, 'users').some((id) => demoUsers.some((u) => u.id === id)));
  for (const u of demoUsers) assert.ok(!ul.text.includes(u.email), u.email);
  const al = await w.v.get('/audit?limit=200');
  for (const u of demoUsers) assert.ok(!al.text.includes(`<a href="/users/${u.id}">`), `audit row of user ${u.id}`);
  const byEntity = await w.v.get(`/audit?entity=user&entity_id=${u0}`);
  assert.match(byEntity.text, /No changes match\./);
});

test('an org user gets 404 for another org\'s objects and 403 for what its role may not open', async () => {
  const w = await world('pay');
  const mine = await makeOrg(w, { name: 'Mine', type: 'dealer' });
  const theirs = await makeOrg(w, { name: 'Theirs', type: 'dealer' });
  const them = await orgUser(w, theirs.id, 'viewer', 'them@pay.test');
  await orgUser(w, mine.id, 'org_admin', 'me@pay.test');
  const v = await visitorFor(w.t.slug, 'me@pay.test', 'pw-me@pay.test-secret');

  assertErrorPage(await v.get(`/orgs/${theirs.id}`), 404);
  assertErrorPage(await v.get(`/users/${them.id}`), 404);
  assertErrorPage(await v.get(`/users/${w.adminId}`), 404, 'a tenant-wide user is no member of its org');
  await v.get('/dashboard');
  assertErrorPage(await v.post(`/orgs/${theirs.id}`, { version: '1', name: 'Mine now' }), 404);
  assertErrorPage(await v.post(`/users/${them.id}/memberships/${theirs.id}/delete`, {}), 404);
  assertErrorPage(await v.post(`/users/${them.id}/unlock`, {}), 404);
  assert.equal((await api(`/v1/orgs/${theirs.id}`, w.admin)).name, 'Theirs');
  assert.equal((await api(`/v1/users/${them.id}`, w.admin)).memberships.length, 1);

  const ol = await v.get('/orgs');
  assert.deepEqual(ids(ol.text, 'orgs'), [mine.id]);
  const ul = await v.get('/users?limit=200');
  assert.ok(!ids(ul.text, 'users').includes(them.id));
  const al = await v.get(`/audit?entity=org&entity_id=${theirs.id}`);
  assert.match(al.text, /No changes match\./);

  const forbidden = await v.get('/settings');
  assertErrorPage(forbidden, 403);
  assert.match(forbidden.text, /<h1>Forbidden<\/h1>/);
  assertErrorPage(await v.post('/settings', { flag_org: 'on' }), 403);
  assertErrorPage(await v.get('/orgs/new'), 403);
  assertErrorPage(await v.post('/orgs', { name: 'Nope', type: 'dealer' }), 403);
  assert.equal(sql(`SELECT COUNT(*) FROM organizations WHERE tenant_id = ${w.t.id}`), '2');
});

// ---- escaping, flashes, error pages ----

test('an organization named like a script is text in the list and the detail page', async () => {
  const w = await world('pah');
  const evil = '<script>alert(1)</script>';
  const o = await makeOrg(w, { name: evil, type: 'dealer', region: '"><img src=x>', metadata: { note: '<b>bold</b>' }, certifications: ['<i>'] });
  const esc = '&lt;script&gt;alert(1)&lt;/script&gt;';
  const list = await w.v.get('/orgs');
  assert.ok(list.text.includes(`<a href="/orgs/${o.id}">${esc}</a>`));
  assert.ok(!list.text.includes(evil));
  const d = await w.v.get(`/orgs/${o.id}`);
  assert.ok(d.text.includes(`<h1>${esc}</h1>`));
  assert.ok(d.text.includes(`<title>${esc} · Trellis</title>`));
  assert.ok(d.text.includes(`value="${esc}"`), 'in the form');
  assert.ok(d.text.includes('&quot;&gt;&lt;img src=x&gt;'));
  assert.ok(d.text.includes('&lt;b&gt;bold&lt;/b&gt;'));
  assert.ok(d.text.includes('<span class="badge">&lt;i&gt;</span>'));
  for (const bad of [evil, '<img src=x>', '<b>bold</b>', '<i>']) assert.ok(!main(d.text).includes(bad), bad);
  const u = await w.v.get('/users/new');
  assert.ok(u.text.includes(`>${esc}</option>`));
});

test('?done= shows only its fixed messages', async () => {
  const a = await demo(null);
  const r = await a.v.get('/orgs?done=%3Cb%3Ehello%3C%2Fb%3E');
  assertPage(r, 200);
  assert.doesNotMatch(r.text, /class="flash"/);
  assert.doesNotMatch(r.text, /hello/);
  const ok = await a.v.get('/settings?done=saved');
  assert.match(ok.text, /<p class="flash" role="status">The settings were saved\.<\/p>/);
});

test('an unknown path is the 404 page for a browser and problem+json for an API client', async () => {
  const a = await demo(null);
  const page = await a.v.get('/no/such/page');
  assertErrorPage(page, 404);
  assert.match(page.text, /<h1>Not Found<\/h1>/);
  const j = await req('GET', '/no/such/page', { headers: { accept: 'application/json' } });
  assert.equal(j.status, 404);
  assert.match(j.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(j.json.code, 'not_found');
  const id = await a.v.get('/orgs/not-a-number');
  assertErrorPage(id, 404);
  assertErrorPage(await a.v.get('/users/0'), 404);
  const anon = new Visitor();
  const r = await anon.get('/orgs');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login?next=%2Forgs');
});
