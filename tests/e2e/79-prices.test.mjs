// Price resolution end to end: Example B verbatim with books made through the API, tiers and
// quantities, windows and `at`, rounding per currency and the tenant's half-even, FX and tax as
// docs/pricing.md's tables say, a batch equal to its singles, the price list as CSV, FX and tax
// rates' own API (validation, audit rows, price.updated events), who may price for whom, the
// isolation between tenants, the feature flags, and bad input named field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, bearer, login, sql, cli, assertProblem, post, put, get, adminWorld, orgUser, assertSchema, RFC3339_MS } from './lib.mjs';

const del = (path, token) => req('DELETE', path, { headers: bearer(token) });
const created = (r) => {
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const qs = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)).toString();
const resolve = (token, params) => get(`/v1/prices/resolve?${qs(params)}`, token);
const batch = (token, body) => post('/v1/prices/resolve', body, token);
const csv = (token, params) => get(`/v1/prices/list.csv?${qs(params)}`, token);
let seq = 0;

// Seed 000's organizations and Example B's catalog in a fresh tenant: ACME and BioMed
// (manufacturers), D1 (distributor of ACME), DL1 (dealer of D1 and of BioMed), DL2 (dealer of
// D1); the Dealer channel; P-A (category analyzers) with S-A1, P-B (monitors) with S-B1. What
// reaches the dealers is published, so their staff may read the SKUs: S-A1 from ACME to D1 and
// from D1 to DL1 and DL2, S-B1 from BioMed to DL1.
async function world(prefix = 'pr') {
  const w = await adminWorld(prefix, { org: true, channels: true, catalog_publishing: true, price_books: true, price_resolution: true });
  const org = async (name, type) => created(await post('/v1/orgs', { name, type }, w.admin));
  const relate = async (parent, child, type) => created(await post(`/v1/orgs/${parent.id}/relationships`, { child_org_id: child.id, relation_type: type }, w.admin));
  w.acme = await org('ACME', 'manufacturer');
  w.biomed = await org('BioMed', 'manufacturer');
  w.d1 = await org('D1', 'distributor');
  w.dl1 = await org('DL1', 'dealer');
  w.dl2 = await org('DL2', 'dealer');
  await relate(w.acme, w.d1, 'distributor_of');
  await relate(w.d1, w.dl1, 'dealer_of');
  await relate(w.d1, w.dl2, 'dealer_of');
  await relate(w.biomed, w.dl1, 'dealer_of');
  w.ch = created(await post('/v1/channels', { name: 'DealerChannel', type: 'dealer' }, w.admin));
  w.pa = created(await post('/v1/products', { manufacturer_id: w.acme.id, name: 'P-A', category: 'analyzers' }, w.admin));
  w.pb = created(await post('/v1/products', { manufacturer_id: w.biomed.id, name: 'P-B', category: 'monitors' }, w.admin));
  w.sa1 = created(await post('/v1/skus', { product_id: w.pa.id, sku_code: 'S-A1' }, w.admin));
  w.sb1 = created(await post('/v1/skus', { product_id: w.pb.id, sku_code: 'S-B1' }, w.admin));
  const publish = async (by, to, sku) => created(await post(`/v1/channels/${w.ch.id}/catalog/publish`, { publisher_org_id: by.id, org_id: to.id, items: [{ sku_id: sku.id }] }, w.admin));
  await publish(w.acme, w.d1, w.sa1);
  await publish(w.d1, w.dl1, w.sa1);
  await publish(w.d1, w.dl2, w.sa1);
  await publish(w.biomed, w.dl1, w.sb1);
  w.user = (o, role = 'org_admin') => orgUser(w, o.id, role, `u${seq++}-${role}@${prefix}${o.id}.test`);
  w.book = async (body, token = w.admin) => created(await post('/v1/price-books', { currency: 'EUR', ...body }, token));
  w.rule = async (book, body, token = w.admin) => created(await post('/v1/price-rules', { price_book_id: book.id, ...body }, token));
  w.product = async (name, category) => created(await post('/v1/products', { manufacturer_id: w.acme.id, name, ...(category ? { category } : {}) }, w.admin));
  w.sku = async (product, code) => created(await post('/v1/skus', { product_id: product.id, sku_code: code }, w.admin));
  return w;
}

// Example B's books (docs/pricing.md, worked cases 1 to 6), made through the books API.
async function exampleB(w) {
  const b = {};
  b.oc = await w.book({ name: 'DL1 at DealerChannel', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id });
  b.ocA1 = await w.rule(b.oc, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '950' });
  b.ch = await w.book({ name: 'DealerChannel', scope_type: 'channel', channel_id: w.ch.id });
  b.chB1 = await w.rule(b.ch, { selector: 'sku', selector_value: String(w.sb1.id), rule_type: 'fixed', value: '1000' });
  b.chB1off = await w.rule(b.ch, { selector: 'sku', selector_value: String(w.sb1.id), rule_type: 'discount', value: '5' });
  b.chA1 = await w.rule(b.ch, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '1000' });
  b.org = await w.book({ name: 'DL1', scope_type: 'org', org_id: w.dl1.id });
  b.orgAll = await w.rule(b.org, { selector: 'all', rule_type: 'discount', value: '2' });
  b.gl = await w.book({ name: 'List prices', scope_type: 'global' });
  b.glA = await w.rule(b.gl, { selector: 'product', selector_value: String(w.pa.id), rule_type: 'fixed', value: '1200' });
  b.glB = await w.rule(b.gl, { selector: 'product', selector_value: String(w.pb.id), rule_type: 'fixed', value: '1100' });
  return b;
}

const price = (r) => {
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const brief = (p) => [p.amount, p.currency, p.price_book_id, p.rule_id, p.base_price_book_id, p.base_rule_id];

test('Example B verbatim, and worked cases 3 to 6: each answer, its provenance line by line, the schema', async () => {
  const w = await world('prb');
  const b = await exampleB(w);
  // 1: S-A1 for DL1 at DealerChannel: the org_channel fixed 950
  const one = price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl1.id, channel_id: w.ch.id }));
  await assertSchema('PriceResolution', one);
  assert.deepEqual(brief(one), ['950.00', 'EUR', b.oc.id, b.ocA1.id, b.oc.id, b.ocA1.id]);
  assert.deepEqual([one.sku_id, one.sku_code, one.qty, one.org_id, one.channel_id, one.fx], [w.sa1.id, 'S-A1', '1', w.dl1.id, w.ch.id, null]);
  assert.match(one.at, RFC3339_MS);
  assert.ok(Math.abs(Date.parse(one.at) - Date.now()) < 60000, 'at defaults to now');
  assert.equal(one.tax, undefined);
  const line = (l) => [l.kind, l.price_book_id, l.scope_type, l.rule_id, l.rule_type, l.value, l.taken, l.reason];
  assert.deepEqual(one.provenance.map(line), [
    ['book', b.oc.id, 'org_channel', null, null, null, true, 'wins: the first candidate with a rule for this SKU'],
    ['rule', b.oc.id, 'org_channel', b.ocA1.id, 'fixed', '950.00', true, 'most specific fixed price'],
    ['book', b.ch.id, 'channel', null, null, null, false, `lower precedence than book ${b.oc.id}`],
    ['rule', b.ch.id, 'channel', b.chA1.id, 'fixed', '1000.00', false, `lower precedence than book ${b.oc.id}`],
    ['book', b.org.id, 'org', null, null, null, false, `lower precedence than book ${b.oc.id}`],
    ['rule', b.org.id, 'org', b.orgAll.id, 'discount', '2', false, `lower precedence than book ${b.oc.id}`],
    ['book', b.gl.id, 'global', null, null, null, false, `lower precedence than book ${b.oc.id}`],
    ['rule', b.gl.id, 'global', b.glA.id, 'fixed', '1200.00', false, `lower precedence than book ${b.oc.id}`],
  ]);
  assert.deepEqual(one.provenance.filter((l) => l.kind === 'book').map((l) => l.book_name), ['DL1 at DealerChannel', 'DealerChannel', 'DL1', 'List prices']);
  assert.deepEqual(one.provenance[1].selector, 'sku');
  assert.deepEqual(one.provenance[1].selector_value, String(w.sa1.id));
  // 2: S-B1: no org_channel rule; the channel's fixed 1000 less its 5 % discount
  const two = price(await resolve(w.admin, { sku_id: w.sb1.id, org_id: w.dl1.id, channel_id: w.ch.id }));
  assert.deepEqual(brief(two), ['950.00', 'EUR', b.ch.id, b.chB1off.id, b.ch.id, b.chB1.id]);
  assert.deepEqual(two.provenance.slice(0, 4).map(line), [
    ['book', b.oc.id, 'org_channel', null, null, null, false, 'no rule for this SKU'],
    ['book', b.ch.id, 'channel', null, null, null, true, 'wins: the first candidate with a rule for this SKU'],
    ['rule', b.ch.id, 'channel', b.chB1.id, 'fixed', '1000.00', true, 'most specific fixed price'],
    ['rule', b.ch.id, 'channel', b.chB1off.id, 'discount', '5', true, 'most specific adjustment'],
  ]);
  // 3: DL1 outside any channel: the org book's 2 % on the global base
  assert.deepEqual(brief(price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl1.id }))), ['1176.00', 'EUR', b.org.id, b.orgAll.id, b.gl.id, b.glA.id]);
  // 4: no organization, no channel: the global price
  assert.deepEqual(brief(price(await resolve(w.admin, { sku_id: w.sa1.id }))), ['1200.00', 'EUR', b.gl.id, b.glA.id, b.gl.id, b.glA.id]);
  // 5: DL2 at DealerChannel: DL1's books do not match, the channel's fixed 1000 does
  const five = price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl2.id, channel_id: w.ch.id }));
  assert.deepEqual(brief(five), ['1000.00', 'EUR', b.ch.id, b.chA1.id, b.ch.id, b.chA1.id]);
  // only the candidate books' ranges are read: DL1's books are not even in the provenance
  assert.deepEqual([...new Set(five.provenance.map((l) => l.price_book_id))], [b.ch.id, b.gl.id]);
  // 6: another currency, no book in it and no rate: no price, with the provenance
  const six = await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl1.id, channel_id: w.ch.id, currency: 'USD' });
  assertProblem(six, 404, 'no_price');
  await assertSchema('PriceProblem', six.json);
  assert.match(six.json.detail, /no book prices SKU \d+ in USD, and no EUR to USD rate is in effect/);
  assert.deepEqual(six.json.provenance.at(-1).kind, 'fx');
  assert.equal(six.json.provenance.at(-1).taken, false);
  // the demo-independent world has nothing else: a SKU without any rule is no price
  const p = await w.product('P-none', 'misc');
  const s = await w.sku(p, 'S-N1');
  const none = await resolve(w.admin, { sku_id: s.id, org_id: w.dl2.id, channel_id: w.ch.id });
  assertProblem(none, 404, 'no_price');
  assert.equal(none.json.detail, `no book prices SKU ${s.id} in EUR`);
  assert.deepEqual(none.json.provenance.map((l) => [l.kind, l.taken, l.reason]), [
    ['book', false, 'no rule for this SKU'], ['book', false, 'no rule for this SKU'],
  ]);
});

test('tiers: the quantity picks the largest min_qty reached; the amount is a unit price', async () => {
  const w = await world('prt');
  const bk = await w.book({ name: 'Tiers', scope_type: 'org_channel', org_id: w.dl1.id, channel_id: w.ch.id });
  const t1 = await w.rule(bk, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '100', min_qty: '1' });
  const t10 = await w.rule(bk, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '90', min_qty: '10' });
  const t50 = await w.rule(bk, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '80', min_qty: '50' });
  const chb = await w.book({ name: 'Channel', scope_type: 'channel', channel_id: w.ch.id });
  const chr = await w.rule(chb, { selector: 'all', rule_type: 'fixed', value: '1000' });
  const at = (qty) => resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl1.id, channel_id: w.ch.id, qty });
  const cases = [['5', '100.00', t1.id], ['10', '90.00', t10.id], ['49.5', '90.00', t10.id], ['500', '80.00', t50.id], ['50.000', '80.00', t50.id], ['1', '100.00', t1.id]];
  for (const [qty, amount, rule] of cases) {
    const p = price(await at(qty));
    assert.deepEqual([p.amount, p.rule_id, p.price_book_id], [amount, rule, bk.id], `qty ${qty}`);
  }
  assert.equal(price(await at('49.5')).qty, '49.5');
  assert.equal(price(await at('050.000')).qty, '50');
  const p10 = price(await at('10'));
  const byId = (a, b) => a[0] - b[0];
  assert.deepEqual(p10.provenance.filter((l) => l.kind === 'rule' && l.price_book_id === bk.id).map((l) => [l.rule_id, l.min_qty, l.taken, l.reason]).sort(byId), [
    [t1.id, '1', false, `smaller tier than rule ${t10.id}`],
    [t10.id, '10', true, 'most specific fixed price'],
    [t50.id, '50', false, 'tier min_qty 50 > qty 10'],
  ]);
  // below every tier: the book is passed over, the channel's price holds
  const bulk = await w.book({ name: 'Bulk only', scope_type: 'org', org_id: w.dl2.id });
  await w.rule(bulk, { selector: 'all', rule_type: 'fixed', value: '700', min_qty: '100' });
  const small = price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl2.id, channel_id: w.ch.id, qty: '99.999' }));
  assert.deepEqual([small.amount, small.rule_id], ['1000.00', chr.id]);
  const big = price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl2.id, qty: '100' }));
  assert.deepEqual([big.amount, big.price_book_id], ['700.00', bulk.id]);
});

test('windows and at: effective_from inclusive, effective_to exclusive, offsets count by the instant; books outside say so', async () => {
  const w = await world('prw');
  const ch = await w.book({ name: 'Channel', scope_type: 'channel', channel_id: w.ch.id });
  await w.rule(ch, { selector: 'all', rule_type: 'fixed', value: '1000' });
  const summer = await w.book({ name: 'Summer', scope_type: 'channel', channel_id: w.ch.id, effective_from: '2026-06-01T00:00:00Z', effective_to: '2026-09-01T00:00:00Z' });
  const sr = await w.rule(summer, { selector: 'all', rule_type: 'fixed', value: '880' });
  const at = async (when) => price(await resolve(w.admin, { sku_id: w.sa1.id, channel_id: w.ch.id, at: when }));
  assert.equal((await at('2026-05-31T23:59:59.999Z')).amount, '1000.00');
  const from = await at('2026-06-01T00:00:00Z');
  assert.deepEqual([from.amount, from.price_book_id, from.rule_id, from.at], ['880.00', summer.id, sr.id, '2026-06-01T00:00:00.000Z']);
  assert.equal((await at('2026-06-01T02:00:00+02:00')).amount, '880.00');
  assert.equal((await at('2026-06-01T01:59:59+02:00')).amount, '1000.00');
  assert.equal((await at('2026-08-31T23:59:59.999Z')).amount, '880.00');
  const to = await at('2026-09-01T00:00:00Z');
  assert.equal(to.amount, '1000.00');
  assert.deepEqual(to.provenance.find((l) => l.price_book_id === summer.id && l.kind === 'book').reason, 'outside its window');
  // a draft book is not read at all
  const draft = await w.book({ name: 'Draft', scope_type: 'channel', channel_id: w.ch.id, status: 'draft', priority: 9 });
  await w.rule(draft, { selector: 'all', rule_type: 'fixed', value: '1' });
  assert.equal((await at('2026-01-01T00:00:00Z')).amount, '1000.00');
  assert.ok(!(await at('2026-01-01T00:00:00Z')).provenance.some((l) => l.price_book_id === draft.id));
});

test('rounding once per currency: JPY, KWD, EUR; the tenant\'s half_even; a higher priority wins inside a scope', async () => {
  const w = await world('prr');
  const mk = async (currency, fixed, discount) => {
    const bk = await w.book({ name: currency, scope_type: 'global', currency });
    await w.rule(bk, { selector: 'all', rule_type: 'fixed', value: fixed });
    await w.rule(bk, { selector: 'all', rule_type: 'discount', value: discount });
    return bk;
  };
  await mk('JPY', '997', '50');
  await mk('KWD', '1.005', '50');
  await mk('EUR', '10.05', '50');
  const amount = async (currency) => price(await resolve(w.admin, { sku_id: w.sa1.id, currency })).amount;
  assert.deepEqual([await amount('JPY'), await amount('KWD'), await amount('EUR')], ['499', '0.503', '5.03']);
  assert.equal((await put('/v1/settings', { rounding: 'half_even' }, w.admin)).status, 200);
  assert.deepEqual([await amount('JPY'), await amount('KWD'), await amount('EUR')], ['498', '0.502', '5.02']);
  // values in the provenance keep their currency's decimals
  const k = price(await resolve(w.admin, { sku_id: w.sa1.id, currency: 'KWD' }));
  assert.deepEqual(k.provenance.filter((l) => l.kind === 'rule').map((l) => l.value).sort(), ['1.005', '50']);
  const j = price(await resolve(w.admin, { sku_id: w.sa1.id, currency: 'JPY' }));
  assert.deepEqual(j.provenance.filter((l) => l.kind === 'rule').map((l) => l.value).sort(), ['50', '997']);
  // priority inside a scope, then the later start
  const hi = await w.book({ name: 'High', scope_type: 'global', priority: 5 });
  const hr = await w.rule(hi, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '7.77' });
  const p = price(await resolve(w.admin, { sku_id: w.sa1.id }));
  assert.deepEqual([p.amount, p.price_book_id, p.rule_id], ['7.77', hi.id, hr.id]);
});

test('FX: the latest rate of the pair on or before the UTC day of at, the exact price converted once (docs/pricing.md FX rows 1 to 6)', async () => {
  const w = await world('prx');
  const eur = await w.book({ name: 'EUR list', scope_type: 'global' });
  const er = await w.rule(eur, { selector: 'all', rule_type: 'fixed', value: '950' });
  const rate = async (body) => created(await post('/v1/fx-rates', body, w.admin));
  const r108 = await rate({ base_currency: 'EUR', quote_currency: 'USD', rate: '1.08', rate_date: '2026-01-10' });
  const r110 = await rate({ base_currency: 'EUR', quote_currency: 'USD', rate: '1.1', rate_date: '2026-01-20' });
  const usd = async (at, extra = {}) => resolve(w.admin, { sku_id: w.sa1.id, currency: 'USD', at, ...extra });
  // 1: between the two rates: the earlier one
  const one = price(await usd('2026-01-15T12:00:00Z'));
  await assertSchema('PriceResolution', one);
  assert.deepEqual([one.amount, one.currency, one.price_book_id, one.rule_id], ['1026.00', 'USD', eur.id, er.id]);
  assert.deepEqual(one.fx, { fx_rate_id: r108.id, base_currency: 'EUR', quote_currency: 'USD', rate: '1.08', rate_date: '2026-01-10', base_amount: '950.00' });
  const fxLine = one.provenance.at(-1);
  assert.deepEqual([fxLine.kind, fxLine.taken, fxLine.value, fxLine.fx_rate_id, fxLine.rate_date], ['fx', true, '1.08', r108.id, '2026-01-10']);
  assert.match(fxLine.reason, /^no book in USD prices this SKU: its price in EUR, the tenant's currency, times 1\.08/);
  // 2: on the rate's own day; 3: the UTC day counts, not the offset's
  assert.equal(price(await usd('2026-01-20T00:00:00Z')).fx.fx_rate_id, r110.id);
  assert.equal(price(await usd('2026-01-20T00:00:00Z')).amount, '1045.00');
  assert.equal(price(await usd('2026-01-19T23:30:00-01:00')).fx.fx_rate_id, r110.id);
  assert.equal(price(await usd('2026-01-20T00:30:00+01:00')).fx.fx_rate_id, r108.id);
  // 4: before the first rate: no price, saying why
  const four = await usd('2026-01-09T23:59:59Z');
  assertProblem(four, 404, 'no_price');
  assert.match(four.json.detail, /no EUR to USD rate is in effect on 2026-01-09/);
  // 5: a USD book pricing the SKU is taken as it is
  const ub = await w.book({ name: 'USD list', scope_type: 'global', currency: 'USD' });
  const ur = await w.rule(ub, { selector: 'sku', selector_value: String(w.sa1.id), rule_type: 'fixed', value: '999.99' });
  const five = price(await usd('2026-01-15T12:00:00Z'));
  assert.deepEqual([five.amount, five.price_book_id, five.rule_id, five.fx], ['999.99', ub.id, ur.id, null]);
  assert.ok(five.provenance.every((l) => l.currency === 'USD'));
  // 6: a rate the other way round converts nothing
  await rate({ base_currency: 'GBP', quote_currency: 'EUR', rate: '1.17', rate_date: '2026-01-01' });
  assertProblem(await resolve(w.admin, { sku_id: w.sa1.id, currency: 'GBP', at: '2026-02-01T00:00:00Z' }), 404, 'no_price');
  // the exact price is converted: 100 at a 30 % margin x 1.1 is 157.14, not 142.86 x 1.1 = 157.15
  const m = await w.book({ name: 'Margin', scope_type: 'org', org_id: w.dl2.id });
  await w.rule(m, { selector: 'all', rule_type: 'fixed', value: '100' });
  await w.rule(m, { selector: 'all', rule_type: 'margin', value: '30' });
  const exact = price(await resolve(w.admin, { sku_id: w.sb1.id, org_id: w.dl2.id, currency: 'USD', at: '2026-01-25T00:00:00Z' }));
  assert.deepEqual([exact.amount, exact.fx.base_amount, exact.fx.rate], ['157.14', '142.86', '1.1']);
  // to yen, rounded once: 950 x 161.5 = 153425
  await rate({ base_currency: 'EUR', quote_currency: 'JPY', rate: '161.5', rate_date: '2026-01-01' });
  assert.equal(price(await resolve(w.admin, { sku_id: w.sa1.id, currency: 'JPY', at: '2026-01-02T00:00:00Z' })).amount, '153425');
});

test('tax by region: the category\'s rate before the default, the latest on or before the day; net, tax, gross (docs/pricing.md tax rows 1 to 6)', async () => {
  const w = await world('prtax');
  const gl = await w.book({ name: 'List', scope_type: 'global' });
  await w.rule(gl, { selector: 'all', rule_type: 'fixed', value: '950' });
  const tax = async (body) => created(await post('/v1/tax-rates', body, w.admin));
  const de = await tax({ region: 'DE', rate: '19', effective_from: '2026-01-01' });
  const deA = await tax({ region: 'DE', category: 'analyzers', rate: '7', effective_from: '2026-01-01' });
  const de20 = await tax({ region: 'DE', category: null, rate: '20', effective_from: '2026-03-01' });
  await tax({ region: 'AT', category: 'analyzers', rate: '7', effective_from: '2026-01-01' });
  const at = (sku, when, region = 'DE') => resolve(w.admin, { sku_id: sku.id, region, at: when });
  // 1: analyzers: 7 %
  const one = price(await at(w.sa1, '2026-02-01T00:00:00Z'));
  await assertSchema('PriceResolution', one);
  assert.deepEqual([one.region, one.tax_rate, one.tax_rate_id, one.net, one.tax, one.gross, one.amount], ['DE', '7', deA.id, '950.00', '66.50', '1016.50', '950.00']);
  const tl = one.provenance.at(-1);
  assert.deepEqual([tl.kind, tl.taken, tl.value, tl.tax_rate_id], ['tax', true, '7', deA.id]);
  assert.match(tl.reason, /^7 % of region 'DE' for category 'analyzers', in effect from 2026-01-01: 66\.50 on 950\.00/);
  // 2: monitors: the default 19 % (docs/pricing.md tax case 1: 950.00 at 19 % is 180.50)
  const two = price(await at(w.sb1, '2026-02-01T00:00:00Z'));
  assert.deepEqual([two.tax_rate, two.tax_rate_id, two.tax, two.gross], ['19', de.id, '180.50', '1130.50']);
  // 3 and 4: the new default from its day on
  assert.deepEqual([price(await at(w.sb1, '2026-03-01T00:00:00Z')).tax_rate_id, price(await at(w.sb1, '2026-02-28T23:59:59Z')).tax_rate_id], [de20.id, de.id]);
  // a region compares as the unique key does
  assert.equal(price(await at(w.sb1, '2026-02-01T00:00:00Z', 'de')).tax_rate_id, de.id);
  // 5: a region without rates; 6: a region with a category's rate but no default
  const five = await at(w.sb1, '2026-02-01T00:00:00Z', 'FR');
  assertProblem(five, 422, 'no_tax_rate');
  assert.equal(five.json.detail, `region 'FR' has no tax rate for SKU ${w.sb1.id} in effect on 2026-02-01`);
  assert.equal(five.json.provenance.at(-1).kind, 'tax');
  assert.equal(five.json.provenance.at(-1).taken, false);
  assertProblem(await at(w.sb1, '2026-02-01T00:00:00Z', 'AT'), 422, 'no_tax_rate');
  assert.equal(price(await at(w.sa1, '2026-02-01T00:00:00Z', 'AT')).tax, '66.50');
  // with FX: tax on the converted amount, in the asked currency
  await post('/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'USD', rate: '1.085', rate_date: '2026-01-01' }, w.admin);
  const usd = price(await resolve(w.admin, { sku_id: w.sb1.id, region: 'DE', at: '2026-02-01T00:00:00Z', currency: 'USD' }));
  assert.deepEqual([usd.amount, usd.net, usd.tax, usd.gross], ['1030.75', '1030.75', '195.84', '1226.59']);
  // the same in a batch: per item
  const bt = price(await batch(w.admin, { region: 'AT', at: '2026-02-01T00:00:00Z', items: [{ sku_id: w.sa1.id }, { sku_id: w.sb1.id }] }));
  assert.deepEqual(bt.items.map((i) => [i.tax ?? null, i.error ?? null]), [['66.50', null], [null, 'no_tax_rate']]);
  await assertSchema('PriceBatch', bt);
});

test('a batch answers what each single resolve answers, in one request of up to 1000 items; trace on demand', async () => {
  const w = await world('prbatch');
  const b = await exampleB(w);
  const tiers = await w.book({ name: 'Tiers', scope_type: 'org', org_id: w.dl2.id, priority: 3 });
  await w.rule(tiers, { selector: 'product', selector_value: String(w.pa.id), rule_type: 'fixed', value: '111.11', min_qty: '10' });
  await w.rule(tiers, { selector: 'category', selector_value: 'monitors', rule_type: 'markup', value: '12.5' });
  const p = await w.product('P-none', 'misc');
  const none = await w.sku(p, 'S-N1');
  const skus = [w.sa1, w.sb1, none];
  const contexts = [{ org_id: w.dl1.id, channel_id: w.ch.id }, { org_id: w.dl2.id, channel_id: w.ch.id }, { org_id: w.dl2.id }, { org_id: w.dl1.id }, {}];
  for (const c of contexts) {
    const items = [];
    for (const s of skus) for (const qty of ['1', '9.999', '10', '250']) items.push({ sku_id: s.id, qty });
    const r = await batch(w.admin, { ...c, items });
    assert.equal(r.status, 200, r.text);
    await assertSchema('PriceBatch', r.json);
    assert.deepEqual([r.json.currency, r.json.org_id ?? null, r.json.channel_id ?? null], ['EUR', c.org_id ?? null, c.channel_id ?? null]);
    assert.equal(r.json.items.length, items.length);
    for (let i = 0; i < items.length; i++) {
      const one = await resolve(w.admin, { sku_id: items[i].sku_id, qty: items[i].qty, at: r.json.at, ...c });
      const got = r.json.items[i];
      assert.deepEqual([got.sku_id, got.qty], [items[i].sku_id, String(Number(items[i].qty))]);
      assert.equal(got.provenance, undefined);
      if (one.status === 404) {
        assertProblem(one, 404, 'no_price');
        assert.deepEqual([got.error, got.detail], ['no_price', one.json.detail]);
      } else {
        const s = price(one);
        assert.deepEqual([got.amount, got.price_book_id, got.rule_id, got.base_price_book_id, got.base_rule_id], [s.amount, s.price_book_id, s.rule_id, s.base_price_book_id, s.base_rule_id], JSON.stringify([c, items[i]]));
      }
    }
  }
  // trace: each item's provenance as the single answer's
  const tr = price(await batch(w.admin, { org_id: w.dl1.id, channel_id: w.ch.id, trace: true, items: [{ sku_id: w.sb1.id }, { sku_id: none.id }] }));
  const single = price(await resolve(w.admin, { sku_id: w.sb1.id, org_id: w.dl1.id, channel_id: w.ch.id }));
  assert.deepEqual(tr.items[0].provenance, single.provenance);
  assert.equal(tr.items[1].error, 'no_price');
  assert.ok(tr.items[1].provenance.length > 0);
  assert.equal(tr.items[0].price_book_id, b.ch.id);
  // 1000 items (the same SKUs again and again) in one request; 1001 is refused
  const many = Array.from({ length: 1000 }, (_, i) => ({ sku_id: skus[i % 2].id, qty: String(1 + (i % 20)) }));
  const big = price(await batch(w.admin, { org_id: w.dl2.id, channel_id: w.ch.id, items: many }));
  assert.equal(big.items.length, 1000);
  assert.deepEqual(big.items.slice(0, 2).map((i) => i.amount), ['1000.00', '950.00']);
  const over = await batch(w.admin, { items: [...many, many[0]] });
  assertProblem(over, 400, 'validation_failed');
  assert.deepEqual(over.json.errors.map((e) => e.field), ['items']);
});

test('one round of statements: 1000 distinct SKUs cost what one does; the books and rules are read by their indexes, forced', async () => {
  const w = await world('pround');
  const gl = await w.book({ name: 'List', scope_type: 'global' });
  const all = await w.rule(gl, { selector: 'all', rule_type: 'fixed', value: '5' });
  const cat = await w.rule(gl, { selector: 'category', selector_value: 'analyzers', rule_type: 'discount', value: '10' });
  const ch = await w.book({ name: 'Channel', scope_type: 'channel', channel_id: w.ch.id });
  const p = await w.product('P-bulk', 'bulk');
  const rows = Array.from({ length: 999 }, (_, i) => `(${w.t.id}, ${p.id}, ${w.acme.id}, 'BULK-${String(i).padStart(4, '0')}')`);
  sql(`INSERT INTO skus (tenant_id, product_id, manufacturer_id, sku_code) VALUES ${rows.join(',')}`);
  const ids = sql(`SELECT id FROM skus WHERE tenant_id = ${w.t.id} AND product_id = ${p.id} ORDER BY id`).split('\n').map(Number);
  const one = await w.rule(ch, { selector: 'sku', selector_value: String(ids[7]), rule_type: 'fixed', value: '7.77' });
  const executes = () => Number(sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'").split('\t')[1]);
  const body = (skus) => ({ org_id: w.dl1.id, channel_id: w.ch.id, items: skus.map((id) => ({ sku_id: id })) });
  await batch(w.admin, body([w.sa1.id])); // the worker's statements prepared, its caches warm
  let n = executes();
  price(await batch(w.admin, body([w.sa1.id])));
  const small = executes() - n;
  n = executes();
  const big = price(await batch(w.admin, body([w.sa1.id, ...ids])));
  const large = executes() - n;
  assert.equal(big.items.length, 1000);
  assert.ok(large <= small + 2 && small < 15, `a batch of 1000 ran ${large} statements, one of 1 ran ${small}`);
  assert.deepEqual([big.items[0].amount, big.items[0].rule_id], ['4.50', cat.id]);
  assert.deepEqual([big.items[8].amount, big.items[8].rule_id], ['7.77', one.id]);
  assert.ok(big.items.slice(1).every((i, k) => k === 7 || (i.amount === '5.00' && i.rule_id === all.id)));
  // the plans, on this small table too: one range per scope, one lookup per book and key
  const explain = (name, params) => {
    let text = cli('sql', name).out.trim();
    for (const v of params) text = text.replace('?', v);
    // the client's batch mode writes a line break as \n and a backslash as \\
    return JSON.parse(sql(`EXPLAIN FORMAT=JSON ${text}`).replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', 0: '\0' }[c] ?? c)));
  };
  const tables = (plan) => JSON.stringify(plan).match(/"table":\{[^{}]*"table_name":"[^"]*"[^{}]*/g);
  const books = tables(explain('price.books', [w.t.id, "'EUR'", "'USD'", w.dl1.id, w.ch.id, w.dl1.id, w.ch.id]));
  assert.match(books[0], /"table_name":"price_books","access_type":"range"/);
  assert.match(books[0], /"key":"ix_price_books_scope"/);
  const rl = tables(explain('price.rules', [`'[${gl.id},${ch.id}]'`, `'[["all",null],["sku","${ids[7]}"],["category","bulk"]]'`, w.t.id]));
  const r = rl.find((t) => t.includes('"table_name":"r"'));
  assert.match(r, /"access_type":"ref"/);
  assert.match(r, /"key":"ix_price_rules_match"/);
  assert.match(r, /"used_key_parts":\["tenant_id","price_book_id","selector","selector_value"\]/);
});

test('a book too big to keep whole (over 5,000 rules) prices as any other, resolve and batch, and a change to it is seen at once by every worker', async () => {
  const w = await world('pbig');
  const b = await exampleB(w);
  // 5,001 more rules for SKUs that do not exist put List prices over the 5,000 a worker keeps
  sql(`INSERT INTO price_rules (tenant_id, price_book_id, selector, selector_value, rule_type, value) SELECT ${w.t.id}, ${b.gl.id}, 'sku', CAST(900000000 + seq AS CHAR), 'fixed', 1 FROM seq_1_to_5001`);
  const more = await w.rule(b.gl, { selector: 'sku', selector_value: String(w.sb1.id), rule_type: 'fixed', value: '1050' }); // through the API: the book's version moves
  const both = { channel_id: null, org_id: null, items: [{ sku_id: w.sa1.id }, { sku_id: w.sb1.id }] };
  const amounts = async () => price(await batch(w.admin, both)).items.map((i) => [i.amount, i.rule_id]);
  for (let i = 0; i < 8; i++) { // each worker: read by key first, then from what it kept
    assert.deepEqual(brief(price(await resolve(w.admin, { sku_id: w.sa1.id }))), ['1200.00', 'EUR', b.gl.id, b.glA.id, b.gl.id, b.glA.id]);
    assert.deepEqual(await amounts(), [['1200.00', b.glA.id], ['1050.00', more.id]]);
    assert.deepEqual(brief(price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl1.id, channel_id: w.ch.id }))), ['950.00', 'EUR', b.oc.id, b.ocA1.id, b.oc.id, b.ocA1.id]);
  }
  const r = await req('PATCH', `/v1/price-rules/${b.glA.id}`, { headers: { ...bearer(w.admin), 'content-type': 'application/json' }, body: JSON.stringify({ value: '1300' }) });
  assert.equal(r.status, 200, r.text);
  await req('DELETE', `/v1/price-rules/${more.id}`, { headers: bearer(w.admin) });
  for (let i = 0; i < 8; i++) {
    assert.deepEqual(await amounts(), [['1300.00', b.glA.id], ['1100.00', b.glB.id]]);
    assert.deepEqual(brief(price(await resolve(w.admin, { sku_id: w.sa1.id, org_id: w.dl1.id }))), ['1274.00', 'EUR', b.org.id, b.orgAll.id, b.gl.id, b.glA.id]);
  }
});

test('bad input is 400 naming every field; ids of nothing are 404 (or 422 in a batch) naming them', async () => {
  const w = await world('prbad');
  const b = await exampleB(w);
  const fields = async (params) => {
    const r = await resolve(w.admin, params);
    assertProblem(r, 400, 'validation_failed');
    return r.json.errors.map((e) => e.field);
  };
  assert.deepEqual(await fields({}), ['sku_id']);
  assert.deepEqual(await fields({ sku_id: 'x', qty: '0', currency: 'eur', at: '2026-01-01' }), ['sku_id', 'qty', 'currency', 'at']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, qty: '1.0001' }), ['qty']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, qty: '-1' }), ['qty']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, qty: '1e3' }), ['qty']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, currency: 'XXX' }), ['currency']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, at: '2026-02-30T00:00:00Z' }), ['at']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, org_id: '0', channel_id: '-2' }), ['org_id', 'channel_id']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, region: 'r'.repeat(65) }), ['region']);
  assert.deepEqual(await fields({ sku_id: w.sa1.id, region: '  ' }), ['region']);
  const r = await resolve(w.admin, { sku_id: w.sa1.id, qty: '1.0001' });
  assert.equal(r.json.errors[0].message, 'has more than 3 decimals');
  const nf = async (params, field) => {
    const x = await resolve(w.admin, params);
    assertProblem(x, 404, 'not_found');
    assert.deepEqual(x.json.errors.map((e) => e.field), [field]);
  };
  await nf({ sku_id: 999999999 }, 'sku_id');
  await nf({ sku_id: w.sa1.id, org_id: 999999999 }, 'org_id');
  await nf({ sku_id: w.sa1.id, channel_id: 999999999 }, 'channel_id');
  // the batch's body
  const body = async (bd) => {
    const x = await batch(w.admin, bd);
    assertProblem(x, 400, 'validation_failed');
    return x.json.errors.map((e) => e.field);
  };
  assert.deepEqual(await body({}), ['items']);
  assert.deepEqual(await body({ items: [] }), ['items']);
  assert.deepEqual(await body({ items: {} }), ['items']);
  assert.deepEqual(await body({ items: [{ sku_id: w.sa1.id }], colour: 'red' }), ['colour']);
  assert.deepEqual(await body({ org_id: 0, channel_id: 'x', currency: 'usd', at: 'now', region: '', trace: 'yes', items: [1] }).then((f) => f.sort()), ['channel_id', 'trace'].sort());
  assert.deepEqual(await body({ org_id: 0, currency: 'usd', at: 'now', region: '', items: [1, { sku_id: 0 }, { qty: '1' }, { sku_id: w.sa1.id, qty: '0.0001' }, { sku_id: w.sa1.id, qty: 2.5 }, { sku_id: w.sa1.id, extra: 1 }] }),
    ['org_id', 'currency', 'at', 'region', 'items[0]', 'items[1].sku_id', 'items[2].sku_id', 'items[3].qty', 'items[4].qty', 'items[5].extra']);
  assertProblem(await req('POST', '/v1/prices/resolve', { body: '{"items":', headers: { 'content-type': 'application/json', ...bearer(w.admin) } }), 400, 'malformed_json');
  assertProblem(await req('POST', '/v1/prices/resolve', { body: 'items=1', headers: { 'content-type': 'text/plain', ...bearer(w.admin) } }), 415, 'unsupported_media_type');
  const unknown = await batch(w.admin, { items: [{ sku_id: w.sa1.id }, { sku_id: 999999999 }, { sku_id: 999999998 }] });
  assertProblem(unknown, 422, 'unprocessable');
  assert.deepEqual(unknown.json.errors.map((e) => e.field), ['items[1].sku_id', 'items[2].sku_id']);
  assertProblem(await batch(w.admin, { org_id: 999999999, items: [{ sku_id: w.sa1.id }] }), 404, 'not_found');
  // integers are accepted where a quantity is whole
  assert.equal(price(await batch(w.admin, { org_id: w.dl1.id, channel_id: w.ch.id, items: [{ sku_id: w.sa1.id, qty: 3 }] })).items[0].qty, '3');
  assert.equal(b.oc.version, 1);
});

test('the price list as CSV: the listing\'s SKUs priced, no_price noted, tax columns, fields quoted, what a manufacturer sees of its child\'s list', async () => {
  const w = await world('prcsv');
  const b = await exampleB(w);
  const odd = await w.product('Odd, "quoted" =name', 'x,y');
  const sodd = await w.sku(odd, '=S-X');
  await post(`/v1/channels/${w.ch.id}/catalog/publish`, { publisher_org_id: w.acme.id, org_id: w.d1.id, items: [{ sku_id: sodd.id }] }, w.admin);
  created(await post(`/v1/channels/${w.ch.id}/catalog/publish`, { publisher_org_id: w.d1.id, org_id: w.dl1.id, items: [{ sku_id: w.sa1.id }, { sku_id: sodd.id }] }, w.admin));
  const offering = created(await post('/v1/offerings', { sku_id: w.sb1.id, offer_type: 'rental' }, w.admin));
  created(await post(`/v1/channels/${w.ch.id}/catalog/publish`, { publisher_org_id: w.biomed.id, org_id: w.dl1.id, items: [{ sku_id: w.sb1.id }, { offering_id: offering.id }] }, w.admin));
  const r = await csv(w.admin, { org_id: w.dl1.id, channel_id: w.ch.id });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="prices-org${w.dl1.id}-channel${w.ch.id}-EUR.csv"`);
  const ids = [w.sa1.id, w.sb1.id, sodd.id].sort((x, y) => x - y);
  const rows = {
    [w.sa1.id]: `${w.sa1.id},S-A1,P-A,analyzers,EUR,950.00,${b.oc.id},${b.ocA1.id},`,
    [w.sb1.id]: `${w.sb1.id},S-B1,P-B,monitors,EUR,950.00,${b.ch.id},${b.chB1off.id},`,
    [sodd.id]: `${sodd.id},'=S-X,"Odd, ""quoted"" =name","x,y",EUR,,,,no_price`,
  };
  assert.equal(r.text, ['sku_id,sku_code,product,category,currency,amount,price_book_id,rule_id,note', ...ids.map((i) => rows[i]), ''].join('\r\n'));
  // with a region, the tax columns; in another currency, converted
  await post('/v1/tax-rates', { region: 'DE', rate: '19', effective_from: '2026-01-01' }, w.admin);
  await post('/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'USD', rate: '2', rate_date: '2026-01-01' }, w.admin);
  const t = await csv(w.admin, { org_id: w.dl1.id, channel_id: w.ch.id, region: 'DE', currency: 'USD', at: '2026-02-01T00:00:00Z' });
  assert.equal(t.status, 200, t.text);
  const lines = t.text.split('\r\n');
  assert.equal(lines[0], 'sku_id,sku_code,product,category,currency,amount,price_book_id,rule_id,note,tax_rate,tax,gross');
  assert.ok(lines.includes(`${w.sa1.id},S-A1,P-A,analyzers,USD,1900.00,${b.oc.id},${b.ocA1.id},,19,361.00,2261.00`), t.text);
  assert.ok(lines.some((l) => l.startsWith(`${sodd.id},`) && l.endsWith(',no_price,,,')), t.text);
  // the dealer's own list: org_id defaults to its organization
  const dl1 = await w.user(w.dl1, 'viewer');
  const own = await csv(dl1.token, { channel_id: w.ch.id });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.text, r.text);
  // a manufacturer's export of its child's list holds only its own SKUs
  const bio = await w.user(w.biomed);
  const bl = await csv(bio.token, { org_id: w.dl1.id, channel_id: w.ch.id });
  assert.equal(bl.status, 200, bl.text);
  assert.equal(bl.text, ['sku_id,sku_code,product,category,currency,amount,price_book_id,rule_id,note', rows[w.sb1.id], ''].join('\r\n'));
  // an empty listing is a header only
  assert.equal((await csv(w.admin, { org_id: w.acme.id, channel_id: w.ch.id })).text, 'sku_id,sku_code,product,category,currency,amount,price_book_id,rule_id,note\r\n');
  // refusals
  const f = async (params, fieldsWanted, token = w.admin) => {
    const x = await csv(token, params);
    assertProblem(x, 400, 'validation_failed');
    assert.deepEqual(x.json.errors.map((e) => e.field), fieldsWanted);
  };
  await f({}, ['channel_id', 'org_id']);
  await f({ org_id: w.dl1.id }, ['channel_id']);
  await f({ org_id: w.dl1.id, channel_id: w.ch.id, currency: 'US', qty: 'x' }, ['qty', 'currency']);
  assertProblem(await csv(w.admin, { org_id: w.dl1.id, channel_id: 999999999 }), 404, 'not_found');
  assertProblem(await csv(dl1.token, { org_id: w.dl2.id, channel_id: w.ch.id }), 403, 'forbidden');
});

test('SKUs reaching a dealer through a publication to all follow the relationship: once it ends, at the time it was set to, no worker prices them', async () => {
  const w = await world('pwin');
  const dl3 = created(await post('/v1/orgs', { name: 'DL3', type: 'dealer' }, w.admin));
  const rel = created(await post(`/v1/orgs/${w.d1.id}/relationships`, { child_org_id: dl3.id, relation_type: 'dealer_of' }, w.admin));
  const sc1 = await w.sku(w.pa, 'S-C1');
  const publish = async (by, to) => created(await post(`/v1/channels/${w.ch.id}/catalog/publish`, { publisher_org_id: by.id, org_id: to, items: [{ sku_id: sc1.id }] }, w.admin));
  await publish(w.acme, w.d1.id);
  await publish(w.d1, null); // to all of D1's dealers
  const gl = await w.book({ name: 'List', scope_type: 'global' });
  await w.rule(gl, { selector: 'sku', selector_value: String(sc1.id), rule_type: 'fixed', value: '10' });
  const u = await w.user(dl3, 'viewer');
  for (let i = 0; i < 8; i++) assert.equal(price(await resolve(u.token, { sku_id: sc1.id, channel_id: w.ch.id })).amount, '10.00');
  const end = Date.now() + 2500;
  const r = await req('PATCH', `/v1/relationships/${rel.id}`, { headers: { ...bearer(w.admin), 'content-type': 'application/json' }, body: JSON.stringify({ active_to: new Date(end).toISOString() }) });
  assert.equal(r.status, 200, r.text);
  for (let i = 0; i < 8 && Date.now() < end - 500; i++) assert.equal(price(await resolve(u.token, { sku_id: sc1.id, channel_id: w.ch.id })).amount, '10.00');
  await new Promise((ok) => setTimeout(ok, Math.max(0, end - Date.now()) + 100));
  for (let i = 0; i < 8; i++) assertProblem(await resolve(u.token, { sku_id: sc1.id, channel_id: w.ch.id }), 404, 'not_found');
  // a tenant-wide caller still prices it for DL3
  assert.equal(price(await resolve(w.admin, { sku_id: sc1.id, channel_id: w.ch.id, org_id: dl3.id })).amount, '10.00');
});

test('who may price for whom: tenant-wide any; a dealer its own; a manufacturer or distributor its direct children; SKUs as the catalog shows them', async () => {
  const w = await world('pracc');
  const b = await exampleB(w);
  const dl1 = await w.user(w.dl1, 'viewer');
  const d1 = await w.user(w.d1);
  const acme = await w.user(w.acme);
  const biomed = await w.user(w.biomed);
  const eng = await w.user(w.dl1, 'engineer');
  const ctx = { sku_id: w.sa1.id, channel_id: w.ch.id };
  // the dealer: its own organization by default, and only it
  const own = price(await resolve(dl1.token, ctx));
  assert.deepEqual([own.org_id, own.amount, own.price_book_id], [w.dl1.id, '950.00', b.oc.id]);
  assert.equal(price(await resolve(dl1.token, { ...ctx, org_id: w.dl1.id })).amount, '950.00');
  assertProblem(await resolve(dl1.token, { ...ctx, org_id: w.dl2.id }), 403, 'forbidden');
  assertProblem(await resolve(dl1.token, { ...ctx, org_id: w.d1.id }), 403, 'forbidden');
  assertProblem(await batch(dl1.token, { org_id: w.dl2.id, items: [{ sku_id: w.sa1.id }] }), 403, 'forbidden');
  assert.equal(price(await batch(dl1.token, { org_id: null, channel_id: w.ch.id, items: [{ sku_id: w.sa1.id }] })).org_id, w.dl1.id);
  // the distributor: itself and its dealers DL1 and DL2, not its manufacturer
  assert.equal(price(await resolve(d1.token, { ...ctx, org_id: w.dl1.id })).amount, '950.00');
  assert.equal(price(await resolve(d1.token, { ...ctx, org_id: w.dl2.id })).amount, '1000.00');
  assert.equal(price(await resolve(d1.token, ctx)).org_id, w.d1.id);
  assertProblem(await resolve(d1.token, { ...ctx, org_id: w.acme.id }), 403, 'forbidden');
  // ACME is not DL1's direct parent (D1 is between them)
  assertProblem(await resolve(acme.token, { ...ctx, org_id: w.dl1.id }), 403, 'forbidden');
  assert.equal(price(await resolve(acme.token, { ...ctx, org_id: w.d1.id })).amount, '1000.00');
  // BioMed is DL1's parent: it prices its own S-B1 for DL1, but S-A1 (ACME's) is not its to see
  assert.equal(price(await resolve(biomed.token, { sku_id: w.sb1.id, channel_id: w.ch.id, org_id: w.dl1.id })).amount, '950.00');
  const hidden = await resolve(biomed.token, { ...ctx, org_id: w.dl1.id });
  assertProblem(hidden, 404, 'not_found');
  assert.deepEqual(hidden.json.errors.map((e) => e.field), ['sku_id']);
  assertProblem(await batch(biomed.token, { org_id: w.dl1.id, items: [{ sku_id: w.sa1.id }] }), 422, 'unprocessable');
  // a role without prices:read
  assertProblem(await resolve(eng.token, ctx), 403, 'forbidden');
  assertProblem(await csv(eng.token, { channel_id: w.ch.id }), 403, 'forbidden');
  // an organization's user of a relationship that ended prices for that child no more
  const rels = (await get(`/v1/orgs/${w.d1.id}/relationships?side=children`, w.admin)).json.data;
  const toDl2 = rels.find((x) => x.child_org_id === w.dl2.id);
  assert.equal((await req('PATCH', `/v1/relationships/${toDl2.id}`, { body: JSON.stringify({ active_to: new Date().toISOString() }), headers: { 'content-type': 'application/json', ...bearer(w.admin) } })).status, 200);
  assertProblem(await resolve(d1.token, { ...ctx, org_id: w.dl2.id }), 403, 'forbidden');
  // a tenant-wide viewer prices for anyone
  const password = 'pw-viewer-secret-1';
  created(await post('/v1/users', { email: `viewer@${w.t.slug}.test`, password, role: 'viewer' }, w.admin));
  const v = (await login(w.t.slug, `viewer@${w.t.slug}.test`, password)).json.access_token;
  assert.equal(price(await resolve(v, { ...ctx, org_id: w.dl2.id })).amount, '1000.00');
  assert.equal(price(await resolve(v, { sku_id: w.sa1.id })).amount, '1200.00');
});

test('FX and tax rates: create, read, list with filters and cursor, delete; validation; 409; audit rows and price.updated events field by field; roles', async () => {
  const w = await world('prrates');
  const counts = () => sql(`SELECT (SELECT COUNT(*) FROM fx_rates WHERE tenant_id = ${w.t.id}), (SELECT COUNT(*) FROM tax_rates WHERE tenant_id = ${w.t.id}),
    (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id})`);
  const before = counts();
  const bad = async (path, body, want) => {
    const r = await post(path, body, w.admin);
    assertProblem(r, 400, 'validation_failed');
    assert.deepEqual(r.json.errors.map((e) => e.field).sort(), [...want].sort(), JSON.stringify(body));
  };
  const fx = { base_currency: 'EUR', quote_currency: 'USD', rate: '1.085', rate_date: '2026-01-15' };
  await bad('/v1/fx-rates', {}, ['base_currency', 'quote_currency', 'rate', 'rate_date']);
  await bad('/v1/fx-rates', { ...fx, quote_currency: 'EUR' }, ['quote_currency']);
  await bad('/v1/fx-rates', { ...fx, base_currency: 'eur', quote_currency: 'XXX' }, ['base_currency', 'quote_currency']);
  await bad('/v1/fx-rates', { ...fx, rate: '0' }, ['rate']);
  await bad('/v1/fx-rates', { ...fx, rate: '-1' }, ['rate']);
  await bad('/v1/fx-rates', { ...fx, rate: 1.5 }, ['rate']);
  await bad('/v1/fx-rates', { ...fx, rate: '1.12345678901' }, ['rate']);
  await bad('/v1/fx-rates', { ...fx, rate: '123456789012345' }, ['rate']);
  await bad('/v1/fx-rates', { ...fx, rate_date: '2026-02-30' }, ['rate_date']);
  await bad('/v1/fx-rates', { ...fx, rate_date: '2026-01-15T00:00:00Z' }, ['rate_date']);
  await bad('/v1/fx-rates', { ...fx, id: 4 }, ['id']);
  const tx = { region: 'DE', category: 'analyzers', rate: '7', effective_from: '2026-01-01' };
  await bad('/v1/tax-rates', {}, ['effective_from', 'rate', 'region']);
  await bad('/v1/tax-rates', { ...tx, region: '' }, ['region']);
  await bad('/v1/tax-rates', { ...tx, region: 'r'.repeat(65) }, ['region']);
  await bad('/v1/tax-rates', { ...tx, category: '' }, ['category']);
  await bad('/v1/tax-rates', { ...tx, category: 5 }, ['category']);
  await bad('/v1/tax-rates', { ...tx, rate: '100.5' }, ['rate']);
  await bad('/v1/tax-rates', { ...tx, rate: '7.12345' }, ['rate']);
  await bad('/v1/tax-rates', { ...tx, effective_from: 'soon' }, ['effective_from']);
  assert.equal(counts(), before);

  const f = await post('/v1/fx-rates', fx, w.admin);
  assert.equal(f.status, 201, f.text);
  await assertSchema('FxRate', f.json);
  assert.deepEqual({ ...f.json, id: 0, created_at: 0 }, { id: 0, base_currency: 'EUR', quote_currency: 'USD', rate: '1.085', rate_date: '2026-01-15', created_at: 0 });
  assert.match(f.json.created_at, RFC3339_MS);
  assert.equal(f.headers.get('location'), `/v1/fx-rates/${f.json.id}`);
  assert.deepEqual((await get(`/v1/fx-rates/${f.json.id}`, w.admin)).json, f.json);
  const dup = await post('/v1/fx-rates', { ...fx, rate: '2' }, w.admin);
  assertProblem(dup, 409, 'conflict');
  assert.deepEqual(dup.json.errors.map((e) => e.field), ['rate_date']);
  const f2 = created(await post('/v1/fx-rates', { ...fx, rate: 2, rate_date: '2026-02-01' }, w.admin));
  assert.equal(f2.rate, '2');
  const f3 = created(await post('/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'JPY', rate: '161.5000', rate_date: '2026-01-01' }, w.admin));
  assert.equal(f3.rate, '161.5');
  const list = async (q) => {
    const r = await get(`/v1/fx-rates?${q}`, w.admin);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  assert.deepEqual((await list('')).data.map((x) => x.id), [f.json.id, f2.id, f3.id]);
  assert.deepEqual((await list('quote_currency=USD')).data.map((x) => x.id), [f.json.id, f2.id]);
  assert.deepEqual((await list('base_currency=EUR&from=2026-01-15&to=2026-01-31')).data.map((x) => x.id), [f.json.id]);
  const p1 = await list('limit=2');
  assert.equal(p1.data.length, 2);
  assert.deepEqual((await list(`limit=2&cursor=${encodeURIComponent(p1.next_cursor)}`)).data.map((x) => x.id), [f3.id]);
  for (const q of ['base_currency=eu', 'from=2026-13-01', 'limit=0']) assertProblem(await get(`/v1/fx-rates?${q}`, w.admin), 400, 'validation_failed');

  const t = await post('/v1/tax-rates', tx, w.admin);
  assert.equal(t.status, 201, t.text);
  await assertSchema('TaxRate', t.json);
  assert.deepEqual({ ...t.json, id: 0, created_at: 0 }, { id: 0, region: 'DE', category: 'analyzers', rate: '7', effective_from: '2026-01-01', created_at: 0 });
  const td = created(await post('/v1/tax-rates', { region: 'DE', rate: '19.5', effective_from: '2026-01-01' }, w.admin));
  assert.equal(td.category, null);
  assertProblem(await post('/v1/tax-rates', { region: 'de', rate: '19', effective_from: '2026-01-01' }, w.admin), 409, 'conflict');
  assertProblem(await post('/v1/tax-rates', { ...tx, category: 'ANALYZERS' }, w.admin), 409, 'conflict');
  assert.deepEqual((await get('/v1/tax-rates?region=DE&category=analyzers', w.admin)).json.data.map((x) => x.id), [t.json.id]);
  assert.deepEqual((await get('/v1/tax-rates', w.admin)).json.data.map((x) => x.id), [t.json.id, td.id]);

  // audit rows and events, field by field
  const audit = (entity, id) => sql(`SELECT action, before_json, after_json FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = '${entity}' AND entity_id = ${id} ORDER BY seq`)
    .split('\n').filter(Boolean).map((l) => l.split('\t')).map(([a, bj, aj]) => [a, bj === 'NULL' ? null : JSON.parse(bj), aj === 'NULL' ? null : JSON.parse(aj)]);
  const events = (entity, id) => sql(`SELECT event_type, payload FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = '${entity}' AND entity_id = ${id} ORDER BY id`)
    .split('\n').filter(Boolean).map((l) => l.split('\t')).map(([type, p]) => [type, JSON.parse(p)]);
  assert.equal((await del(`/v1/fx-rates/${f.json.id}`, w.admin)).status, 204);
  assertProblem(await get(`/v1/fx-rates/${f.json.id}`, w.admin), 404, 'not_found');
  assertProblem(await del(`/v1/fx-rates/${f.json.id}`, w.admin), 404, 'not_found');
  assert.deepEqual(audit('fx_rate', f.json.id), [['fx_rate.create', null, f.json], ['fx_rate.delete', f.json, null]]);
  assert.deepEqual(events('fx_rate', f.json.id), [
    ['price.updated', { change: 'fx_rate.created', fx_rate_id: f.json.id, fx_rate: f.json }],
    ['price.updated', { change: 'fx_rate.deleted', fx_rate_id: f.json.id, fx_rate: f.json }],
  ]);
  assert.equal((await del(`/v1/tax-rates/${t.json.id}`, w.admin)).status, 204);
  assert.deepEqual(audit('tax_rate', t.json.id), [['tax_rate.create', null, t.json], ['tax_rate.delete', t.json, null]]);
  assert.deepEqual(events('tax_rate', t.json.id), [
    ['price.updated', { change: 'tax_rate.created', tax_rate_id: t.json.id, tax_rate: t.json }],
    ['price.updated', { change: 'tax_rate.deleted', tax_rate_id: t.json.id, tax_rate: t.json }],
  ]);
  // the deleted day is free again
  created(await post('/v1/fx-rates', fx, w.admin));
  for (const id of ['abc', '0', '999999999']) {
    assertProblem(await get(`/v1/fx-rates/${id}`, w.admin), 404, 'not_found');
    assertProblem(await del(`/v1/tax-rates/${id}`, w.admin), 404, 'not_found');
  }

  // roles: an org_admin reads but writes nothing; a tenant-wide viewer reads
  const mgr = await w.user(w.acme);
  assert.equal((await get('/v1/fx-rates', mgr.token)).status, 200);
  assert.equal((await get('/v1/tax-rates', mgr.token)).status, 200);
  assertProblem(await post('/v1/fx-rates', { ...fx, rate_date: '2026-05-05' }, mgr.token), 403, 'forbidden');
  assertProblem(await post('/v1/tax-rates', { ...tx, effective_from: '2026-05-05' }, mgr.token), 403, 'forbidden');
  assertProblem(await del(`/v1/fx-rates/${f2.id}`, mgr.token), 403, 'forbidden');
  assertProblem(await del(`/v1/tax-rates/${td.id}`, mgr.token), 403, 'forbidden');
  const agent = await w.user(w.dl1, 'agent');
  assertProblem(await get('/v1/fx-rates', agent.token), 403, 'forbidden');
});

test('another tenant: 404 for every id, nothing in lists, nothing priced; the flags gate every route', async () => {
  const w = await world('priso');
  const b = await exampleB(w);
  const f = created(await post('/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'USD', rate: '1.1', rate_date: '2026-01-01' }, w.admin));
  const t = created(await post('/v1/tax-rates', { region: 'DE', rate: '19', effective_from: '2026-01-01' }, w.admin));
  const o = await world('priso2');
  // the other tenant has its own catalog and books, and names ours
  const ob = await o.book({ name: 'Theirs', scope_type: 'global' });
  await o.rule(ob, { selector: 'all', rule_type: 'fixed', value: '1' });
  const nf = async (r, field) => {
    assertProblem(r, 404, 'not_found');
    if (field) assert.deepEqual(r.json.errors.map((e) => e.field), [field]);
  };
  await nf(await resolve(o.admin, { sku_id: w.sa1.id }), 'sku_id');
  await nf(await resolve(o.admin, { sku_id: o.sa1.id, org_id: w.dl1.id }), 'org_id');
  await nf(await resolve(o.admin, { sku_id: o.sa1.id, channel_id: w.ch.id }), 'channel_id');
  assertProblem(await batch(o.admin, { items: [{ sku_id: w.sa1.id }] }), 422, 'unprocessable');
  await nf(await csv(o.admin, { org_id: w.dl1.id, channel_id: o.ch.id }), 'org_id');
  await nf(await csv(o.admin, { org_id: o.dl1.id, channel_id: w.ch.id }), 'channel_id');
  await nf(await get(`/v1/fx-rates/${f.id}`, o.admin));
  await nf(await del(`/v1/fx-rates/${f.id}`, o.admin));
  await nf(await get(`/v1/tax-rates/${t.id}`, o.admin));
  await nf(await del(`/v1/tax-rates/${t.id}`, o.admin));
  assert.deepEqual((await get('/v1/fx-rates', o.admin)).json, { data: [], next_cursor: null });
  assert.deepEqual((await get('/v1/tax-rates', o.admin)).json, { data: [], next_cursor: null });
  // their resolve sees only their books; ours see only ours, and our rates stay ours
  const theirs = price(await resolve(o.admin, { sku_id: o.sa1.id }));
  assert.deepEqual([theirs.amount, theirs.price_book_id, theirs.provenance.length], ['1.00', ob.id, 2]);
  assertProblem(await resolve(o.admin, { sku_id: o.sa1.id, region: 'DE' }), 422, 'no_tax_rate');
  assertProblem(await resolve(o.admin, { sku_id: o.sa1.id, currency: 'USD' }), 404, 'no_price');
  assert.ok(price(await resolve(w.admin, { sku_id: w.sa1.id })).provenance.every((l) => [b.gl.id].includes(l.price_book_id)));
  // a dealer of our tenant names their organization: 403 before anything is read
  const dl1 = await w.user(w.dl1, 'viewer');
  assertProblem(await resolve(dl1.token, { sku_id: w.sa1.id, org_id: o.dl1.id }), 403, 'forbidden');

  // price_resolution off: resolve, batch and the list are 404 feature_disabled; the rates remain
  assert.equal((await put('/v1/settings', { flags: { price_resolution: false } }, w.admin)).status, 200);
  assertProblem(await resolve(w.admin, { sku_id: w.sa1.id }), 404, 'feature_disabled');
  assertProblem(await batch(w.admin, { items: [{ sku_id: w.sa1.id }] }), 404, 'feature_disabled');
  assertProblem(await csv(w.admin, { org_id: w.dl1.id, channel_id: w.ch.id }), 404, 'feature_disabled');
  assert.equal((await get('/v1/fx-rates', w.admin)).status, 200);
  // price_books off: the rates' routes are 404 feature_disabled, writing nothing
  assert.equal((await put('/v1/settings', { flags: { price_books: false, price_resolution: true } }, w.admin)).status, 200);
  const n = sql(`SELECT COUNT(*) FROM fx_rates WHERE tenant_id = ${w.t.id}`);
  for (const [m, p, body] of [['GET', '/v1/fx-rates'], ['POST', '/v1/fx-rates', { base_currency: 'EUR', quote_currency: 'JPY', rate: '1', rate_date: '2026-01-01' }], ['GET', `/v1/fx-rates/${f.id}`], ['DELETE', `/v1/fx-rates/${f.id}`],
    ['GET', '/v1/tax-rates'], ['POST', '/v1/tax-rates', { region: 'FR', rate: '20', effective_from: '2026-01-01' }], ['GET', `/v1/tax-rates/${t.id}`], ['DELETE', `/v1/tax-rates/${t.id}`]]) {
    const r = await req(m, p, { body: body && JSON.stringify(body), headers: { ...bearer(w.admin), ...(body ? { 'content-type': 'application/json' } : {}) } });
    assertProblem(r, 404, 'feature_disabled');
  }
  assert.equal(sql(`SELECT COUNT(*) FROM fx_rates WHERE tenant_id = ${w.t.id}`), n);
  // resolution still runs without the books feature: the books are there
  assert.equal(price(await resolve(w.admin, { sku_id: w.sa1.id })).amount, '1200.00');
});
