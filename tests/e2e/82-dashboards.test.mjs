// The dashboards: each demo user and the super admin sign in through the form and land on
// theirs; what they show is compared with the database; a fresh tenant and another org of
// the same tenant see nothing of each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, json, bearer, login, post, newTenant, orgUser, sql, credentials, workersWanted, Visitor, adminWorld } from './lib.mjs';

const TYPES = ['manufacturer', 'distributor', 'dealer', 'hospital', 'service_provider', 'supplier', 'customer'];
const DEMO_ORGS = ['ACME', 'BioMed', 'D1', 'DL1', 'H1', 'ServiceCo', 'PartsCo', 'Plant C1'];

// The app's session runs in UTC; so must ours, for DATE(at).
const q = (s) => sql(`SET time_zone = '+00:00'; ${s}`);
const rows = (s) => (s ? s.split('\n').map((l) => l.split('\t')) : []);

const unescape = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();

// The tile whose heading is h2, or undefined.
function tile(html, h2) {
  const m = new RegExp(`<section class="tile[^"]*">\\s*<h2>${h2}</h2>([\\s\\S]*?)</section>`).exec(html);
  return m ? m[1] : undefined;
}

// The body rows of the first table in html, each a list of cell texts.
function tableRows(html) {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  assert.ok(body, 'a table');
  return [...body[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1])));
}

// A KPI tile's number.
function kpi(html, label) {
  const m = new RegExp(`<h2>${label}</h2>\\s*<p class="kpi"><span class="value">(\\d+)</span>`).exec(html);
  return m ? Number(m[1]) : undefined;
}

// The datetime of each row of the recent-activity tile, newest first.
function activityTimes(html) {
  const t = tile(html, 'Recent activity');
  assert.ok(t, 'a recent-activity tile');
  return [...t.matchAll(/<time datetime="([^"]+)">/g)].map((m) => m[1]);
}

const latestAudit = (tid, orgId) => rows(q(`SELECT CONCAT(LEFT(DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')
  FROM audit_log WHERE tenant_id = ${tid} ${orgId ? `AND org_id = ${orgId}` : ''} ORDER BY seq DESC LIMIT 10`)).map((r) => r[0]);

// Signs in through the form and opens the dashboard it leads to.
async function dashboardOf(user) {
  const v = new Visitor();
  const r = await v.login(user);
  assert.equal(r.status, 303, `${user.email}: ${r.text}`);
  assert.equal(r.location, '/dashboard');
  const d = await v.get(r.location);
  assert.equal(d.status, 200, d.text);
  assert.match(d.headers.get('content-type'), /^text\/html/);
  return d.text;
}

const dashboardAttr = (html) => /<body data-dashboard="([^"]+)">/.exec(html)?.[1];

// The members of an org as the database has them: [email, role, status] by email.
const membersOf = (tid, orgId) => rows(q(`SELECT u.email, m.role, u.status FROM memberships m
  JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
  WHERE m.tenant_id = ${tid} AND m.org_id = ${orgId} ORDER BY u.email`));

function assertOrgDashboard(html, { tid, orgId, name, type }) {
  assert.equal(dashboardAttr(html), type);
  assert.match(html, new RegExp(`<h1>${name}</h1>`));
  const profile = tile(html, 'Profile');
  assert.ok(profile, 'a profile tile');
  assert.match(profile, new RegExp(`<dt>Type</dt><dd>${type}</dd>`));
  const members = membersOf(tid, orgId);
  assert.ok(members.length > 0);
  assert.deepEqual(tableRows(tile(html, 'Members and roles')), members);
  assert.equal(kpi(html, 'Members'), members.length);
  assert.equal(kpi(html, 'Active members'), members.filter((m) => m[2] === 'active').length);
  const changes = Number(q(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid} AND org_id = ${orgId} AND at >= NOW(3) - INTERVAL 7 DAY`));
  assert.equal(kpi(html, 'Last 7 days'), changes);
  assert.deepEqual(activityTimes(html), latestAudit(tid, orgId));
  assert.ok(activityTimes(html).length > 0, 'signing in is activity');
}

test('GET /dashboard without a session is 303 to /login?next=%2Fdashboard', async () => {
  const r = await new Visitor().get('/dashboard');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login?next=%2Fdashboard');
});

test('every demo org user lands on the dashboard of its type: profile, members and roles, activity', async () => {
  const demo = credentials().demo;
  const tid = Number(q("SELECT id FROM tenants WHERE slug = 'demo'"));
  for (const type of TYPES) assert.ok(demo.some((u) => u.org_type === type), `a demo ${type}`);
  for (const u of demo.filter((d) => d.org_type)) {
    const html = await dashboardOf(u);
    assertOrgDashboard(html, { tid, orgId: u.org_id, name: u.org, type: u.org_type });
    assert.match(tableRows(tile(html, 'Members and roles')).map((r) => r.join(' ')).join('\n'), new RegExp(`${u.email} org_admin active`));
    // the demo seed's certifications are badges
    const certs = JSON.parse(q(`SELECT certifications FROM organizations WHERE tenant_id = ${tid} AND id = ${u.org_id}`));
    for (const c of certs) assert.match(tile(html, 'Profile'), new RegExp(`<span class="badge">${c}</span>`));
    if (!certs.length) assert.doesNotMatch(tile(html, 'Profile'), /Certifications/);
    // nothing of the other demo orgs: their members, their activity
    for (const other of demo.filter((d) => d.org_type && d.org_id !== u.org_id)) {
      assert.ok(!html.includes(other.email), `${u.org} shows ${other.email}`);
    }
    assert.doesNotMatch(html, /demo\.seed/, 'the tenant-wide seed row is not the org\'s');
  }
});

test('the tenant admin lands on the global dashboard: counts that match the database', async () => {
  const u = credentials().demo.find((d) => d.org_type === null);
  assert.equal(u.role, 'tenant_admin');
  const tid = Number(q("SELECT id FROM tenants WHERE slug = 'demo'"));
  const html = await dashboardOf(u);
  assert.equal(dashboardAttr(html), 'global');
  assert.match(html, /<h1>Demo Medical Devices<\/h1>/);

  const orgs = tile(html, 'Organizations');
  const byType = rows(q(`SELECT type, COUNT(*) FROM organizations WHERE tenant_id = ${tid} GROUP BY type ORDER BY type`));
  assert.deepEqual(tableRows(orgs), byType);
  assert.equal(kpi(`<h2>x</h2>${orgs}`, 'x'), byType.reduce((n, r) => n + Number(r[1]), 0));
  for (const t of TYPES) assert.ok(byType.some((r) => r[0] === t), `demo has a ${t}`);

  const users = tile(html, 'Users');
  const byStatus = rows(q(`SELECT status, COUNT(*) FROM users WHERE tenant_id = ${tid} GROUP BY status ORDER BY status`));
  assert.deepEqual(tableRows(users), byStatus);
  assert.equal(kpi(`<h2>x</h2>${users}`, 'x'), Number(q(`SELECT COUNT(*) FROM users WHERE tenant_id = ${tid}`)));

  const [day, week] = q(`SELECT COUNT(IF(at >= NOW(3) - INTERVAL 1 DAY, 1, NULL)), COUNT(*) FROM audit_log
    WHERE tenant_id = ${tid} AND at >= NOW(3) - INTERVAL 7 DAY`).split('\t').map(Number);
  assert.equal(kpi(html, 'Last 24 hours'), day);
  assert.equal(kpi(html, 'Last 7 days'), week);
  assert.ok(day > 0, 'the seed and the sign-ins are today');

  // the chart: an accessible SVG, its numbers in a table, one row per day for 14 days
  const chart = tile(html, 'Activity per day');
  assert.match(chart, /<svg [^>]*role="img"[^>]*aria-labelledby="chart-title"/);
  assert.match(chart, /<title id="chart-title">[^<]+<\/title>/);
  const perDay = tableRows(chart);
  assert.equal(perDay.length, 14);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(perDay[13][0], today);
  const fromDb = Object.fromEntries(rows(q(`SELECT DATE_FORMAT(DATE(at), '%Y-%m-%d'), COUNT(*) FROM audit_log
    WHERE tenant_id = ${tid} AND at >= '${perDay[0][0]} 00:00:00' GROUP BY DATE(at)`)));
  for (const [d, n] of perDay) assert.equal(Number(n), Number(fromDb[d] ?? 0), d);
  const bars = [...chart.matchAll(/<rect [^>]*><title>(\d{4}-\d{2}-\d{2}): (\d+)<\/title><\/rect>/g)];
  assert.deepEqual(bars.map((b) => [b[1], b[2]]), perDay.filter((r) => r[1] !== '0'));

  assert.deepEqual(activityTimes(html), latestAudit(tid, 0));
  assertHealth(html);
});

function assertHealth(html) {
  const h = tile(html, 'System health');
  assert.ok(h, 'a system-health tile');
  assert.match(h, /<dt>Database<\/dt><dd><span class="badge ok">ready<\/span> \d+\.\d\d ms round trip<\/dd>/);
  assert.match(h, new RegExp(`<dt>Workers</dt><dd>${workersWanted()}</dd>`));
  assert.match(h, /<dt>Uptime<\/dt><dd>\d+ (s|min \d+ s|h \d+ min|d \d+ h), since <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time><\/dd>/);
  const schema = q('SELECT name FROM schema_migrations ORDER BY version DESC LIMIT 1');
  assert.match(h, new RegExp(`<dt>Schema</dt><dd>${schema}</dd>`));
}

test('the platform super admin sees every tenant with its counts, and system health', async () => {
  const sa = credentials().superadmin;
  const t = await newTenant('dash-sa');
  const html = await dashboardOf(sa);
  assert.equal(dashboardAttr(html), 'global');
  const tenants = tile(html, 'Tenants');
  assert.ok(tenants, 'a tenants tile');
  const all = Number(q('SELECT COUNT(*) FROM tenants'));
  assert.match(tenants, new RegExp(`<caption>(${all} tenants|The first 100 of ${all} tenants), by id</caption>`));
  const shown = tableRows(tenants);
  assert.equal(shown.length, Math.min(all, 100));
  const expect = rows(q(`SELECT t.name, t.slug, t.status,
      (SELECT COUNT(*) FROM organizations o WHERE o.tenant_id = t.id),
      (SELECT COUNT(*) FROM users u WHERE u.tenant_id = t.id),
      (SELECT COUNT(*) FROM audit_log a WHERE a.tenant_id = t.id AND a.at >= NOW(3) - INTERVAL 1 DAY),
      COALESCE((SELECT CONCAT(LEFT(DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z') FROM audit_log a
        WHERE a.tenant_id = t.id ORDER BY a.seq DESC LIMIT 1), '—')
    FROM tenants t ORDER BY t.id LIMIT 100`));
  assert.deepEqual(shown, expect);
  for (const slug of ['platform', 'demo']) assert.ok(shown.some((r) => r[1] === slug), slug);
  if (all <= 100) assert.ok(shown.some((r) => r[1] === t.slug), 'the new tenant');
  // the tenant-wide tiles are the tenant admin's: the super admin reads no tenant's rows
  for (const h2 of ['Organizations', 'Users', 'Recent activity', 'Activity per day']) assert.equal(tile(html, h2), undefined, h2);
  assertHealth(html);
});

// A fresh tenant with the org feature on, two orgs and their people.
async function world() {
  const { t, admin } = await adminWorld('dash', { org: true });
  const mk = async (body) => {
    const r = await post('/v1/orgs', body, admin);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const a = await mk({ name: 'Clinic <A> & "Sons"', type: 'hospital', region: 'EU', certifications: ['iso-13485'], metadata: { site: 'Berlin', beds: { icu: 12 } } });
  const b = await mk({ name: 'Other B', type: 'dealer' });
  const w = { t, admin };
  const people = {
    aAdmin: { email: `boss-a@${t.slug}.test`, org: a, role: 'org_admin' },
    aViewer: { email: `viewer-a@${t.slug}.test`, org: a, role: 'viewer' },
    bAdmin: { email: `boss-b@${t.slug}.test`, org: b, role: 'org_admin' },
  };
  for (const p of Object.values(people)) {
    p.id = (await orgUser(w, p.org.id, p.role, p.email)).id;
    Object.assign(p, { tenant: t.slug, password: `pw-${p.email}-secret` });
  }
  return { t, admin, a, b, people };
}

test('isolation: a fresh tenant sees none of demo; an org user sees none of another org', async () => {
  const { t, a, b, people } = await world();

  // the fresh tenant's admin: its own counts only
  const html = await dashboardOf({ tenant: t.slug, email: t.admin.email, password: t.admin.password });
  assert.equal(dashboardAttr(html), 'global');
  for (const name of DEMO_ORGS) assert.ok(!html.includes(`>${name}<`), `shows demo's ${name}`);
  assert.doesNotMatch(html, /@demo\.test|demo\.seed|Demo Medical Devices/);
  assert.deepEqual(tableRows(tile(html, 'Organizations')), [['dealer', '1'], ['hospital', '1']]);
  assert.deepEqual(tableRows(tile(html, 'Users')), [['active', '4']]);
  assert.deepEqual(activityTimes(html), latestAudit(t.id, 0));

  // an org admin of A: A's members and activity, nothing of B
  const ha = await dashboardOf(people.aAdmin);
  assertOrgDashboard(ha, { tid: t.id, orgId: a.id, name: 'Clinic &lt;A&gt; &amp; &quot;Sons&quot;', type: 'hospital' });
  assert.deepEqual(tableRows(tile(ha, 'Members and roles')).map((r) => r.slice(0, 2)),
    [[people.aAdmin.email, 'org_admin'], [people.aViewer.email, 'viewer']]);
  assert.ok(!ha.includes(people.bAdmin.email) && !ha.includes('Other B'), 'nothing of B');
  assert.ok(!ha.includes(t.admin.email), 'the tenant admin is no member of A');
  const profile = tile(ha, 'Profile');
  assert.match(profile, /<span class="badge">iso-13485<\/span>/);
  assert.match(profile, /<dt>site<\/dt><dd>Berlin<\/dd>/);
  assert.match(profile, /<dt>beds<\/dt><dd>\{&quot;icu&quot;:12\}<\/dd>/);

  // B's admin: the mirror image
  const hb = await dashboardOf(people.bAdmin);
  assertOrgDashboard(hb, { tid: t.id, orgId: b.id, name: 'Other B', type: 'dealer' });
  assert.ok(!hb.includes(people.aAdmin.email) && !hb.includes(people.aViewer.email) && !hb.includes('Clinic'), 'nothing of A');

  // a viewer of A may not list users or read the audit log: the counts only
  const hv = await dashboardOf(people.aViewer);
  assert.equal(dashboardAttr(hv), 'hospital');
  assert.equal(kpi(hv, 'Members'), 2);
  assert.equal(kpi(hv, 'Active members'), 2);
  for (const h2 of ['Members and roles', 'Recent activity', 'Last 7 days']) assert.equal(tile(hv, h2), undefined, h2);
  assert.ok(!hv.includes(people.aAdmin.email), 'no member list for a viewer');
});

test('a large organization: the first 50 members by email, a link to them all, invitations not active', async () => {
  const { t, admin, b, people } = await world();
  for (let i = 0; i < 50; i++) {
    const r = await post('/v1/users', { email: `invited-${String(i).padStart(2, '0')}@${t.slug}.test`, role: 'viewer', org_id: b.id }, admin);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'pending_invitation');
  }
  const html = await dashboardOf(people.bAdmin);
  assert.equal(kpi(html, 'Members'), 51);
  assert.equal(kpi(html, 'Active members'), 1);
  const members = tile(html, 'Members and roles');
  assert.match(members, /<caption>The first 50 of 51 members, by email<\/caption>/);
  assert.deepEqual(tableRows(members), membersOf(t.id, b.id).slice(0, 50));
  assert.match(members, new RegExp(`<a href="/users\\?org_id=${b.id}">All 51 members</a>`));
  assert.match(members, /<span class="badge warn">pending_invitation<\/span>/);
});

// A member of several organizations signs in with none and no role (migration 0017): the
// dashboard shows nothing of the tenant, only its organizations to pick from; the header's
// button drops the organization again. Another organization, or another tenant's, is 403.
test('a member of several organizations picks one on the dashboard, and changes it', async () => {
  const w = await adminWorld('dash-pick', { org: true });
  const made = async (name, type) => (await post('/v1/orgs', { name, type }, w.admin)).json.id;
  const dealer = await made('Pick dealer', 'dealer'), hospital = await made('Pick hospital', 'hospital');
  const other = await made('Not mine', 'distributor');
  const user = { tenant: w.t.slug, email: `picker@${w.t.slug}.test`, password: 'picker-password' };
  const u = await post('/v1/users', { email: user.email, password: user.password, role: 'org_admin', org_id: dealer }, w.admin);
  assert.equal(u.status, 201, u.text);
  assert.equal((await post(`/v1/users/${u.json.id}/memberships`, { org_id: hospital, role: 'viewer' }, w.admin)).status, 201);
  const x = await adminWorld('dash-pick-x', { org: true });
  const foreign = (await post('/v1/orgs', { name: 'Elsewhere', type: 'dealer' }, x.admin)).json.id;

  const v = new Visitor();
  assert.equal((await v.login(user)).status, 303);
  let d = await v.get('/dashboard');
  assert.equal(d.status, 200, d.text);
  assert.equal(dashboardAttr(d.text), 'global');
  assert.match(d.text, /no role without an organization/);
  assert.match(d.text, /Without an organization you have no role in this tenant/);
  const picks = [...d.text.matchAll(/name="org_id" value="(\d+)">\s*<button type="submit">([^<]+)<\/button>/g)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(picks, [[dealer, 'Pick dealer'], [hospital, 'Pick hospital']]);
  assert.doesNotMatch(d.text, /Not mine|<h2>Organizations<\/h2>|<h2>Recent activity<\/h2>/, 'nothing of the tenant');
  assert.equal((await v.get('/tickets')).status, 403);

  for (const id of [other, foreign, 999999999]) {
    const r = await v.post('/switch-org', { org_id: String(id) });
    assert.equal(r.status, 403, `${id}: ${r.text}`);
  }
  assert.equal((await v.post('/switch-org', { org_id: String(hospital) }, { csrf: false })).status, 403);
  const picked = await v.post('/switch-org', { org_id: String(hospital) });
  assert.equal(picked.status, 303, picked.text);
  assert.equal(picked.location, '/dashboard');
  d = await v.get('/dashboard');
  assert.equal(dashboardAttr(d.text), 'hospital');
  assert.match(d.text, /Pick hospital \(hospital\) · viewer/);
  assert.equal((await v.get('/tickets')).status, 200);

  const dropped = await v.post('/switch-org', { org_id: '' });
  assert.equal(dropped.status, 303, dropped.text);
  d = await v.get('/dashboard');
  assert.equal(dashboardAttr(d.text), 'global');
  assert.match(d.text, /no role without an organization/);
});
