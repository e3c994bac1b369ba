// trellis bench-data: a small generated network, checked against the schema and through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, login, bearer, post, get, sql, cli } from './lib.mjs';

const SLUG = `bd-${process.pid}-${Date.now().toString(36)}`;
const ARGS = ['--tenant', SLUG, '--manufacturers', '2', '--skus-per-manufacturer', '60',
  '--distributors', '3', '--dealers', '17', '--books', '30', '--rules', '500', '--hospitals', '8',
  '--equipment', '300', '--tickets', '2000', '--seed', '7'];

function generate(...extra) {
  const r = cli('bench-data', ...ARGS, ...extra);
  assert.equal(r.status, 0, r.out);
  return JSON.parse(r.out);
}

const count = (table, tid, where = '') => Number(sql(`SELECT COUNT(*) FROM ${table} WHERE tenant_id = ${tid} ${where}`));

test('bench-data refuses bad options before touching the database', () => {
  for (const args of [['--dealers', '0'], ['--manufacturers', '101'], ['--skus-per-manufacturer', 'x'],
    ['--seed', '-1'], ['--tenant', 'Bad_Slug'], ['--books', '0'], ['--rules', '1000001'],
    ['--hospitals', '0'], ['--equipment', '2000001'], ['--tickets', '5000001'],
    ['--tickets', '10', '--equipment', '0'], ['--tickets', 'many'], ['--everything']]) {
    const r = cli('bench-data', ...args);
    assert.equal(r.status, 2, `${args}: ${r.out}`);
    assert.match(r.out, /trellis: /);
  }
});

test('bench-data writes a network consistent with the schema, without audit rows', async () => {
  const b = generate();
  const tid = b.tenant_id;
  assert.deepEqual(b.params, { manufacturers: 2, skus_per_manufacturer: 60, distributors: 3, dealers: 17,
    books: 30, rules: 500, hospitals: 8, equipment: 300, tickets: 2000, seed: 7 });
  assert.equal(sql(`SELECT flags FROM tenants WHERE id = ${tid}`), sql(`SELECT flags FROM tenants WHERE slug = 'demo'`),
    'every flag on, as in the demo tenant');
  assert.equal(count('organizations', tid), b.counts.organizations);
  assert.equal(b.counts.organizations, 2 + 3 + 17 + 8);
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

test('bench-data: hospitals, equipment and two years of tickets with their history', async () => {
  const slug = `${SLUG}-s`;
  const r = cli('bench-data', ...ARGS.map((a) => (a === SLUG ? slug : a)));
  assert.equal(r.status, 0, r.out);
  const b = JSON.parse(r.out), s = b.service, tid = b.tenant_id;
  const one = (q) => sql(q.replaceAll('$T', String(tid)));
  assert.equal(s.hospitals, 8);
  assert.equal(count('organizations', tid, `AND type = 'hospital'`), 8);
  // each hospital a partner of one dealer: the first of them of dealer 1
  assert.equal(one(`SELECT COUNT(*) FROM org_relationships r JOIN organizations h ON h.id = r.child_org_id
    JOIN organizations d ON d.id = r.parent_org_id WHERE r.tenant_id = $T AND r.relation_type = 'partner_of'
    AND h.type = 'hospital' AND d.type = 'dealer'`), '8');
  assert.equal(one(`SELECT parent_org_id FROM org_relationships WHERE tenant_id = $T AND child_org_id = ${s.hospital_org_id}`),
    String(b.dealer_org_id));
  // equipment: every piece a hospital's, of a SKU of the tenant, with a token of its own
  assert.equal(count('equipment', tid), 300);
  assert.equal(s.equipment, 300);
  assert.equal(one(`SELECT COUNT(*) FROM equipment e JOIN organizations o ON o.id = e.owner_org_id
    JOIN skus k ON k.tenant_id = e.tenant_id AND k.id = e.sku_id WHERE e.tenant_id = $T AND o.type = 'hospital'
    AND e.qr_token REGEXP '^[A-Za-z0-9_-]{22}$' AND e.warranty_end > e.install_date`), '300');
  assert.equal(one(`SELECT COUNT(DISTINCT qr_token) FROM equipment WHERE tenant_id = $T`), '300');
  // tickets: two years, ids in time order, most closed, some moving, the breached ones exactly
  assert.equal(count('tickets', tid), 2000);
  assert.equal(s.tickets, 2000);
  assert.equal(one(`SELECT COUNT(*) FROM tickets a JOIN tickets n ON n.tenant_id = a.tenant_id AND n.id = a.id + 1
    WHERE a.tenant_id = $T AND n.created_at < a.created_at`), '0', 'ids in time order');
  assert.equal(one(`SELECT DATEDIFF(MAX(created_at), MIN(created_at)) BETWEEN 725 AND 730 FROM tickets WHERE tenant_id = $T`), '1');
  const byStatus = Object.fromEntries(one(`SELECT status, COUNT(*) FROM tickets WHERE tenant_id = $T GROUP BY status`)
    .split('\n').map((l) => l.split('\t')).map(([k, v]) => [k, Number(v)]));
  assert.ok(byStatus.closed > 1800, JSON.stringify(byStatus));
  for (const st of ['open', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved'])
    assert.ok(byStatus[st] > 0, `${st}: ${JSON.stringify(byStatus)}`);
  assert.equal(s.open_tickets, 2000 - byStatus.closed - byStatus.resolved);
  assert.equal(s.breached_tickets, 20, '2000 tickets: the newest 60 move, every third of them breached');
  // consistent times: responded before resolved before closed, every ticket a responsible org and a policy
  assert.equal(one(`SELECT COUNT(*) FROM tickets WHERE tenant_id = $T AND (responded_at < created_at
    OR resolved_at < responded_at OR closed_at < resolved_at OR (status = 'closed') <> (closed_at IS NOT NULL)
    OR (status IN ('resolved', 'closed')) <> (resolved_at IS NOT NULL) OR (status = 'open') <> (responded_at IS NULL)
    OR responsible_org_id IS NULL OR sla_policy_id <> ${s.sla_policy_id} OR resolve_due_at < response_due_at)`), '0');
  // the provenance's chain starts at the dealer, goes up a distributor to the SKU's manufacturer
  assert.equal(one(`SELECT COUNT(*) FROM tickets t JOIN equipment e ON e.id = t.equipment_id
    JOIN skus k ON k.id = e.sku_id WHERE t.tenant_id = $T AND (JSON_LENGTH(t.policy_provenance, '$.chain') <> 3
    OR JSON_VALUE(t.policy_provenance, '$.chain[2]') <> k.manufacturer_id
    OR JSON_VALUE(t.policy_provenance, '$.owner_org_id') <> e.owner_org_id
    OR t.responsible_org_id <> JSON_VALUE(t.policy_provenance, IF(t.escalation_level = 1, '$.chain[1]', '$.chain[0]')))`), '0');
  // history: opened at created_at, one event per step, the last one the ticket's status
  assert.equal(count('ticket_events', tid), s.ticket_events);
  assert.equal(one(`SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = $T AND (
    (SELECT COUNT(*) FROM ticket_events v WHERE v.tenant_id = t.tenant_id AND v.ticket_id = t.id AND v.from_status IS NULL
      AND v.to_status = 'open' AND v.at = t.created_at) <> 1
    OR (SELECT v.to_status FROM ticket_events v WHERE v.tenant_id = t.tenant_id AND v.ticket_id = t.id
      ORDER BY v.at DESC, v.id DESC LIMIT 1) <> t.status)`), '0');
  assert.equal(one(`SELECT COUNT(*) FROM ticket_events WHERE tenant_id = $T AND to_status = 'closed'`), String(byStatus.closed));
  // escalations: one per escalated ticket, from the dealer to the distributor, after the resolve target
  assert.equal(count('ticket_escalations', tid), s.escalations);
  assert.ok(s.escalations > 0);
  assert.equal(one(`SELECT COUNT(*) FROM ticket_escalations x JOIN tickets t ON t.id = x.ticket_id
    WHERE x.tenant_id = $T AND x.level = 1 AND t.escalation_level = 1 AND x.to_org_id = t.responsible_org_id
    AND x.at > x.due_at AND t.resolved_at > t.resolve_due_at`), String(s.escalations));
  assert.equal(count('audit_log', tid), 0);
  assert.equal(count('outbox_events', tid), 0);
  // the KPI rollups (docs/kpis.md) filled slice by slice as stats_rebuild() fills them at once
  const rollups = () => ['stats_tickets_daily', 'stats_tickets_monthly', 'stats_equipment_region',
    'stats_equipment_warranty', 'stats_equipment_sku'].map((t) => one(`SELECT * FROM ${t} WHERE tenant_id = $T ORDER BY 1, 2, 3, 4, 5, 6`));
  const loaded = rollups();
  assert.ok(loaded.every((rows) => rows.length > 0));
  one('CALL stats_rebuild($T)');
  assert.deepEqual(rollups(), loaded);
  assert.equal(one(`SELECT SUM(tickets) FROM stats_tickets_daily WHERE tenant_id = $T AND scope = 'all'`), '2000');
  assert.equal(one(`SELECT SUM(tickets) FROM stats_tickets_daily WHERE tenant_id = $T AND scope = 'resp'
    AND org_id = ${b.dealer_org_id}`), one(`SELECT COUNT(*) FROM tickets WHERE tenant_id = $T
    AND responsible_org_id = ${b.dealer_org_id}`));
  assert.equal(one(`SELECT SUM(equipment) FROM stats_equipment_region WHERE tenant_id = $T AND scope = 'all'`), '300');

  // through the API: a dealer's open tickets are its own; a hospital opens one, the coverage
  // walk takes its partner dealer; the sweep escalates exactly the breached ones, once
  const user = (type) => b.users.find((u) => u.org_type === type);
  const dealer = await login(slug, user('dealer').email, user('dealer').password);
  assert.equal(dealer.status, 200, dealer.text);
  const open = await get('/v1/tickets?status=open&limit=200', dealer.json.access_token);
  assert.equal(open.status, 200, open.text);
  assert.ok(open.json.data.length > 0);
  assert.ok(open.json.data.every((t) => t.responsible_org_id === b.dealer_org_id && t.status === 'open'));
  const hospital = await login(slug, user('hospital').email, user('hospital').password);
  assert.equal(hospital.status, 200, hospital.text);
  const eq = one(`SELECT e.id FROM equipment e JOIN skus k ON k.id = e.sku_id WHERE e.tenant_id = $T
    AND e.owner_org_id = ${s.hospital_org_id} AND e.status = 'active' AND k.manufacturer_id = ${b.manufacturer_org_id}
    ORDER BY e.id LIMIT 1`);
  const made = await post('/v1/tickets', { equipment_id: Number(eq), severity: 'high', title: 'Bench check' },
    hospital.json.access_token);
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.responsible_org_id, b.dealer_org_id);
  assert.equal(made.json.sla_policy_id, s.sla_policy_id);
  assert.ok(made.json.response_due_at && made.json.resolve_due_at);
  assert.equal(one(`SELECT SUM(tickets) FROM stats_tickets_daily WHERE tenant_id = $T AND scope = 'all'`), '2001');
  const sweep = cli('sla-sweep', '--tenant', slug);
  assert.equal(sweep.status, 0, sweep.out);
  assert.match(sweep.out, new RegExp(`sla-sweep: ${s.breached_tickets} breached, ${s.breached_tickets} escalated, 0 recorded`));
  assert.match(cli('sla-sweep', '--tenant', slug).out, /sla-sweep: 0 breached/);
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
    'price_books', 'price_rules', 'equipment', 'tickets', 'ticket_events', 'ticket_escalations', 'sla_policies',
    'service_coverage_policies'])
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
