// SLA policies and the service coverage policy end to end: the flag, create/read/list/patch
// with ETags, one active policy per organization, field errors, /due in a 24x7 calendar,
// office hours over a weekend and a holiday, across New York's DST change; who may do what,
// audit rows and events, and isolation between tenants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, post, put, get, patch, assertProblem, assertSchema, adminWorld, newTenant, login, RFC3339_MS } from './lib.mjs';
import { exampleC, ok, TARGETS, OFFICE } from './service.mjs';

const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM sla_policies WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM service_coverage_policies WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

const due = async (w, id, severity, opened_at) => ok(await post(`/v1/sla-policies/${id}/due`, { severity, opened_at }, w.admin), 200);

test('service_policies gates the policy endpoints (404 feature_disabled), writing nothing', async () => {
  const w = await adminWorld('slaflag');
  const before = counts(w.t.id);
  const body = { name: 'P', severity_targets: TARGETS, calendar: '24x7' };
  assertProblem(await get('/v1/sla-policies', w.admin), 404, 'feature_disabled');
  assertProblem(await post('/v1/sla-policies', body, w.admin), 404, 'feature_disabled');
  assertProblem(await get('/v1/sla-policies/1', w.admin), 404, 'feature_disabled');
  assertProblem(await patch('/v1/sla-policies/1', { name: 'X' }, w.admin), 404, 'feature_disabled');
  assertProblem(await post('/v1/sla-policies/1/due', { severity: 'high', opened_at: '2025-01-01T00:00:00Z' }, w.admin), 404, 'feature_disabled');
  assertProblem(await get('/v1/policies/service-coverage', w.admin), 404, 'feature_disabled');
  assertProblem(await put('/v1/policies/service-coverage', { enabled: true, order: ['dealer'], rules: [] }, w.admin), 404, 'feature_disabled');
  assert.equal(counts(w.t.id), before);
  ok(await put('/v1/settings', { flags: { service_policies: true } }, w.admin), 200);
  assert.deepEqual((await get('/v1/sla-policies', w.admin)).json, { data: [], next_cursor: null });
});

test('a tenant admin creates, reads, lists and patches SLA policies; ETag, If-Match, audit and events', async () => {
  const w = await exampleC('slacrud', { service_policies: true });
  const c = await post('/v1/sla-policies', { name: 'Default', severity_targets: TARGETS, calendar: '24x7' }, w.admin);
  assert.equal(c.status, 201, c.text);
  await assertSchema('SlaPolicy', c.json);
  assert.deepEqual({ ...c.json, id: 0, created_at: 0, updated_at: 0 },
    { id: 0, name: 'Default', org_id: null, severity_targets: TARGETS, calendar: '24x7', status: 'active', version: 1, created_at: 0, updated_at: 0 });
  assert.match(c.json.created_at, RFC3339_MS);
  assert.equal(c.headers.get('location'), `/v1/sla-policies/${c.json.id}`);
  assert.equal(c.headers.get('etag'), '"1"');
  // the calendar comes back in its canonical form: every day, holidays sorted
  const o = ok(await post('/v1/sla-policies', { name: 'D1 office', org_id: w.d1.id, severity_targets: TARGETS,
    calendar: { ...OFFICE, holidays: ['2026-01-01', '2025-12-25'] } }, w.admin));
  assert.deepEqual(o.calendar, { timezone: 'Europe/Skopje',
    hours: { mon: ['08:00', '17:00'], tue: ['08:00', '17:00'], wed: ['08:00', '17:00'], thu: ['08:00', '17:00'], fri: ['08:00', '17:00'], sat: [], sun: [] },
    holidays: ['2025-12-25', '2026-01-01'] });
  assert.equal(o.org_id, w.d1.id);

  const g = await get(`/v1/sla-policies/${c.json.id}`, w.admin);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, c.json);
  assert.equal(g.headers.get('etag'), '"1"');
  const l = ok(await get('/v1/sla-policies', w.admin), 200);
  assert.deepEqual(l.data.map((p) => p.id), [c.json.id, o.id]);
  for (const p of l.data) await assertSchema('SlaPolicy', p);
  assert.deepEqual((await get(`/v1/sla-policies?org_id=${w.d1.id}`, w.admin)).json.data.map((p) => p.id), [o.id]);
  assert.deepEqual((await get('/v1/sla-policies?limit=1', w.admin)).json.data.length, 1);
  assert.ok((await get('/v1/sla-policies?limit=1', w.admin)).json.next_cursor);

  // one active policy per org and one active default
  const dup = await post('/v1/sla-policies', { name: 'Default 2', severity_targets: TARGETS, calendar: '24x7' }, w.admin);
  assertProblem(dup, 409, 'conflict');
  assert.equal(dup.json.errors[0].field, 'org_id');
  assertProblem(await post('/v1/sla-policies', { name: 'Default', severity_targets: TARGETS, calendar: '24x7', status: 'retired' }, w.admin), 409, 'conflict');
  const spare = ok(await post('/v1/sla-policies', { name: 'Spare', severity_targets: TARGETS, calendar: '24x7', status: 'retired' }, w.admin));
  assertProblem(await patch(`/v1/sla-policies/${spare.id}`, { status: 'active' }, w.admin), 409, 'conflict');

  const before = counts(w.t.id);
  assertProblem(await patch(`/v1/sla-policies/${c.json.id}`, { name: 'Stale' }, w.admin, { 'if-match': '"7"' }), 412, 'precondition_failed');
  assert.equal(counts(w.t.id), before);
  const p = await patch(`/v1/sla-policies/${c.json.id}`, { name: 'Tenant default', status: 'retired' }, w.admin, { 'if-match': '"1"' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.headers.get('etag'), '"2"');
  assert.deepEqual([p.json.name, p.json.status, p.json.version], ['Tenant default', 'retired', 2]);
  // now the spare may be the active default
  ok(await patch(`/v1/sla-policies/${spare.id}`, { status: 'active' }, w.admin), 200);
  const audit = sql(`SELECT action, entity_id FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'sla_policy' ORDER BY seq`).split('\n');
  assert.deepEqual(audit, [`sla_policy.create\t${c.json.id}`, `sla_policy.create\t${o.id}`, `sla_policy.create\t${spare.id}`,
    `sla_policy.update\t${c.json.id}`, `sla_policy.update\t${spare.id}`]);
  const ev = sql(`SELECT event_type FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = 'sla_policy' ORDER BY id`).split('\n');
  assert.deepEqual(ev, ['sla_policy.created', 'sla_policy.created', 'sla_policy.created', 'sla_policy.updated', 'sla_policy.updated']);
  assert.deepEqual(JSON.parse(sql(`SELECT after_json FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'sla_policy' AND entity_id = ${c.json.id} ORDER BY seq DESC LIMIT 1`)).name, 'Tenant default');
});

test('bad SLA policy bodies name each field, and write nothing', async () => {
  const w = await exampleC('slabad', { service_policies: true });
  const before = counts(w.t.id);
  const fields = async (body, status = 400, code = 'validation_failed') => {
    const r = await post('/v1/sla-policies', body, w.admin);
    assertProblem(r, status, code);
    return r.json.errors.map((e) => e.field).sort();
  };
  assert.deepEqual(await fields({}), ['calendar', 'name', 'severity_targets']);
  assert.deepEqual(await fields({ name: 'x', severity_targets: { ...TARGETS, urgent: TARGETS.high }, calendar: '24x7' }), ['severity_targets.urgent']);
  const { low, ...three } = TARGETS;
  assert.ok(low);
  assert.deepEqual(await fields({ name: 'x', severity_targets: three, calendar: '24x7' }), ['severity_targets.low']);
  assert.deepEqual(await fields({ name: 'x', severity_targets: { ...TARGETS, high: { response_minutes: 0, resolve_minutes: 1.5 } }, calendar: '24x7' }),
    ['severity_targets.high.resolve_minutes', 'severity_targets.high.response_minutes']);
  assert.deepEqual(await fields({ name: 'x', severity_targets: { ...TARGETS, high: { response_minutes: 90, resolve_minutes: 60 } }, calendar: '24x7' }),
    ['severity_targets.high.resolve_minutes']);
  assert.deepEqual(await fields({ name: 'x', severity_targets: TARGETS, calendar: '9x5' }), ['calendar']);
  assert.deepEqual(await fields({ name: 'x', severity_targets: TARGETS, calendar: { ...OFFICE, timezone: 'Mars/Base' } }), ['calendar.timezone']);
  assert.deepEqual(await fields({ name: 'x', severity_targets: TARGETS, calendar: { ...OFFICE, hours: { mon: ['08:00', '25:00'] } } }), ['calendar.hours.mon[1]']);
  assert.deepEqual(await fields({ name: ' ', severity_targets: TARGETS, calendar: '24x7', status: 'gone', org_id: 0, colour: 1 }), ['colour', 'name', 'org_id', 'status']);
  assert.deepEqual(await fields({ name: 'x', org_id: 999999, severity_targets: TARGETS, calendar: '24x7' }, 422, 'unprocessable'), ['org_id']);
  const p = await w.policy({ name: 'Good' });
  const r = await patch(`/v1/sla-policies/${p.id}`, {}, w.admin);
  assertProblem(r, 400, 'validation_failed');
  assertProblem(await patch(`/v1/sla-policies/${p.id}`, { org_id: w.d1.id }, w.admin), 400, 'validation_failed');
  const d = await post(`/v1/sla-policies/${p.id}/due`, { severity: 'urgent', opened_at: 'yesterday' }, w.admin);
  assertProblem(d, 400, 'validation_failed');
  assert.deepEqual(d.json.errors.map((e) => e.field).sort(), ['opened_at', 'severity']);
  assertProblem(await post('/v1/sla-policies/999999/due', { severity: 'high', opened_at: '2025-01-01T00:00:00Z' }, w.admin), 404, 'not_found');
  assertProblem(await get('/v1/sla-policies/abc', w.admin), 404, 'not_found');
  assertProblem(await get('/v1/sla-policies?status=gone', w.admin), 400, 'validation_failed');
  const after = counts(w.t.id).split('\t');
  assert.deepEqual([Number(after[0]), Number(after[2])], [Number(before.split('\t')[0]) + 1, Number(before.split('\t')[2]) + 1]);
});

test('/due answers in business time: 24x7, office hours over a weekend and a holiday, New York across DST', async () => {
  const w = await exampleC('sladue', { service_policies: true });
  const always = await w.policy({ name: 'Always' });
  const office = await w.policy({ name: 'Office', org_id: w.d1.id, calendar: OFFICE });
  const ny = await w.policy({ name: 'NY', org_id: w.dl1.id, calendar: { timezone: 'America/New_York',
    hours: { mon: ['09:00', '17:00'], tue: ['09:00', '17:00'], wed: ['09:00', '17:00'], thu: ['09:00', '17:00'], fri: ['09:00', '17:00'] } } });
  const r = await due(w, always.id, 'critical', '2025-11-14T15:30:00Z');
  await assertSchema('SlaDue', r);
  assert.deepEqual(r, { response_due_at: '2025-11-14T16:30:00.000Z', resolve_due_at: '2025-11-14T19:30:00.000Z' });
  assert.deepEqual(await due(w, always.id, 'low', '2025-11-14T15:30:00+02:00'), { response_due_at: '2025-11-14T21:30:00.000Z', resolve_due_at: '2025-11-16T13:30:00.000Z' });
  // Friday 16:30 in Skopje (CET): half an hour on Friday, the rest on Monday
  assert.deepEqual(await due(w, office.id, 'critical', '2025-11-14T15:30:00Z'), { response_due_at: '2025-11-17T07:30:00.000Z', resolve_due_at: '2025-11-17T10:30:00.000Z' });
  // opened on a Saturday: the clock starts on Monday at 08:00
  assert.deepEqual(await due(w, office.id, 'critical', '2025-11-15T10:00:00Z'), { response_due_at: '2025-11-17T08:00:00.000Z', resolve_due_at: '2025-11-17T11:00:00.000Z' });
  // Wednesday 16:30 before Christmas (a holiday): Friday morning
  assert.deepEqual(await due(w, office.id, 'critical', '2025-12-24T15:30:00Z'), { response_due_at: '2025-12-26T07:30:00.000Z', resolve_due_at: '2025-12-26T10:30:00.000Z' });
  // Friday 16:30 EST; Monday is after the spring change (EDT, UTC-4)
  assert.deepEqual(await due(w, ny.id, 'critical', '2025-03-07T21:30:00Z'), { response_due_at: '2025-03-10T13:30:00.000Z', resolve_due_at: '2025-03-10T16:30:00.000Z' });
});

test('who may manage SLA policies: org-scoped users keep to their own organization; another tenant sees nothing', async () => {
  const w = await exampleC('slarbac', { service_policies: true });
  const def = await w.policy({ name: 'Default' });
  const dl1pol = await w.policy({ name: 'DL1', org_id: w.dl1.id });
  const d1admin = await w.user(w.d1.id, 'org_admin', 'd1admin');
  const viewer = await w.user(w.d1.id, 'viewer', 'd1viewer');
  // its own organization's, org_id left out or named
  const own = await post('/v1/sla-policies', { name: 'D1', severity_targets: TARGETS, calendar: '24x7' }, d1admin.token);
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.org_id, w.d1.id);
  assertProblem(await post('/v1/sla-policies', { name: 'X', org_id: w.dl1.id, severity_targets: TARGETS, calendar: '24x7' }, d1admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/sla-policies', { name: 'X', org_id: null, severity_targets: TARGETS, calendar: '24x7' }, d1admin.token), 403, 'forbidden');
  assertProblem(await post('/v1/sla-policies', { name: 'X', severity_targets: TARGETS, calendar: '24x7' }, viewer.token), 403, 'forbidden');
  // it sees the default and its own, not DL1's
  assert.deepEqual((await get('/v1/sla-policies', d1admin.token)).json.data.map((p) => p.id), [def.id, own.json.id]);
  assertProblem(await get(`/v1/sla-policies/${dl1pol.id}`, d1admin.token), 404, 'not_found');
  assertProblem(await post(`/v1/sla-policies/${dl1pol.id}/due`, { severity: 'low', opened_at: '2025-01-01T00:00:00Z' }, d1admin.token), 404, 'not_found');
  assert.equal((await get(`/v1/sla-policies/${def.id}`, viewer.token)).status, 200);
  assertProblem(await patch(`/v1/sla-policies/${def.id}`, { name: 'Mine' }, d1admin.token), 403, 'forbidden');
  assert.equal((await patch(`/v1/sla-policies/${own.json.id}`, { name: 'D1 24x7' }, d1admin.token)).status, 200);
  assertProblem(await patch(`/v1/sla-policies/${own.json.id}`, { name: 'V' }, viewer.token), 403, 'forbidden');
  // another tenant
  const t2 = await newTenant('slaother');
  const other = (await login(t2.slug, t2.admin.email, t2.admin.password)).json.access_token;
  ok(await put('/v1/settings', { flags: { service_policies: true } }, other), 200);
  assert.deepEqual((await get('/v1/sla-policies', other)).json.data, []);
  assertProblem(await get(`/v1/sla-policies/${def.id}`, other), 404, 'not_found');
  assertProblem(await patch(`/v1/sla-policies/${def.id}`, { name: 'Theirs' }, other), 404, 'not_found');
  assertProblem(await post(`/v1/sla-policies/${def.id}/due`, { severity: 'low', opened_at: '2025-01-01T00:00:00Z' }, other), 404, 'not_found');
});

test('the coverage policy: the default, PUT with If-Match, manufacturers checked, audit and event, access, isolation', async () => {
  const w = await exampleC('covpol', { service_policies: true });
  const g = await get('/v1/policies/service-coverage', w.admin);
  assert.equal(g.status, 200, g.text);
  await assertSchema('CoveragePolicy', g.json);
  assert.deepEqual(g.json, { enabled: false, order: ['dealer', 'distributor', 'manufacturer'], rules: [], match_region: false, version: 0, updated_at: null });
  assert.equal(g.headers.get('etag'), '"0"');
  const before = counts(w.t.id);
  const bad = await put('/v1/policies/service-coverage', { enabled: 'yes', order: ['dealer', 'dealer', 'hospital'], rules: [{ manufacturer_id: 0 }], extra: 1 }, w.admin);
  assertProblem(bad, 400, 'validation_failed');
  assert.ok(bad.json.errors.length >= 3, bad.text);
  const notMaker = await put('/v1/policies/service-coverage', { enabled: true, order: ['dealer'], rules: [{ manufacturer_id: w.d1.id, required_certification: 'X' }] }, w.admin);
  assertProblem(notMaker, 422, 'unprocessable');
  assert.deepEqual(notMaker.json.errors.map((e) => e.field), ['rules[0].manufacturer_id']);
  assert.equal(counts(w.t.id), before);
  const p = await put('/v1/policies/service-coverage', { enabled: true, order: ['dealer', 'distributor', 'manufacturer'],
    rules: [{ manufacturer_id: w.m1.id, required_certification: 'ACME-SVC' }] }, w.admin, { 'if-match': '"0"' });
  assert.equal(p.status, 200, p.text);
  await assertSchema('CoveragePolicy', p.json);
  assert.deepEqual([p.json.enabled, p.json.version, p.json.match_region], [true, 1, false]);
  assert.equal(p.headers.get('etag'), '"1"');
  assertProblem(await put('/v1/policies/service-coverage', { enabled: false, order: ['dealer'], rules: [] }, w.admin, { 'if-match': '"0"' }), 412, 'precondition_failed');
  const q = ok(await put('/v1/policies/service-coverage', { enabled: false, order: ['manufacturer'], rules: [], match_region: true }, w.admin, { 'if-match': '"1"' }), 200);
  assert.deepEqual([q.enabled, q.order, q.match_region, q.version], [false, ['manufacturer'], true, 2]);
  assert.deepEqual((await get('/v1/policies/service-coverage', w.admin)).json, q);
  const audit = sql(`SELECT action, before_json IS NULL FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'service_coverage_policy' ORDER BY seq`).split('\n');
  assert.deepEqual(audit, ['service_coverage_policy.update\t1', 'service_coverage_policy.update\t0']);
  assert.equal(sql(`SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id} AND event_type = 'service_coverage_policy.updated'`), '2');
  // org users read it (org_admin) or not at all (viewer has no row); only tenant admins change it
  const d1admin = await w.user(w.d1.id, 'org_admin', 'covd1');
  const viewer = await w.user(w.d1.id, 'viewer', 'covview');
  assert.equal((await get('/v1/policies/service-coverage', d1admin.token)).status, 200);
  assertProblem(await put('/v1/policies/service-coverage', { enabled: true, order: ['dealer'], rules: [] }, d1admin.token), 403, 'forbidden');
  assertProblem(await get('/v1/policies/service-coverage', viewer.token), 403, 'forbidden');
  // another tenant has its own (the default)
  const t2 = await newTenant('covother');
  const other = (await login(t2.slug, t2.admin.email, t2.admin.password)).json.access_token;
  ok(await put('/v1/settings', { flags: { service_policies: true } }, other), 200);
  assert.equal((await get('/v1/policies/service-coverage', other)).json.version, 0);
});
