// Tickets end to end: Example C of seed 000 verbatim (policies off: no responsible org; on:
// DL1 with its certification and the provenance), due times from the SLA policy that applies,
// the workflow and its history (the clock stopped while waiting on the customer), comments,
// assignment, filters and pages, who sees which tickets, isolation and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, sql, post, get, patch, assertProblem, assertSchema, newTenant, login, RFC3339_MS } from './lib.mjs';
import { exampleC, ok, equipment, TARGETS } from './service.mjs';

const ms = (s) => Date.parse(s);
const events = (tid, id) => sql(`SELECT event_type FROM outbox_events WHERE tenant_id = ${tid} AND entity = 'ticket' AND entity_id = ${id} ORDER BY id`).split('\n');
const engineer = (tid, status = 'active') => {
  sql(`INSERT INTO engineers (tenant_id, name, status) VALUES (${tid}, 'Eng ${Date.now()}', '${status}')`);
  return Number(sql(`SELECT MAX(id) FROM engineers WHERE tenant_id = ${tid}`));
};

test('Example C: policies off, the ticket has no responsible org (the global rule) and no SLA', async () => {
  const w = await exampleC('exc-off');
  const r = await post('/v1/tickets', { equipment_id: w.e123, severity: 'critical', title: 'Pump alarm', description: 'E-123 beeps' }, w.admin);
  assert.equal(r.status, 201, r.text);
  await assertSchema('Ticket', r.json);
  const t = r.json;
  assert.equal(r.headers.get('location'), `/v1/tickets/${t.id}`);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.deepEqual({ status: t.status, responsible_org_id: t.responsible_org_id, policy_provenance: t.policy_provenance,
    response_due_at: t.response_due_at, resolve_due_at: t.resolve_due_at, sla_policy_id: t.sla_policy_id,
    assigned_engineer_id: t.assigned_engineer_id, escalations: t.escalations, source: t.source, description: t.description },
  { status: 'open', responsible_org_id: null, policy_provenance: null, response_due_at: null, resolve_due_at: null,
    sla_policy_id: null, assigned_engineer_id: null, escalations: [], source: 'api', description: 'E-123 beeps' });
  assert.match(t.created_at, RFC3339_MS);
  assert.deepEqual((await get(`/v1/tickets/${t.id}`, w.admin)).json, t);
  assert.deepEqual(events(w.t.id, t.id), ['ticket.created']);
  assert.equal(sql(`SELECT action FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'ticket' AND entity_id = ${t.id}`), 'ticket.create');
  // service_policies alone (no resp_org_assignment): still no responsible org; the default SLA applies
  await w.flags({ service_policies: true });
  const def = await w.policy({ name: 'Default' });
  const t2 = await w.ticket();
  assert.deepEqual([t2.responsible_org_id, t2.policy_provenance, t2.sla_policy_id], [null, null, def.id]);
  assert.equal(ms(t2.response_due_at) - ms(t2.created_at), 60 * 60000);
  assert.equal(ms(t2.resolve_due_at) - ms(t2.created_at), 240 * 60000);
  // both flags, the coverage policy disabled: no org, and the provenance says why
  await w.flags({ resp_org_assignment: true });
  const t3 = await w.ticket();
  assert.equal(t3.responsible_org_id, null);
  assert.deepEqual([t3.policy_provenance.rule, t3.policy_provenance.reason, t3.policy_provenance.chain], ['global', 'policy_off', []]);
});

test('Example C: policies on, DL1 answers with its certification; the provenance and the chain DL1 > D1 > M1', async () => {
  const w = await exampleC('exc-on', { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  const def = await w.policy({ name: 'Default' });
  const dl1pol = await w.policy({ name: 'DL1 terms', org_id: w.dl1.id, severity_targets: { ...TARGETS, critical: { response_minutes: 30, resolve_minutes: 120 } } });
  const t = await w.ticket();
  await assertSchema('Ticket', t);
  assert.equal(t.responsible_org_id, w.dl1.id);
  assert.deepEqual(t.policy_provenance, {
    rule: 'coverage', reason: 'first_eligible', responsible_org_id: w.dl1.id, manufacturer_id: w.m1.id,
    required_certification: 'ACME-SVC', match_region: false, region: null, owner_org_id: w.h1.id,
    order: ['dealer', 'distributor', 'manufacturer'],
    candidates: [
      { org_id: w.dl1.id, org_type: 'dealer', taken: true, reason: 'first_eligible', detail: 'the first eligible candidate', owner_related: false, preferred: false },
    ],
    // D1 and M1 came after the one taken: counted, not listed
    after_taken: { count: 2, by_reason: { lower_in_order: 1, not_certified: 1 } },
    chain: [w.dl1.id, w.d1.id, w.m1.id],
  });
  // the responsible org's own policy, not the default
  assert.equal(t.sla_policy_id, dl1pol.id);
  assert.notEqual(t.sla_policy_id, def.id);
  assert.equal(ms(t.response_due_at) - ms(t.created_at), 30 * 60000);
  assert.equal(ms(t.resolve_due_at) - ms(t.created_at), 120 * 60000);
  // DL1 loses its certification: D1 lacks it too, so the manufacturer answers
  ok(await req('PATCH', `/v1/orgs/${w.dl1.id}`, { headers: { authorization: `Bearer ${w.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ certifications: [] }) }), 200);
  const t2 = await w.ticket();
  assert.equal(t2.responsible_org_id, w.m1.id);
  assert.deepEqual(t2.policy_provenance.candidates.map((c) => c.reason), ['not_certified', 'not_certified', 'first_eligible']);
  assert.deepEqual(t2.policy_provenance.after_taken, { count: 0, by_reason: {} });
  assert.deepEqual(t2.policy_provenance.chain, [w.m1.id]);
  assert.equal(t2.sla_policy_id, def.id);
  // the answer of the creation, the ticket read alone and the list's item carry one provenance
  // (the list sends the stored text as it is)
  const listed = (await get('/v1/tickets', w.admin)).json.data;
  for (const x of [t, t2]) {
    assert.deepEqual(listed.find((y) => y.id === x.id), x);
    assert.deepEqual((await get(`/v1/tickets/${x.id}`, w.admin)).json, x);
  }
});

test('the workflow: allowed transitions, the history with who and when, the clock stopped while waiting, reopen', async () => {
  const w = await exampleC('tkflow', { service_policies: true });
  await w.policy({ name: 'Default' });
  const t = await w.ticket();
  const move = async (status, note, headers = {}) => {
    const r = await post(`/v1/tickets/${t.id}/status`, { status, note }, w.admin, headers);
    assert.equal(r.status, 200, r.text);
    await assertSchema('Ticket', r.json);
    return r.json;
  };
  const bad = await post(`/v1/tickets/${t.id}/status`, { status: 'closed' }, w.admin);
  assertProblem(bad, 409, 'invalid_transition');
  assert.deepEqual(bad.json.errors, [{ field: 'status', message: 'cannot go from open to closed' }]);
  assertProblem(await post(`/v1/tickets/${t.id}/status`, { status: 'acknowledged' }, w.admin, { 'if-match': '"9"' }), 412, 'precondition_failed');
  const a = await move('acknowledged', 'on it', { 'if-match': '"1"' });
  assert.match(a.responded_at, RFC3339_MS);
  assert.equal(a.version, 2);
  const p = await move('in_progress');
  const wait = await move('waiting_customer', 'need the serial plate photo');
  // paused: no resolve time while the customer has the ball
  assert.equal(wait.resolve_due_at, null);
  assertProblem(await post(`/v1/tickets/${t.id}/status`, { status: 'acknowledged' }, w.admin), 409, 'invalid_transition');
  await new Promise((res) => setTimeout(res, 50));
  const back = await move('in_progress');
  const hist = ok(await get(`/v1/tickets/${t.id}/events`, w.admin), 200);
  for (const e of hist.data) await assertSchema('TicketEvent', e);
  assert.deepEqual(hist.data.map((e) => [e.from_status, e.to_status, e.actor_id]), [
    [null, 'open', w.adminId], ['open', 'acknowledged', w.adminId], ['acknowledged', 'in_progress', w.adminId],
    ['in_progress', 'waiting_customer', w.adminId], ['waiting_customer', 'in_progress', w.adminId]]);
  assert.deepEqual(hist.data.map((e) => e.note), [null, 'on it', null, 'need the serial plate photo', null]);
  // the resolve target moved by exactly the pause
  const paused = ms(hist.data[4].at) - ms(hist.data[3].at);
  assert.ok(paused >= 50);
  assert.equal(ms(back.resolve_due_at) - ms(p.resolve_due_at), paused);
  assert.equal(ms(back.response_due_at) - ms(t.response_due_at), paused);
  const res = await move('resolved');
  assert.match(res.resolved_at, RFC3339_MS);
  const closed = await move('closed');
  assert.match(closed.closed_at, RFC3339_MS);
  const reopened = await move('open', 'it beeps again');
  assert.deepEqual([reopened.status, reopened.resolved_at, reopened.closed_at, reopened.responded_at], ['open', null, null, a.responded_at]);
  assert.deepEqual(events(w.t.id, t.id), ['ticket.created', ...Array(7).fill('ticket.status_changed')]);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id} AND action = 'ticket.status' AND entity_id = ${t.id}`)), 7);
  for (const [status, code] of [['reopened', 'validation_failed'], [null, 'validation_failed']]) {
    assertProblem(await post(`/v1/tickets/${t.id}/status`, { status }, w.admin), 400, code);
  }
  assertProblem(await post(`/v1/tickets/${t.id}/status`, { status: 'acknowledged', note: 'x'.repeat(501) }, w.admin), 400, 'validation_failed');
  // a note may have lines and tabs, not a terminal's escape
  const esc = await post(`/v1/tickets/${t.id}/status`, { status: 'acknowledged', note: 'ok\n\t\u001b[2J' }, w.admin);
  assertProblem(esc, 400, 'validation_failed');
  assert.deepEqual(esc.json.errors, [{ field: 'note', message: 'must not contain control characters' }]);
  assertProblem(await post('/v1/tickets/999999/status', { status: 'acknowledged' }, w.admin), 404, 'not_found');
});

test('comments and assignment', async () => {
  const w = await exampleC('tkcomm');
  const t = await w.ticket();
  const c = await post(`/v1/tickets/${t.id}/comments`, { body: 'Replaced the battery pack.' }, w.admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('TicketComment', c.json);
  assert.deepEqual([c.json.ticket_id, c.json.author_id, c.json.body], [t.id, w.adminId, 'Replaced the battery pack.']);
  ok(await post(`/v1/tickets/${t.id}/comments`, { body: 'Second' }, w.admin));
  const l = ok(await get(`/v1/tickets/${t.id}/comments?limit=1`, w.admin), 200);
  assert.deepEqual(l.data.map((x) => x.body), ['Replaced the battery pack.']);
  assert.deepEqual(ok(await get(`/v1/tickets/${t.id}/comments?cursor=${l.next_cursor}`, w.admin), 200).data.map((x) => x.body), ['Second']);
  assertProblem(await post(`/v1/tickets/${t.id}/comments`, { body: '  ' }, w.admin), 400, 'validation_failed');
  assertProblem(await post(`/v1/tickets/${t.id}/comments`, {}, w.admin), 400, 'validation_failed');
  // lines, tabs and Unicode spaces alone are blank; BEL and ESC are controls, a tab is not
  for (const [body, message] of [['\u00a0\n\t\u2003\r\n', 'must not be blank'], ['ding\u0007', 'must not contain control characters'], ['a\n\u001b[31mred', 'must not contain control characters']]) {
    const bad = await post(`/v1/tickets/${t.id}/comments`, { body }, w.admin);
    assertProblem(bad, 400, 'validation_failed');
    assert.deepEqual(bad.json.errors, [{ field: 'body', message }]);
  }
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id} AND action = 'ticket.comment'`), '2');
  ok(await post(`/v1/tickets/${t.id}/comments`, { body: 'Step 1:\tunplug\r\nStep 2:\tcheck' }, w.admin));

  const e1 = engineer(w.t.id);
  const off = engineer(w.t.id, 'inactive');
  const other = await newTenant('tkcomm-other');
  const foreign = engineer(other.id);
  const a = await post(`/v1/tickets/${t.id}/assign`, { engineer_id: e1 }, w.admin);
  assert.equal(a.status, 200, a.text);
  await assertSchema('Ticket', a.json);
  assert.equal(a.json.assigned_engineer_id, e1);
  for (const [id, why] of [[off, 'names an inactive engineer'], [foreign, 'names no engineer of this tenant'], [999999, 'names no engineer of this tenant']]) {
    const r = await post(`/v1/tickets/${t.id}/assign`, { engineer_id: id }, w.admin);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(r.json.errors, [{ field: 'engineer_id', message: why }]);
  }
  assertProblem(await post(`/v1/tickets/${t.id}/assign`, { engineer_id: 'x' }, w.admin), 400, 'validation_failed');
  assert.equal((await get(`/v1/tickets/${t.id}`, w.admin)).json.assigned_engineer_id, e1);
  assert.deepEqual(events(w.t.id, t.id), ['ticket.created', 'ticket.assigned']);
});

test('list filters and pages: status, severity, responsible org, equipment, breached', async () => {
  const w = await exampleC('tklist', { service_policies: true, resp_org_assignment: true });
  const plain = await w.ticket(null, { severity: 'low' });
  await w.coverage(true);
  await w.policy({ name: 'Default' });
  const e2 = equipment(w.t.id, { sku: w.sku.id, owner: w.h1.id });
  const a = await w.ticket(null, { severity: 'high' });
  const b = await w.ticket(null, { equipment_id: e2 });
  ok(await post(`/v1/tickets/${b.id}/status`, { status: 'acknowledged' }, w.admin), 200);
  // test setup: a's response target already passed
  sql(`UPDATE tickets SET response_due_at = NOW(3) - INTERVAL 1 MINUTE WHERE tenant_id = ${w.t.id} AND id = ${a.id}`);
  const ids = async (q) => {
    const r = ok(await get(`/v1/tickets${q}`, w.admin), 200);
    for (const t of r.data) await assertSchema('Ticket', t);
    return r.data.map((t) => t.id);
  };
  assert.deepEqual(await ids(''), [plain.id, a.id, b.id]);
  assert.deepEqual(await ids('?status=open'), [plain.id, a.id]);
  assert.deepEqual(await ids('?status=acknowledged'), [b.id]);
  assert.deepEqual(await ids('?severity=high'), [a.id]);
  assert.deepEqual(await ids(`?responsible_org_id=${w.dl1.id}`), [a.id, b.id]);
  assert.deepEqual(await ids(`?equipment_id=${e2}`), [b.id]);
  assert.deepEqual(await ids('?breached=true'), [a.id]);
  assert.deepEqual(await ids('?breached=false'), [plain.id, a.id, b.id]);
  const p1 = ok(await get('/v1/tickets?limit=2', w.admin), 200);
  assert.deepEqual(p1.data.map((t) => t.id), [plain.id, a.id]);
  assert.deepEqual(await ids(`?limit=2&cursor=${p1.next_cursor}`), [b.id]);
  for (const q of ['?status=lost', '?severity=urgent', '?breached=yes', '?responsible_org_id=x', '?limit=0']) {
    const r = await get(`/v1/tickets${q}`, w.admin);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.match(r.headers.get('content-type'), /problem\+json/);
  }
});

test('who sees which tickets: a hospital its own equipment, a dealer what it answers for; roles; another tenant', async () => {
  const w = await exampleC('tkaccess', { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  const h2 = ok(await post('/v1/orgs', { name: 'H2', type: 'hospital' }, w.admin));
  const e2 = equipment(w.t.id, { sku: w.sku.id, owner: h2.id });
  const mine = await w.ticket();
  const theirs = await w.ticket(null, { equipment_id: e2 });
  await w.flags({ resp_org_assignment: false });
  const unassigned = await w.ticket();
  const h1 = await w.user(w.h1.id, 'agent', 'h1agent');
  const h1viewer = await w.user(w.h1.id, 'viewer', 'h1viewer');
  const dl1 = await w.user(w.dl1.id, 'engineer', 'dl1eng');
  const d1 = await w.user(w.d1.id, 'org_admin', 'd1admin');
  const ids = async (token) => ok(await get('/v1/tickets', token), 200).data.map((t) => t.id);
  // H1 sees its own equipment's tickets, whoever answers for them
  assert.deepEqual(await ids(h1.token), [mine.id, unassigned.id]);
  assert.equal((await get(`/v1/tickets/${mine.id}`, h1.token)).status, 200);
  assertProblem(await get(`/v1/tickets/${theirs.id}`, h1.token), 404, 'not_found');
  assertProblem(await get(`/v1/tickets/${theirs.id}/comments`, h1.token), 404, 'not_found');
  assertProblem(await get(`/v1/tickets/${theirs.id}/events`, h1.token), 404, 'not_found');
  assertProblem(await post(`/v1/tickets/${theirs.id}/comments`, { body: 'x' }, h1.token), 404, 'not_found');
  // DL1 answers for both coverage tickets; not for the one opened with the policies off
  assert.deepEqual(await ids(dl1.token), [mine.id, theirs.id]);
  assertProblem(await get(`/v1/tickets/${unassigned.id}`, dl1.token), 404, 'not_found');
  assert.equal((await post(`/v1/tickets/${mine.id}/status`, { status: 'acknowledged' }, dl1.token)).status, 200);
  // D1 answers for none yet
  assert.deepEqual(await ids(d1.token), []);
  assertProblem(await post(`/v1/tickets/${mine.id}/status`, { status: 'in_progress' }, d1.token), 404, 'not_found');
  // opening tickets: the hospital for its own equipment only; roles decide the rest
  const own = await post('/v1/tickets', { equipment_id: w.e123, severity: 'medium', title: 'Display cracked' }, h1.token);
  assert.equal(own.status, 201, own.text);
  assertProblem(await post('/v1/tickets', { equipment_id: e2, severity: 'medium', title: 'Not mine' }, h1.token), 403, 'forbidden');
  assertProblem(await post('/v1/tickets', { equipment_id: w.e123, severity: 'medium', title: 'Viewer' }, h1viewer.token), 403, 'forbidden');
  assertProblem(await post(`/v1/tickets/${mine.id}/status`, { status: 'in_progress' }, h1viewer.token), 403, 'forbidden');
  assertProblem(await post('/v1/tickets', { equipment_id: w.e123, severity: 'medium', title: 'Engineer' }, dl1.token), 403, 'forbidden');
  assert.deepEqual(await ids(h1viewer.token), [mine.id, unassigned.id, own.json.id]);
  // with a status an org's list is two index ranges (ticket.list_org): the same answers
  const page = async (token, q) => ok(await get(`/v1/tickets${q}`, token), 200);
  const byStatus = async (token, q) => (await page(token, q)).data.map((t) => t.id);
  assert.deepEqual(await byStatus(h1.token, '?status=open'), [unassigned.id, own.json.id]);
  assert.deepEqual(await byStatus(h1.token, '?status=acknowledged'), [mine.id]);
  assert.deepEqual(await byStatus(h1.token, '?status=open&severity=medium'), [own.json.id]);
  assert.deepEqual(await byStatus(h1.token, `?status=open&equipment_id=${e2}`), []);
  const p1 = await page(h1.token, '?status=open&limit=1');
  assert.deepEqual(p1.data.map((t) => t.id), [unassigned.id]);
  assert.deepEqual(await byStatus(h1.token, `?status=open&limit=1&cursor=${encodeURIComponent(p1.next_cursor)}`), [own.json.id]);
  assert.deepEqual(await byStatus(dl1.token, '?status=open'), [theirs.id]);
  assert.deepEqual(await byStatus(dl1.token, '?status=acknowledged'), [mine.id]);
  assert.deepEqual(await byStatus(dl1.token, `?status=open&responsible_org_id=${w.d1.id}`), []);
  assert.deepEqual(await byStatus(d1.token, '?status=open'), []);
  // a ticket DL1 both owns and answers for is listed once
  await w.flags({ resp_org_assignment: true });
  const dlEq = equipment(w.t.id, { sku: w.sku.id, owner: w.dl1.id });
  const both = await w.ticket(null, { equipment_id: dlEq });
  assert.equal(both.responsible_org_id, w.dl1.id);
  assert.deepEqual(await byStatus(dl1.token, '?status=open'), [theirs.id, both.id]);
  assert.deepEqual(await ids(dl1.token), [mine.id, theirs.id, both.id]);
  // another tenant: nothing to see
  const t2 = await newTenant('tkaccess-other');
  const other = (await login(t2.slug, t2.admin.email, t2.admin.password)).json.access_token;
  assert.deepEqual(await ids(other), []);
  assertProblem(await get(`/v1/tickets/${mine.id}`, other), 404, 'not_found');
  assertProblem(await post(`/v1/tickets/${mine.id}/status`, { status: 'in_progress' }, other), 404, 'not_found');
  assertProblem(await post(`/v1/tickets/${mine.id}/assign`, { engineer_id: 1 }, other), 404, 'not_found');
  const cross = await post('/v1/tickets', { equipment_id: w.e123, severity: 'low', title: 'Theirs' }, other);
  assertProblem(cross, 422, 'unprocessable');
  assert.deepEqual(cross.json.errors.map((e) => e.field), ['equipment_id']);
});

test('tickets opened at the same time in one tenant all open: none waits on another for ever', async () => {
  const w = await exampleC('tkconc', { service_policies: true, resp_org_assignment: true });
  await w.coverage();
  await w.policy({ name: 'Default' });
  const eq = Array.from({ length: 4 }, () => equipment(w.t.id, { sku: w.sku.id, owner: w.h1.id }));
  const answers = await Promise.all(Array.from({ length: 24 }, (_, i) =>
    post('/v1/tickets', { equipment_id: eq[i % 4], severity: ['critical', 'high', 'medium', 'low'][i % 4], title: `Alarm ${i}` }, w.admin)));
  assert.deepEqual(answers.map((r) => r.status), answers.map(() => 201), answers.find((r) => r.status !== 201)?.text);
  assert.equal(sql(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${w.t.id}`), '24');
  // the rollups' pending rows, folded in as a stats read does (docs/kpis.md "Pending changes")
  sql(`CALL stats_fold_locked(${w.t.id}, 10)`);
  assert.equal(sql(`SELECT SUM(tickets) FROM stats_tickets_daily WHERE tenant_id = ${w.t.id} AND scope = 'all'`), '24');
});

test('status changes in opposite directions at once all land, and the rollups count each ticket once', async () => {
  const w = await exampleC('tkswap', { service_policies: true });
  await w.policy({ name: 'Default' });
  const move = (id, status) => post(`/v1/tickets/${id}/status`, { status }, w.admin);
  const ts = [];
  for (let i = 0; i < 12; i++) ts.push((await w.ticket(null, { severity: 'high' })).id);
  for (const id of ts) {
    assert.equal((await move(id, 'acknowledged')).status, 200);
    assert.equal((await move(id, 'in_progress')).status, 200);
  }
  for (const id of ts.slice(6)) assert.equal((await move(id, 'waiting_customer')).status, 200);
  // each round half the tickets go one way and half the other, on the same day's rows
  let waiting = new Set(ts.slice(6));
  for (let round = 0; round < 6; round++) {
    const answers = await Promise.all(ts.map((id) => move(id, waiting.has(id) ? 'in_progress' : 'waiting_customer')));
    assert.deepEqual(answers.map((r) => r.status), ts.map(() => 200), answers.find((r) => r.status !== 200)?.text);
    waiting = new Set(ts.filter((id) => !waiting.has(id)));
  }
  // and the rollups still count every ticket once, in its status now
  sql(`CALL stats_fold_locked(${w.t.id}, 10)`);
  assert.equal(sql(`SELECT CONCAT(status, ' ', SUM(tickets)) FROM stats_tickets_daily WHERE tenant_id = ${w.t.id} AND scope = 'all' AND tickets <> 0 GROUP BY status ORDER BY status`),
    'in_progress 6\nwaiting_customer 6');
});

// Each worker keeps the coverage policy, M1's tree and the walk's answers (docs/service-coverage.md
// "Kept by each worker"): a burst reaches every worker, and each must see an API change at
// once and a relationship's start when it comes, with no write in between.
test('every worker sees an organization change at once, and a relationship when it begins', async () => {
  const w = await exampleC('tkcache', { service_policies: true, resp_org_assignment: true });
  await w.coverage();
  const burst = async () => {
    const answers = await Promise.all(Array.from({ length: 24 }, () => post('/v1/tickets', { equipment_id: w.e123, severity: 'low', title: 'Alarm' }, w.admin)));
    assert.deepEqual(answers.map((r) => r.status), answers.map(() => 201), answers.find((r) => r.status !== 201)?.text);
    return [...new Set(answers.map((r) => r.json.responsible_org_id))];
  };
  const patch = async (id, body) => ok(await req('PATCH', `/v1/orgs/${id}`, { headers: { authorization: `Bearer ${w.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }), 200);
  assert.deepEqual(await burst(), [w.dl1.id]);
  await patch(w.dl1.id, { certifications: [] });
  assert.deepEqual(await burst(), [w.m1.id]);
  await patch(w.dl1.id, { certifications: ['ACME-SVC'] });
  assert.deepEqual(await burst(), [w.dl1.id]);
  // DL2 works with H1 (so it would come first) and joins D1 in a few seconds
  const dl2 = ok(await post('/v1/orgs', { name: 'DL2', type: 'dealer', certifications: ['ACME-SVC'] }, w.admin));
  ok(await post(`/v1/orgs/${dl2.id}/relationships`, { child_org_id: w.h1.id, relation_type: 'partner_of', active_from: '2020-01-01T00:00:00Z' }, w.admin));
  const begins = Date.now() + 4000;
  ok(await post(`/v1/orgs/${w.d1.id}/relationships`, { child_org_id: dl2.id, relation_type: 'dealer_of', active_from: new Date(begins).toISOString() }, w.admin));
  const before = await burst();
  if (Date.now() < begins) assert.deepEqual(before, [w.dl1.id]);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, begins - Date.now()) + 100));
  assert.deepEqual(await burst(), [dl2.id]);
});

test('bad ticket bodies name each field and write nothing', async () => {
  const w = await exampleC('tkbad');
  const count = () => sql(`SELECT (SELECT COUNT(*) FROM tickets WHERE tenant_id = ${w.t.id}), (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id})`);
  const before = count();
  const fields = async (body, status = 400, code = 'validation_failed') => {
    const r = await post('/v1/tickets', body, w.admin);
    assertProblem(r, status, code);
    return r.json.errors.map((e) => e.field).sort();
  };
  assert.deepEqual(await fields({}), ['equipment_id', 'severity', 'title']);
  assert.deepEqual(await fields({ equipment_id: w.e123, severity: 'urgent', title: ' ' }), ['severity', 'title']);
  assert.deepEqual(await fields({ equipment_id: w.e123, severity: 'low', title: 't', description: 'x'.repeat(10001), colour: 'red' }), ['colour', 'description']);
  assert.deepEqual(await fields({ equipment_id: -1, severity: 'low', title: 't' }), ['equipment_id']);
  // a lone surrogate is not text (JSON.stringify sends it as the escape \ud800)
  assertProblem(await post('/v1/tickets', { equipment_id: w.e123, severity: 'low', title: 'a\ud800' }, w.admin), 400, 'malformed_json');
  // a description may have lines and tabs, not other controls
  const texts = await post('/v1/tickets', { equipment_id: w.e123, severity: 'low', title: 't', description: 'fine\n\tindented\u0007' }, w.admin);
  assertProblem(texts, 400, 'validation_failed');
  assert.deepEqual(texts.json.errors, [{ field: 'description', message: 'must not contain control characters' }]);
  // two members with one name: which one counts would be a guess (I-JSON refuses them)
  const dup = await req('POST', '/v1/tickets', { headers: { authorization: `Bearer ${w.admin}`, 'content-type': 'application/json' }, body: `{"equipment_id":${w.e123},"severity":"low","title":"a","title":"b"}` });
  assertProblem(dup, 400, 'malformed_json');
  assert.match(dup.json.detail, /duplicate member name in the object at offset 0/);
  // no-break spaces are blank; a C1 control is a control
  for (const [title, message] of [['\u00a0\u2003\u00a0', 'must not be blank'], ['a\u0085b', 'must not contain control characters']]) {
    const t = await post('/v1/tickets', { equipment_id: w.e123, severity: 'low', title }, w.admin);
    assertProblem(t, 400, 'validation_failed');
    assert.deepEqual(t.json.errors, [{ field: 'title', message }]);
  }
  assert.deepEqual(await fields({ equipment_id: 999999, severity: 'low', title: 't' }, 422, 'unprocessable'), ['equipment_id']);
  const retired = equipment(w.t.id, { status: 'retired' });
  const r = await post('/v1/tickets', { equipment_id: retired, severity: 'low', title: 't' }, w.admin);
  assertProblem(r, 422, 'unprocessable');
  assert.deepEqual(r.json.errors, [{ field: 'equipment_id', message: 'names retired equipment' }]);
  assertProblem(await req('POST', '/v1/tickets', { headers: { authorization: `Bearer ${w.admin}`, 'content-type': 'text/plain' }, body: 'x' }), 415, 'unsupported_media_type');
  assertProblem(await get('/v1/tickets/abc', w.admin), 404, 'not_found');
  assert.equal(count(), before);
  // equipment without a SKU still gets a ticket; with the policies on it has no manufacturer
  await w.flags({ service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  const bare = await w.ticket(null, { equipment_id: equipment(w.t.id) });
  assert.deepEqual([bare.responsible_org_id, bare.policy_provenance.reason], [null, 'no_manufacturer']);
});

// The SLA policy that applies is kept by each worker too: a policy's change, or a new one
// for the responsible organization, reaches every worker's next creation.
test('every worker applies an SLA policy change at once', async () => {
  const w = await exampleC('tksla', { service_policies: true, resp_org_assignment: true });
  await w.coverage();
  const def = await w.policy({ name: 'Default' });
  const burst = async () => {
    const answers = await Promise.all(Array.from({ length: 24 }, () => post('/v1/tickets', { equipment_id: w.e123, severity: 'low', title: 'Alarm' }, w.admin)));
    assert.deepEqual(answers.map((r) => r.status), answers.map(() => 201), answers.find((r) => r.status !== 201)?.text);
    return [...new Set(answers.map((r) => `${r.json.sla_policy_id} ${(Date.parse(r.json.response_due_at) - Date.parse(r.json.created_at)) / 60000}`))];
  };
  const low = TARGETS.low.response_minutes;
  assert.deepEqual(await burst(), [`${def.id} ${low}`]);
  const targets = { ...TARGETS, low: { response_minutes: low + 7, resolve_minutes: TARGETS.low.resolve_minutes } };
  ok(await patch(`/v1/sla-policies/${def.id}`, { severity_targets: targets }, w.admin, { 'if-match': '"1"' }), 200);
  assert.deepEqual(await burst(), [`${def.id} ${low + 7}`]);
  const mine = await w.policy({ name: 'DL1', org_id: w.dl1.id });
  assert.deepEqual(await burst(), [`${mine.id} ${low}`]);
  ok(await patch(`/v1/sla-policies/${mine.id}`, { status: 'retired' }, w.admin, { 'if-match': '"1"' }), 200);
  assert.deepEqual(await burst(), [`${def.id} ${low + 7}`]);
});
