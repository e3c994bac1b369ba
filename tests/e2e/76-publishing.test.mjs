// Catalog publishing end to end: seed 000's Example A, each publishing rule in its order,
// eligibility constraints, versions with their snapshots, diffs and rollback, what a write
// leaves in the audit log and the outbox, bad input writing nothing, and the feature flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, bearer, sql, assertProblem, post, put, orgUser, adminWorld } from './lib.mjs';
import { world, exampleA, publish, unlist, rollback, listing, get, patch, assertSchema, skus } from './publishing.mjs';

const writes = (tid) => sql(`SELECT (SELECT COUNT(*) FROM publications WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM publication_versions WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM publication_items WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);
const fields = (r) => r.json.errors.map((e) => e.field).sort();
const item = (sku) => ({ sku_id: sku.id, sku_code: sku.sku_code, offering_id: null });

test('Example A: ACME -> D1 -> DL1 and BioMed -> DL1; DL1 lists S-A1 through D1 and S-B1 direct', async () => {
  const a = await exampleA();
  const { ch, m1, m2, d1, dl1, sa1, sb1 } = a;

  const p1 = await publish(ch, a.m1Staff.token, { publisher_org_id: m1.id, org_id: d1.id, items: [{ sku_id: sa1.id }] });
  assert.equal(p1.status, 201, p1.text);
  await assertSchema('PublishResult', p1.json);
  assert.deepEqual([p1.json.version, p1.json.publisher_org_id, p1.json.org_id, p1.json.channel_id], [1, m1.id, d1.id, ch.id]);
  assert.deepEqual(p1.json.items, [item(sa1)]);
  assert.deepEqual([p1.json.added, p1.json.removed], [[sa1.id], []]);
  assert.equal(p1.headers.get('etag'), '"1"');
  assert.equal(p1.headers.get('location'), `/v1/channels/${ch.id}/catalog/versions/1?publisher_org_id=${m1.id}&org_id=${d1.id}`);

  const p2 = await publish(ch, a.d1Staff.token, { publisher_org_id: d1.id, org_id: dl1.id, items: [{ sku_id: sa1.id }] });
  assert.equal(p2.status, 201, p2.text);
  const p3 = await publish(ch, a.m2Staff.token, { publisher_org_id: m2.id, org_id: dl1.id, items: [{ sku_id: sb1.id }] });
  assert.equal(p3.status, 201, p3.text);

  const l = await listing(ch, dl1.id, a.dl1Staff.token);
  assert.equal(l.status, 200, l.text);
  await assertSchema('ListingPage', l.json);
  assert.deepEqual(l.json, {
    data: [
      { sku_id: sa1.id, sku_code: 'S-A1', offering_id: null, publisher_org_id: d1.id, publication_id: p2.json.publication_id, source: 'distributor', path: [m1.id, d1.id, dl1.id], version: 1 },
      { sku_id: sb1.id, sku_code: 'S-B1', offering_id: null, publisher_org_id: m2.id, publication_id: p3.json.publication_id, source: 'direct', path: [m2.id, dl1.id], version: 1 },
    ],
    next_cursor: null,
  });
  // D1's own listing: S-A1 straight from its manufacturer
  const d = await listing(ch, d1.id, a.admin);
  assert.deepEqual(d.json.data.map((x) => [x.sku_code, x.source, x.path]), [['S-A1', 'direct', [m1.id, d1.id]]]);
  // nothing reached the manufacturers
  assert.deepEqual((await listing(ch, m1.id, a.admin)).json.data, []);
});

test('rule 1: a caller with an organization publishes only as it (403 forbidden)', async () => {
  const a = await exampleA();
  const before = writes(a.t.id);
  const r = await publish(a.ch, a.m1Staff.token, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }] });
  assertProblem(r, 403, 'forbidden');
  assert.deepEqual(fields(r), ['publisher_org_id']);
  assertProblem(await unlist(a.ch, a.m1Staff.token, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }] }), 403, 'forbidden');
  assertProblem(await rollback(a.ch, a.d1Staff.token, { publisher_org_id: a.m1.id, org_id: a.d1.id, to_version: 1 }), 403, 'forbidden');
  assert.equal(writes(a.t.id), before);
  // a tenant-wide user publishes as any organization of the tenant
  const ok = await publish(a.ch, a.admin, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }] });
  assert.equal(ok.status, 201, ok.text);
});

test('rule 2: the recipient must be an active distributor_of/dealer_of child of the publisher (422)', async () => {
  const a = await exampleA();
  // a supplier_of relationship carries no catalog
  const sup = await a.org('PartsCo', 'supplier');
  await a.relate(a.m1, sup, 'supplier_of');
  const before = writes(a.t.id);
  // DL1 is D1's dealer, not ACME's; D1 is no child of BioMed; nobody is its own child
  for (const [token, body] of [
    [a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }] }],
    [a.m2Staff.token, { publisher_org_id: a.m2.id, org_id: a.d1.id, items: [{ sku_id: a.sb1.id }] }],
    [a.admin, { publisher_org_id: a.dl1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] }],
    [a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: a.m1.id, items: [{ sku_id: a.sa1.id }] }],
  ]) {
    const r = await publish(a.ch, token, body);
    assertProblem(r, 422, 'recipient_ineligible');
    assert.deepEqual(fields(r), ['org_id']);
  }
  assertProblem(await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: sup.id, items: [{ sku_id: a.sa1.id }] }), 422, 'recipient_ineligible');
  const unknown = await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: 999999999, items: [{ sku_id: a.sa1.id }] });
  assertProblem(unknown, 422, 'unprocessable');
  assert.deepEqual(fields(unknown), ['org_id']);
  assert.equal(writes(a.t.id), before);
});

test('rule 3: certification and territory constraints filter recipients, with the reason', async () => {
  const a = await exampleA();
  const before = writes(a.t.id);
  const base = { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] };

  const cert = await publish(a.ch, a.m1Staff.token, { ...base, constraints: { required_certification: 'acme-certified' } });
  assertProblem(cert, 422, 'recipient_ineligible');
  assert.match(cert.json.detail, /lacks the required certification 'acme-certified'/);
  const terr = await publish(a.ch, a.m1Staff.token, { ...base, constraints: { territory: ['EU-South', 'EU-West'] } });
  assertProblem(terr, 422, 'recipient_ineligible');
  assert.match(terr.json.detail, /region 'EU-North' is outside the territory \["EU-South","EU-West"\]/);
  const noRegion = await publish(a.ch, a.admin, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }], constraints: { territory: ['EU-North'] } });
  assertProblem(noRegion, 422, 'recipient_ineligible');
  assert.match(noRegion.json.detail, /has no region/);
  assert.equal(writes(a.t.id), before);

  // once D1 holds the certification the same publish goes through, and the constraints stay
  const upd = await patch(`/v1/orgs/${a.d1.id}`, { certifications: ['acme-certified'] }, a.admin);
  assert.equal(upd.status, 200, upd.text);
  const ok = await publish(a.ch, a.m1Staff.token, { ...base, constraints: { required_certification: 'acme-certified', territory: ['EU-North'] } });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.json.constraints, { required_certification: 'acme-certified', territory: ['EU-North'] });
  const v = await get(`/v1/channels/${a.ch.id}/catalog/versions/1?publisher_org_id=${a.m1.id}&org_id=${a.d1.id}`, a.admin);
  assert.deepEqual(v.json.constraints, ok.json.constraints);
  // the listing checks them too: D1 losing the certification loses the items
  assert.equal((await listing(a.ch, a.d1.id, a.admin)).json.data.length, 1);
  await patch(`/v1/orgs/${a.d1.id}`, { certifications: [] }, a.admin);
  assert.deepEqual((await listing(a.ch, a.d1.id, a.admin)).json.data, []);
  // a publish without constraints keeps the stored ones; null clears them
  const keep = await publish(a.ch, a.admin, { ...base, items: [{ sku_id: a.sa2.id }] });
  assertProblem(keep, 422, 'recipient_ineligible');
  const clear = await publish(a.ch, a.admin, { ...base, items: [{ sku_id: a.sa2.id }], constraints: null });
  assert.equal(clear.status, 201, clear.text);
  assert.deepEqual(clear.json.constraints, {});
  assert.equal((await listing(a.ch, a.d1.id, a.admin)).json.data.length, 2);
});

test('a publication to all reaches each active child that meets its constraints', async () => {
  const a = await exampleA();
  const d2 = await a.org('D2', 'distributor', { region: 'EU-South' });
  await a.relate(a.m1, d2, 'distributor_of');
  const all = await publish(a.ch, a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: null, items: [{ sku_id: a.sa1.id }], constraints: { territory: ['EU-South'] } });
  assert.equal(all.status, 201, all.text);
  assert.equal(all.json.org_id, null);
  assert.equal(all.headers.get('location'), `/v1/channels/${a.ch.id}/catalog/versions/1?publisher_org_id=${a.m1.id}&org_id=all`);
  assert.deepEqual((await listing(a.ch, d2.id, a.admin)).json.data.map((x) => [x.sku_code, x.path]), [['S-A1', [a.m1.id, d2.id]]]);
  assert.deepEqual((await listing(a.ch, a.d1.id, a.admin)).json.data, [], 'D1 is outside the territory');
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data, [], 'DL1 is no child of ACME');
  // org_id=all (or left out) names it among the versions
  for (const q of ['&org_id=all', '', '&org_id=null']) {
    const v = await get(`/v1/channels/${a.ch.id}/catalog/versions?publisher_org_id=${a.m1.id}${q}`, a.admin);
    assert.equal(v.status, 200, v.text);
    assert.deepEqual(v.json.data.map((x) => x.version), [1]);
  }
});

test('rule 4: a manufacturer publishes its own SKUs; a republisher only what reached it in that channel (403)', async () => {
  const a = await exampleA();
  const before = writes(a.t.id);
  const foreign = await publish(a.ch, a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }, { sku_id: a.sb1.id }] });
  assertProblem(foreign, 403, 'not_published_upstream');
  assert.deepEqual(fields(foreign), ['items[1]']);
  assert.match(foreign.json.errors[0].message, /S-B1/);
  const never = await publish(a.ch, a.d1Staff.token, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }] });
  assertProblem(never, 403, 'not_published_upstream');
  assert.deepEqual(fields(never), ['items[0]']);
  assert.equal(writes(a.t.id), before);

  assert.equal((await publish(a.ch, a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] })).status, 201);
  // received in this channel only: the same item in another channel is not D1's to pass on
  const other = await a.channel('Online', 'online');
  assertProblem(await publish(other, a.d1Staff.token, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }] }), 403, 'not_published_upstream');
  const mixed = await publish(a.ch, a.d1Staff.token, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] });
  assertProblem(mixed, 403, 'not_published_upstream');
  assert.deepEqual(fields(mixed), ['items[1]'], 'only the item that never reached D1 is named');
  const ok = await publish(a.ch, a.d1Staff.token, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }] });
  assert.equal(ok.status, 201, ok.text);
  // further down, what a republisher has is what reached it: D1 holds S-A2, its
  // sub-distributor D2 does not, so D2 may pass on S-A1 only
  assert.equal((await publish(a.ch, a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa2.id }] })).status, 201);
  const d2 = await a.org('D2', 'distributor');
  const x = await a.org('DL2', 'dealer');
  await a.relate(a.d1, d2, 'distributor_of');
  await a.relate(d2, x, 'dealer_of');
  assert.equal((await publish(a.ch, a.admin, { publisher_org_id: a.d1.id, org_id: d2.id, items: [{ sku_id: a.sa1.id }] })).status, 201);
  assert.equal((await publish(a.ch, a.admin, { publisher_org_id: d2.id, org_id: x.id, items: [{ sku_id: a.sa1.id }] })).status, 201);
  assertProblem(await publish(a.ch, a.admin, { publisher_org_id: d2.id, org_id: x.id, items: [{ sku_id: a.sa2.id }] }), 403, 'not_published_upstream');
  assert.deepEqual((await listing(a.ch, x.id, a.admin)).json.data.map((i) => i.path), [[a.m1.id, a.d1.id, d2.id, x.id]]);
});

test('ending a relationship removes what it carried from the listing, downstream too', async () => {
  const a = await exampleA();
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  await publish(a.ch, a.admin, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }] });
  await publish(a.ch, a.admin, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }] });
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data.map((x) => x.sku_code), ['S-A1', 'S-B1']);
  await a.endRelationship(a.rels.d1_m1);
  assert.deepEqual((await listing(a.ch, a.d1.id, a.admin)).json.data, []);
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data.map((x) => x.sku_code), ['S-B1'], 'D1 has nothing to pass on');
  await a.endRelationship(a.rels.dl1_m2);
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data, []);
  // and it may not publish there any more
  assertProblem(await publish(a.ch, a.admin, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }] }), 422, 'recipient_ineligible');
});

test('unlisting upstream removes the item downstream at once, without touching downstream publications', async () => {
  const a = await exampleA();
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] });
  const down = await publish(a.ch, a.admin, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] });
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data.map((x) => x.sku_code), ['S-A1', 'S-A2']);
  const before = sql(`SELECT COUNT(*) FROM publication_versions WHERE tenant_id = ${a.t.id} AND publication_id = ${down.json.publication_id}`);
  const u = await unlist(a.ch, a.m1Staff.token, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  assert.equal(u.status, 201, u.text);
  await assertSchema('PublishResult', u.json);
  assert.deepEqual([u.json.version, u.json.items, u.json.added, u.json.removed], [2, [item(a.sa2)], [], [a.sa1.id]]);
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data.map((x) => x.sku_code), ['S-A2']);
  assert.equal(sql(`SELECT COUNT(*) FROM publication_versions WHERE tenant_id = ${a.t.id} AND publication_id = ${down.json.publication_id}`), before);
  // D1's publication still holds S-A1; publishing it again upstream brings it back
  const v = await get(`/v1/channels/${a.ch.id}/catalog/versions/1?publisher_org_id=${a.d1.id}&org_id=${a.dl1.id}`, a.admin);
  assert.deepEqual(v.json.items.map((x) => x.sku_code), ['S-A1', 'S-A2']);
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data.map((x) => x.sku_code), ['S-A1', 'S-A2']);
});

test('versions: each write is a version with its counts; details rebuild snapshots; diffs; rollback', async () => {
  const a = await exampleA();
  const [x1, x2, x3] = [a.sa1, a.sa2, a.sa3];
  const t = { publisher_org_id: a.m1.id, org_id: a.d1.id };
  const q = `publisher_org_id=${a.m1.id}&org_id=${a.d1.id}`;
  const base = `/v1/channels/${a.ch.id}/catalog/versions`;
  assert.equal((await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: x1.id }], note: 'launch' })).status, 201);
  const v2 = await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: x1.id }, { sku_id: x2.id }, { sku_id: x3.id }, { sku_id: x2.id }] });
  assert.deepEqual([v2.status, v2.json.version, v2.json.added, v2.json.items.length], [201, 2, [x2.id, x3.id], 3], 'duplicates collapse; live items add nothing');
  const v3 = await unlist(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: x1.id }], note: 'recall' });
  assert.equal(v3.json.version, 3);

  // publishing what is live already changes nothing: 200, no version
  const same = await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: x2.id }] });
  assert.equal(same.status, 200, same.text);
  assert.deepEqual([same.json.version, same.json.added, same.json.removed], [3, [], []]);
  assert.equal(same.headers.get('etag'), '"3"');

  const list = await get(`${base}?${q}`, a.m1Staff.token);
  assert.equal(list.status, 200, list.text);
  for (const v of list.json.data) await assertSchema('PublicationVersion', v);
  assert.deepEqual(list.json.data.map((v) => [v.version, v.action, v.note, v.item_count, v.added_count, v.removed_count, v.rolled_back_to, v.actor_id]), [
    [1, 'publish', 'launch', 1, 1, 0, null, a.m1Staff.id],
    [2, 'publish', null, 3, 2, 0, null, a.m1Staff.id],
    [3, 'unlist', 'recall', 2, 0, 1, null, a.m1Staff.id],
  ]);
  const paged = await get(`${base}?${q}&limit=2`, a.admin);
  assert.deepEqual(paged.json.data.map((v) => v.version), [1, 2]);
  assert.deepEqual((await get(`${base}?${q}&cursor=${paged.json.next_cursor}`, a.admin)).json.data.map((v) => v.version), [3]);

  const codes = async (n) => {
    const r = await get(`${base}/${n}?${q}`, a.d1Staff.token);
    assert.equal(r.status, 200, r.text);
    await assertSchema('PublicationVersionDetail', r.json);
    assert.equal(r.headers.get('etag'), `"${n}"`);
    return r.json.items.map((i) => i.sku_code);
  };
  assert.deepEqual(await codes(1), ['S-A1']);
  assert.deepEqual(await codes(2), ['S-A1', 'S-A2', 'S-A3']);
  assert.deepEqual(await codes(3), ['S-A2', 'S-A3']);

  const diff = await get(`${base}/3/diff?${q}&against=1`, a.admin);
  assert.equal(diff.status, 200, diff.text);
  await assertSchema('PublicationDiff', diff.json);
  assert.deepEqual([diff.json.version, diff.json.against, diff.json.added, diff.json.removed], [3, 1, [x2.id, x3.id], [x1.id]]);
  const prev = await get(`${base}/2/diff?${q}`, a.admin);
  assert.deepEqual([prev.json.against, prev.json.added, prev.json.removed], [1, [x2.id, x3.id], []], 'against defaults to the version before');
  const empty = await get(`${base}/1/diff?${q}&against=0`, a.admin);
  assert.deepEqual([empty.json.added, empty.json.removed], [[x1.id], []]);
  const back = await get(`${base}/1/diff?${q}&against=3`, a.admin);
  assert.deepEqual([back.json.added, back.json.removed], [[x1.id], [x2.id, x3.id]]);

  const rb = await rollback(a.ch, a.m1Staff.token, { ...t, to_version: 1, note: 'undo' });
  assert.equal(rb.status, 201, rb.text);
  await assertSchema('PublishResult', rb.json);
  assert.deepEqual([rb.json.version, rb.json.items, rb.json.added, rb.json.removed], [4, [item(x1)], [x1.id], [x2.id, x3.id]]);
  const v4 = await get(`${base}/4?${q}`, a.admin);
  assert.deepEqual([v4.json.action, v4.json.rolled_back_to, v4.json.note, v4.json.item_count], ['rollback', 1, 'undo', 1]);
  assert.deepEqual(await codes(2), ['S-A1', 'S-A2', 'S-A3'], 'an earlier snapshot never changes');
  // rolling back to what is live already writes nothing
  const again = await rollback(a.ch, a.m1Staff.token, { ...t, to_version: 1 });
  assert.deepEqual([again.status, again.json.version], [200, 4]);
  assert.deepEqual((await listing(a.ch, a.d1.id, a.admin)).json.data.map((x) => x.sku_code), ['S-A1']);

  // If-Match names the version a write expects
  assertProblem(await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: x2.id }] }, { 'if-match': '"3"' }), 412, 'precondition_failed');
  assert.equal((await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: x2.id }] }, { 'if-match': '"4"' })).status, 201);

  // what is not there
  assertProblem(await get(`${base}/9?${q}`, a.admin), 404, 'not_found');
  assertProblem(await get(`${base}/0?${q}`, a.admin), 404, 'not_found');
  assertProblem(await get(`${base}/x/diff?${q}`, a.admin), 404, 'not_found');
  assertProblem(await get(`${base}/2/diff?${q}&against=9`, a.admin), 400, 'validation_failed');
  assertProblem(await get(`${base}/2/diff?${q}&against=-1`, a.admin), 400, 'validation_failed');
  assertProblem(await get(`${base}?publisher_org_id=${a.m2.id}&org_id=${a.d1.id}`, a.admin), 404, 'not_found');
  assertProblem(await get(`${base}?org_id=${a.d1.id}`, a.admin), 400, 'validation_failed');
  assertProblem(await get(`${base}?publisher_org_id=${a.m1.id}&org_id=x`, a.admin), 400, 'validation_failed');
  const before = writes(a.t.id);
  const far = await rollback(a.ch, a.admin, { ...t, to_version: 99 });
  assertProblem(far, 422, 'unprocessable');
  assert.deepEqual(fields(far), ['to_version']);
  assertProblem(await rollback(a.ch, a.admin, { publisher_org_id: a.m2.id, org_id: a.dl1.id, to_version: 1 }), 404, 'not_found');
  const notLive = await unlist(a.ch, a.admin, { ...t, items: [{ sku_id: x1.id }, { sku_id: x3.id }] });
  assertProblem(notLive, 422, 'unprocessable');
  assert.deepEqual(fields(notLive), ['items[1]']);
  const nothing = await unlist(a.ch, a.admin, { publisher_org_id: a.m2.id, org_id: a.dl1.id, items: [{ sku_id: a.sb1.id }] });
  assertProblem(nothing, 422, 'unprocessable');
  assert.equal(writes(a.t.id), before);
});

test('rollback applies the republishing rules to what it brings back', async () => {
  const a = await exampleA();
  const t = { publisher_org_id: a.d1.id, org_id: a.dl1.id };
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] });
  assert.equal((await publish(a.ch, a.d1Staff.token, { ...t, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] })).status, 201);
  assert.equal((await unlist(a.ch, a.d1Staff.token, { ...t, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] })).status, 201);
  await unlist(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  const before = writes(a.t.id);
  const r = await rollback(a.ch, a.d1Staff.token, { ...t, to_version: 1 });
  assertProblem(r, 403, 'not_published_upstream');
  assert.deepEqual(fields(r), ['to_version']);
  assert.match(r.json.errors[0].message, new RegExp(`SKU ${a.sa1.id}`));
  assert.equal(writes(a.t.id), before);
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  const ok = await rollback(a.ch, a.d1Staff.token, { ...t, to_version: 1 });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.json.items.map((x) => x.sku_code), ['S-A1', 'S-A2']);
});

test('offerings are items of their own, next to their SKU', async () => {
  const a = await exampleA();
  const off = await a.offering(a.sa1, 'subscription');
  const p = await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }, { offering_id: off.id }, { sku_id: a.sa1.id, offering_id: off.id }] });
  assert.equal(p.status, 201, p.text);
  assert.deepEqual(p.json.items, [item(a.sa1), { ...item(a.sa1), offering_id: off.id }]);
  assert.deepEqual([p.json.added, p.json.added_offerings], [[a.sa1.id], [off.id]]);
  const r = await publish(a.ch, a.admin, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: [{ offering_id: off.id }] });
  assert.equal(r.status, 201, r.text);
  const l = await listing(a.ch, a.dl1.id, a.admin);
  assert.deepEqual(l.json.data.map((x) => [x.sku_id, x.offering_id, x.path]), [[a.sa1.id, off.id, [a.m1.id, a.d1.id, a.dl1.id]]]);
  const wrong = await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa2.id, offering_id: off.id }] });
  assertProblem(wrong, 422, 'unprocessable');
  assert.deepEqual(fields(wrong), ['items[0]']);
  const u = await unlist(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ offering_id: off.id }] });
  assert.deepEqual([u.json.removed, u.json.removed_offerings], [[], [off.id]]);
  assert.deepEqual((await listing(a.ch, a.dl1.id, a.admin)).json.data, []);
});

test('each write leaves its audit row and outbox event with the version and the diff', async () => {
  const a = await exampleA();
  const t = { publisher_org_id: a.m1.id, org_id: a.d1.id };
  const p = await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: a.sa1.id }, { sku_id: a.sa2.id }] });
  const u = await unlist(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: a.sa2.id }] });
  const r = await rollback(a.ch, a.m1Staff.token, { ...t, to_version: 1 });
  const id = p.json.publication_id;
  const rows = sql(`SELECT action, actor_id, org_id, before_json, after_json, request_id FROM audit_log WHERE tenant_id = ${a.t.id} AND entity = 'publication' AND entity_id = ${id} ORDER BY seq`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((x) => x[0]), ['catalog.publish', 'catalog.unlist', 'catalog.rollback']);
  assert.deepEqual(rows.map((x) => [Number(x[1]), Number(x[2])]), Array(3).fill([a.m1Staff.id, a.m1.id]));
  assert.equal(rows[0][3], 'NULL');
  const after = rows.map((x) => JSON.parse(x[4]));
  assert.deepEqual(after[0], { publication_id: id, channel_id: a.ch.id, publisher_org_id: a.m1.id, org_id: a.d1.id, version: 1, action: 'publish', item_count: 2, constraints: {}, added: [a.sa1.id, a.sa2.id], added_offerings: [], removed: [], removed_offerings: [] });
  assert.deepEqual([after[1].version, after[1].added, after[1].removed], [2, [], [a.sa2.id]]);
  assert.deepEqual([after[2].version, after[2].action, after[2].rolled_back_to, after[2].added], [3, 'rollback', 1, [a.sa2.id]]);
  assert.deepEqual(JSON.parse(rows[1][3]), { version: 1, item_count: 2, constraints: {} });
  assert.deepEqual(rows.map((x) => x[5]), [p, u, r].map((x) => x.headers.get('x-request-id')));

  const events = sql(`SELECT event_type, payload FROM outbox_events WHERE tenant_id = ${a.t.id} AND entity = 'publication' AND entity_id = ${id} ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(events.map((e) => e[0]), ['catalog.published', 'catalog.unlisted', 'catalog.published']);
  assert.deepEqual(events.map((e) => JSON.parse(e[1])), after);

  const log = await get(`/v1/audit-logs?entity=publication&entity_id=${id}`, a.admin);
  assert.deepEqual(log.json.data.map((e) => e.action), ['catalog.rollback', 'catalog.unlist', 'catalog.publish']);
  // a write that changes nothing leaves nothing
  const before = writes(a.t.id);
  assert.equal((await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: a.sa1.id }] })).status, 200);
  assert.equal(writes(a.t.id), before);
});

test('bad input is problem+json naming each field, and writes nothing', async () => {
  const a = await exampleA();
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  const before = writes(a.t.id);
  const raw = (body, path = `/v1/channels/${a.ch.id}/catalog/publish`, type = 'application/json') => req('POST', path, { body, headers: { 'content-type': type, ...bearer(a.admin) } });
  assertProblem(await raw('{"publisher_org_id":'), 400, 'malformed_json');
  assertProblem(await raw(''), 400, 'malformed_json');
  assertProblem(await raw('{}', undefined, 'text/plain'), 415, 'unsupported_media_type');

  const ok = { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa2.id }] };
  const many = Array.from({ length: 5001 }, (_, i) => ({ sku_id: i + 1 }));
  const cases = [
    [{}, ['items', 'org_id', 'publisher_org_id']],
    [[], ['']],
    [{ ...ok, publisher_org_id: undefined }, ['publisher_org_id']],
    [{ ...ok, org_id: undefined }, ['org_id']],
    [{ ...ok, items: undefined }, ['items']],
    [{ ...ok, publisher_org_id: 'x' }, ['publisher_org_id']],
    [{ ...ok, publisher_org_id: 0 }, ['publisher_org_id']],
    [{ ...ok, publisher_org_id: -3 }, ['publisher_org_id']],
    [{ ...ok, publisher_org_id: 1.5 }, ['publisher_org_id']],
    [{ ...ok, org_id: 0 }, ['org_id']],
    [{ ...ok, org_id: '12' }, ['org_id']],
    [{ ...ok, items: [] }, ['items']],
    [{ ...ok, items: many }, ['items']],
    [{ ...ok, items: { sku_id: 1 } }, ['items']],
    [{ ...ok, items: ['x'] }, ['items[0]']],
    [{ ...ok, items: [{}] }, ['items[0]']],
    [{ ...ok, items: [{ sku_id: a.sa1.id }, { sku_id: 'S-A1' }] }, ['items[1]']],
    [{ ...ok, items: [{ sku_id: -1 }] }, ['items[0]']],
    [{ ...ok, items: [{ sku_id: 0 }] }, ['items[0]']],
    [{ ...ok, items: [{ sku_id: 2.5 }] }, ['items[0]']],
    [{ ...ok, items: [{ sku_id: '18446744073709551616' }] }, ['items[0]']],
    [{ ...ok, items: [{ sku: 1 }] }, ['items[0]']],
    [{ ...ok, items: [{ offering_id: null }] }, ['items[0]']],
    [{ ...ok, note: 'n'.repeat(501) }, ['note']],
    [{ ...ok, note: 7 }, ['note']],
    [{ ...ok, note: 'bell\u0007' }, ['note']],
    [{ ...ok, constraints: [] }, ['constraints']],
    [{ ...ok, constraints: { region: 'EU' } }, ['constraints.region']],
    [{ ...ok, constraints: { territory: [] } }, ['constraints.territory']],
    [{ ...ok, constraints: { territory: 'EU' } }, ['constraints.territory']],
    [{ ...ok, constraints: { territory: ['EU', 'EU'] } }, ['constraints.territory[1]']],
    [{ ...ok, constraints: { territory: ['EU', 5] } }, ['constraints.territory[1]']],
    [{ ...ok, constraints: { required_certification: '' } }, ['constraints.required_certification']],
    [{ ...ok, constraints: { required_certification: 'c'.repeat(65) } }, ['constraints.required_certification']],
    [{ ...ok, to_version: 1 }, ['to_version']],
    [{ ...ok, colour: 'red' }, ['colour']],
  ];
  for (const [body, want] of cases) {
    const r = await publish(a.ch, a.admin, body);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(fields(r), want, JSON.stringify(body).slice(0, 100));
  }
  const bad = [
    [{ ...ok, items: [{ sku_id: a.sa1.id }, { sku_id: 999999999 }, { offering_id: 999999999 }] }, ['items[1]', 'items[2]']],
    [{ ...ok, publisher_org_id: 999999999 }, ['publisher_org_id']],
  ];
  for (const [body, want] of bad) {
    const r = await publish(a.ch, a.admin, body);
    assertProblem(r, 422, 'unprocessable');
    assert.deepEqual(fields(r), want);
  }
  for (const [body, want] of [[{ ...ok, to_version: 1 }, ['to_version']], [{ publisher_org_id: a.m1.id, org_id: a.d1.id }, ['items']], [{ publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }], constraints: {} }, ['constraints']]]) {
    const r = await unlist(a.ch, a.admin, body);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(fields(r), want);
  }
  for (const [body, want] of [[{ publisher_org_id: a.m1.id, org_id: a.d1.id }, ['to_version']], [{ publisher_org_id: a.m1.id, org_id: a.d1.id, to_version: 0 }, ['to_version']], [{ publisher_org_id: a.m1.id, org_id: a.d1.id, to_version: '1' }, ['to_version']], [{ publisher_org_id: a.m1.id, org_id: a.d1.id, to_version: 1, items: [] }, ['items']]]) {
    const r = await rollback(a.ch, a.admin, body);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(fields(r), want);
  }
  for (const id of ['abc', '0', '-1', '1.5', '999999999', '99999999999999999999']) {
    assertProblem(await publish({ id }, a.admin, ok), 404, 'not_found');
    assertProblem(await listing({ id }, a.d1.id, a.admin), 404, 'not_found');
    assertProblem(await get(`/v1/channels/${id}/catalog/versions?publisher_org_id=${a.m1.id}&org_id=${a.d1.id}`, a.admin), 404, 'not_found');
  }
  assert.equal(writes(a.t.id), before);
});

test('a publish of 1,000 items is one request; publishing them again changes nothing', async () => {
  const a = await exampleA();
  const made = await skus(a, a.m1, 1000, 'BULK');
  const items = made.map((id) => ({ sku_id: id }));
  const t0 = Date.now();
  const p = await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items });
  assert.equal(p.status, 201, p.text);
  assert.deepEqual([p.json.item_count, p.json.items.length, p.json.added.length], [1000, 1000, 1000]);
  const again = await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items });
  assert.deepEqual([again.status, again.json.version], [200, 1]);
  const r = await publish(a.ch, a.admin, { publisher_org_id: a.d1.id, org_id: a.dl1.id, items: items.slice(0, 500) });
  assert.equal(r.status, 201, r.text);
  const u = await unlist(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: items.slice(0, 250) });
  assert.deepEqual([u.status, u.json.item_count], [201, 750]);
  assert.ok(Date.now() - t0 < 20000);
  // DL1 sees what is still live all the way up: 250 of the 500
  let n = 0, cursor = null;
  do {
    const l = await listing(a.ch, a.dl1.id, a.admin, `&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    n += l.json.data.length;
    cursor = l.json.next_cursor;
  } while (cursor);
  assert.equal(n, 250);
});

test('the catalog_publishing flag gates every publishing route (404 feature_disabled)', async () => {
  const a = await exampleA();
  await publish(a.ch, a.admin, { publisher_org_id: a.m1.id, org_id: a.d1.id, items: [{ sku_id: a.sa1.id }] });
  const off = await put('/v1/settings', { flags: { catalog_publishing: false } }, a.admin);
  assert.equal(off.status, 200, off.text);
  const before = writes(a.t.id);
  const t = { publisher_org_id: a.m1.id, org_id: a.d1.id };
  const q = `publisher_org_id=${a.m1.id}&org_id=${a.d1.id}`;
  assertProblem(await publish(a.ch, a.admin, { ...t, items: [{ sku_id: a.sa2.id }] }), 404, 'feature_disabled');
  assertProblem(await unlist(a.ch, a.admin, { ...t, items: [{ sku_id: a.sa1.id }] }), 404, 'feature_disabled');
  assertProblem(await rollback(a.ch, a.admin, { ...t, to_version: 1 }), 404, 'feature_disabled');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions?${q}`, a.admin), 404, 'feature_disabled');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions/1?${q}`, a.admin), 404, 'feature_disabled');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions/1/diff?${q}`, a.admin), 404, 'feature_disabled');
  assertProblem(await listing(a.ch, a.d1.id, a.admin), 404, 'feature_disabled');
  assert.equal(writes(a.t.id), before);
});

test('who may: staff publish as their organization, viewers only read, other tenants and orgs see nothing', async () => {
  const a = await exampleA();
  const t = { publisher_org_id: a.m1.id, org_id: a.d1.id };
  const q = `publisher_org_id=${a.m1.id}&org_id=${a.d1.id}`;
  assert.equal((await publish(a.ch, a.m1Staff.token, { ...t, items: [{ sku_id: a.sa1.id }] })).status, 201);
  const viewer = await orgUser(a, a.m1.id, 'viewer', 'viewer@m1.test');
  const ops = await orgUser(a, a.m1.id, 'ops_manager', 'ops@m1.test');
  const before = writes(a.t.id);
  assertProblem(await publish(a.ch, viewer.token, { ...t, items: [{ sku_id: a.sa2.id }] }), 403, 'forbidden');
  assertProblem(await unlist(a.ch, viewer.token, { ...t, items: [{ sku_id: a.sa1.id }] }), 403, 'forbidden');
  assertProblem(await rollback(a.ch, viewer.token, { ...t, to_version: 1 }), 403, 'forbidden');
  assert.equal(writes(a.t.id), before);
  assert.equal((await publish(a.ch, ops.token, { ...t, items: [{ sku_id: a.sa2.id }] })).status, 201);
  // versions: the publisher, the recipient and tenant-wide users read them; DL1 does not
  for (const token of [viewer.token, a.d1Staff.token, a.admin]) {
    assert.equal((await get(`/v1/channels/${a.ch.id}/catalog/versions?${q}`, token)).status, 200);
    assert.equal((await get(`/v1/channels/${a.ch.id}/catalog/versions/1?${q}`, token)).status, 200);
    assert.equal((await get(`/v1/channels/${a.ch.id}/catalog/versions/2/diff?${q}`, token)).status, 200);
  }
  for (const token of [a.dl1Staff.token, a.m2Staff.token]) {
    assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions?${q}`, token), 404, 'not_found');
    assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions/1?${q}`, token), 404, 'not_found');
    assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions/2/diff?${q}`, token), 404, 'not_found');
  }
  // listings: one's own only; a tenant-wide user any
  assert.equal((await listing(a.ch, a.d1.id, a.d1Staff.token)).status, 200);
  assert.equal((await listing(a.ch, a.d1.id, a.admin)).status, 200);
  for (const token of [a.dl1Staff.token, viewer.token, a.m2Staff.token]) assertProblem(await listing(a.ch, a.d1.id, token), 404, 'not_found');
  // DL1's listing: its dealer staff read it, its distributor and manufacturers do not
  assert.equal((await listing(a.ch, a.dl1.id, a.dl1Staff.token)).status, 200);
  for (const token of [a.d1Staff.token, a.m1Staff.token, a.m2Staff.token]) assertProblem(await listing(a.ch, a.dl1.id, token), 404, 'not_found');
  assertProblem(await listing(a.ch, 999999999, a.admin), 404, 'not_found');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog`, a.admin), 400, 'validation_failed');

  // another tenant: the channel, the publication and the listing are not there
  const b = await world('pubb');
  const theirs = await b.channel('Theirs', 'dealer');
  const mine = await b.org('Their dealer', 'dealer');
  const theirBefore = writes(b.t.id);
  assertProblem(await listing(a.ch, a.d1.id, b.admin), 404, 'not_found');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions?${q}`, b.admin), 404, 'not_found');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions/1?${q}`, b.admin), 404, 'not_found');
  assertProblem(await get(`/v1/channels/${a.ch.id}/catalog/versions/2/diff?${q}`, b.admin), 404, 'not_found');
  assertProblem(await publish(a.ch, b.admin, { ...t, items: [{ sku_id: a.sa1.id }] }), 404, 'not_found');
  assertProblem(await rollback(a.ch, b.admin, { ...t, to_version: 1 }), 404, 'not_found');
  // their own channel with our ids: none of our organizations or SKUs are theirs
  assertProblem(await publish(theirs, b.admin, { ...t, items: [{ sku_id: a.sa1.id }] }), 422, 'unprocessable');
  assertProblem(await listing(theirs, a.d1.id, b.admin), 404, 'not_found');
  assertProblem(await get(`/v1/channels/${theirs.id}/catalog/versions?${q}`, b.admin), 404, 'not_found');
  assert.deepEqual((await listing(theirs, mine.id, b.admin)).json, { data: [], next_cursor: null });
  assert.equal(writes(b.t.id), theirBefore);
});
