// The demo tenant that ./dev up and ./dev test seed: a login per organization type, the
// organization network of seed 000's Example A, two channels and Example B's price books.
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

// Example B's price books (docs/pricing.md) by name: scope, who it prices, its rules as
// [selector, SKU or product name, rule_type, value].
const BOOKS = [
  ['DL1 at the dealer channel', 'org_channel', 'DL1', 'Dealer channel', [['sku', 'S-A1', 'fixed', '950.00']]],
  ['Dealer channel', 'channel', null, 'Dealer channel', [['sku', 'S-B1', 'fixed', '1000.00'], ['sku', 'S-B1', 'discount', '5'], ['sku', 'S-A1', 'fixed', '1000.00']]],
  ['List prices', 'global', null, null, [['product', 'P-A', 'fixed', '1200.00'], ['product', 'P-B', 'fixed', '1100.00']]],
];
const priceCounts = () => {
  const tid = sql("SELECT id FROM tenants WHERE slug = 'demo'");
  return BOOKS.map(([name]) => sql(`SELECT COUNT(*), COALESCE(SUM((SELECT COUNT(*) FROM price_rules r WHERE r.tenant_id = b.tenant_id AND r.price_book_id = b.id)), 0)
    FROM price_books b WHERE b.tenant_id = ${tid} AND b.name = '${name}'`).replace('\t', ' ')).join(' ');
};

test("the demo's price books: Example B, each once, in EUR, with their rules", async () => {
  const token = await demoAdmin();
  const h = { headers: bearer(token) };
  const orgs = Object.fromEntries((await req('GET', '/v1/orgs', h)).json.data.map((o) => [o.name, o.id]));
  const chans = Object.fromEntries((await req('GET', '/v1/channels', h)).json.data.map((c) => [c.name, c.id]));
  const skus = Object.fromEntries((await req('GET', '/v1/skus', h)).json.data.map((s) => [s.sku_code, s]));
  const products = Object.fromEntries((await req('GET', '/v1/products', h)).json.data.map((p) => [p.name, p.id]));
  const target = (selector, name) => String(selector === 'sku' ? skus[name].id : products[name]);
  const books = (await req('GET', '/v1/price-books?limit=200', h)).json.data;
  for (const [name, scope, org, channel, rules] of BOOKS) {
    const b = books.find((x) => x.name === name);
    assert.ok(b, name);
    assert.deepEqual([b.scope_type, b.org_id, b.channel_id, b.currency, b.status, b.owner_org_id, b.rule_count],
      [scope, org ? orgs[org] : null, channel ? chans[channel] : null, 'EUR', 'active', null, rules.length], name);
    const got = (await req('GET', `/v1/price-rules?price_book_id=${b.id}`, h)).json.data;
    assert.deepEqual(got.map((r) => [r.selector, r.selector_value, r.rule_type, r.value, r.min_qty]),
      rules.map(([sel, what, type, value]) => [sel, target(sel, what), type, value, null]), name);
  }
  assert.equal(priceCounts(), '1 1 1 3 1 2');
});

test('`trellis demo seed` run again adds no relationship, channel, price book or rule', async () => {
  const out = cli('demo', 'seed');
  assert.equal(out.status, 0, out.out);
  // the seed gave every demo login a new password: keep the stack's credentials true
  const creds = credentials();
  creds.demo = JSON.parse(out.out);
  writeFileSync(`${VAR}/dev-credentials.json`, `${JSON.stringify(creds)}\n`);
  assert.deepEqual(networkCounts(), [1, 1, 1, 1, 1, 1, 1]);
  assert.equal(priceCounts(), '1 1 1 3 1 2');
  await demoAdmin();
});
