// trellis sla-sweep end to end: Example C's breach escalates DL1 -> D1, the fresh response
// target breached escalates D1 -> M1, the end of the chain is recorded once; running again
// changes nothing; --at; a ticket with no chain, an answered one, a resolved one; the due
// instant itself; an organization with no policy; one ticket failing; bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, post, get, cli, assertSchema } from './lib.mjs';
import { exampleC, ok, TARGETS } from './service.mjs';

const iso = (ms) => new Date(ms).toISOString();
const plus = (t, minutes) => iso(Date.parse(t) + minutes * 60000);
const sweep = (w, at) => {
  const r = cli('sla-sweep', '--at', at, '--tenant', w.t.slug);
  assert.equal(r.status, 0, r.out);
  const m = r.out.match(/sla-sweep: (\d+) breached, (\d+) escalated, (\d+) recorded with nowhere to go, (\d+) skipped/);
  assert.ok(m, r.out);
  return { breached: +m[1], escalated: +m[2], recorded: +m[3], out: r.out };
};
const state = (w) => sql(`SELECT (SELECT GROUP_CONCAT(CONCAT_WS(':', ticket_id, level, target, IFNULL(to_org_id, '-')) ORDER BY id) FROM ticket_escalations WHERE tenant_id = ${w.t.id}),
  (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id}), (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id}),
  (SELECT GROUP_CONCAT(CONCAT_WS(':', id, version) ORDER BY id) FROM tickets WHERE tenant_id = ${w.t.id})`);

async function world(prefix) {
  const w = await exampleC(prefix, { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  w.def = await w.policy({ name: 'Default' });
  return w;
}

test('Example C: a breach escalates DL1 -> D1, the next M1, the end is recorded once; rerunning changes nothing', async () => {
  const w = await world('sweep');
  const t = await w.ticket();
  assert.equal(t.responsible_org_id, w.dl1.id);
  // before the response target: nothing
  assert.deepEqual(sweep(w, plus(t.created_at, 59)).breached, 0);
  const at1 = plus(t.created_at, 61);
  const s1 = sweep(w, at1);
  assert.deepEqual([s1.breached, s1.escalated, s1.recorded], [1, 1, 0]);
  assert.match(s1.out, new RegExp(`ticket ${t.id}: escalated`));
  const g1 = ok(await get(`/v1/tickets/${t.id}`, w.admin), 200);
  await assertSchema('Ticket', g1);
  assert.equal(g1.responsible_org_id, w.d1.id);
  assert.equal(g1.escalation_level, 1);
  assert.deepEqual(g1.escalations, [{ level: 1, target: 'response', due_at: t.response_due_at, from_org_id: w.dl1.id, to_org_id: w.d1.id,
    at: at1, reason: `the response target passed; escalated to organization ${w.d1.id}` }]);
  // a fresh response target from the escalation, in D1's policy (the default)
  assert.equal(g1.response_due_at, plus(at1, 60));
  assert.equal(g1.resolve_due_at, t.resolve_due_at);
  assert.equal(g1.responded_at, null);
  assert.equal(sql(`SELECT event_type FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity_id = ${t.id} ORDER BY id DESC LIMIT 1`), 'ticket.escalated');
  assert.equal(sql(`SELECT CONCAT_WS(':', action, IFNULL(actor_id, 'system')) FROM audit_log WHERE tenant_id = ${w.t.id} AND entity_id = ${t.id} ORDER BY seq DESC LIMIT 1`), 'ticket.escalate:system');
  // again with the same --at: nothing changes
  const before = state(w);
  assert.equal(sweep(w, at1).breached, 0);
  assert.equal(state(w), before);
  // D1 now answers for it and sees it
  const d1 = await w.user(w.d1.id, 'org_admin', 'sweepd1');
  assert.equal((await get(`/v1/tickets/${t.id}`, d1.token)).status, 200);
  // the fresh target breached: D1 -> M1
  const at2 = plus(at1, 61);
  assert.equal(sweep(w, at2).escalated, 1);
  const g2 = ok(await get(`/v1/tickets/${t.id}`, w.admin), 200);
  assert.deepEqual([g2.responsible_org_id, g2.escalation_level, g2.response_due_at], [w.m1.id, 2, plus(at2, 60)]);
  assert.deepEqual(g2.escalations.map((e) => [e.from_org_id, e.to_org_id, e.target]), [[w.dl1.id, w.d1.id, 'response'], [w.d1.id, w.m1.id, 'response']]);
  const mid = state(w);
  assert.equal(sweep(w, at2).breached, 0);
  assert.equal(state(w), mid);
  // past both targets at the manufacturer, the end of the chain: recorded once, nowhere to go
  const at3 = plus(t.created_at, 300);
  const s3 = sweep(w, at3);
  assert.deepEqual([s3.breached, s3.escalated, s3.recorded], [1, 0, 1]);
  const g3 = ok(await get(`/v1/tickets/${t.id}`, w.admin), 200);
  assert.deepEqual([g3.responsible_org_id, g3.escalation_level, g3.response_due_at], [w.m1.id, 3, null]);
  assert.deepEqual(g3.escalations[2], { level: 3, target: 'resolve', due_at: t.resolve_due_at, from_org_id: w.m1.id, to_org_id: null,
    at: at3, reason: 'the resolve target passed; no organization to escalate to' });
  const end = state(w);
  assert.equal(sweep(w, plus(t.created_at, 100000)).breached, 0);
  assert.equal(state(w), end);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id} AND event_type = 'ticket.escalated'`)), 3);
  // the breached filter shows it
  assert.deepEqual(ok(await get('/v1/tickets?breached=true', w.admin), 200).data.map((x) => x.id), [t.id]);
});

test('escalated to an organization with its own SLA policy: its targets from then, in one change of the ticket', async () => {
  const w = await world('sweeppol');
  const d1pol = await w.policy({ name: 'D1 terms', org_id: w.d1.id, severity_targets: { ...TARGETS, critical: { response_minutes: 15, resolve_minutes: 600 } } });
  const t = await w.ticket();
  assert.equal(t.sla_policy_id, w.def.id);
  const at = plus(t.created_at, 61);
  assert.equal(sweep(w, at).escalated, 1);
  const g = ok(await get(`/v1/tickets/${t.id}`, w.admin), 200);
  assert.deepEqual([g.responsible_org_id, g.sla_policy_id, g.version], [w.d1.id, d1pol.id, t.version + 1]);
  // D1's response target runs from the escalation, its resolve target from the opening (24x7)
  assert.equal(g.response_due_at, plus(at, 15));
  assert.equal(g.resolve_due_at, plus(t.created_at, 600));
  // the rollups moved the ticket from DL1 to D1 once
  assert.equal(sql(`SELECT CONCAT_WS(' ', org_id, SUM(tickets)) FROM stats_tickets_daily WHERE tenant_id = ${w.t.id} AND scope = 'resp' GROUP BY org_id HAVING SUM(tickets) <> 0`), `${w.d1.id} 1`);
});

test('no chain, answered in time, resolved: what the sweep does with each', async () => {
  const w = await world('sweep2');
  await w.flags({ resp_org_assignment: false });
  const nochain = await w.ticket();
  const answered = await w.ticket();
  ok(await post(`/v1/tickets/${answered.id}/status`, { status: 'acknowledged' }, w.admin), 200);
  const done = await w.ticket();
  for (const s of ['acknowledged', 'resolved']) ok(await post(`/v1/tickets/${done.id}/status`, { status: s }, w.admin), 200);
  const s = sweep(w, plus(nochain.created_at, 61));
  // only the unanswered one breached its response target; it has nowhere to go
  assert.deepEqual([s.breached, s.escalated, s.recorded], [1, 0, 1]);
  const g = ok(await get(`/v1/tickets/${nochain.id}`, w.admin), 200);
  assert.deepEqual([g.responsible_org_id, g.escalation_level, g.response_due_at], [null, 1, null]);
  assert.deepEqual(g.escalations.map((e) => [e.target, e.from_org_id, e.to_org_id]), [['response', null, null]]);
  assert.deepEqual(ok(await get(`/v1/tickets/${answered.id}`, w.admin), 200).escalations, []);
  // the resolve target: the answered one escalates (recorded), the resolved one never
  const s2 = sweep(w, plus(nochain.created_at, 241));
  assert.deepEqual([s2.breached, s2.recorded], [2, 2]);
  assert.deepEqual(ok(await get(`/v1/tickets/${done.id}`, w.admin), 200).escalations, []);
  assert.equal(sweep(w, plus(nochain.created_at, 241)).breached, 0);
});

test('a target is breached after its due instant, not at it', async () => {
  const w = await world('sweepedge');
  const t = await w.ticket();
  const before = state(w);
  assert.equal(sweep(w, t.response_due_at).breached, 0);
  assert.equal(state(w), before);
  const s = sweep(w, iso(Date.parse(t.response_due_at) + 1));
  assert.deepEqual([s.breached, s.escalated], [1, 1]);
});

test('a fresh target past 2038-01-19T03:14:07Z, the schema\'s last instant, is stored as none', async () => {
  const w = await world('sweep2038');
  const t = await w.ticket();
  const s = sweep(w, '2038-01-19T03:00:00Z');
  assert.deepEqual([s.breached, s.escalated], [1, 1]);
  const g = ok(await get(`/v1/tickets/${t.id}`, w.admin), 200);
  // D1's fresh response target would be 04:00; the resolve breach was recorded with it
  assert.deepEqual([g.responsible_org_id, g.response_due_at, g.escalations[0].at], [w.d1.id, null, '2038-01-19T03:00:00.000Z']);
});

test('escalated to an organization with no SLA policy and no default: no policy, no due times', async () => {
  const w = await exampleC('sweepnopol', { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  const dl1pol = await w.policy({ name: 'DL1 terms', org_id: w.dl1.id });
  const t = await w.ticket();
  assert.equal(t.sla_policy_id, dl1pol.id);
  const at = plus(t.created_at, 61);
  assert.equal(sweep(w, at).escalated, 1);
  const g = ok(await get(`/v1/tickets/${t.id}`, w.admin), 200);
  assert.deepEqual([g.responsible_org_id, g.sla_policy_id, g.response_due_at, g.resolve_due_at],
    [w.d1.id, null, null, null]);
  // with no target left it never escalates again
  assert.equal(sweep(w, plus(t.created_at, 100000)).breached, 0);
});

test('a ticket whose escalation fails is rolled back and counted; the others are still swept', async () => {
  const w = await world('sweepfail');
  const a = await w.ticket();
  const b = await w.ticket();
  const before = sql(`SELECT CONCAT_WS(':', version, escalation_level) FROM tickets WHERE tenant_id = ${w.t.id} AND id = ${a.id}`);
  // the database refuses a's escalation row (level NOT NULL), as a data error would
  const trig = `sweep_fail_${process.pid}`;
  sql(`CREATE TRIGGER ${trig} BEFORE INSERT ON ticket_escalations FOR EACH ROW SET NEW.level = IF(NEW.tenant_id = ${w.t.id} AND NEW.ticket_id = ${a.id}, NULL, NEW.level)`);
  let r;
  try {
    r = cli('sla-sweep', '--at', plus(b.created_at, 61), '--tenant', w.t.slug);
  } finally {
    sql(`DROP TRIGGER ${trig}`);
  }
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`ticket ${a.id}: not escalated: `));
  assert.match(r.out, new RegExp(`ticket ${b.id}: escalated`));
  assert.match(r.out, /sla-sweep: 2 breached, 1 escalated, 0 recorded with nowhere to go, 0 skipped, 1 failed/);
  assert.match(r.out, /1 tickets not escalated \(above\); the next run tries again/);
  assert.equal(sql(`SELECT CONCAT_WS(':', version, escalation_level) FROM tickets WHERE tenant_id = ${w.t.id} AND id = ${a.id}`), before);
  assert.equal(sql(`SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id} AND event_type = 'ticket.escalated'`), '1');
  // the next run takes a
  const s = sweep(w, plus(b.created_at, 61));
  assert.deepEqual([s.breached, s.escalated], [1, 1]);
  assert.match(s.out, new RegExp(`ticket ${a.id}: escalated`));
});

test('sla-sweep: without --tenant it walks every tenant; bad options', async () => {
  const r = cli('sla-sweep', '--at', '2000-01-01T00:00:00Z');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /sla-sweep: 0 breached, 0 escalated, 0 recorded with nowhere to go, 0 skipped, 0 failed/);
  assert.equal(cli('sla-sweep', '--at', 'tomorrow').status, 2);
  assert.equal(cli('sla-sweep', '--at').status, 2);
  assert.equal(cli('sla-sweep', '--when', '2000-01-01T00:00:00Z').status, 2);
  assert.equal(cli('sla-sweep', '--tenant', 'no-such-tenant-here').status, 1);
  // the schema's TIMESTAMP columns end in 2038
  assert.equal(cli('sla-sweep', '--at', '2038-01-19T03:14:07Z', '--tenant', 'no-such-tenant-here').status, 1);
  const late = cli('sla-sweep', '--at', '2038-01-19T03:14:08Z');
  assert.equal(late.status, 2);
  assert.match(late.out, /--at: '2038-01-19T03:14:08Z' is after 2038-01-19T03:14:07Z, the last time the database stores/);
});
