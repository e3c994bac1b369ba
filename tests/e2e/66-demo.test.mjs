// The demo tenant that ./dev up and ./dev test seed: a login per organization type, the
// organization network of seed 000's Example A and two channels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { credentials, login, req, bearer, sql, cli, VAR } from './lib.mjs';

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

// The demo network by name: [parent, child, relation_type] and the channels with who runs them.
const NETWORK = [
  ['ACME', 'D1', 'distributor_of'],
  ['D1', 'DL1', 'dealer_of'],
  ['BioMed', 'DL1', 'dealer_of'],
  ['ACME', 'PartsCo', 'supplier_of'],
  ['DL1', 'ServiceCo', 'partner_of'],
];
const CHANNELS = [['Distributor channel', 'distributor', 'ACME'], ['Dealer channel', 'dealer', null]];

async function demoAdmin() {
  const u = credentials().demo.find((d) => d.org_type === null);
  const r = await login(u.tenant, u.email, u.password);
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}

// Each live relationship and channel of the demo network, counted in the database.
function networkCounts() {
  const tid = sql("SELECT id FROM tenants WHERE slug = 'demo'");
  const rels = NETWORK.map(([p, c, type]) => sql(`SELECT COUNT(*) FROM org_relationships r
    JOIN organizations p ON p.tenant_id = r.tenant_id AND p.id = r.parent_org_id
    JOIN organizations c ON c.tenant_id = r.tenant_id AND c.id = r.child_org_id
    WHERE r.tenant_id = ${tid} AND p.name = '${p}' AND c.name = '${c}' AND r.relation_type = '${type}'
    AND (r.active_to IS NULL OR r.active_to > NOW(3))`));
  const chans = CHANNELS.map(([name]) => sql(`SELECT COUNT(*) FROM channels WHERE tenant_id = ${tid} AND name = '${name}'`));
  return [...rels, ...chans].map(Number);
}

test("the demo network: Example A's relationships, the rest of the network and two channels, once each", async () => {
  const token = await demoAdmin();
  const h = { headers: bearer(token) };
  const orgs = (await req('GET', '/v1/orgs', h)).json.data;
  const byName = Object.fromEntries(orgs.map((o) => [o.name, o]));
  const name = Object.fromEntries(orgs.map((o) => [o.id, o.name]));
  for (const [p, c, type] of NETWORK) {
    const r = await req('GET', `/v1/orgs/${byName[c].id}/relationships?side=parents&active=true&relation_type=${type}`, h);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.filter((x) => name[x.parent_org_id] === p).length, 1, `${c} ${type} ${p}`);
  }
  // DL1 is multi-brand: two active catalog parents
  const dl1 = await req('GET', `/v1/orgs/${byName.DL1.id}/relationships?side=parents&active=true`, h);
  assert.deepEqual(dl1.json.data.map((x) => x.parent.name).sort(), ['BioMed', 'D1']);
  const chans = (await req('GET', '/v1/channels', h)).json.data;
  for (const [n, type, runBy] of CHANNELS) {
    const c = chans.find((x) => x.name === n);
    assert.ok(c, n);
    assert.deepEqual([c.type, c.org_id, c.status], [type, runBy ? byName[runBy].id : null, 'active']);
  }
  assert.deepEqual(networkCounts(), [1, 1, 1, 1, 1, 1, 1]);
});

test('`trellis demo seed` run again adds no relationship or channel', async () => {
  const out = cli('demo', 'seed');
  assert.equal(out.status, 0, out.out);
  // the seed gave every demo login a new password: keep the stack's credentials true
  const creds = credentials();
  creds.demo = JSON.parse(out.out);
  writeFileSync(`${VAR}/dev-credentials.json`, `${JSON.stringify(creds)}\n`);
  assert.deepEqual(networkCounts(), [1, 1, 1, 1, 1, 1, 1]);
  await demoAdmin();
});
