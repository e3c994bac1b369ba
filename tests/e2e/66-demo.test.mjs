// The demo tenant that ./dev up and ./dev test seed: a login per organization type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, login, req, bearer } from './lib.mjs';

const TYPES = ['manufacturer', 'distributor', 'dealer', 'supplier', 'service_provider', 'hospital', 'customer'];

test('dev-credentials.json lists a user per organization type and a tenant-wide admin', () => {
  const demo = credentials().demo;
  for (const t of TYPES) assert.ok(demo.some((u) => u.org_type === t), t);
  assert.ok(demo.some((u) => u.org_type === null && u.role === 'tenant_admin'));
});

test('every demo login lands in its organization, with every feature on', async () => {
  for (const u of credentials().demo) {
    const r = await login(u.tenant, u.email, u.password);
    assert.equal(r.status, 200, `${u.email}: ${r.text}`);
    if (u.org_type) assert.deepEqual([r.json.org.type, r.json.org.name, r.json.user.role], [u.org_type, u.org, 'org_admin']);
    else assert.equal(r.json.org, null);
    const me = await req('GET', '/v1/me', { headers: bearer(r.json.access_token) });
    assert.equal(me.json.tenant.slug, 'demo');
  }
});
