// The effective listing end to end: precedence when an item reaches an organization more
// than once (direct > preferred relationship > other > lowest publisher id), keyset pages
// across publications with no duplicates or gaps while upstream validation drops items,
// cursors and limits that are not valid, and Example A in the demo tenant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { assertProblem, credentials, login, cli, sql, VAR } from './lib.mjs';
import { world, publish, unlist, listing, assertSchema, get } from './publishing.mjs';

const rows = async (w, ch, org) => {
  const r = await listing(ch, org.id, w.admin);
  assert.equal(r.status, 200, r.text);
  await assertSchema('ListingPage', r.json);
  return r.json.data.map((x) => ({ sku: x.sku_id, by: x.publisher_org_id, source: x.source, path: x.path }));
};

test('one item reaching an organization several ways: direct > preferred > other > lowest publisher id', async () => {
  const w = await world('prec');
  const m1 = await w.org('M1', 'manufacturer');
  const d1 = await w.org('D1', 'distributor');
  const d2 = await w.org('D2', 'distributor');
  const dl = await w.org('DL', 'dealer');
  const dlp = await w.org('DLP', 'dealer');
  assert.ok(d1.id < d2.id);
  await w.relate(m1, d1, 'distributor_of');
  await w.relate(m1, d2, 'distributor_of');
  await w.relate(m1, dl, 'dealer_of');
  await w.relate(d1, dl, 'dealer_of');
  await w.relate(d2, dl, 'dealer_of');
  await w.relate(d1, dlp, 'dealer_of');
  await w.relate(d2, dlp, 'dealer_of', { preferred: true });
  const ch = await w.channel('Dealers', 'dealer');
  const x = await w.sku(await w.product(m1, 'P'), 'X-1');
  const one = [{ sku_id: x.id }];
  for (const to of [d1, d2, dl]) assert.equal((await publish(ch, w.admin, { publisher_org_id: m1.id, org_id: to.id, items: one })).status, 201);
  for (const by of [d1, d2]) {
    for (const to of [dl, dlp]) assert.equal((await publish(ch, w.admin, { publisher_org_id: by.id, org_id: to.id, items: one })).status, 201);
  }

  assert.deepEqual(await rows(w, ch, dl), [{ sku: x.id, by: m1.id, source: 'direct', path: [m1.id, dl.id] }], 'direct beats both distributors');
  assert.deepEqual(await rows(w, ch, dlp), [{ sku: x.id, by: d2.id, source: 'distributor', path: [m1.id, d2.id, dlp.id] }], 'the preferred distributor beats the lower id');
  assert.equal((await unlist(ch, w.admin, { publisher_org_id: m1.id, org_id: dl.id, items: one })).status, 201);
  assert.deepEqual(await rows(w, ch, dl), [{ sku: x.id, by: d1.id, source: 'distributor', path: [m1.id, d1.id, dl.id] }], 'between equals, the lowest publisher id');
  // the preferred one losing the item upstream hands it to the other
  assert.equal((await unlist(ch, w.admin, { publisher_org_id: m1.id, org_id: d2.id, items: one })).status, 201);
  assert.deepEqual(await rows(w, ch, dlp), [{ sku: x.id, by: d1.id, source: 'distributor', path: [m1.id, d1.id, dlp.id] }]);
  assert.deepEqual(await rows(w, ch, dl), [{ sku: x.id, by: d1.id, source: 'distributor', path: [m1.id, d1.id, dl.id] }]);
  // one publisher reaching DL twice, to DL and to all, still lists the item once
  assert.equal((await publish(ch, w.admin, { publisher_org_id: d1.id, org_id: null, items: one })).status, 201);
  assert.equal((await rows(w, ch, dl)).length, 1);
  // each listing's version is its winning publication's
  const full = (await listing(ch, dl.id, w.admin)).json.data[0];
  assert.equal(full.version, 1);
});

test('pages walk the merged listing in (SKU, offering) order with no duplicates or gaps, whatever the limit', async () => {
  const w = await world('page');
  const m1 = await w.org('M1', 'manufacturer');
  const d1 = await w.org('D1', 'distributor');
  const dl = await w.org('DL', 'dealer');
  await w.relate(m1, d1, 'distributor_of');
  await w.relate(d1, dl, 'dealer_of');
  await w.relate(m1, dl, 'dealer_of');
  const ch = await w.channel('Dealers', 'dealer');
  const p = await w.product(m1, 'P');
  const s = [];
  for (let i = 0; i < 25; i++) s.push(await w.sku(p, `S-${String(i).padStart(2, '0')}`));
  const off = await w.offering(s[3], 'rental');
  const ids = (from, to) => s.slice(from, to).map((x) => ({ sku_id: x.id }));
  // direct to DL: 0-9, SKU 3's offering, and 20-24; through D1: 5-19, of which D1 loses 12, 13 and 17
  assert.equal((await publish(ch, w.admin, { publisher_org_id: m1.id, org_id: dl.id, items: [...ids(0, 10), { offering_id: off.id }, ...ids(20, 25)] })).status, 201);
  assert.equal((await publish(ch, w.admin, { publisher_org_id: m1.id, org_id: d1.id, items: ids(5, 20) })).status, 201);
  assert.equal((await publish(ch, w.admin, { publisher_org_id: d1.id, org_id: dl.id, items: ids(5, 20) })).status, 201);
  assert.equal((await unlist(ch, w.admin, { publisher_org_id: m1.id, org_id: d1.id, items: [12, 13, 17].map((i) => ({ sku_id: s[i].id })) })).status, 201);

  const want = [];
  for (let i = 0; i < 25; i++) {
    if ([12, 13, 17].includes(i)) continue;
    const direct = i < 10 || i >= 20;
    want.push(`${s[i].id}/null/${direct ? m1.id : d1.id}`);
    if (i === 3) want.push(`${s[3].id}/${off.id}/${m1.id}`);
  }
  for (const limit of [1, 2, 3, 4, 7, 22, 23, 200]) {
    const seen = [];
    let cursor = null, pages = 0;
    do {
      const r = await listing(ch, dl.id, w.admin, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.data.length <= limit);
      seen.push(...r.json.data.map((x) => `${x.sku_id}/${x.offering_id}/${x.publisher_org_id}`));
      cursor = r.json.next_cursor;
      assert.ok(++pages <= want.length + 1, 'the walk ends');
    } while (cursor);
    assert.deepEqual(seen, want, `limit ${limit}`);
  }
  const all = await listing(ch, dl.id, w.admin);
  assert.equal(all.json.next_cursor, null);
  assert.equal(all.json.data.length, 23);
  assert.deepEqual(all.json.data.find((x) => x.sku_id === s[15].id).path, [m1.id, d1.id, dl.id]);
});

test('limits and cursors that are not valid are 400', async () => {
  const w = await world('curs');
  const m1 = await w.org('M1', 'manufacturer');
  const d1 = await w.org('D1', 'distributor');
  await w.relate(m1, d1, 'distributor_of');
  const ch = await w.channel('Dealers', 'dealer');
  const p = await w.product(m1, 'P');
  const items = [];
  for (let i = 0; i < 3; i++) items.push({ sku_id: (await w.sku(p, `C-${i}`)).id });
  await publish(ch, w.admin, { publisher_org_id: m1.id, org_id: d1.id, items });
  const first = await listing(ch, d1.id, w.admin, '&limit=1');
  const good = first.json.next_cursor;
  assert.match(Buffer.from(good, 'base64url').toString(), /^l1:\d+\.0$/);
  const next = await listing(ch, d1.id, w.admin, `&limit=1&cursor=${good}`);
  assert.equal(next.json.data[0].sku_id, items[1].sku_id);
  for (const q of ['limit=0', 'limit=201', 'limit=x', 'limit=-1', 'cursor=bogus', `cursor=${good}!`,
    `cursor=${Buffer.from('c1:5').toString('base64url')}`, `cursor=${Buffer.from('l1:0.0').toString('base64url')}`,
    `cursor=${Buffer.from('l1:5').toString('base64url')}`, `cursor=${Buffer.from('l1:5.1 OR 1=1').toString('base64url')}`,
    `cursor=${Buffer.from('l2:5.0').toString('base64url')}`]) {
    const r = await listing(ch, d1.id, w.admin, `&${q}`);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field), [q.split('=')[0]]);
  }
  for (const org of ['x', '0', '-1', '']) assertProblem(await listing(ch, org, w.admin), 400, 'validation_failed');
  // a cursor past the end is an empty page
  const end = await listing(ch, d1.id, w.admin, `&cursor=${Buffer.from('l1:999999999.0').toString('base64url')}`);
  assert.deepEqual(end.json, { data: [], next_cursor: null });
});

test("the demo tenant holds Example A's catalog: DL1 lists S-A1 through D1 and S-B1 from BioMed; seeding again adds nothing", async () => {
  const session = async (pick) => {
    const u = credentials().demo.find(pick);
    const r = await login(u.tenant, u.email, u.password);
    assert.equal(r.status, 200, r.text);
    return r.json.access_token;
  };
  const admin = await session((d) => d.org_type === null);
  const dl1 = await session((d) => d.org === 'DL1');
  const byName = Object.fromEntries((await get('/v1/orgs?limit=200', admin)).json.data.map((o) => [o.name, o.id]));
  const ch = (await get('/v1/channels', admin)).json.data.find((c) => c.name === 'Dealer channel');
  const l = await listing(ch, byName.DL1, dl1);
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.json.data.map((x) => [x.sku_code, x.source, x.path]), [
    ['S-A1', 'distributor', [byName.ACME, byName.D1, byName.DL1]],
    ['S-B1', 'direct', [byName.BioMed, byName.DL1]],
  ]);
  const versions = () => sql("SELECT COUNT(*) FROM publication_versions v JOIN tenants t ON t.id = v.tenant_id WHERE t.slug = 'demo'");
  const before = versions();
  const out = cli('demo', 'seed');
  assert.equal(out.status, 0, out.out);
  // the seed gave every demo login a new password: keep the stack's credentials true
  const creds = credentials();
  creds.demo = JSON.parse(out.out);
  writeFileSync(`${VAR}/dev-credentials.json`, `${JSON.stringify(creds)}\n`);
  assert.equal(versions(), before);
  assert.deepEqual((await listing(ch, byName.DL1, await session((d) => d.org === 'DL1'))).json.data.map((x) => x.sku_code), ['S-A1', 'S-B1']);
});
