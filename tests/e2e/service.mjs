// Helpers of the ticket suites (93, 94, 95): Example C's network (seed 000), SLA policies,
// equipment rows and tickets. Not a test file itself.
import assert from 'node:assert/strict';
import { sql, post, put, get, adminWorld, orgUser } from './lib.mjs';

export const ok = (r, status = 201) => {
  assert.equal(r.status, status, r.text);
  return r.json;
};

// Targets in minutes for every severity: critical 60/240, high 120/480, medium 240/1440,
// low 480/2880 unless given.
export const TARGETS = {
  critical: { response_minutes: 60, resolve_minutes: 240 },
  high: { response_minutes: 120, resolve_minutes: 480 },
  medium: { response_minutes: 240, resolve_minutes: 1440 },
  low: { response_minutes: 480, resolve_minutes: 2880 },
};

export const OFFICE = {
  timezone: 'Europe/Skopje',
  hours: { mon: ['08:00', '17:00'], tue: ['08:00', '17:00'], wed: ['08:00', '17:00'], thu: ['08:00', '17:00'], fri: ['08:00', '17:00'] },
  holidays: ['2025-12-25'],
};

// Equipment rows for tests: through SQL, so the suites do not depend on the equipment API.
let eqSeq = 0;
export function equipment(tenantId, { sku = null, owner = null, region = null, status = 'active' } = {}) {
  const n = `${process.pid}${Date.now().toString(36)}${eqSeq++}`;
  const token = `tk${n}`.padEnd(22, 'x').slice(0, 22);
  sql(`INSERT INTO equipment (tenant_id, serial, sku_id, owner_org_id, region, qr_token, status)
       VALUES (${tenantId}, 'SN-${n}', ${sku ?? 'NULL'}, ${owner ?? 'NULL'}, ${region ? `'${region}'` : 'NULL'}, '${token}', '${status}')`);
  return Number(sql(`SELECT id FROM equipment WHERE tenant_id = ${tenantId} AND serial = 'SN-${n}'`));
}

// Example C: M1 (manufacturer), D1 distributor_of M1, DL1 dealer_of D1 holding ACME-SVC,
// hospital H1 owning equipment E-123 of an M1 SKU; flags as given (policies off by default).
export async function exampleC(prefix, flags = {}) {
  const w = await adminWorld(prefix, { org: true, catalog_publishing: true, ...flags });
  const org = async (name, type, extra = {}) => ok(await post('/v1/orgs', { name, type, ...extra }, w.admin));
  w.m1 = await org('M1', 'manufacturer');
  w.d1 = await org('D1', 'distributor', { certifications: ['OTHER'] });
  w.dl1 = await org('DL1', 'dealer', { certifications: ['ACME-SVC'] });
  w.h1 = await org('H1', 'hospital');
  ok(await post(`/v1/orgs/${w.m1.id}/relationships`, { child_org_id: w.d1.id, relation_type: 'distributor_of', active_from: '2020-01-01T00:00:00Z' }, w.admin));
  ok(await post(`/v1/orgs/${w.d1.id}/relationships`, { child_org_id: w.dl1.id, relation_type: 'dealer_of', active_from: '2020-01-01T00:00:00Z' }, w.admin));
  const p = ok(await post('/v1/products', { manufacturer_id: w.m1.id, name: 'Infusion pump' }, w.admin));
  w.sku = ok(await post('/v1/skus', { product_id: p.id, sku_code: 'IP-100' }, w.admin));
  w.e123 = equipment(w.t.id, { sku: w.sku.id, owner: w.h1.id });
  w.flags = async (f) => ok(await put('/v1/settings', { flags: f }, w.admin), 200);
  w.coverage = async (enabled = true) => ok(await put('/v1/policies/service-coverage', {
    enabled, order: ['dealer', 'distributor', 'manufacturer'],
    rules: [{ manufacturer_id: w.m1.id, required_certification: 'ACME-SVC' }],
  }, w.admin), 200);
  w.policy = async (body) => ok(await post('/v1/sla-policies', { severity_targets: TARGETS, calendar: '24x7', ...body }, w.admin));
  w.ticket = async (token, body) => ok(await post('/v1/tickets', { equipment_id: w.e123, severity: 'critical', title: 'Pump alarm', ...body }, token || w.admin));
  w.user = (orgId, role, name) => orgUser(w, orgId, role, `${name}-${process.pid}-${Date.now().toString(36)}@${w.t.slug}.test`);
  w.get = (path, token) => get(path, token || w.admin);
  return w;
}
