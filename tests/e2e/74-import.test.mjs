// The CSV SKU import end to end: upserts and their report, a second run changing nothing,
// bad rows skipped (default), all or nothing (atomic), dry runs, the header and body checks,
// the limits, roles and organizations, tenant isolation, and the audit rows and events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import { req, bearer, sql, cli, assertProblem, post, orgUser, adminWorld } from './lib.mjs';

const get = (path, token) => req('GET', path, { headers: bearer(token) });
const csv = (body, token, query = '', type = 'text/csv', extra = {}) =>
  req('POST', `/v1/imports/skus${query}`, { body, headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}), ...extra } });

let ajv;
async function assertSchema(name, body) {
  if (!ajv) {
    const doc = (await req('GET', '/v1/openapi.json')).json;
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema(doc, 'openapi');
  }
  const v = ajv.getSchema(`openapi#/components/schemas/${name}`) || ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
  assert.ok(v(body), `${name}: ${JSON.stringify(v.errors)} in ${JSON.stringify(body).slice(0, 400)}`);
}

// Everything an import may write: products, SKUs, their versions, audit rows and events.
const state = (tid) => sql(`SELECT (SELECT COUNT(*) FROM products WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM skus WHERE tenant_id = ${tid}), (SELECT COALESCE(SUM(version), 0) FROM products WHERE tenant_id = ${tid}),
  (SELECT COALESCE(SUM(version), 0) FROM skus WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

const world = (prefix = 'imp') => adminWorld(prefix, { org: true, catalog_publishing: true });
async function org(w, name, type) {
  const r = await post('/v1/orgs', { name, type }, w.admin);
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const statuses = (report) => report.rows.map((x) => x.status);

test('an import creates products and SKUs, reports each row, and a second run of the same file changes nothing', async () => {
  const w = await world();
  const acme = await org(w, 'ACME Medical', 'manufacturer');
  const bio = await org(w, 'BioMed', 'manufacturer');
  const existing = await post('/v1/products', { manufacturer_id: bio.id, name: 'Syringe Pump', category: 'Pumps' }, w.admin);
  const file = [
    'product,manufacturer,sku_code,category,color,voltage',
    'Infusion Pump IP-200,ACME Medical,S-A1,Pumps,blue,230V',
    'Infusion Pump IP-200,acme medical,S-A2,Pumps,,110V',
    `Monitor M-1,${acme.id},S-M1,,"grey, dark",`,
    'syringe pump,BioMed,S-B1,Pumps,"say ""hi""",',
  ].join('\r\n') + '\r\n';
  const before = state(w.t.id);
  const r = await csv(file, w.admin);
  assert.equal(r.status, 201, r.text);
  await assertSchema('ImportReport', r.json);
  assert.deepEqual([r.json.dry_run, r.json.atomic], [false, false]);
  assert.deepEqual(r.json.summary, { created: 4, updated: 0, unchanged: 0, errors: 0 });
  assert.deepEqual(r.json.rows.map((x) => [x.row, x.sku_code, x.status]), [[1, 'S-A1', 'created'], [2, 'S-A2', 'created'], [3, 'S-M1', 'created'], [4, 'S-B1', 'created']]);

  const skus = (await get('/v1/skus?limit=200', w.admin)).json.data;
  const byCode = Object.fromEntries(skus.map((s) => [s.sku_code, s]));
  assert.deepEqual(r.json.rows.map((x) => x.sku_id), ['S-A1', 'S-A2', 'S-M1', 'S-B1'].map((c) => byCode[c].id));
  assert.deepEqual(byCode['S-A1'].attrs, { color: 'blue', voltage: '230V' });
  assert.deepEqual(byCode['S-A2'].attrs, { voltage: '110V' }, 'an empty cell is no attribute');
  assert.deepEqual(byCode['S-M1'].attrs, { color: 'grey, dark' });
  assert.deepEqual(byCode['S-B1'].attrs, { color: 'say "hi"' });
  assert.equal(byCode['S-A1'].product_id, byCode['S-A2'].product_id, 'one product for both rows');
  assert.equal(byCode['S-B1'].product_id, existing.json.id, 'found by (manufacturer, name) without regard to case');
  assert.deepEqual([byCode['S-A1'].manufacturer_id, byCode['S-M1'].manufacturer_id, byCode['S-B1'].manufacturer_id], [acme.id, acme.id, bio.id]);
  const products = (await get(`/v1/products?manufacturer_id=${acme.id}`, w.admin)).json.data;
  assert.deepEqual(products.map((p) => [p.name, p.category, p.lifecycle_status]), [['Infusion Pump IP-200', 'Pumps', 'active'], ['Monitor M-1', null, 'active']]);

  // one audit row and one event per product and SKU created, in the import's request
  const rid = r.headers.get('x-request-id');
  const actions = sql(`SELECT action, COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id} AND request_id = '${rid}' GROUP BY action ORDER BY action`);
  assert.equal(actions, 'product.create\t2\nsku.create\t4');
  const events = sql(`SELECT event_type, COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id} AND request_id = '${rid}' GROUP BY event_type ORDER BY event_type`);
  assert.equal(events, 'catalog.product_created\t2\ncatalog.sku_created\t4');
  const logged = JSON.parse(sql(`SELECT after_json FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'sku' AND entity_id = ${byCode['S-A1'].id}`));
  assert.deepEqual(logged, byCode['S-A1']);
  assert.notEqual(state(w.t.id), before);

  // the same file again: every row unchanged, nothing written at all
  const after = state(w.t.id);
  const again = await csv(file, w.admin);
  assert.equal(again.status, 201, again.text);
  assert.deepEqual(again.json.summary, { created: 0, updated: 0, unchanged: 4, errors: 0 });
  assert.deepEqual(again.json.rows.map((x) => x.sku_id), r.json.rows.map((x) => x.sku_id));
  assert.equal(state(w.t.id), after, 'no row, version, audit row or event');
  // so is a file that differs only in the order of its columns and the case of a code
  const shuffled = ['voltage,sku_code,manufacturer,color,product,category', '230V,s-a1,ACME Medical,blue,Infusion Pump IP-200,Pumps'].join('\n');
  const third = await csv(shuffled, w.admin);
  assert.deepEqual(third.json.summary, { created: 0, updated: 0, unchanged: 1, errors: 0 });
  assert.equal(state(w.t.id), after);
  const v = cli('audit', 'verify', '--tenant', w.t.slug);
  assert.equal(v.status, 0, v.out);
});

test('changed rows update: attributes replaced whole, a SKU moved to another product, a product\'s category', async () => {
  const w = await world();
  await org(w, 'ACME', 'manufacturer');
  const first = await csv('product,manufacturer,sku_code,category,color,size\nPump,ACME,S-1,Pumps,red,L\nPump,ACME,S-2,Pumps,red,\nOther,ACME,S-3,,,\n', w.admin);
  assert.equal(first.status, 201, first.text);
  const ids = first.json.rows.map((x) => x.sku_id);
  const before = state(w.t.id);
  const second = await csv('product,manufacturer,sku_code,category,color,size\nPump,ACME,S-1,Pumps,red,\nPump 2,ACME,S-2,Pumps,red,\nOther,ACME,S-3,Misc,,\n', w.admin);
  assert.equal(second.status, 201, second.text);
  assert.deepEqual(statuses(second.json), ['updated', 'updated', 'updated']);
  assert.deepEqual(second.json.summary, { created: 0, updated: 3, unchanged: 0, errors: 0 });
  const s1 = (await get(`/v1/skus/${ids[0]}`, w.admin)).json;
  assert.deepEqual([s1.attrs, s1.version], [{ color: 'red' }, 2]);
  const s2 = (await get(`/v1/skus/${ids[1]}`, w.admin)).json;
  const pump2 = (await get('/v1/products?q=Pump%202', w.admin)).json.data[0];
  assert.deepEqual([s2.product_id, s2.version], [pump2.id, 2]);
  const s3 = (await get(`/v1/skus/${ids[2]}`, w.admin)).json;
  assert.equal(s3.version, 1, 'the SKU itself did not change');
  const other = (await get(`/v1/products/${s3.product_id}`, w.admin)).json;
  assert.deepEqual([other.category, other.version], ['Misc', 2]);
  const rid = second.headers.get('x-request-id');
  assert.equal(sql(`SELECT GROUP_CONCAT(action ORDER BY seq) FROM audit_log WHERE tenant_id = ${w.t.id} AND request_id = '${rid}'`),
    'sku.update,product.create,sku.update,product.update');
  const upd = sql(`SELECT before_json, after_json FROM audit_log WHERE tenant_id = ${w.t.id} AND request_id = '${rid}' AND entity_id = ${ids[0]} AND entity = 'sku'`).split('\t');
  assert.deepEqual([JSON.parse(upd[0]).attrs, JSON.parse(upd[1]).attrs], [{ color: 'red', size: 'L' }, { color: 'red' }]);
  assert.notEqual(state(w.t.id), before);
  const steady = state(w.t.id);
  assert.deepEqual((await csv('product,manufacturer,sku_code,category,color,size\nPump,ACME,S-1,Pumps,red,\nPump 2,ACME,S-2,Pumps,red,\nOther,ACME,S-3,Misc,,\n', w.admin)).json.summary,
    { created: 0, updated: 0, unchanged: 3, errors: 0 });
  assert.equal(state(w.t.id), steady);
});

test('by default bad rows are reported and skipped while good rows are written, in one transaction', async () => {
  const w = await world();
  const acme = await org(w, 'ACME', 'manufacturer');
  const bio = await org(w, 'BioMed', 'manufacturer');
  await org(w, 'D1', 'distributor');
  const theirP = await post('/v1/products', { manufacturer_id: bio.id, name: 'Theirs' }, w.admin);
  await post('/v1/skus', { product_id: theirP.json.id, sku_code: 'BIO-1' }, w.admin);
  const rows = [
    'product,manufacturer,sku_code,category,color',
    'Pump,ACME,OK-1,Pumps,red', // 1
    'Pump,ACME," OK-2",Pumps,red', // 2 space at the start
    ',ACME,OK-3,Pumps,red', // 3 no product
    'Pump,Nobody,OK-4,Pumps,red', // 4 unknown manufacturer
    'Pump,D1,OK-5,Pumps,red', // 5 not a manufacturer
    'Pump,ACME,OK-6,Pumps', // 6 a field short
    'Pump,ACME,OK-7,Pu"mps,red', // 7 a stray quote
    'Pump,ACME,ok-1,Pumps,blue', // 8 the code again
    'Pump,ACME,OK-9,Valves,red', // 9 another category for the same product
    'Pump,ACME,BIO-1,Pumps,red', // 10 another manufacturer's code
    `Pump,${acme.id},OK-11,Pumps,`, // 11 fine, by id
    `Valve,${'x'.repeat(201)},OK-12,,`, // 12 no such name can exist
    'Valve,ACME,OK-13,,', // 13 fine
  ];
  const before = state(w.t.id);
  const r = await csv(rows.join('\n'), w.admin);
  assert.equal(r.status, 201, r.text);
  await assertSchema('ImportReport', r.json);
  assert.deepEqual(statuses(r.json), ['created', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'created', 'error', 'created']);
  assert.deepEqual(r.json.summary, { created: 3, updated: 0, unchanged: 0, errors: 10 });
  const reason = (n) => r.json.rows[n - 1].reason;
  assert.match(reason(2), /^sku_code: must not begin or end with a space/);
  assert.match(reason(3), /^product: is required/);
  assert.match(reason(4), /^manufacturer: names no manufacturer/);
  assert.match(reason(5), /^manufacturer: names no manufacturer/);
  assert.match(reason(6), /^has 4 fields; the header has 5/);
  assert.match(reason(7), /double quote/);
  assert.match(reason(8), /^sku_code: appears already in row 1/);
  assert.match(reason(9), /^category: 'Valves' differs from 'Pumps'.* row 1/);
  assert.match(reason(10), /^sku_code: belongs to a SKU of another manufacturer/);
  assert.match(reason(12), /^manufacturer: must be 1 to 200 bytes/);
  for (const x of r.json.rows) {
    if (x.status === 'error') assert.equal(x.sku_id, undefined);
    else assert.equal(x.reason, undefined);
  }
  assert.deepEqual(r.json.rows.map((x) => x.sku_code), ['OK-1', ' OK-2', 'OK-3', 'OK-4', 'OK-5', 'OK-6', 'OK-7', 'ok-1', 'OK-9', 'BIO-1', 'OK-11', 'OK-12', 'OK-13']);
  const codes = sql(`SELECT GROUP_CONCAT(sku_code ORDER BY id) FROM skus WHERE tenant_id = ${w.t.id}`);
  assert.equal(codes, 'BIO-1,OK-1,OK-11,OK-13');
  assert.equal(sql(`SELECT category FROM products WHERE tenant_id = ${w.t.id} AND name = 'Pump'`), 'Pumps');
  assert.equal((await get('/v1/skus?sku_code=BIO-1', w.admin)).json.data[0].version, 1);
  assert.notEqual(state(w.t.id), before);
});

test('atomic=true writes every row or none (422 with the report); dry_run=true writes nothing and says what would happen', async () => {
  const w = await world();
  await org(w, 'ACME', 'manufacturer');
  await csv('product,manufacturer,sku_code,category,color\nPump,ACME,S-1,Pumps,red\n', w.admin);
  const bad = 'product,manufacturer,sku_code,category,color\nPump,ACME,S-1,Pumps,blue\nPump,ACME,S-2,Pumps,red\nPump,Nobody,S-3,Pumps,red\n';
  const before = state(w.t.id);
  const a = await csv(bad, w.admin, '?atomic=true');
  assertProblem(a, 422, 'unprocessable');
  await assertSchema('Problem', a.json);
  await assertSchema('ImportReport', a.json);
  assert.deepEqual([a.json.dry_run, a.json.atomic], [false, true]);
  assert.deepEqual(statuses(a.json), ['updated', 'created', 'error']);
  assert.deepEqual(a.json.summary, { created: 1, updated: 1, unchanged: 0, errors: 1 });
  assert.equal(a.json.rows[1].sku_id, undefined, 'a SKU that was not written has no id');
  assert.deepEqual(a.json.errors, [{ field: 'row 3', message: a.json.rows[2].reason }]);
  assert.match(a.json.detail, /1 of 3 rows/);
  assert.equal(state(w.t.id), before, 'nothing was written');

  const d = await csv(bad, w.admin, '?dry_run=true');
  assert.equal(d.status, 200, d.text);
  await assertSchema('ImportReport', d.json);
  assert.deepEqual([d.json.dry_run, d.json.atomic], [true, false]);
  assert.deepEqual(statuses(d.json), ['updated', 'created', 'error']);
  assert.ok(d.json.rows[0].sku_id > 0, 'an existing SKU is named');
  assert.equal(d.json.rows[1].sku_id, undefined);
  assert.equal(state(w.t.id), before, 'a dry run writes nothing');
  const da = await csv(bad, w.admin, '?dry_run=true&atomic=true');
  assert.equal(da.status, 200, da.text);
  assert.deepEqual([da.json.dry_run, da.json.atomic, da.json.summary.errors], [true, true, 1]);
  assert.equal(state(w.t.id), before);

  const good = 'product,manufacturer,sku_code,category,color\nPump,ACME,S-1,Pumps,blue\nPump,ACME,S-2,Pumps,red\n';
  const g = await csv(good, w.admin, '?atomic=true');
  assert.equal(g.status, 201, g.text);
  assert.deepEqual([g.json.atomic, ...statuses(g.json)], [true, 'updated', 'created']);
  assert.equal(sql(`SELECT COUNT(*) FROM skus WHERE tenant_id = ${w.t.id}`), '2');
  for (const q of ['?dry_run=yes', '?atomic=1', '?dry_run=TRUE']) {
    const r = await csv(good, w.admin, q);
    assertProblem(r, 400, 'validation_failed');
  }
  assert.equal((await csv(good, w.admin, '?dry_run=false&atomic=')).status, 201);
});

test('the body: CSV only (415), UTF-8, a header with the required columns (400 naming each), an unterminated quote', async () => {
  const w = await world();
  await org(w, 'ACME', 'manufacturer');
  const before = state(w.t.id);
  const ok = 'product,manufacturer,sku_code,category\nPump,ACME,S-1,\n';
  assertProblem(await csv(ok, w.admin, '', 'application/json'), 415, 'unsupported_media_type');
  assertProblem(await csv(ok, w.admin, '', 'text/plain'), 415, 'unsupported_media_type');
  assertProblem(await csv(ok, w.admin, '', null), 415, 'unsupported_media_type');
  assertProblem(await csv('', w.admin, '', 'application/json'), 415, 'unsupported_media_type');
  assertProblem(await csv('', w.admin), 400, 'bad_request');
  assertProblem(await csv('\r\n\n', w.admin), 400, 'bad_request');
  assertProblem(await csv(Buffer.from([...Buffer.from('product,manufacturer,sku_code,category\nP,ACME,S-'), 0xff, 0x0a]), w.admin), 400, 'bad_request');
  const missing = await csv('Product,sku,color\nPump,S-1,red\n', w.admin);
  assertProblem(missing, 400, 'validation_failed');
  assert.deepEqual(missing.json.errors.map((e) => e.field), ['manufacturer', 'sku_code', 'category']);
  const twice = await csv('product,manufacturer,sku_code,category,color,Color,color\n', w.admin);
  assertProblem(twice, 400, 'validation_failed');
  assert.deepEqual(twice.json.errors.map((e) => e.field), ['header']);
  assertProblem(await csv('product,manufacturer,sku_code,category,\n', w.admin), 400, 'validation_failed');
  assert.equal(state(w.t.id), before);

  // a BOM, CRLF, a header alone, charset parameters are all fine
  const bom = await csv('\ufeffproduct,manufacturer,sku_code,category\r\n', w.admin, '', 'text/csv; charset=utf-8');
  assert.equal(bom.status, 201, bom.text);
  assert.deepEqual(bom.json.summary, { created: 0, updated: 0, unchanged: 0, errors: 0 });
  // an unterminated quote runs to the end of the file: its row is refused, the ones before it kept
  const open = await csv('product,manufacturer,sku_code,category\nPump,ACME,S-1,\nPump,ACME,"S-2,\nPump,ACME,S-3,\n', w.admin);
  assert.equal(open.status, 201, open.text);
  assert.deepEqual(statuses(open.json), ['created', 'error']);
  assert.match(open.json.rows[1].reason, /never ends/);
});

test('limits: 10,000 data rows at most (413 beyond), 1 MiB of body (413)', async () => {
  const w = await world();
  await org(w, 'ACME', 'manufacturer');
  const head = 'product,manufacturer,sku_code,category\n';
  const many = (n) => head + Array.from({ length: n }, (_, i) => `P${i % 50},ACME,K-${i},C\n`).join('');
  const before = state(w.t.id);
  const over = await csv(many(10001), w.admin);
  assertProblem(over, 413, 'payload_too_large');
  assert.match(over.json.detail, /10000/);
  const big = await csv(head + `P,ACME,K,${'x'.repeat(1024 * 1024)}\n`, w.admin);
  assert.equal(big.status, 413);
  assert.equal(state(w.t.id), before);

  const t0 = Date.now();
  const full = await csv(many(10000), w.admin, '?atomic=true');
  assert.equal(full.status, 201, full.text.slice(0, 300));
  assert.deepEqual(full.json.summary, { created: 10000, updated: 0, unchanged: 0, errors: 0 });
  assert.equal(full.json.rows.length, 10000);
  assert.equal(sql(`SELECT COUNT(*) FROM skus WHERE tenant_id = ${w.t.id}`), '10000');
  assert.equal(sql(`SELECT COUNT(*) FROM products WHERE tenant_id = ${w.t.id}`), '50');
  const again = await csv(many(10000), w.admin, '?dry_run=true');
  assert.deepEqual(again.json.summary, { created: 0, updated: 0, unchanged: 10000, errors: 0 });
  assert.ok(Date.now() - t0 < 60000, `two runs of 10,000 rows took ${Date.now() - t0} ms`);
});

test('roles and organizations: importers only; an org user imports only its own manufacturer\'s SKUs', async () => {
  const w = await world();
  const m1 = await org(w, 'M1', 'manufacturer');
  const m2 = await org(w, 'M2', 'manufacturer');
  const d1 = await org(w, 'D1', 'distributor');
  const file = `product,manufacturer,sku_code,category\nPump,M1,A-1,\nPump,${m1.id},A-2,\nPump,M2,B-1,\nPump,Ghost,C-1,\nPump,D1,D-1,\n`;
  const m1Admin = await orgUser(w, m1.id, 'org_admin', 'admin@m1.test');
  const m1Engineer = await orgUser(w, m1.id, 'engineer', 'eng@m1.test');
  const d1Admin = await orgUser(w, d1.id, 'org_admin', 'admin@d1.test');
  const before = state(w.t.id);
  assertProblem(await csv(file, m1Engineer.token), 403, 'forbidden');
  const d = await csv(file, d1Admin.token);
  assert.equal(d.status, 201, d.text);
  assert.deepEqual(d.json.summary, { created: 0, updated: 0, unchanged: 0, errors: 5 });
  assert.ok(d.json.rows.every((x) => x.reason === 'manufacturer is not your organization'));
  assert.equal(state(w.t.id), before);

  const r = await csv(file, m1Admin.token);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(statuses(r.json), ['created', 'created', 'error', 'error', 'error']);
  for (const x of r.json.rows.slice(2)) assert.equal(x.reason, 'manufacturer is not your organization');
  assert.equal(sql(`SELECT GROUP_CONCAT(sku_code ORDER BY id) FROM skus WHERE tenant_id = ${w.t.id}`), 'A-1,A-2');
  const [actor, orgId] = sql(`SELECT actor_id, org_id FROM audit_log WHERE tenant_id = ${w.t.id} AND action = 'sku.create' LIMIT 1`).split('\t');
  assert.deepEqual([Number(actor), Number(orgId)], [m1Admin.id, m1.id]);
  // a code another manufacturer holds is refused, not taken over
  const p2 = await post('/v1/products', { manufacturer_id: m2.id, name: 'Theirs' }, w.admin);
  await post('/v1/skus', { product_id: p2.json.id, sku_code: 'B-9' }, w.admin);
  const steal = await csv('product,manufacturer,sku_code,category\nPump,M1,B-9,\n', m1Admin.token);
  assert.match(steal.json.rows[0].reason, /another manufacturer/);
});

test('tenants are apart: names, codes and ids of another tenant mean nothing; Idempotency-Key replays an import', async () => {
  const a = await world('impa');
  const b = await world('impb');
  const acme = await org(a, 'ACME', 'manufacturer');
  await csv('product,manufacturer,sku_code,category\nPump,ACME,S-1,\n', a.admin);
  const before = state(a.t.id);
  const r = await csv(`product,manufacturer,sku_code,category\nPump,ACME,S-1,\nPump,${acme.id},S-2,\n`, b.admin);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(statuses(r.json), ['error', 'error']);
  assert.equal(state(a.t.id), before);
  await org(b, 'ACME', 'manufacturer');
  const mine = await csv('product,manufacturer,sku_code,category\nPump,ACME,S-1,\n', b.admin);
  assert.deepEqual(statuses(mine.json), ['created'], 'a code is unique per tenant only');
  assert.equal(state(a.t.id), before);

  const key = `import-${Date.now()}`;
  const file = 'product,manufacturer,sku_code,category\nPump,ACME,S-7,\n';
  const first = await csv(file, b.admin, '', 'text/csv', { 'idempotency-key': key });
  assert.equal(first.status, 201, first.text);
  const steady = state(b.t.id);
  const again = await csv(file, b.admin, '', 'text/csv', { 'idempotency-key': key });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, first.text);
  assert.equal(state(b.t.id), steady);
  assertProblem(await csv(file + 'Pump,ACME,S-8,\n', b.admin, '', 'text/csv', { 'idempotency-key': key }), 422, 'unprocessable');
  assert.equal(state(b.t.id), steady);
});
