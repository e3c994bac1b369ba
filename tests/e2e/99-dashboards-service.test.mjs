// The service tiles of the dashboards on a known dataset: a hospital's equipment, uptime,
// open requests and turnaround; a service provider's jobs and utilization; a dealer's open,
// due-soon and breached jobs; a distributor's tickets by dealer and backlog; a
// manufacturer's SLA by product family and failures by model; tenant staff's ticket volume.
// Every number is worked out by hand below; another org and another tenant see none of it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql, post, adminWorld, orgUser, credentials, Visitor } from './lib.mjs';

const q = (s) => sql(`SET time_zone = '+00:00'; ${s}`);
const rows = (s) => (s ? s.split('\n').map((l) => l.split('\t')) : []);
const unescape = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

function tile(html, h2) {
  const m = new RegExp(`<section class="tile[^"]*">\\s*<h2>${h2}</h2>([\\s\\S]*?)</section>`).exec(html);
  return m ? m[1] : undefined;
}
function tableRows(html) {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  assert.ok(body, 'a table');
  return [...body[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1])));
}
const kpiText = (html) => unescape(/<p class="kpi">([\s\S]*?)<\/p>/.exec(html)[1]);
const SERVICE_TILES = ['Equipment', 'Uptime', 'Open requests', 'Turnaround', 'Jobs', 'Utilization', 'Open jobs', 'Due soon',
  'Breached', 'Tickets by dealer', 'Backlog', 'SLA by product family', 'Failures by model', 'Open tickets', 'Ticket volume'];
const shown = (html) => SERVICE_TILES.filter((h) => tile(html, h) !== undefined);

// Every chart of a tile is an SVG image with a title and a description.
function assertCharts(t, n) {
  const svgs = [...t.matchAll(/<svg [^>]*role="img"[^>]*>([\s\S]*?)<\/svg>/g)];
  assert.equal(svgs.length, n, 'charts in the tile');
  for (const s of svgs) {
    assert.match(s[1], /^\s*<title[^>]*>[^<]+<\/title>\s*<desc[^>]*>[^<]+<\/desc>/);
  }
}

async function dashboard(user) {
  const v = new Visitor();
  const r = await v.login(user);
  assert.equal(r.status, 303, `${user.email}: ${r.text}`);
  const d = await v.get('/dashboard');
  assert.equal(d.status, 200, d.text);
  return d.text;
}

let seq = 0;
// A piece of equipment through SQL, with its site.
function piece(tid, { sku, owner, site }) {
  const n = `${process.pid}${Date.now().toString(36)}${seq++}`;
  const token = `tl${n}`.padEnd(22, 'x').slice(0, 22);
  sql(`INSERT INTO equipment (tenant_id, serial, sku_id, owner_org_id, site, qr_token)
       VALUES (${tid}, 'SN-${n}', ${sku}, ${owner}, '${site}', '${token}')`);
  return { id: Number(sql(`SELECT id FROM equipment WHERE tenant_id = ${tid} AND serial = 'SN-${n}'`)), serial: `SN-${n}` };
}

// A ticket through SQL; times are minutes from now (negative: ago), null: none.
function ticket(tid, t) {
  const at = (m) => (m === null || m === undefined ? 'NULL' : `NOW(3) + INTERVAL ${m} MINUTE`);
  sql(`INSERT INTO tickets (tenant_id, equipment_id, severity, status, title, responsible_org_id,
       assigned_engineer_id, response_due_at, resolve_due_at, responded_at, resolved_at, closed_at, created_at)
       VALUES (${tid}, ${t.eq}, '${t.sev}', '${t.status}', '${t.title}', ${t.resp ?? 'NULL'}, ${t.eng ?? 'NULL'},
       ${at(t.responseDue)}, ${at(t.resolveDue)}, ${at(t.responded)}, ${at(t.resolved)}, ${at(t.closed)}, ${at(t.created)})`);
  return Number(sql(`SELECT MAX(id) FROM tickets WHERE tenant_id = ${tid}`));
}

function engineer(tid, org, name, status = 'active') {
  sql(`INSERT INTO engineers (tenant_id, name, status) VALUES (${tid}, '${name}', '${status}')`);
  const id = Number(sql(`SELECT MAX(id) FROM engineers WHERE tenant_id = ${tid}`));
  sql(`INSERT INTO engineer_orgs (tenant_id, engineer_id, org_id) VALUES (${tid}, ${id}, ${org})`);
  return id;
}

const D = 1440; // minutes in a day
let w;

// The dataset. H1 owns E1, E2 (IP-100, Ward 1) and E3 (MX-1, ICU); H2 owns E4 (IP-100).
before(async () => {
  w = await adminWorld('tiles', { org: true, catalog_publishing: true, service_policies: true, resp_org_assignment: true, engineers: true });
  const ok = (r) => {
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const org = async (name, type) => ok(await post('/v1/orgs', { name, type }, w.admin));
  for (const [k, n, type] of [['m1', 'M1', 'manufacturer'], ['d1', 'D1', 'distributor'], ['dl1', 'DL1', 'dealer'], ['dl2', 'DL2', 'dealer'],
    ['dl3', 'DL3 ended', 'dealer'], ['h1', 'H1', 'hospital'], ['h2', 'H2', 'hospital'], ['sp', 'SP', 'service_provider']]) w[k] = await org(n, type);
  ok(await post(`/v1/orgs/${w.m1.id}/relationships`, { child_org_id: w.d1.id, relation_type: 'distributor_of' }, w.admin));
  for (const dl of [w.dl1, w.dl2]) ok(await post(`/v1/orgs/${w.d1.id}/relationships`, { child_org_id: dl.id, relation_type: 'dealer_of' }, w.admin));
  // an ended relationship: DL3 is no dealer of D1 any more
  ok(await post(`/v1/orgs/${w.d1.id}/relationships`, { child_org_id: w.dl3.id, relation_type: 'dealer_of', active_from: '2020-01-01T00:00:00Z', active_to: '2021-01-01T00:00:00Z' }, w.admin));
  const p1 = ok(await post('/v1/products', { manufacturer_id: w.m1.id, name: 'Pump P1', category: 'Infusion' }, w.admin));
  const p2 = ok(await post('/v1/products', { manufacturer_id: w.m1.id, name: 'Monitor X' }, w.admin));
  const ip = ok(await post('/v1/skus', { product_id: p1.id, sku_code: `IP-100-${w.t.id}` }, w.admin));
  const mx = ok(await post('/v1/skus', { product_id: p2.id, sku_code: `MX-1-${w.t.id}` }, w.admin));
  w.ip = ip.sku_code;
  w.mx = mx.sku_code;
  const tid = w.t.id;
  w.e1 = piece(tid, { sku: ip.id, owner: w.h1.id, site: 'Ward 1' });
  w.e2 = piece(tid, { sku: ip.id, owner: w.h1.id, site: 'Ward 1' });
  w.e3 = piece(tid, { sku: mx.id, owner: w.h1.id, site: 'ICU' });
  w.e4 = piece(tid, { sku: ip.id, owner: w.h2.id, site: 'Main' });
  piece(tid, { sku: ip.id, owner: w.h1.id, site: 'Store' });
  sql(`UPDATE equipment SET status = 'retired' WHERE tenant_id = ${tid} AND site = 'Store'`);
  const a = engineer(tid, w.sp.id, 'Eng A');
  const b = engineer(tid, w.sp.id, 'Eng B');
  engineer(tid, w.sp.id, 'Eng C', 'inactive');

  const T = (t) => ticket(tid, t);
  w.t1 = T({ eq: w.e1.id, sev: 'critical', status: 'in_progress', title: 'T1 <pump> & co', resp: w.dl1.id, eng: a, created: -600, responded: -590, responseDue: -540, resolveDue: -360 });
  w.t2 = T({ eq: w.e2.id, sev: 'high', status: 'acknowledged', title: 'T2', resp: w.dl1.id, eng: a, created: -60, responded: -50, responseDue: 60, resolveDue: 420 });
  w.t3 = T({ eq: w.e3.id, sev: 'medium', status: 'open', title: 'T3', resp: w.dl1.id, created: -30, responseDue: 210, resolveDue: 1410 });
  w.t4 = T({ eq: w.e1.id, sev: 'low', status: 'open', title: 'T4', resp: w.dl1.id, created: -10, responseDue: 2000, resolveDue: 5000 });
  T({ eq: w.e2.id, sev: 'critical', status: 'resolved', title: 'T5', resp: w.dl1.id, eng: b, created: -20 * D, responded: -20 * D + 10, resolved: -20 * D + 300, responseDue: -20 * D + 60, resolveDue: -20 * D + 240 });
  T({ eq: w.e3.id, sev: 'high', status: 'closed', title: 'T6', resp: w.d1.id, created: -10 * D, responded: -10 * D + 5, resolved: -10 * D + 120, closed: -10 * D + 200, responseDue: -10 * D + 120, resolveDue: -10 * D + 480 });
  T({ eq: w.e1.id, sev: 'medium', status: 'resolved', title: 'T7', resp: w.m1.id, created: -50 * D, responded: -50 * D + 30, resolved: -50 * D + 600, responseDue: -50 * D + 240, resolveDue: -50 * D + 1440 });
  T({ eq: w.e1.id, sev: 'critical', status: 'resolved', title: 'T8', resp: w.m1.id, created: -100 * D, responded: -100 * D + 5, resolved: -100 * D + 60, responseDue: -100 * D + 60, resolveDue: -100 * D + 240 });
  w.t9 = T({ eq: w.e4.id, sev: 'critical', status: 'open', title: 'T9', resp: w.dl2.id, created: -120, responseDue: -60, resolveDue: 120 });
  T({ eq: w.e4.id, sev: 'high', status: 'waiting_customer', title: 'T10', resp: w.d1.id, created: -3 * D, responded: -3 * D + 10 });
  T({ eq: w.e4.id, sev: 'critical', status: 'resolved', title: 'T11', resp: w.m1.id, created: -5 * D, responded: -5 * D + 10, resolved: -5 * D + 120, responseDue: -5 * D + 60, resolveDue: -5 * D + 240 });
  T({ eq: w.e3.id, sev: 'high', status: 'resolved', title: 'T12', resp: w.m1.id, created: -7 * D, responded: -7 * D + 10, resolved: -7 * D + 600, responseDue: -7 * D + 120, resolveDue: -7 * D + 480 });

  const user = async (o, role = 'org_admin') => {
    const email = `${role}-${o.name.replace(/\W/g, '').toLowerCase()}-${process.pid}@${w.t.slug}.test`;
    await orgUser(w, o.id, role, email);
    return { tenant: w.t.slug, email, password: `pw-${email}-secret` };
  };
  w.users = {};
  for (const k of ['m1', 'd1', 'dl1', 'dl2', 'h1', 'h2', 'sp']) w.users[k] = await user(w[k]);
  w.users.h1viewer = await user(w.h1, 'viewer');
});

test('hospital: its equipment by site, uptime, open requests and turnaround, and nothing of another hospital', async () => {
  const html = await dashboard(w.users.h1);
  assert.deepEqual(shown(html), ['Equipment', 'Uptime', 'Open requests', 'Turnaround']);

  const eq = tile(html, 'Equipment');
  assert.match(kpiText(eq), /^3 active pieces$/, 'the retired piece is not counted');
  assert.deepEqual(tableRows(eq), [['Ward 1', '2'], ['ICU', '1']]);
  assertCharts(eq, 1);

  // down in the last 30 days (critical or high): E1 600 min (T1, open), E2 60 + 300 (T2, T5),
  // E3 120 + 600 (T6, T12); of 3 x 43,200 min: 1 - 1,680 / 129,600 = 98.7 %
  const up = tile(html, 'Uptime');
  assert.match(kpiText(up), /^98\.7% over the last 30 days, 3 pieces$/);
  assert.deepEqual(tableRows(up), [[w.e3.serial, '98.3%', '12.0'], [w.e1.serial, '98.6%', '10.0'], [w.e2.serial, '99.2%', '6.0']]);
  assertCharts(up, 1);

  const open = tile(html, 'Open requests');
  assert.match(kpiText(open), /^4 open tickets of its equipment$/);
  assert.deepEqual(tableRows(open), [['open', '2'], ['acknowledged', '1'], ['in progress', '1'], ['waiting customer', '0']]);
  assertCharts(open, 1);

  // resolved in the last 90 days: T5 300, T6 120, T7 600, T12 600 min (T8 is older):
  // median (300 + 600) / 2 = 7.5 h, mean 405 min = 6.75 h, shown 6.8
  const ta = tile(html, 'Turnaround');
  assert.match(kpiText(ta), /^7\.5 h median time to resolve, mean 6\.8 h, 4 tickets resolved in the last 90 days$/);
  assert.deepEqual(tableRows(ta), [['critical', '1', '5.0', '5.0'], ['high', '2', '6.0', '6.0'], ['medium', '1', '10.0', '10.0']]);

  // a viewer of H1 reads tickets and equipment too: the same numbers
  const hv = await dashboard(w.users.h1viewer);
  assert.equal(kpiText(tile(hv, 'Uptime')), kpiText(up));

  // H2: its one piece and its tickets only
  const h2 = await dashboard(w.users.h2);
  assert.deepEqual(tableRows(tile(h2, 'Equipment')), [['Main', '1']]);
  assert.match(kpiText(tile(h2, 'Open requests')), /^2 open tickets of its equipment$/);
  assert.deepEqual(tableRows(tile(h2, 'Open requests')), [['open', '1'], ['acknowledged', '0'], ['in progress', '0'], ['waiting customer', '1']]);
  for (const s of [w.e1.serial, w.e2.serial, w.e3.serial, 'Ward 1', 'T1 ']) assert.ok(!h2.includes(s), `H2 shows ${s}`);
  // T9 (critical, open for two hours) and T11 (critical, 120 min five days ago) were down
  assert.deepEqual(tableRows(tile(h2, 'Uptime')).map((r) => r.slice(0, 1)), [[w.e4.serial]]);
});

test('dealer: open jobs by status, due within 24 hours soonest first, breached; another dealer its own', async () => {
  const html = await dashboard(w.users.dl1);
  assert.deepEqual(shown(html), ['Open jobs', 'Due soon', 'Breached']);
  const open = tile(html, 'Open jobs');
  assert.match(kpiText(open), /^4 open tickets it answers for$/);
  assert.deepEqual(tableRows(open), [['open', '2'], ['acknowledged', '1'], ['in progress', '1'], ['waiting customer', '0']]);
  assertCharts(open, 1);
  const soon = tile(html, 'Due soon');
  assert.match(kpiText(soon), /^2 open tickets due in the next 24 hours$/);
  assert.deepEqual(tableRows(soon).map((r) => r.slice(0, 3)), [[`#${w.t3} T3`, 'medium', 'response'], [`#${w.t2} T2`, 'high', 'resolve']]);
  const br = tile(html, 'Breached');
  assert.match(kpiText(br), /^1 open tickets past a due time$/);
  assert.deepEqual(tableRows(br).map((r) => r.slice(0, 3)), [[`#${w.t1} T1 <pump> & co`, 'critical', 'resolve']]);
  assert.match(br, /T1 &lt;pump&gt; &amp; co/, 'titles are escaped');
  assert.match(br, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);
  assert.match(br, new RegExp(`<a href="/tickets/${w.t1}">#${w.t1}</a>`), 'each ticket links to its page');

  const dl2 = await dashboard(w.users.dl2);
  assert.match(kpiText(tile(dl2, 'Open jobs')), /^1 open tickets it answers for$/);
  assert.match(kpiText(tile(dl2, 'Due soon')), /^0 /);
  assert.deepEqual(tableRows(tile(dl2, 'Breached')).map((r) => r[0]), [`#${w.t9} T9`]);
  assert.ok(!dl2.includes('T1 &lt;pump'), 'nothing of DL1');
});

test("distributor: its active dealers' open tickets and its own backlog by age", async () => {
  const html = await dashboard(w.users.d1);
  assert.deepEqual(shown(html), ['Tickets by dealer', 'Backlog']);
  const bd = tile(html, 'Tickets by dealer');
  assert.match(kpiText(bd), /^5 open tickets of its 2 dealers$/);
  assert.deepEqual(tableRows(bd), [['DL1', '4'], ['DL2', '1']]);
  assert.ok(!bd.includes('DL3'), 'an ended relationship is no dealer');
  assertCharts(bd, 1);
  const bl = tile(html, 'Backlog');
  assert.match(kpiText(bl), /^1 open tickets it answers for itself; 5 more with its dealers$/);
  assert.deepEqual(tableRows(bl), [['under 1 day ago', '0'], ['1 to 7 days ago', '1'], ['7 to 30 days ago', '0'], ['over 30 days ago', '0']]);
  assertCharts(bl, 1);
});

test('manufacturer: SLA by product family and failures by model over the tickets it may read', async () => {
  const html = await dashboard(w.users.m1);
  assert.ok(shown(html).includes('SLA by product family') && shown(html).includes('Failures by model'));
  // resolved in the last 90 days and answered for by M1: T7, T11 and T12 (T8 is 100 days old).
  // Infusion: T7 600 <= 1440, T11 120 <= 240: 2 of 2; Monitor X (no category): T12 600 > 480
  const sla = tile(html, 'SLA by product family');
  assert.deepEqual(tableRows(sla), [['Infusion', '2', '2', '100.0%'], ['Monitor X', '1', '0', '0.0%']]);
  assertCharts(sla, 1);
  const fm = tile(html, 'Failures by model');
  assert.deepEqual(tableRows(fm), [[w.ip, '2'], [w.mx, '1']]);
  assertCharts(fm, 1);
});

test('service provider: jobs of its engineers by status, utilization of the active ones', async () => {
  const html = await dashboard(w.users.sp);
  assert.deepEqual(shown(html), ['Jobs', 'Utilization']);
  const jobs = tile(html, 'Jobs');
  assert.match(kpiText(jobs), /^3 tickets assigned to its engineers$/);
  assert.deepEqual(tableRows(jobs), [['acknowledged', '1'], ['in progress', '1'], ['resolved', '1']]);
  assertCharts(jobs, 1);
  const ut = tile(html, 'Utilization');
  assert.match(kpiText(ut), /^50\.0% of 2 active engineers have open jobs$/);
  assert.deepEqual(tableRows(ut), [['with open jobs', '1'], ['without', '1']]);
});

test("tenant staff: open tickets by status and ticket volume per day for 30 days, the database's numbers", async () => {
  const html = await dashboard({ tenant: w.t.slug, email: w.t.admin.email, password: w.t.admin.password });
  assert.deepEqual(shown(html), ['Open tickets', 'Ticket volume']);
  const open = tile(html, 'Open tickets');
  assert.deepEqual(tableRows(open), [['open', '3'], ['acknowledged', '1'], ['in progress', '1'], ['waiting customer', '1']]);
  assert.match(kpiText(open), /^6 in this tenant$/);
  const vol = tile(html, 'Ticket volume');
  assertCharts(vol, 1);
  const perDay = tableRows(vol);
  assert.equal(perDay.length, 30);
  assert.equal(perDay[29][0], new Date().toISOString().slice(0, 10));
  const fromDb = Object.fromEntries(rows(q(`SELECT DATE_FORMAT(DATE(created_at), '%Y-%m-%d'), COUNT(*) FROM tickets
    WHERE tenant_id = ${w.t.id} AND created_at >= '${perDay[0][0]} 00:00:00' GROUP BY DATE(created_at)`)));
  for (const [d, n] of perDay) assert.equal(Number(n), Number(fromDb[d] ?? 0), d);
  const total = perDay.reduce((s, r) => s + Number(r[1]), 0);
  assert.equal(total, 10, 'T1-T6 and T9-T12 are of the last 30 days');
  assert.match(kpiText(vol), new RegExp(`^${total} tickets opened in the last 30 days$`));
  const bars = [...vol.matchAll(/<rect [^>]*><title>(\d{4}-\d{2}-\d{2}): (\d+)<\/title><\/rect>/g)];
  assert.deepEqual(bars.map((b) => [b[1], b[2]]), perDay.filter((r) => r[1] !== '0'));
});

test('isolation: another tenant sees none of it; the super admin, who may not read tickets, no service tile', async () => {
  const other = await adminWorld('tiles-other', { org: true });
  const html = await dashboard({ tenant: other.t.slug, email: other.t.admin.email, password: other.t.admin.password });
  assert.deepEqual(tableRows(tile(html, 'Open tickets')), [['open', '0'], ['acknowledged', '0'], ['in progress', '0'], ['waiting customer', '0']]);
  assert.match(kpiText(tile(html, 'Ticket volume')), /^0 tickets opened/);
  // a hospital of the other tenant: nothing of H1's
  const hx = (await post('/v1/orgs', { name: 'H1', type: 'hospital' }, other.admin)).json;
  const email = `h-${process.pid}@${other.t.slug}.test`;
  await orgUser(other, hx.id, 'org_admin', email);
  const hh = await dashboard({ tenant: other.t.slug, email, password: `pw-${email}-secret` });
  assert.match(kpiText(tile(hh, 'Equipment')), /^0 active pieces$/);
  assert.match(kpiText(tile(hh, 'Open requests')), /^0 open tickets/);
  assert.match(kpiText(tile(hh, 'Uptime')), /^100\.0% over the last 30 days, 0 pieces$/);
  for (const s of [w.e1.serial, 'Ward 1']) assert.ok(!hh.includes(s), s);
  // with nothing resolved and no engineers there is no figure to show, rather than 0.0
  assert.equal(kpiText(tile(hh, 'Turnaround')), '— no time to resolve: no ticket resolved in the last 90 days');
  const spx = (await post('/v1/orgs', { name: 'SP', type: 'service_provider' }, other.admin)).json;
  const spEmail = `sp-${process.pid}@${other.t.slug}.test`;
  await orgUser(other, spx.id, 'org_admin', spEmail);
  const sp = await dashboard({ tenant: other.t.slug, email: spEmail, password: `pw-${spEmail}-secret` });
  assert.equal(kpiText(tile(sp, 'Utilization')), '— no active engineers in this organization');
  assert.deepEqual(tableRows(tile(sp, 'Utilization')), [['with open jobs', '0'], ['without', '0']]);

  const sa = await dashboard(credentials().superadmin);
  assert.deepEqual(shown(sa), []);
});
