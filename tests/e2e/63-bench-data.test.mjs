// trellis bench-data: a small generated network, checked against the schema and through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, login, bearer, post, sql, cli } from './lib.mjs';

const SLUG = `bd-${process.pid}-${Date.now().toString(36)}`;
const ARGS = ['--tenant', SLUG, '--manufacturers', '2', '--skus-per-manufacturer', '60',
  '--distributors', '3', '--dealers', '17', '--books', '30', '--rules', '500', '--seed', '7'];

function generate(...extra) {
  const r = cli('bench-data', ...ARGS, ...extra);
  assert.equal(r.status, 0, r.out);
  return JSON.parse(r.out);
}

const count = (table, tid, where = '') => Number(sql(`SELECT COUNT(*) FROM ${table} WHERE tenant_id = ${tid} ${where}`));

test('bench-data refuses bad options before touching the database', () => {
  for (const args of [['--dealers', '0'], ['--manufacturers', '101'], ['--skus-per-manufacturer', 'x'],
    ['--seed', '-1'], ['--tenant', 'Bad_Slug'], ['--books', '0'], ['--rules', '1000001'],
    ['--everything']]) {
    const r = cli('bench-data', ...args);
    assert.equal(r.status, 2, `${args}: ${r.out}`);
    assert.match(r.out, /trellis: /);
  }
});

test('bench-data writes a network consistent with the schema, without audit rows', async () => {
  const b = generate();
  const tid = b.tenant_id;
  assert.deepEqual(b.params, { manufacturers: 2, skus_per_manufacturer: 60, distributors: 3, dealers: 17,
    books: 30, rules: 500, seed: 7 });
  assert.equal(sql(`SELECT flags FROM tenants WHERE id = ${tid}`), sql(`SELECT flags FROM tenants WHERE slug = 'demo'`),
    'every flag on, as in the demo tenant');
  assert.equal(count('organizations', tid), b.counts.organizations);
  assert.equal(b.counts.organizations, 2 + 3 + 17);
  assert.equal(count('products', tid), b.counts.products);
  assert.equal(count('skus', tid), 120);
  assert.equal(count('org_relationships', tid), b.counts.relationships);
  assert.equal(count('publications', tid), b.counts.publications);
  assert.equal(count('publication_items', tid), b.counts.publication_items);
  assert.equal(count('audit_log', tid), 0);
  assert.equal(count('outbox_events', tid), 0);

  // price books: 1 global, 9 channel, 10 org_channel and 10 org books for dealers 1..10;
  // the global book prices every product, so every SKU has a price
  assert.equal(count('price_books', tid), b.counts.price_books);
  assert.equal(sql(`SELECT GROUP_CONCAT(CONCAT(scope_type, ':', n) ORDER BY scope_type) FROM (SELECT scope_type,
    COUNT(*) AS n FROM price_books WHERE tenant_id = ${tid} GROUP BY scope_type) x`), 'global:1,org:10,channel:9,org_channel:10');
  assert.equal(count('price_rules', tid), b.counts.price_rules);
  assert.ok(b.counts.price_rules >= 450 && b.counts.price_rules < 530, `${b.counts.price_rules} rules`);
  assert.equal(count('price_books', tid, `AND scope_type IN ('org', 'org_channel') AND org_id <> ${b.dealer_org_id}
    AND org_id NOT IN (SELECT id FROM organizations WHERE tenant_id = ${tid} AND type = 'dealer')`), 0);
  assert.equal(count('price_books', tid, `AND org_id = ${b.dealer_org_id}`), 2, 'the bench dealer has an org and an org_channel book');
  assert.equal(count('price_rules', tid, `AND selector = 'product' AND rule_type = 'fixed'`), b.counts.products);
  assert.equal(count('price_rules', tid, `AND selector = 'sku' AND CAST(selector_value AS UNSIGNED)
    NOT IN (SELECT id FROM skus WHERE tenant_id = ${tid})`), 0, 'every SKU rule names a SKU of the tenant');

  // every publication at version 1, its version row and its live items agreeing
  assert.equal(sql(`SELECT COUNT(*) FROM publications p
    LEFT JOIN publication_versions v ON v.tenant_id = p.tenant_id AND v.publication_id = p.id
      AND v.version = 1 AND v.action = 'publish' AND v.note = 'bench-data' AND v.actor_id IS NOT NULL
      AND v.item_count = p.item_count AND v.added_count = p.item_count AND v.removed_count = 0
    WHERE p.tenant_id = ${tid} AND (p.current_version <> 1 OR v.id IS NULL OR p.item_count = 0
      OR p.item_count <> (SELECT COUNT(*) FROM publication_items i WHERE i.tenant_id = p.tenant_id
        AND i.publication_id = p.id AND i.from_version = 1 AND i.to_version IS NULL))`), '0');
  // a recipient is a child of its publisher; a manufacturer publishes only its own SKUs;
  // a distributor republishes only what reached it
  assert.equal(sql(`SELECT COUNT(*) FROM publications p WHERE p.tenant_id = ${tid}
    AND p.recipient_org_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM org_relationships r
      WHERE r.tenant_id = p.tenant_id AND r.parent_org_id = p.publisher_org_id AND r.child_org_id = p.recipient_org_id)`), '0');
  assert.equal(sql(`SELECT COUNT(*) FROM publication_items i JOIN publications p ON p.id = i.publication_id
    JOIN organizations o ON o.id = p.publisher_org_id JOIN skus s ON s.id = i.sku_id
    WHERE i.tenant_id = ${tid} AND o.type = 'manufacturer' AND s.manufacturer_id <> o.id`), '0');
  assert.equal(sql(`SELECT COUNT(*) FROM publication_items i JOIN publications p ON p.id = i.publication_id
    WHERE i.tenant_id = ${tid} AND p.recipient_org_id IS NULL AND NOT EXISTS (SELECT 1 FROM publications q
      JOIN publication_items j ON j.publication_id = q.id AND j.to_version IS NULL
      WHERE q.tenant_id = p.tenant_id AND q.recipient_org_id = p.publisher_org_id AND j.sku_id = i.sku_id)`), '0');
  // the dealer the bench lists: distributors 1 (preferred) and 2, and manufacturer 1
  const parents = sql(`SELECT o.type, r.preferred FROM org_relationships r JOIN organizations o ON o.id = r.parent_org_id
    WHERE r.tenant_id = ${tid} AND r.child_org_id = ${b.dealer_org_id} ORDER BY o.type, r.preferred`);
  assert.equal(parents, 'manufacturer\t0\ndistributor\t0\ndistributor\t1');

  // the held-back SKUs: the manufacturer's, in none of the publications that reach the distributor
  assert.equal(b.unpublished_sku_ids.length, 30);
  const held = b.unpublished_sku_ids.join(',');
  assert.equal(sql(`SELECT COUNT(*) FROM skus WHERE tenant_id = ${tid} AND manufacturer_id = ${b.manufacturer_org_id} AND id IN (${held})`), '30');
  assert.equal(sql(`SELECT COUNT(*) FROM publication_items i JOIN publications p ON p.id = i.publication_id
    WHERE i.tenant_id = ${tid} AND i.sku_id IN (${held})
      AND (p.recipient_org_id = ${b.distributor_org_id} OR p.publisher_org_id = ${b.distributor_org_id})`), '0');

  // through the API: the dealer's listing, the manufacturer's publish and unlist
  const user = (type) => b.users.find((u) => u.org_type === type);
  const dealer = await login(SLUG, user('dealer').email, user('dealer').password);
  assert.equal(dealer.status, 200, dealer.text);
  const page = await req('GET', `/v1/channels/${b.channel_id}/catalog?org_id=${b.dealer_org_id}&limit=50`,
    { headers: bearer(dealer.json.access_token) });
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.data.length, 50);
  assert.ok(page.json.data.every((i) => i.path.at(-1) === b.dealer_org_id));
  const maker = await login(SLUG, user('manufacturer').email, user('manufacturer').password);
  assert.equal(maker.status, 200, maker.text);
  const body = { publisher_org_id: b.manufacturer_org_id, org_id: b.distributor_org_id,
    items: b.unpublished_sku_ids.map((id) => ({ sku_id: id })) };
  const pub = await post(`/v1/channels/${b.channel_id}/catalog/publish`, body, maker.json.access_token);
  assert.equal(pub.status, 201, pub.text);
  assert.equal(pub.json.version, 2);
  const unl = await post(`/v1/channels/${b.channel_id}/catalog/unlist`, body, maker.json.access_token);
  assert.equal(unl.status, 201, unl.text);
  assert.equal(unl.json.version, 3);
  const admin = await login(SLUG, user(null).email, user(null).password);
  assert.equal(admin.status, 200, admin.text);
});

test('bench-data refuses an existing tenant; --replace makes it again, the same', () => {
  const before = JSON.parse(sql(`SELECT JSON_OBJECT('id', id) FROM tenants WHERE slug = '${SLUG}'`)).id;
  const again = cli('bench-data', ...ARGS);
  assert.equal(again.status, 1);
  assert.match(again.out, /exists.*--replace/);
  const b = generate('--replace');
  assert.notEqual(b.tenant_id, before);
  assert.equal(sql(`SELECT COUNT(*) FROM tenants WHERE id = ${before}`), '0');
  for (const t of ['organizations', 'publications', 'publication_items', 'publication_versions', 'users', 'audit_log',
    'price_books', 'price_rules'])
    assert.equal(count(t, before), 0, t);
  assert.equal(count('publication_items', b.tenant_id), b.counts.publication_items);
  // the same options and seed give the same network
  const shape = (tid) => sql(`SELECT o.name, c.name, r.relation_type, r.preferred FROM org_relationships r
    JOIN organizations o ON o.id = r.parent_org_id JOIN organizations c ON c.id = r.child_org_id
    WHERE r.tenant_id = ${tid} ORDER BY c.name, o.name`);
  const other = JSON.parse(cli('bench-data', ...ARGS.map((a) => (a === SLUG ? `${SLUG}-b` : a))).out);
  assert.equal(shape(other.tenant_id), shape(b.tenant_id));
  assert.deepEqual(other.counts.relationships, b.counts.relationships);
});

test('trellis sql prints a registered statement, and refuses an unknown one', () => {
  const r = cli('sql', 'benchdata.holdback');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^SELECT id FROM skus WHERE tenant_id = \? AND manufacturer_id = \?/);
  assert.equal(cli('sql', 'no.such').status, 1);
});
