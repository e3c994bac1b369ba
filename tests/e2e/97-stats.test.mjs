// KPIs end to end (docs/kpis.md): a small dataset whose figures are worked out by hand below
// (transitions, a reopen, an escalation that moves the responsible org, breached and met
// targets, a ticket whose responsible org also owns the equipment), each figure checked
// against the endpoint, the same SQL over the tickets themselves, and the rollups rebuilt
// from scratch; windows with whole and partial days; who sees what; bad input.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlAsync, sleep, post, get, cli, assertProblem, assertSchema, adminWorld, req } from './lib.mjs';
import { exampleC, ok, equipment } from './service.mjs';

const utc = (s) => sql(`SET time_zone = '+00:00'; ${s}`);
const DAY = 86400000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const FOLD = (tid) => `CALL stats_fold_locked(${tid}, 10)`;
const fold = (tid) => sql(FOLD(tid));

let w; // the world: Example C plus the pieces and tickets below
const T = {}; // tickets by name
const E = {}; // equipment ids by name

async function status(t, ...to) {
  for (const s of to) ok(await post(`/v1/tickets/${t}/status`, { status: s }, w.admin), 200);
}

// Sets a ticket's times (UTC, 'YYYY-MM-DD HH:MM:SS'; null clears) after the API wrote it.
function times(id, c) {
  const v = (x) => (x === null ? 'NULL' : `'${x}'`);
  utc(`UPDATE tickets SET created_at = ${v(c.created)}, responded_at = ${v(c.responded)},
       resolved_at = ${v(c.resolved)}, response_due_at = ${v(c.rdue)}, resolve_due_at = ${v(c.ldue)}
       WHERE tenant_id = ${w.t.id} AND id = ${id}`);
}

before(async () => {
  w = await exampleC('stats', { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  await w.policy({ name: 'Default' });
  const p = ok(await post('/v1/products', { manufacturer_id: w.m1.id, name: 'Monitor' }, w.admin));
  w.sku2 = ok(await post('/v1/skus', { product_id: p.id, sku_code: 'MON-2' }, w.admin));
  w.h2 = ok(await post('/v1/orgs', { name: 'H2', type: 'hospital' }, w.admin));
  const now = Date.now();
  w.today = isoDay(now);
  // E1 is Example C's E-123 (H1, IP-100), moved to the north through SQL: the trigger follows
  E.E1 = w.e123;
  utc(`UPDATE equipment SET region = 'north' WHERE tenant_id = ${w.t.id} AND id = ${E.E1}`);
  E.E2 = equipment(w.t.id, { sku: w.sku.id, owner: w.h2.id, region: 'south' });
  E.E3 = equipment(w.t.id, { sku: w.sku2.id, owner: w.h1.id, region: 'north' });
  E.E4 = equipment(w.t.id, {});
  E.E5 = equipment(w.t.id, { sku: w.sku.id, owner: w.dl1.id, region: 'south' });
  E.E6 = equipment(w.t.id, { sku: w.sku2.id, owner: w.h1.id, region: 'north', status: 'retired' });
  E.E7 = equipment(w.t.id, { owner: w.h2.id });
  utc(`UPDATE equipment SET warranty_end = '2020-01-01' WHERE tenant_id = ${w.t.id} AND id = ${E.E2}`);
  utc(`UPDATE equipment SET warranty_end = '2099-12-31' WHERE tenant_id = ${w.t.id} AND id IN (${E.E3}, ${E.E6})`);
  utc(`UPDATE equipment SET warranty_end = '${w.today}' WHERE tenant_id = ${w.t.id} AND id = ${E.E5}`);
  utc(`UPDATE equipment SET warranty_end = '${isoDay(now - DAY)}' WHERE tenant_id = ${w.t.id} AND id = ${E.E7}`);

  T.T1 = (await w.ticket(null, { equipment_id: E.E1, severity: 'critical' })).id;
  T.T2 = (await w.ticket(null, { equipment_id: E.E1, severity: 'high' })).id;
  T.T3 = (await w.ticket(null, { equipment_id: E.E2, severity: 'medium' })).id;
  T.T4 = (await w.ticket(null, { equipment_id: E.E3, severity: 'low' })).id;
  T.T5 = (await w.ticket(null, { equipment_id: E.E4, severity: 'critical' })).id;
  T.T6 = (await w.ticket(null, { equipment_id: E.E5, severity: 'low' })).id;
  await status(T.T1, 'acknowledged', 'resolved');
  // T2: resolved, closed, reopened and resolved again: not a first-time fix
  await status(T.T2, 'acknowledged', 'resolved', 'closed', 'open', 'acknowledged', 'resolved');
  await status(T.T4, 'acknowledged', 'in_progress', 'waiting_customer');
  await status(T.T5, 'acknowledged', 'resolved');
  // T3 (medium, 240 min to respond) breaches and escalates DL1 -> D1; nothing else is due yet
  const sw = cli('sla-sweep', '--at', new Date(now + 241 * 60000).toISOString(), '--tenant', w.t.slug);
  assert.equal(sw.status, 0, sw.out);
  // the times worked out by hand below
  times(T.T1, { created: '2025-03-01 10:00:00', responded: '2025-03-01 10:30:00', resolved: '2025-03-01 12:00:00', rdue: '2025-03-01 11:00:00', ldue: '2025-03-01 14:00:00' });
  times(T.T2, { created: '2025-03-01 22:00:00', responded: '2025-03-02 01:00:00', resolved: '2025-03-02 06:00:00', rdue: '2025-03-02 00:00:00', ldue: '2025-03-02 06:00:00' });
  times(T.T3, { created: '2025-03-02 09:00:00', responded: null, resolved: null, rdue: '2025-03-02 13:00:00', ldue: '2025-03-03 09:00:00' });
  times(T.T4, { created: '2025-03-03 12:00:00', responded: '2025-03-03 13:00:00', resolved: null, rdue: '2025-03-03 20:00:00', ldue: null });
  times(T.T5, { created: '2025-03-03 23:30:00', responded: '2025-03-04 00:10:00', resolved: '2025-03-04 02:30:00', rdue: '2025-03-04 00:00:00', ldue: '2025-03-04 01:00:00' });
  times(T.T6, { created: '2025-03-04 08:00:00', responded: null, resolved: null, rdue: '2025-03-04 16:00:00', ldue: '2025-03-06 08:00:00' });
});

const stats = async (path, token = w.admin) => {
  const r = await get(path, token);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

// The KPIs without the window's echo, for comparing answers.
const kpis = (s) => { const { org_id: _o, from: _f, to: _t, ...k } = s; return k; };

// What a set of tickets adds up to, by the definitions of docs/kpis.md.
function expected({ open = 0, acknowledged = 0, in_progress = 0, waiting_customer = 0, resolved = 0, closed = 0 },
  { critical = 0, high = 0, medium = 0, low = 0 }, backlogSev, rest) {
  const by_status = { open, acknowledged, in_progress, waiting_customer, resolved, closed };
  return {
    tickets: Object.values(by_status).reduce((a, b) => a + b, 0),
    by_status, by_severity: { critical, high, medium, low },
    backlog: open + acknowledged + in_progress + waiting_customer,
    backlog_by_severity: { critical: 0, high: 0, medium: 0, low: 0, ...backlogSev },
    ...rest,
  };
}

test('the dataset is what the hand computation assumes', async () => {
  const t = {};
  for (const [k, id] of Object.entries(T)) t[k] = (await get(`/v1/tickets/${id}`, w.admin)).json;
  assert.deepEqual(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, [v.status, v.responsible_org_id, v.escalation_level]])), {
    T1: ['resolved', w.dl1.id, 0], T2: ['resolved', w.dl1.id, 0], T3: ['open', w.d1.id, 1],
    T4: ['waiting_customer', w.dl1.id, 0], T5: ['resolved', null, 0], T6: ['open', w.dl1.id, 0],
  });
  assert.equal(sql(`SELECT GROUP_CONCAT(reopen_count ORDER BY id) FROM tickets WHERE tenant_id = ${w.t.id}`), '0,1,0,0,0,0');
});

test('tenant-wide ticket KPIs: counts, backlog, MTTR, first-time fix, SLA attainment', async () => {
  const s = await stats('/v1/stats/tickets');
  await assertSchema('TicketStats', s);
  assert.deepEqual([s.org_id, s.from, s.to], [null, null, null]);
  // MTTR: T1 2 h, T2 8 h, T5 3 h -> 46800 s / 3; FTF: T1, T5 of T1, T2, T5; response: T1, T4
  // met, T2, T5 late (T3, T6 not answered); resolve: T1, T2 (on the dot) met, T5 late
  assert.deepEqual(kpis(s), expected(
    { open: 2, waiting_customer: 1, resolved: 3 }, { critical: 2, high: 1, medium: 1, low: 2 },
    { medium: 1, low: 2 },
    {
      resolved: 3, mttr_seconds: '15600.000',
      first_time_fix: { fixed: 2, resolved: 3, percent: '66.67' },
      sla: { response: { met: 2, measured: 4, percent: '50.00' }, resolve: { met: 2, measured: 3, percent: '66.67' } },
      escalated: 1,
    }));
});

test('windows: whole days from the rollup, partial days from the tickets, half-open', async () => {
  const only = (s) => [s.tickets, s.by_status, s.resolved, s.mttr_seconds];
  // 2 March: T3 alone
  let s = await stats('/v1/stats/tickets?from=2025-03-02&to=2025-03-03');
  assert.deepEqual([s.from, s.to], ['2025-03-02T00:00:00.000Z', '2025-03-03T00:00:00.000Z']);
  assert.deepEqual([s.tickets, s.by_severity.medium, s.backlog, s.escalated], [1, 1, 1, 1]);
  // 1 March 21:00 to 3 March 12:00: T2 (a partial day), T3 (a whole day); T4 at 12:00 is out
  s = await stats('/v1/stats/tickets?from=2025-03-01T21:00:00Z&to=2025-03-03T12:00:00Z');
  await assertSchema('TicketStats', s);
  assert.deepEqual(only(s), [2, { open: 1, acknowledged: 0, in_progress: 0, waiting_customer: 0, resolved: 1, closed: 0 }, 1, '28800.000']);
  assert.deepEqual(s.first_time_fix, { fixed: 0, resolved: 1, percent: '0.00' });
  // inside one day: T4 alone (T5 at 23:30 is after the end)
  s = await stats('/v1/stats/tickets?from=2025-03-03T12:00:00Z&to=2025-03-03T23:00:00%2B00:00');
  assert.deepEqual([s.tickets, s.by_status.waiting_customer, s.sla.response], [1, 1, { met: 1, measured: 1, percent: '100.00' }]);
  // open-ended on either side; an empty window
  assert.equal((await stats('/v1/stats/tickets?from=2025-03-03T23:30:00Z')).tickets, 2);
  assert.equal((await stats('/v1/stats/tickets?to=2025-03-01T22:00:00Z')).tickets, 1);
  s = await stats('/v1/stats/tickets?from=2025-03-02T10:00:00Z&to=2025-03-02T10:00:00Z');
  assert.deepEqual([s.tickets, s.mttr_seconds, s.sla.resolve.percent], [0, null, null]);
});

test("an organization's tickets: responsible for, or its equipment's, each once", async () => {
  // DL1: T1, T2, T4 and T6 (it owns E5 and answers for it: counted once); T3 left for D1
  let s = await stats(`/v1/stats/tickets?org_id=${w.dl1.id}`);
  await assertSchema('TicketStats', s);
  assert.deepEqual([s.org_id, s.tickets, s.by_status.resolved, s.backlog, s.escalated], [w.dl1.id, 4, 2, 2, 0]);
  assert.deepEqual([s.mttr_seconds, s.first_time_fix.percent, s.sla.response.percent], ['18000.000', '50.00', '66.67']);
  s = await stats(`/v1/stats/tickets?org_id=${w.d1.id}`);
  assert.deepEqual([s.tickets, s.backlog, s.escalated, s.by_severity.medium], [1, 1, 1, 1]);
  // hospitals: their equipment's
  assert.equal((await stats(`/v1/stats/tickets?org_id=${w.h1.id}`)).tickets, 3);
  assert.equal((await stats(`/v1/stats/tickets?org_id=${w.h2.id}`)).tickets, 1);
  assert.equal((await stats(`/v1/stats/tickets?org_id=${w.m1.id}`)).tickets, 0);
  // with a window that cuts a day
  s = await stats(`/v1/stats/tickets?org_id=${w.dl1.id}&from=2025-03-01T12:00:00Z&to=2025-03-04T08:00:01Z`);
  assert.deepEqual([s.tickets, s.by_severity], [3, { critical: 0, high: 1, medium: 0, low: 2 }]);
});

test('equipment KPIs: status, regions, warranty today, backlog, failures by model', async () => {
  let s = await stats('/v1/stats/equipment');
  await assertSchema('EquipmentStats', s);
  assert.equal(s.as_of, isoDay(Date.now()));
  assert.deepEqual(s, {
    org_id: null, from: null, to: null, as_of: s.as_of, equipment: 7, by_status: { active: 6, retired: 1 },
    by_region: [
      { region: 'north', equipment: 3, active: 2, open_tickets: 1 },
      { region: 'south', equipment: 2, active: 2, open_tickets: 2 },
      { region: null, equipment: 2, active: 2, open_tickets: 0 },
    ],
    warranty: { in_warranty: 2, expired: 2, none: 2 },
    open_tickets: 3, open_tickets_per_equipment: '0.50',
    failures_by_model: [
      { sku_id: w.sku.id, sku_code: 'IP-100', equipment: 3, tickets: 4, open_tickets: 2 },
      { sku_id: w.sku2.id, sku_code: 'MON-2', equipment: 2, tickets: 1, open_tickets: 1 },
      { sku_id: null, sku_code: null, equipment: 2, tickets: 1, open_tickets: 0 },
    ],
  });
  // the manufacturer: every piece of its SKUs (it owns none)
  s = await stats(`/v1/stats/equipment?org_id=${w.m1.id}`);
  await assertSchema('EquipmentStats', s);
  assert.deepEqual([s.equipment, s.by_status, s.warranty, s.open_tickets, s.open_tickets_per_equipment],
    [5, { active: 4, retired: 1 }, { in_warranty: 2, expired: 1, none: 1 }, 3, '0.75']);
  assert.deepEqual(s.by_region, [
    { region: 'north', equipment: 3, active: 2, open_tickets: 1 },
    { region: 'south', equipment: 2, active: 2, open_tickets: 2 },
  ]);
  assert.deepEqual(s.failures_by_model.map((m) => [m.sku_code, m.equipment, m.tickets, m.open_tickets]), [['IP-100', 3, 4, 2], ['MON-2', 2, 1, 1]]);
  // a hospital: what it owns
  s = await stats(`/v1/stats/equipment?org_id=${w.h1.id}`);
  assert.deepEqual([s.equipment, s.by_status, s.warranty, s.open_tickets], [3, { active: 2, retired: 1 }, { in_warranty: 1, expired: 0, none: 1 }, 1]);
  // with a window: tickets created from 2 March by model, no equipment count
  s = await stats('/v1/stats/equipment?from=2025-03-02');
  await assertSchema('EquipmentStats', s);
  assert.deepEqual(s.failures_by_model.map((m) => [m.sku_code, m.equipment, m.tickets, m.open_tickets]),
    [['IP-100', null, 2, 2], ['MON-2', null, 1, 1], [null, null, 1, 0]]);
});

// The KPIs straight from the tickets: the definitions of docs/kpis.md.
function rawTickets(tid, org, from = '1970-01-01 00:00:01', to = '9999-01-01') {
  const scope = org ? `AND (t.responsible_org_id = ${org} OR e.owner_org_id = ${org})` : '';
  const [n, backlog, resolved, ms, ftf, rn, rm, ln, lm, esc] = utc(`SELECT COUNT(*),
      SUM(t.status NOT IN ('resolved', 'closed')), SUM(t.resolved_at IS NOT NULL),
      COALESCE(SUM(TIMESTAMPDIFF(MICROSECOND, t.created_at, t.resolved_at) DIV 1000), 0),
      SUM(t.resolved_at IS NOT NULL AND t.reopen_count = 0),
      SUM(t.responded_at IS NOT NULL AND t.response_due_at IS NOT NULL),
      SUM(COALESCE(t.responded_at <= t.response_due_at, 0)),
      SUM(t.resolved_at IS NOT NULL AND t.resolve_due_at IS NOT NULL),
      SUM(COALESCE(t.resolved_at <= t.resolve_due_at, 0)), SUM(t.escalation_level > 0)
    FROM tickets t JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id = t.equipment_id
    WHERE t.tenant_id = ${tid} AND t.created_at >= '${from}' AND t.created_at < '${to}' ${scope}`).split('\t').map((x) => Number(x === 'NULL' ? 0 : x));
  const mttr = resolved ? (Math.round(ms / resolved) / 1000).toFixed(3) : null;
  return { n, backlog, resolved, mttr, ftf, rn, rm, ln, lm, esc };
}
const fromApi = (s) => ({
  n: s.tickets, backlog: s.backlog, resolved: s.resolved,
  mttr: s.mttr_seconds,
  ftf: s.first_time_fix.fixed, rn: s.sla.response.measured, rm: s.sla.response.met,
  ln: s.sla.resolve.measured, lm: s.sla.resolve.met, esc: s.escalated,
});
const rollupRows = (tid) => utc(`SELECT 'd', scope, org_id, day, severity, status, tickets, resolved, resolve_ms, first_fix,
      response_n, response_met, resolve_n, resolve_met, escalated FROM stats_tickets_daily WHERE tenant_id = ${tid}
      AND (tickets <> 0 OR resolve_ms <> 0)
    UNION ALL SELECT 'm', scope, org_id, month, severity, status, tickets, resolved, resolve_ms, first_fix,
      response_n, response_met, resolve_n, resolve_met, escalated FROM stats_tickets_monthly WHERE tenant_id = ${tid}
      AND (tickets <> 0 OR resolve_ms <> 0)
    UNION ALL SELECT 'r', scope, org_id, maker_id, region, status, equipment, open_tickets, 0, 0, 0, 0, 0, 0, 0
      FROM stats_equipment_region WHERE tenant_id = ${tid} AND (equipment <> 0 OR open_tickets <> 0)
    UNION ALL SELECT 'w', scope, org_id, maker_id, warranty_month, '', equipment, 0, 0, 0, 0, 0, 0, 0, 0
      FROM stats_equipment_warranty WHERE tenant_id = ${tid} AND equipment <> 0
    UNION ALL SELECT 's', scope, org_id, maker_id, sku_id, '', equipment, tickets, open_tickets, 0, 0, 0, 0, 0, 0
      FROM stats_equipment_sku WHERE tenant_id = ${tid} AND (equipment <> 0 OR tickets <> 0 OR open_tickets <> 0)
    ORDER BY 1, 2, 3, 4, 5, 6`);

test('consistency: the endpoint equals the SQL over the tickets, and a rebuild equals the triggers', async () => {
  // more history through the API on top of the hand-made set: a reopen of T1, T6 through its
  // workflow, then another escalation; each write moves the rollups
  await status(T.T1, 'open', 'acknowledged', 'resolved', 'closed');
  await status(T.T6, 'acknowledged', 'waiting_customer', 'in_progress', 'resolved');
  const extra = await w.ticket(null, { equipment_id: E.E2, severity: 'high' });
  await status(extra.id, 'acknowledged');
  utc(`UPDATE equipment SET owner_org_id = ${w.h1.id}, region = 'east' WHERE tenant_id = ${w.t.id} AND id = ${E.E2}`);
  for (const org of [0, w.dl1.id, w.d1.id, w.h1.id, w.h2.id, w.m1.id]) {
    const q = org ? `?org_id=${org}` : '';
    assert.deepEqual(fromApi(await stats(`/v1/stats/tickets${q}`)), rawTickets(w.t.id, org), `org ${org}`);
    for (const [f, t] of [['2025-03-01 22:00:00', '2025-03-04 00:00:00'], ['2025-02-27 23:00:00', '2025-04-01 00:00:00'],
      ['2025-03-01 00:00:00', '2026-01-05 10:00:00']]) {
      const win = `from=${f.replace(' ', 'T')}Z&to=${t.replace(' ', 'T')}Z`;
      assert.deepEqual(fromApi(await stats(`/v1/stats/tickets?${win}${org ? `&org_id=${org}` : ''}`)),
        rawTickets(w.t.id, org, f, t), `org ${org} from ${f} to ${t}`);
    }
  }
  const before = rollupRows(w.t.id);
  utc(`CALL stats_rebuild(${w.t.id})`);
  assert.equal(rollupRows(w.t.id), before);
  // equipment figures after the move, from the rollups and from the rows
  const s = await stats('/v1/stats/equipment');
  const open = Number(utc(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${w.t.id} AND status NOT IN ('resolved', 'closed')`));
  assert.equal(s.open_tickets, open);
  assert.deepEqual(s.by_region.find((x) => x.region === 'east'), { region: 'east', equipment: 1, active: 1, open_tickets: 2 });
  assert.equal((await stats(`/v1/stats/equipment?org_id=${w.h1.id}`)).equipment, 4);
});

// Writes leave their rollup changes in stats_pending; a stats read folds its own tenant's in
// first, and a worker folds a tenant it wrote for after answering (docs/kpis.md "Pending
// changes").
test('pending rollup rows: a stats read folds in its tenant, and only its tenant', async () => {
  const x = await adminWorld('stats-pending');
  const z = await adminWorld('stats-pending-z');
  const pending = (tid) => sql(`SELECT COUNT(*) FROM stats_pending WHERE tenant_id = ${tid}`);
  // written behind the API's back, in tenants no worker has written for: nobody folds them
  for (const t of [x.t.id, z.t.id]) {
    const e = equipment(t, { region: 'north' });
    utc(`INSERT INTO tickets (tenant_id, equipment_id, severity, title, status, created_at)
         VALUES (${t}, ${e}, 'low', 'pending', 'open', '2025-01-02 00:00:00')`);
    assert.equal(pending(t), '3'); // the equipment's own row, the ticket's day and equipment rows
  }
  const e = await stats('/v1/stats/equipment', x.admin);
  assert.deepEqual([e.equipment, e.open_tickets, e.by_region], [1, 1, [{ region: 'north', equipment: 1, active: 1, open_tickets: 1 }]]);
  assert.equal((await stats('/v1/stats/tickets', x.admin)).backlog, 1);
  assert.equal(pending(x.t.id), '0');
  assert.equal(pending(z.t.id), '3', "another tenant's rows wait for its own reader");
  assert.equal(sql(`SELECT COUNT(*) FROM stats_tickets_daily WHERE tenant_id = ${z.t.id}`), '0');
  // an equipment move behind the API's back, then read: exact at once
  utc(`UPDATE equipment SET region = 'south' WHERE tenant_id = ${z.t.id}`);
  const moved = await stats('/v1/stats/equipment', z.admin);
  assert.deepEqual(moved.by_region, [{ region: 'south', equipment: 1, active: 1, open_tickets: 1 }]);
  assert.equal(pending(z.t.id), '0');
  // folded twice, or by a rebuild after it, the figures stay the same
  fold(w.t.id);
  fold(w.t.id);
  const once = rollupRows(w.t.id);
  utc(`CALL stats_rebuild(${w.t.id})`);
  assert.equal(rollupRows(w.t.id), once);
  assert.equal(pending(w.t.id), '0');
  // a write through the API: the worker that answered folds its tenant without being asked
  const y = await adminWorld('stats-worker');
  const ey = equipment(y.t.id, {});
  assert.equal(pending(y.t.id), '1');
  ok(await post('/v1/tickets', { equipment_id: ey, severity: 'high', title: 'Folded' }, y.admin));
  const until = Date.now() + 5000;
  while (pending(y.t.id) !== '0' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.equal(pending(y.t.id), '0');
  assert.equal(sql(`SELECT SUM(tickets) FROM stats_tickets_daily WHERE tenant_id = ${y.t.id} AND scope = 'all'`), '1');
});

// Folds run while writes commit: every worker folds after its writes, every stats read
// before it. No change may be lost or counted twice: the rollups end as a rebuild makes them.
test('pending rows under concurrent writes, folds and reads: nothing lost, nothing twice', async () => {
  const c = await exampleC('stats-conc', { service_policies: true, resp_org_assignment: true });
  await c.coverage();
  await c.policy({ name: 'Default' });
  const sev = ['critical', 'high', 'medium', 'low'];
  const open = [], acked = [];
  const move = (id, to) => post(`/v1/tickets/${id}/status`, { status: to }, c.admin);
  for (let round = 0; round < 4; round++) {
    const resolving = acked.splice(0, 8), acking = open.splice(0, 8);
    acked.push(...acking);
    const moves = [...resolving.map((id) => move(id, 'resolved')), ...acking.map((id) => move(id, 'acknowledged'))];
    const made = Array.from({ length: 16 }, (_, i) =>
      post('/v1/tickets', { equipment_id: c.e123, severity: sev[i % 4], title: `Concurrent ${round}.${i}` }, c.admin));
    const reads = Array.from({ length: 6 }, (_, i) => get(i % 2 ? '/v1/stats/equipment' : '/v1/stats/tickets', c.admin));
    const answers = await Promise.all([...moves, ...made, ...reads]);
    assert.deepEqual(answers.map((r) => r.status >= 200 && r.status < 300), answers.map(() => true),
      answers.find((r) => r.status >= 300)?.text);
    for (const r of answers.slice(moves.length, moves.length + made.length)) open.push(r.json.id);
  }
  const s = await stats('/v1/stats/tickets', c.admin);
  assert.equal(s.tickets, 64);
  assert.equal(s.backlog, Number(sql(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${c.t.id} AND status NOT IN ('resolved', 'closed')`)));
  fold(c.t.id);
  const kept = rollupRows(c.t.id);
  utc(`CALL stats_rebuild(${c.t.id})`);
  assert.equal(rollupRows(c.t.id), kept);
});

// The interleaving that deadlocked two folds of one tenant (CI, 0012): a write whose pending
// rows come first in the tenant's range commits while fold A is past its claim; fold B claims
// them, then waits for A's rows; A's DELETE then met B's rows. Session L holds A at its
// first upsert (a gap lock over the tenant's day rows) until B is waiting.
test('two folds of one tenant at once, a write committing between them: both finish, nothing lost', async () => {
  const x = await adminWorld('stats-fold-race');
  const eq = equipment(x.t.id, {});
  fold(x.t.id);
  const ticket = `INSERT INTO tickets (tenant_id, equipment_id, severity, title, status)
    VALUES (${x.t.id}, ${eq}, 'high', 'race', 'open')`;
  const late = sqlAsync(`START TRANSACTION; ${ticket}; DO SLEEP(1.5); COMMIT`);
  await sleep(300);
  sql(ticket); // committed, after the late write's rows in the tenant's range
  const hold = sqlAsync(`SET SESSION tx_isolation = 'REPEATABLE-READ'; START TRANSACTION;
    SELECT COUNT(*) FROM stats_tickets_daily WHERE tenant_id = ${x.t.id} FOR UPDATE; DO SLEEP(3); COMMIT`);
  await sleep(300);
  const a = sqlAsync(FOLD(x.t.id));
  await late;
  await sleep(300);
  const b = sqlAsync(FOLD(x.t.id));
  const settled = await Promise.allSettled([a, b, hold]);
  assert.deepEqual(settled.map((p) => p.reason?.message ?? p.status), ['fulfilled', 'fulfilled', 'fulfilled']);
  assert.equal(sql(`SELECT COUNT(*) FROM stats_pending WHERE tenant_id = ${x.t.id}`), '0');
  assert.equal(sql(`SELECT SUM(tickets) FROM stats_tickets_daily WHERE tenant_id = ${x.t.id} AND scope = 'all'`), '2');
  const kept = rollupRows(x.t.id);
  utc(`CALL stats_rebuild(${x.t.id})`);
  assert.equal(rollupRows(x.t.id), kept);
});

test('the fold lock: a fold after a write leaves the rows to the running fold, a read waits for it', async () => {
  const x = await adminWorld('stats-fold-lock');
  equipment(x.t.id, { region: 'east' });
  const pending = () => sql(`SELECT COUNT(*) FROM stats_pending WHERE tenant_id = ${x.t.id}`);
  const name = `CONCAT(LEFT(DATABASE(), 30), '.stats_fold.', ${x.t.id})`;
  const held = sqlAsync(`DO GET_LOCK(${name}, 0); DO SLEEP(4); DO RELEASE_LOCK(${name})`);
  while (sql(`SELECT IS_USED_LOCK(${name}) IS NULL`) === '1') await sleep(50);
  sql(`CALL stats_fold_locked(${x.t.id}, 0)`); // as after a write: no wait, nothing folded
  assert.equal(pending(), '1');
  assert.throws(() => sql(`CALL stats_fold_locked(${x.t.id}, 1)`), /1205.*another fold of the tenant is still running/);
  assert.equal(pending(), '1');
  // another tenant's fold is not held up
  sql(FOLD(w.t.id));
  // a read waits for the lock, folds, and answers exactly
  const e = await stats('/v1/stats/equipment', x.admin);
  assert.deepEqual([e.equipment, e.by_region], [1, [{ region: 'east', equipment: 1, active: 1, open_tickets: 0 }]]);
  assert.equal(pending(), '0');
  await held;
});

test('bulk loads: the triggers step aside and a rebuild fills the rollups', async () => {
  const x = await adminWorld('stats-bulk');
  const eq = equipment(x.t.id, { region: 'west' });
  utc(`SET @trellis_stats_off = 1; INSERT INTO tickets (tenant_id, equipment_id, severity, title, status, created_at, resolved_at)
       VALUES (${x.t.id}, ${eq}, 'high', 'bulk', 'resolved', '2025-01-01 00:00:00', '2025-01-01 01:00:00'),
              (${x.t.id}, ${eq}, 'low', 'bulk', 'open', '2025-01-02 00:00:00', NULL)`);
  assert.equal((await stats('/v1/stats/tickets', x.admin)).tickets, 0);
  utc(`CALL stats_rebuild(${x.t.id})`);
  const s = await stats('/v1/stats/tickets', x.admin);
  assert.deepEqual([s.tickets, s.backlog, s.mttr_seconds], [2, 1, '3600.000']);
  const e = await stats('/v1/stats/equipment', x.admin);
  assert.deepEqual([e.equipment, e.open_tickets, e.by_region], [1, 1, [{ region: 'west', equipment: 1, active: 1, open_tickets: 1 }]]);
});

// The rollups and the pending rows hang off their tenant (migration 0016): none names a tenant
// that is not there, and a removed tenant takes them with it.
test('rollup and pending rows belong to an existing tenant, and go with it', () => {
  const tables = ['stats_tickets_daily', 'stats_tickets_monthly', 'stats_equipment_region',
    'stats_equipment_warranty', 'stats_equipment_sku', 'stats_pending'];
  assert.equal(sql(`SELECT GROUP_CONCAT(TABLE_NAME, ':', DELETE_RULE ORDER BY TABLE_NAME)
    FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()
    AND REFERENCED_TABLE_NAME = 'tenants' AND TABLE_NAME LIKE 'stats%'`),
  [...tables].sort().map((t) => `${t}:CASCADE`).join(','));
  const slug = `stats-gone-${process.pid}-${Date.now().toString(36)}`;
  const tid = sql(`INSERT INTO tenants (slug, name, country_code) VALUES ('${slug}', 'Gone', 'DE');
    SELECT LAST_INSERT_ID()`);
  const missing = Number(sql('SELECT MAX(id) FROM tenants')) + 1000;
  assert.throws(() => sql(`INSERT INTO stats_pending (tenant_id, kind, sign) VALUES (${missing}, 1, 1)`),
    /foreign key constraint fails/);
  utc(`INSERT INTO stats_tickets_daily (tenant_id, scope, org_id, day, severity, status, tickets)
         VALUES (${tid}, 'all', 0, '2025-01-01', 'high', 'open', 1);
       INSERT INTO stats_tickets_monthly (tenant_id, scope, org_id, month, severity, status, tickets)
         VALUES (${tid}, 'all', 0, '2025-01-01', 'high', 'open', 1);
       INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status, equipment)
         VALUES (${tid}, 'all', 0, 0, 'west', 'active', 1);
       INSERT INTO stats_equipment_warranty (tenant_id, scope, org_id, maker_id, warranty_month, equipment)
         VALUES (${tid}, 'all', 0, 0, '2025-01-01', 1);
       INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, tickets)
         VALUES (${tid}, 'all', 0, 0, 0, 1);
       INSERT INTO stats_pending (tenant_id, kind, sign) VALUES (${tid}, 1, 1)`);
  const rows = () => tables.map((t) => sql(`SELECT COUNT(*) FROM ${t} WHERE tenant_id = ${tid}`)).join(',');
  assert.equal(rows(), '1,1,1,1,1,1');
  sql(`DELETE FROM tenants WHERE id = ${tid}`);
  assert.equal(rows(), '0,0,0,0,0,0');
});

test('who sees what: org users their own, tenant staff any org, other tenants nothing', async () => {
  const h1 = await w.user(w.h1.id, 'viewer', 'sth1');
  const dl1 = await w.user(w.dl1.id, 'engineer', 'stdl1');
  const m1 = await w.user(w.m1.id, 'viewer', 'stm1');
  // an org's user always gets its own figures, with or without naming it
  const mine = await stats('/v1/stats/tickets', h1.token);
  assert.equal(mine.org_id, w.h1.id);
  assert.deepEqual(kpis(mine), kpis(await stats(`/v1/stats/tickets?org_id=${w.h1.id}`)));
  assert.deepEqual(kpis(await stats(`/v1/stats/tickets?org_id=${w.h1.id}`, h1.token)), kpis(mine));
  assert.deepEqual(kpis(await stats('/v1/stats/tickets', dl1.token)), kpis(await stats(`/v1/stats/tickets?org_id=${w.dl1.id}`)));
  assert.deepEqual(kpis(await stats('/v1/stats/equipment', m1.token)), kpis(await stats(`/v1/stats/equipment?org_id=${w.m1.id}`)));
  // another org's figures: 403
  assertProblem(await get(`/v1/stats/tickets?org_id=${w.h2.id}`, h1.token), 403, 'forbidden');
  assertProblem(await get(`/v1/stats/equipment?org_id=${w.dl1.id}`, m1.token), 403, 'forbidden');
  // no such org in the tenant, or another tenant's: 404; another tenant sees nothing
  const other = await adminWorld('stats-other', { org: true });
  assertProblem(await get(`/v1/stats/tickets?org_id=${w.h1.id}`, other.admin), 404, 'not_found');
  assertProblem(await get(`/v1/stats/equipment?org_id=${w.m1.id}`, other.admin), 404, 'not_found');
  assertProblem(await get('/v1/stats/tickets?org_id=999999999', w.admin), 404, 'not_found');
  const empty = await stats('/v1/stats/tickets', other.admin);
  assert.deepEqual([empty.tickets, empty.backlog, empty.mttr_seconds, empty.sla.response.percent], [0, 0, null, null]);
  const eq = await stats('/v1/stats/equipment', other.admin);
  assert.deepEqual([eq.equipment, eq.by_region, eq.failures_by_model, eq.open_tickets_per_equipment], [0, [], [], null]);
  // no token: 401; not behind a flag: answers with every flag off
  assertProblem(await req('GET', '/v1/stats/tickets'), 401, 'unauthorized');
  assert.equal((await get('/v1/stats/tickets', (await adminWorld('stats-noflags')).admin)).status, 200);
});

test('bad input: each parameter named, nothing answered', async () => {
  let r = await get('/v1/stats/tickets?from=yesterday&to=2025-02-30', w.admin);
  assertProblem(r, 400, 'validation_failed');
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['from', 'to']);
  r = await get('/v1/stats/tickets?from=2025-03-02&to=2025-03-01', w.admin);
  assertProblem(r, 400, 'validation_failed');
  assert.deepEqual(r.json.errors.map((e) => e.field), ['to']);
  r = await get('/v1/stats/equipment?from=1969-12-31', w.admin);
  assert.deepEqual([r.status, r.json.errors.map((e) => e.field)], [400, ['from']]);
  r = await get('/v1/stats/tickets?org_id=abc', w.admin);
  assert.deepEqual([r.status, r.json.errors.map((e) => e.field)], [400, ['org_id']]);
  r = await get('/v1/stats/equipment?to=2025-03-01T25:00:00Z', w.admin);
  assert.deepEqual([r.status, r.json.errors.map((e) => e.field)], [400, ['to']]);
});
