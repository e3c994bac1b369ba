// The catalog pages: relationships on an organization's page, channels, products and SKUs,
// the catalog browser, publications with their versions and diffs, the publish, unlist and
// rollback forms, and the catalog tiles of the dashboards. Each page must show what the API
// answers the same user, each form must change data through the API's rules (CSRF,
// validation, publishing's 403 and 422 on the form), and nothing of another tenant or org
// may show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, bearer, login, post, put, orgUser, sql, Visitor } from './lib.mjs';
import { world, get, publish, unlist, listing } from './publishing.mjs';

const unescape = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();
const main = (html) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)[1];
const fieldError = (html, id) => {
  const m = new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(html);
  return m ? unescape(m[1]) : null;
};
const flash = (html) => [...html.matchAll(/<p class="flash[^"]*" role="(?:status|alert)">([\s\S]*?)<\/p>/g)].map((m) => unescape(m[1]));
const versions = (tid) => Number(sql(`SELECT COUNT(*) FROM publication_versions WHERE tenant_id = ${tid}`));
const writes = (tid) => Number(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}`));

// The tile whose heading is h2, or undefined.
function tile(html, h2) {
  const m = new RegExp(`<section class="tile[^"]*">\\s*<h2>${h2}</h2>([\\s\\S]*?)</section>`).exec(html);
  return m ? m[1] : undefined;
}

// The body rows of the tables in html, each a list of cell texts; a table by its caption.
function tableRows(html, caption) {
  let part = html;
  if (caption) {
    const i = html.indexOf(`<caption>${caption}`);
    assert.ok(i >= 0, `a table "${caption}"`);
    part = html.slice(i);
  }
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(part);
  assert.ok(body, 'a table');
  return [...body[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1])));
}

// The items of the list under the <h3> that starts with heading, <br> as " | ".
function listItems(html, heading) {
  const i = html.indexOf(`<h3>${heading}`);
  assert.ok(i >= 0, `a list "${heading}"`);
  const ul = /<ul[^>]*>([\s\S]*?)<\/ul>/.exec(html.slice(i))[1];
  return [...ul.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescape(m[1].replace(/<br>/g, ' | ')));
}

function assertPage(r, status, title) {
  assert.equal(r.status, status, `${r.status}: ${r.text.slice(0, 3000)}`);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<header class="site">/, 'in the layout');
  if (title) assert.ok(r.text.includes(`<title>${title} · Trellis</title>`), `title ${title}`);
}

function assertErrorPage(r, status) {
  assertPage(r, status);
  assert.match(r.text, /<section class="problem">/);
  assert.match(r.text, new RegExp(`<p class="code">${status}</p>`));
}

async function visitor(tenant, email, password) {
  const v = new Visitor();
  const r = await v.login({ tenant, email, password });
  assert.equal(r.status, 303, r.text);
  return v;
}

let seq = 0;
// A user of org in w's tenant with role, its API token and a signed-in Visitor.
async function member(w, org, role = 'org_admin') {
  const email = `pc${seq++}-${role}@org${org.id}.test`;
  const u = await orgUser(w, org.id, role, email);
  return { ...u, email, v: await visitor(w.t.slug, email, `pw-${email}-secret`) };
}

// Example A with every organization's admin signed in, a second dealer, and a tenant admin
// Visitor. Publishing is left to the tests.
async function network(prefix) {
  const w = await world(prefix);
  w.m1 = await w.org('ACME', 'manufacturer', { region: 'EU' });
  w.m2 = await w.org('BioMed', 'manufacturer', { region: 'EU' });
  w.d1 = await w.org('D1', 'distributor', { region: 'EU-North' });
  w.dl1 = await w.org('DL1', 'dealer');
  w.dl2 = await w.org('DL2', 'dealer', { region: 'US' });
  w.rels = {
    d1_m1: await w.relate(w.m1, w.d1, 'distributor_of'),
    dl1_d1: await w.relate(w.d1, w.dl1, 'dealer_of'),
    dl1_m2: await w.relate(w.m2, w.dl1, 'dealer_of'),
  };
  w.ch = await w.channel('Dealer channel', 'dealer');
  w.pa = await w.product(w.m1, 'P-A');
  w.pb = await w.product(w.m2, 'P-B');
  w.sa1 = await w.sku(w.pa, 'S-A1');
  w.sa2 = await w.sku(w.pa, 'S-A2');
  w.sa3 = await w.sku(w.pa, 'S-A3');
  w.sb1 = await w.sku(w.pb, 'S-B1');
  w.v = await visitor(w.t.slug, w.t.admin.email, w.t.admin.password);
  w.m1u = await member(w, w.m1);
  w.m2u = await member(w, w.m2);
  w.d1u = await member(w, w.d1);
  w.dl1u = await member(w, w.dl1);
  return w;
}

// Example A published through the API: ACME S-A1, S-A2 to D1; D1 S-A1 to DL1; BioMed S-B1 to DL1.
async function publishExampleA(w) {
  for (const [ch, token, body] of [
    [w.ch, w.m1u.token, { publisher_org_id: w.m1.id, org_id: w.d1.id, items: [{ sku_id: w.sa1.id }, { sku_id: w.sa2.id }] }],
    [w.ch, w.d1u.token, { publisher_org_id: w.d1.id, org_id: w.dl1.id, items: [{ sku_id: w.sa1.id }] }],
    [w.ch, w.m2u.token, { publisher_org_id: w.m2.id, org_id: w.dl1.id, items: [{ sku_id: w.sb1.id }] }],
  ]) {
    const r = await publish(ch, token, body);
    assert.equal(r.status, 201, r.text);
  }
}

async function otherTenant() {
  const o = await world('pcx');
  o.v = await visitor(o.t.slug, o.t.admin.email, o.t.admin.password);
  return o;
}

// ---- relationships on the organization's page ----

test('an organization\'s page lists its relationships on both sides, adds a child and ends one through forms', async () => {
  const w = await network('pcr');
  const page = await w.v.get(`/orgs/${w.d1.id}`);
  assertPage(page, 200, 'D1');
  const rels = /<section id="relationships"[\s\S]*?<\/section>/.exec(page.text)[0];
  assert.deepEqual(tableRows(rels, 'Parents').map((r) => r.slice(0, 3)), [['ACME manufacturer', 'this organization is distributor of it', 'active']]);
  assert.deepEqual(tableRows(rels, 'Children').map((r) => r.slice(0, 3)), [['DL1 dealer', 'dealer of this organization', 'active']]);
  assert.match(rels, new RegExp(`action="/relationships/${w.rels.dl1_d1}/end"`), 'the parent side may end it');
  assert.doesNotMatch(rels, new RegExp(`action="/relationships/${w.rels.d1_m1}/end"`), 'the child side is ended by its parent');
  assert.match(rels, new RegExp(`<option value="${w.dl2.id}">DL2</option>`), 'a tenant admin chooses the child');

  // add a child: DL2 dealer_of D1, preferred
  const before = writes(w.t.id);
  const added = await w.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: w.dl2.id, relation_type: 'dealer_of', preferred: 'on' });
  assert.equal(added.status, 303, added.text);
  assert.equal(added.location, `/orgs/${w.d1.id}?done=relationship_added#relationships`);
  const api = (await get(`/v1/orgs/${w.d1.id}/relationships?side=children`, w.admin)).json.data;
  const dl2 = api.find((x) => x.child_org_id === w.dl2.id);
  assert.ok(dl2 && dl2.relation_type === 'dealer_of' && dl2.preferred === true && dl2.active, JSON.stringify(api));
  assert.equal(writes(w.t.id), before + 1, 'one write, with its audit row');
  const after = await w.v.get(`/orgs/${w.d1.id}?done=relationship_added`);
  assert.ok(flash(after.text).includes('The relationship was added.'));
  assert.ok(tableRows(after.text, 'Children').some((r) => r[0] === 'DL2 dealer' && /preferred/.test(r[1])));

  // the API's refusals on the form, with what was typed
  const dup = await w.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: w.dl2.id, relation_type: 'dealer_of' });
  assertPage(dup, 409);
  assert.match(fieldError(dup.text, 'child_org_id'), /has a live dealer_of relationship/);
  assert.match(dup.text, new RegExp(`<option value="${w.dl2.id}" selected>DL2</option>`), 'the choice is kept');
  assert.match(flash(dup.text).join(' '), /Nothing was saved/);
  const wrong = await w.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: w.m2.id, relation_type: 'distributor_of' });
  assertPage(wrong, 422);
  assert.match(fieldError(wrong.text, 'child_org_id'), /BioMed/);
  assert.match(wrong.text, /<option value="distributor_of" selected>/);
  const cycle = await w.v.post(`/orgs/${w.dl1.id}/relationships`, { child_org_id: w.m1.id, relation_type: 'partner_of' });
  assertPage(cycle, 422);
  assert.match(fieldError(cycle.text, 'child_org_id'), /cycle/);
  const blank = await w.v.post(`/orgs/${w.d1.id}/relationships`, { relation_type: 'dealer_of' });
  assertPage(blank, 400);
  assert.match(fieldError(blank.text, 'child_org_id'), /required/);
  assert.equal(writes(w.t.id), before + 1, 'nothing written by a refused form');
  const noCsrf = await w.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: w.dl1.id, relation_type: 'partner_of' }, { csrf: false });
  assertErrorPage(noCsrf, 403);
  assert.match(noCsrf.text, /csrf_failed|security token/);
  assert.equal(writes(w.t.id), before + 1);

  // end one: a stale version is 412 and nothing changes; the right one ends it
  const stale = await w.v.post(`/relationships/${dl2.id}/end`, { version: String(dl2.version + 1), org_id: String(w.d1.id) });
  assertPage(stale, 412);
  assert.match(flash(stale.text).join(' '), /changed this relationship meanwhile/);
  const ended = await w.v.post(`/relationships/${dl2.id}/end`, { version: String(dl2.version), org_id: String(w.d1.id) });
  assert.equal(ended.status, 303, ended.text);
  assert.equal(ended.location, `/orgs/${w.d1.id}?done=relationship_ended#relationships`);
  const gone = (await get(`/v1/relationships/${dl2.id}`, w.admin)).json;
  assert.equal(gone.active, false);
  assert.ok(gone.active_to);
  const shown = await w.v.get(`/orgs/${w.d1.id}`);
  const row = tableRows(shown.text, 'Children').find((r) => r[0] === 'DL2 dealer');
  assert.equal(row[2], 'ended');
  assert.doesNotMatch(shown.text, new RegExp(`action="/relationships/${dl2.id}/end"`), 'an ended one has no button');
  const again = await w.v.post(`/relationships/${dl2.id}/end`, { version: String(gone.version), org_id: String(w.d1.id) });
  assertPage(again, 422);
  assert.match(flash(again.text).join(' '), /ended at .* and stays as it was/);
});

test('relationships: an organization\'s user adds children to its own organization only; RBAC, flags and other tenants', async () => {
  const w = await network('pcr2');
  // D1's admin: its own page with both sides and the form; an id to type for the child
  const own = await w.d1u.v.get(`/orgs/${w.d1.id}`);
  assertPage(own, 200, 'D1');
  assert.match(own.text, /<input id="child_org_id" name="child_org_id" inputmode="numeric"/);
  const r = await w.d1u.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: String(w.dl2.id), relation_type: 'dealer_of' });
  assert.equal(r.status, 303, r.text);
  assertErrorPage(await w.d1u.v.get(`/orgs/${w.m1.id}`), 404);
  assertErrorPage(await w.d1u.v.post(`/orgs/${w.m1.id}/relationships`, { child_org_id: String(w.dl2.id), relation_type: 'dealer_of' }), 403);
  // DL1 is the child of D1: it sees the relationship, without the button to end it
  const child = await w.dl1u.v.get(`/orgs/${w.dl1.id}`);
  assert.deepEqual(tableRows(child.text, 'Parents').map((x) => x[0]).sort(), ['BioMed manufacturer', 'D1 distributor']);
  assert.doesNotMatch(child.text, /action="\/relationships\/\d+\/end"/);
  assertErrorPage(await w.dl1u.v.post(`/relationships/${w.rels.dl1_d1}/end`, { version: '1', org_id: String(w.dl1.id) }), 403);
  assert.equal((await get(`/v1/relationships/${w.rels.dl1_d1}`, w.admin)).json.active, true);
  // a viewer reads them and changes nothing
  const viewer = await member(w, w.d1, 'viewer');
  const vp = await viewer.v.get(`/orgs/${w.d1.id}`);
  assertPage(vp, 200);
  assert.match(vp.text, /<h2 id="rels-h">Relationships<\/h2>/);
  assert.doesNotMatch(vp.text, /action="\/orgs\/\d+\/relationships"|action="\/relationships\/\d+\/end"/);
  assertErrorPage(await viewer.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: String(w.dl2.id), relation_type: 'partner_of' }), 403);
  assertErrorPage(await viewer.v.post(`/relationships/${w.rels.dl1_d1}/end`, { version: '1' }), 403);
  // another tenant sees nothing of it
  const o = await otherTenant();
  assertErrorPage(await o.v.get(`/orgs/${w.d1.id}`), 404);
  assertErrorPage(await o.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: String(w.dl2.id), relation_type: 'dealer_of' }), 404);
  assertErrorPage(await o.v.post(`/relationships/${w.rels.dl1_d1}/end`, { version: '1' }), 404);
  assert.equal((await get(`/v1/relationships/${w.rels.dl1_d1}`, w.admin)).json.active, true);
  // the org feature off: the pages are gone
  assert.equal((await put('/v1/settings', { flags: { org: false } }, w.admin)).status, 200);
  assertErrorPage(await w.v.post(`/orgs/${w.d1.id}/relationships`, { child_org_id: String(w.dl2.id), relation_type: 'dealer_of' }), 404);
  assertErrorPage(await w.v.post(`/relationships/${w.rels.dl1_d1}/end`, { version: '1' }), 404);
});

// ---- channels ----

test('channels: the list and a channel\'s page show what the API answers; the form creates one; RBAC, flags, tenants', async () => {
  const w = await network('pcc');
  await publishExampleA(w);
  const list = await w.v.get('/channels');
  assertPage(list, 200, 'Channels');
  assert.match(list.text, /<a href="\/channels" aria-current="page">Channels<\/a>/, 'in the nav');
  const apiList = (await get('/v1/channels', w.admin)).json.data;
  assert.deepEqual(tableRows(list.text).map((r) => [Number(r[0]), r[1], r[3]]), apiList.map((c) => [c.id, c.name, 'the tenant']));
  assert.match(list.text, /<a href="\/channels\/new">New channel<\/a>/);

  // the form: a channel run by D1
  const form = await w.v.get('/channels/new');
  assertPage(form, 200, 'New channel');
  assert.match(form.text, new RegExp(`<option value="${w.d1.id}">D1</option>`));
  const made = await w.v.post('/channels', { name: 'D1 online', type: 'online', org_id: String(w.d1.id) });
  assert.equal(made.status, 303, made.text);
  const id = Number(/^\/channels\/(\d+)\?done=channel_created$/.exec(made.location)[1]);
  const ch = (await get(`/v1/channels/${id}`, w.admin)).json;
  assert.deepEqual([ch.name, ch.type, ch.org_id], ['D1 online', 'online', w.d1.id]);
  const page = await w.v.get(made.location);
  assertPage(page, 200, 'D1 online');
  assert.ok(flash(page.text).includes('The channel was created.'));
  assert.ok(page.text.includes('<dt>Run by</dt><dd>D1</dd>'));
  // refused: a taken name (409), a blank type (400); the form as sent, nothing written
  const before = writes(w.t.id);
  const taken = await w.v.post('/channels', { name: 'd1 ONLINE', type: 'online' });
  assertPage(taken, 409);
  assert.equal(fieldError(taken.text, 'name'), 'is taken by another channel');
  assert.match(taken.text, /value="d1 ONLINE"/);
  const blank = await w.v.post('/channels', { name: 'Another' });
  assertPage(blank, 400);
  assert.match(fieldError(blank.text, 'type'), /required/);
  assertErrorPage(await w.v.post('/channels', { name: 'No token', type: 'direct' }, { csrf: false }), 403);
  assert.equal(writes(w.t.id), before);

  // the dealer channel's page lists its publications, each linked to its versions
  const dealer = await w.v.get(`/channels/${w.ch.id}`);
  assertPage(dealer, 200, 'Dealer channel');
  assert.deepEqual(tableRows(dealer.text, 'What is published').map((r) => r.slice(0, 4)), [
    ['ACME', 'D1', '1', '2'], ['BioMed', 'DL1', '1', '1'], ['D1', 'DL1', '1', '1'],
  ]);
  assert.ok(dealer.text.includes(`href="/channels/${w.ch.id}/publications?publisher_org_id=${w.m1.id}&amp;org_id=${w.d1.id}"`));
  // an org's user sees the publications it published or received, and creates its own channels
  const dl1 = await w.dl1u.v.get(`/channels/${w.ch.id}`);
  assert.deepEqual(tableRows(dl1.text, 'What is published').map((r) => r.slice(0, 2)), [['BioMed', 'DL1'], ['D1', 'DL1']]);
  const own = await w.d1u.v.get('/channels/new');
  assert.match(own.text, /<p>Run by: D1<\/p>/);
  const mine = await w.d1u.v.post('/channels', { name: 'D1 direct', type: 'direct', org_id: String(w.m1.id) });
  assert.equal(mine.status, 303, mine.text);
  assert.equal((await get(`/v1/channels/${/\d+/.exec(mine.location)[0]}`, w.admin)).json.org_id, w.d1.id, 'its own org, whatever was sent');
  // a viewer reads and cannot create
  const viewer = await member(w, w.dl1, 'viewer');
  assertPage(await viewer.v.get('/channels'), 200);
  assert.doesNotMatch((await viewer.v.get('/channels')).text, /New channel/);
  assertErrorPage(await viewer.v.get('/channels/new'), 403);
  assertErrorPage(await viewer.v.post('/channels', { name: 'Viewer', type: 'direct' }), 403);
  // another tenant: 404, and nothing of this one in its list
  const o = await otherTenant();
  assertErrorPage(await o.v.get(`/channels/${w.ch.id}`), 404);
  assert.doesNotMatch((await o.v.get('/channels')).text, /Dealer channel/);
  // bad filter: the API's message next to it
  const bad = await w.v.get('/channels?type=carrier-pigeon');
  assertPage(bad, 400);
  assert.match(fieldError(bad.text, 'f-type'), /direct/);
  // the feature off
  assert.equal((await put('/v1/settings', { flags: { channels: false } }, w.admin)).status, 200);
  assertErrorPage(await w.v.get('/channels'), 404);
  assertErrorPage(await w.v.get(`/channels/${w.ch.id}`), 404);
  assert.doesNotMatch((await w.v.get('/dashboard')).text, /href="\/channels"/, 'nor in the nav');
});

// ---- products and SKUs ----

test('products: the list filters and pages, a product\'s page lists its SKUs, the forms create both; errors, RBAC, tenants', async () => {
  const w = await network('pcp');
  await w.product(w.m1, 'P-A2');
  const list = await w.v.get('/products');
  assertPage(list, 200, 'Products');
  const apiList = (await get('/v1/products', w.admin)).json.data;
  assert.deepEqual(tableRows(list.text).map((r) => [Number(r[0]), r[1], r[2]]), apiList.map((p) => [p.id, p.name, p.manufacturer_id === w.m1.id ? 'ACME' : 'BioMed']));
  // filters kept, pages by the API's cursors
  const acme = await w.v.get(`/products?manufacturer_id=${w.m1.id}&limit=1`);
  assertPage(acme, 200);
  assert.match(acme.text, new RegExp(`<option value="${w.m1.id}" selected>ACME</option>`));
  assert.deepEqual(tableRows(acme.text).map((r) => r[1]), ['P-A']);
  const next = /<a rel="next" href="([^"]+)">/.exec(acme.text)[1].replace(/&amp;/g, '&');
  const p2 = await w.v.get(next);
  assert.deepEqual(tableRows(p2.text).map((r) => r[1]), ['P-A2']);
  assert.ok(!/rel="next"/.test(p2.text));
  const bad = await w.v.get('/products?lifecycle_status=forever');
  assertPage(bad, 400);
  assert.match(fieldError(bad.text, 'f-lifecycle'), /draft/);

  // a product's page and the SKU form
  const page = await w.v.get(`/products/${w.pa.id}`);
  assertPage(page, 200, 'P-A');
  assert.ok(page.text.includes('<dt>Manufacturer</dt><dd>ACME</dd>'));
  assert.deepEqual(tableRows(page.text, 'Every SKU').map((r) => r[1]), ['S-A1', 'S-A2', 'S-A3']);
  const added = await w.v.post(`/products/${w.pa.id}/skus`, { sku_code: 'S-A4', status: 'inactive' });
  assert.equal(added.status, 303, added.text);
  assert.equal(added.location, `/products/${w.pa.id}?done=sku_created#skus`);
  const sku = (await get('/v1/skus?sku_code=S-A4', w.admin)).json.data[0];
  assert.deepEqual([sku.product_id, sku.status], [w.pa.id, 'inactive']);
  const dup = await w.v.post(`/products/${w.pa.id}/skus`, { sku_code: 's-a4' });
  assertPage(dup, 409);
  assert.equal(fieldError(dup.text, 'sku_code'), 'is taken by another SKU');
  assert.match(dup.text, /id="sku_code" name="sku_code" value="s-a4"/);
  assertErrorPage(await w.v.post(`/products/${w.pa.id}/skus`, { sku_code: 'S-A5' }, { csrf: false }), 403);
  assert.equal((await get('/v1/skus?sku_code=S-A5', w.admin)).json.data.length, 0);

  // the product form: a tenant admin chooses the manufacturer
  const form = await w.v.get('/products/new');
  assert.match(form.text, new RegExp(`<option value="${w.m2.id}">BioMed</option>`));
  assert.doesNotMatch(form.text, new RegExp(`<option value="${w.d1.id}">`), 'manufacturers only');
  const made = await w.v.post('/products', { manufacturer_id: String(w.m2.id), name: 'Monitor', category: 'imaging' });
  assert.equal(made.status, 303, made.text);
  const pid = Number(/^\/products\/(\d+)\?done=product_created$/.exec(made.location)[1]);
  assert.deepEqual((await get(`/v1/products/${pid}`, w.admin)).json.category, 'imaging');
  const taken = await w.v.post('/products', { manufacturer_id: String(w.m2.id), name: 'Monitor' });
  assertPage(taken, 409);
  assert.match(fieldError(taken.text, 'name'), /taken/);
  const noMaker = await w.v.post('/products', { name: 'Orphan' });
  assertPage(noMaker, 400);
  assert.match(fieldError(noMaker.text, 'f-maker'), /required/);

  // a manufacturer's user creates as itself; a dealer's may not; a dealer sees what reached it
  const mine = await w.m1u.v.post('/products', { name: 'Own product', manufacturer_id: String(w.m2.id) });
  assert.equal(mine.status, 303, mine.text);
  assert.equal((await get(`/v1/products/${/\d+/.exec(mine.location)[0]}`, w.admin)).json.manufacturer_id, w.m1.id);
  assertErrorPage(await w.dl1u.v.get('/products/new'), 403);
  assertErrorPage(await w.dl1u.v.post('/products', { name: 'Nope' }), 403);
  assertErrorPage(await w.m2u.v.post(`/products/${w.pa.id}/skus`, { sku_code: 'S-X' }), 404);
  assert.equal(tableRows((await w.dl1u.v.get('/products')).text)[0].length, 1, 'nothing reached DL1 yet');
  await publishExampleA(w);
  assert.deepEqual(tableRows((await w.dl1u.v.get('/products')).text).map((r) => r[1]).sort(), ['P-A', 'P-B']);
  const seen = await w.dl1u.v.get(`/products/${w.pa.id}`);
  assert.deepEqual(tableRows(seen.text, 'Every SKU').map((r) => r[1]), ['S-A1'], 'only the SKU that reached it');
  assert.doesNotMatch(seen.text, /Add a SKU/);
  // another tenant
  const o = await otherTenant();
  assertErrorPage(await o.v.get(`/products/${w.pa.id}`), 404);
  assertErrorPage(await o.v.post(`/products/${w.pa.id}/skus`, { sku_code: 'S-Z' }), 404);
  // the feature off
  assert.equal((await put('/v1/settings', { flags: { catalog_publishing: false } }, w.admin)).status, 200);
  assertErrorPage(await w.v.get('/products'), 404);
  assertErrorPage(await w.v.get('/catalog'), 404);
  const nav = (await w.v.get('/dashboard')).text;
  assert.doesNotMatch(nav, /href="\/products"|href="\/catalog"/);
});

// ---- publishing through the forms, and a publication's page ----

test('publish, unlist and roll back through the forms: versions, who and when, diffs; the API\'s refusals on the form', async () => {
  const w = await network('pcf');
  const base = { channel_id: String(w.ch.id) };
  // ACME publishes two SKUs to D1, by code
  const form = await w.m1u.v.get(`/catalog/publish?channel_id=${w.ch.id}`);
  assertPage(form, 200, 'Publish items');
  assert.match(form.text, /<p>Publisher: ACME<\/p>/);
  assert.match(form.text, new RegExp(`<option value="${w.d1.id}">D1</option>`), 'its children to choose from');
  assert.match(form.text, new RegExp(`<option value="${w.ch.id}" selected>Dealer channel</option>`));
  const v0 = versions(w.t.id);
  const r1 = await w.m1u.v.post('/catalog/publish', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A1\ns-a2\n\nS-A1', note: 'first' });
  assert.equal(r1.status, 303, r1.text);
  const pubPath = `/channels/${w.ch.id}/publications?publisher_org_id=${w.m1.id}&org_id=${w.d1.id}`;
  assert.equal(r1.location, `${pubPath}&done=published`);
  assert.equal(versions(w.t.id), v0 + 1);
  const live = (await get(`/v1/channels/${w.ch.id}/catalog/versions?publisher_org_id=${w.m1.id}&org_id=${w.d1.id}`, w.admin)).json.data;
  assert.deepEqual(live.map((x) => [x.version, x.action, x.item_count, x.added_count, x.note]), [[1, 'publish', 2, 2, 'first']]);

  // the API's refusals, with the form as sent and each item's message by code
  const unknown = await w.m1u.v.post('/catalog/publish', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A3\nNOPE-1' });
  assertPage(unknown, 422);
  assert.match(fieldError(unknown.text, 'sku_codes'), /'NOPE-1'/);
  assert.match(unknown.text, /<textarea id="sku_codes" name="sku_codes"[^>]*>S-A3\nNOPE-1<\/textarea>/);
  // S-A3 reached D1 in another channel only: D1 sees it, and may not republish it here
  const ch2 = await w.channel('Online', 'online');
  assert.equal((await publish(ch2, w.m1u.token, { publisher_org_id: w.m1.id, org_id: w.d1.id, items: [{ sku_id: w.sa3.id }] })).status, 201);
  const v1 = versions(w.t.id);
  const upstream = await w.d1u.v.post('/catalog/publish', { ...base, org_id: String(w.dl1.id), sku_codes: 'S-A1\nS-A3' });
  assertPage(upstream, 403);
  assert.match(flash(upstream.text).join(' '), /Nothing was published/);
  assert.match(fieldError(upstream.text, 'sku_codes'), /'S-A3'/);
  assert.doesNotMatch(fieldError(upstream.text, 'sku_codes'), /'S-A1'/);
  const notChild = await w.d1u.v.post('/catalog/publish', { ...base, org_id: String(w.dl2.id), sku_codes: 'S-A1' });
  assertPage(notChild, 422);
  assert.match(flash(notChild.text).join(' '), /Nothing was published: .*(child|relationship)/);
  const territory = await w.d1u.v.post('/catalog/publish', { ...base, org_id: String(w.dl1.id), sku_codes: 'S-A1', territory: 'US' });
  assertPage(territory, 422);
  assert.match(flash(territory.text).join(' '), /Nothing was published: .*region/);
  assert.match(territory.text, /id="territory" name="territory" value="US"/);
  const noChannel = await w.d1u.v.post('/catalog/publish', { org_id: String(w.dl1.id), sku_codes: 'S-A1' });
  assertPage(noChannel, 400);
  assert.equal(fieldError(noChannel.text, 'f-channel'), 'choose a channel');
  assert.equal(versions(w.t.id), v1, 'nothing written by a refused form');
  assertErrorPage(await w.m1u.v.post('/catalog/publish', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A3' }, { csrf: false }), 403);
  assert.equal(versions(w.t.id), v1);

  // D1 passes S-A1 on to DL1; ACME unlists S-A2 and publishes S-A3; then rolls back to 1
  assert.equal((await w.d1u.v.post('/catalog/publish', { ...base, org_id: String(w.dl1.id), sku_codes: 'S-A1' })).status, 303);
  const un = await w.m1u.v.post('/catalog/unlist', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A2' });
  assert.equal(un.status, 303, un.text);
  assert.equal(un.location, `${pubPath}&done=unlisted`);
  const again = await w.m1u.v.post('/catalog/unlist', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A2' });
  assertPage(again, 422);
  assert.match(fieldError(again.text, 'sku_codes'), /'S-A2'/);
  assert.equal((await w.m1u.v.post('/catalog/publish', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A3' })).status, 303);
  const same = await w.m1u.v.post('/catalog/publish', { ...base, org_id: String(w.d1.id), sku_codes: 'S-A3' });
  assert.equal(same.location, `${pubPath}&done=unchanged`);

  const page = await w.m1u.v.get(pubPath);
  assertPage(page, 200, 'ACME to D1');
  assert.ok(page.text.includes('<dt>Current version</dt><dd>3</dd>'));
  assert.ok(page.text.includes('<dt>Live items</dt><dd>2</dd>'));
  const rows = tableRows(page.text, 'Every change');
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7]]), [
    ['1', 'publish', w.m1u.email, '2', '2', '0', 'first'],
    ['2', 'unlist', w.m1u.email, '1', '0', '1', ''],
    ['3 current', 'publish', w.m1u.email, '2', '1', '0', ''],
  ]);
  const apiVersions = (await get(`/v1/channels/${w.ch.id}/catalog/versions?publisher_org_id=${w.m1.id}&org_id=${w.d1.id}`, w.admin)).json.data;
  assert.deepEqual([...page.text.matchAll(/<time datetime="([^"]+)">/g)].map((m) => m[1]), apiVersions.map((x) => x.created_at));
  assert.equal([...page.text.matchAll(/>Roll back to (\d+)</g)].map((m) => m[1]).join(), '1,2', 'every older version');
  // the diff of 3 against 1: S-A3 added, S-A2 removed, by code
  const diff = await w.m1u.v.get(`${pubPath}&diff=3&against=1`);
  assertPage(diff, 200);
  const section = /<section class="diff"[\s\S]*?<\/section>/.exec(diff.text)[0];
  assert.match(section, /Version 3 against version 1/);
  assert.match(/<h3>Added<\/h3>[\s\S]*?<\/ul>/.exec(section)[0], /<code>S-A3<\/code>/);
  assert.match(/<h3>Removed<\/h3>[\s\S]*?<\/ul>/.exec(section)[0], /<code>S-A2<\/code>/);
  const badDiff = await w.m1u.v.get(`${pubPath}&diff=9`);
  assertPage(badDiff, 200);
  assert.match(badDiff.text, /No diff: /);

  // roll back to 1: a new version 4 with S-A1 and S-A2
  const rb = await w.m1u.v.post(`/channels/${w.ch.id}/publications/rollback`, { publisher_org_id: String(w.m1.id), org_id: String(w.d1.id), to_version: '1' });
  assert.equal(rb.status, 303, rb.text);
  assert.equal(rb.location, `${pubPath}&done=rolled_back`);
  const v4 = (await get(`/v1/channels/${w.ch.id}/catalog/versions/4?publisher_org_id=${w.m1.id}&org_id=${w.d1.id}`, w.admin)).json;
  assert.deepEqual([v4.action, v4.rolled_back_to, v4.items.map((i) => i.sku_code).sort()], ['rollback', 1, ['S-A1', 'S-A2']]);
  const rolled = await w.m1u.v.get(`${pubPath}&done=rolled_back`);
  assert.ok(flash(rolled.text).some((f) => /rolled back/.test(f)));
  assert.ok(tableRows(rolled.text, 'Every change').some((r) => r[0] === '4 current' && r[1] === 'rollback to 1'));
  // a rollback the API refuses shows on the page: version 99 does not exist
  const bad = await w.m1u.v.post(`/channels/${w.ch.id}/publications/rollback`, { publisher_org_id: String(w.m1.id), org_id: String(w.d1.id), to_version: '99' });
  assert.ok([404, 422].includes(bad.status), bad.text.slice(0, 500));
  assert.match(flash(bad.text).join(' '), /Nothing was rolled back/);

  // who sees what: the recipient reads it without the buttons; others get 404; a viewer 403s
  const d1page = await w.d1u.v.get(pubPath);
  assertPage(d1page, 200);
  assert.doesNotMatch(d1page.text, />Roll back to|Publish more items/);
  const notTheirs = await w.d1u.v.post(`/channels/${w.ch.id}/publications/rollback`, { publisher_org_id: String(w.m1.id), org_id: String(w.d1.id), to_version: '2' });
  assertPage(notTheirs, 403);
  assert.match(flash(notTheirs.text).join(' '), /Nothing was rolled back/);
  assertErrorPage(await w.dl1u.v.get(pubPath), 404);
  assertErrorPage(await w.m2u.v.get(pubPath), 404);
  const viewer = await member(w, w.d1, 'viewer');
  assertPage(await viewer.v.get(pubPath), 200);
  assertErrorPage(await viewer.v.get('/catalog/publish'), 403);
  assertErrorPage(await viewer.v.post('/catalog/publish', { ...base, org_id: String(w.dl1.id), sku_codes: 'S-A1' }), 403);
  const o = await otherTenant();
  assertErrorPage(await o.v.get(pubPath), 404);
  const foreign = await o.v.post('/catalog/publish', { ...base, publisher_org_id: String(w.m1.id), org_id: String(w.d1.id), sku_codes: 'S-A3' });
  assertPage(foreign, 422);
  assert.match(fieldError(foreign.text, 'sku_codes'), /no SKU you can see has the code 'S-A3'/);
  const sku = (await post('/v1/products', { manufacturer_id: (await post('/v1/orgs', { name: 'Maker X', type: 'manufacturer' }, o.admin)).json.id, name: 'X' }, o.admin)).json;
  assert.equal((await post('/v1/skus', { product_id: sku.id, sku_code: 'X-1' }, o.admin)).status, 201);
  const foreignChannel = await o.v.post('/catalog/publish', { ...base, publisher_org_id: String(sku.manufacturer_id), org_id: 'all', sku_codes: 'X-1' });
  assertPage(foreignChannel, 404);
  assert.match(flash(foreignChannel.text).join(' '), /Nothing was published: no channel/);
  assert.equal((await get(`/v1/channels/${w.ch.id}/catalog/versions?publisher_org_id=${w.m1.id}&org_id=${w.d1.id}`, w.admin)).json.data.length, 4);
  // a tenant-wide admin publishes as any organization
  const asAdmin = await w.v.post('/catalog/publish', { ...base, publisher_org_id: String(w.m2.id), org_id: String(w.dl1.id), sku_codes: 'S-B1' });
  assert.equal(asAdmin.status, 303, asAdmin.text);
  assert.equal(asAdmin.location, `/channels/${w.ch.id}/publications?publisher_org_id=${w.m2.id}&org_id=${w.dl1.id}&done=published`);
});

// ---- the catalog browser ----

test('the catalog browser shows an organization\'s listing with source and path by name; filters page on; access', async () => {
  const w = await network('pcb');
  await publishExampleA(w);
  // DL1's own listing: S-A1 via ACME → D1 → DL1, S-B1 direct from BioMed
  const mine = await w.dl1u.v.get(`/catalog?channel_id=${w.ch.id}`);
  assertPage(mine, 200, 'Catalog');
  assert.match(mine.text, /<a href="\/catalog" aria-current="page">Catalog<\/a>/);
  const api = (await listing(w.ch, w.dl1.id, w.dl1u.token)).json.data;
  const rows = tableRows(mine.text, 'What the organization');
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5]]), [
    ['S-A1', 'ACME', 'distributor', 'ACME → D1 → DL1', 'D1', String(api[0].version)],
    ['S-B1', 'BioMed', 'direct', 'BioMed → DL1', 'BioMed', String(api[1].version)],
  ]);
  assert.ok(mine.text.includes(`href="/channels/${w.ch.id}/publications?publisher_org_id=${w.d1.id}&amp;org_id=${w.dl1.id}"`), 'the version links its publication');
  assert.match(mine.text, new RegExp(`<option value="${w.m1.id}">ACME</option>`), 'the manufacturers that reach it');
  // an org's user sees only its own listing, whatever org_id says
  const other = await w.dl1u.v.get(`/catalog?channel_id=${w.ch.id}&org_id=${w.d1.id}`);
  assert.deepEqual(tableRows(other.text, 'What the organization').map((r) => r[0]), ['S-A1', 'S-B1']);
  // filters: code and manufacturer, kept in the form
  const q = await w.dl1u.v.get(`/catalog?channel_id=${w.ch.id}&q=b1`);
  assert.deepEqual(tableRows(q.text, 'What the organization').map((r) => r[0]), ['S-B1']);
  assert.match(q.text, /id="f-q" name="q" type="search" value="b1"/);
  const acme = await w.dl1u.v.get(`/catalog?channel_id=${w.ch.id}&manufacturer_id=${w.m1.id}`);
  assert.deepEqual(tableRows(acme.text, 'What the organization').map((r) => r[0]), ['S-A1']);
  assert.match(acme.text, new RegExp(`<option value="${w.m1.id}" selected>ACME</option>`));
  // a tenant admin chooses the organization
  const choose = await w.v.get('/catalog');
  assertPage(choose, 200);
  assert.match(choose.text, /Choose a channel and an organization/);
  const d1 = await w.v.get(`/catalog?channel_id=${w.ch.id}&org_id=${w.d1.id}`);
  assert.deepEqual(tableRows(d1.text, 'What the organization').map((r) => [r[0], r[2], r[3]]), [['S-A1', 'direct', 'ACME → D1'], ['S-A2', 'direct', 'ACME → D1']]);
  // pages: the API's without a filter, the page's own with one; together every item once
  const more = await w.m1.id && await w.v.post('/catalog/publish', { channel_id: String(w.ch.id), publisher_org_id: String(w.m1.id), org_id: String(w.d1.id), sku_codes: 'S-A3' });
  assert.equal(more.status, 303);
  const seen = [];
  let path = `/catalog?channel_id=${w.ch.id}&org_id=${w.d1.id}&q=S-A&limit=2`;
  for (let i = 0; path && i < 5; i++) {
    const p = await w.v.get(path);
    assertPage(p, 200);
    seen.push(...tableRows(p.text, 'What the organization').map((r) => r[0]));
    const m = /<a rel="next" href="([^"]+)">/.exec(p.text);
    path = m ? m[1].replace(/&amp;/g, '&') : null;
  }
  assert.deepEqual(seen, ['S-A1', 'S-A2', 'S-A3']);
  const one = await w.v.get(`/catalog?channel_id=${w.ch.id}&org_id=${w.d1.id}&limit=1`);
  assert.deepEqual(tableRows(one.text, 'What the organization').map((r) => r[0]), ['S-A1']);
  assert.match(one.text, /<a rel="next" href="\/catalog\?channel_id=\d+&amp;org_id=\d+&amp;limit=1&amp;cursor=/);
  const badLimit = await w.v.get(`/catalog?channel_id=${w.ch.id}&org_id=${w.d1.id}&q=x&limit=500`);
  assertPage(badLimit, 400);
  assert.match(badLimit.text, /must be an integer from 1 to 200/);
  const badCursor = await w.v.get(`/catalog?channel_id=${w.ch.id}&org_id=${w.d1.id}&cursor=nonsense`);
  assertPage(badCursor, 400);
  // an upstream unlist takes S-A1 out of DL1's listing at once
  assert.equal((await unlist(w.ch, w.m1u.token, { publisher_org_id: w.m1.id, org_id: w.d1.id, items: [{ sku_id: w.sa1.id }] })).status, 201);
  assert.deepEqual(tableRows((await w.dl1u.v.get(`/catalog?channel_id=${w.ch.id}`)).text, 'What the organization').map((r) => r[0]), ['S-B1']);
  // another tenant and an unknown channel: 404
  const o = await otherTenant();
  assertErrorPage(await o.v.get(`/catalog?channel_id=${w.ch.id}&org_id=${w.dl1.id}`), 404);
  assertErrorPage(await w.v.get(`/catalog?channel_id=999999999&org_id=${w.dl1.id}`), 404);
  // a tenant-wide user without listings:read (none has it but admins): a viewer of the tenant
  const sa = await login(w.t.slug, w.t.admin.email, w.t.admin.password);
  assert.equal(sa.status, 200);
});

// ---- the dashboards' catalog tiles ----

test('the dashboards\' catalog tiles count a small network built through the API, and follow its changes', async () => {
  const w = await network('pcd');
  await publishExampleA(w);
  const dash = async (u) => {
    const r = await u.v.get('/dashboard');
    assertPage(r, 200);
    return r.text;
  };

  // ACME: its catalog, what it publishes where and to whom, its partners and relationships
  let m1 = await dash(w.m1u);
  const cat = tile(m1, 'Catalog');
  assert.ok(cat, 'a catalog tile');
  assert.match(cat, /<span class="value">1<\/span> <span class="label">products<\/span>/);
  assert.match(cat, /<span class="value">3<\/span> <span class="label">SKUs<\/span>/);
  assert.deepEqual(tableRows(cat, 'Products by lifecycle'), [['active', '1']]);
  assert.deepEqual(tableRows(cat, 'SKUs by status'), [['active', '3']]);
  assert.deepEqual(tableRows(tile(m1, 'Publications by channel')), [['Dealer channel', '1', '2']]);
  assert.deepEqual(tableRows(tile(m1, 'Publications by partner')), [['D1', '1', '2']]);
  assert.deepEqual(tableRows(tile(m1, 'Partners')), [['distributor of', '1']]);
  const rel = tile(m1, 'Relationships');
  assert.deepEqual(listItems(rel, 'Parents'), ['None.']);
  assert.deepEqual(listItems(rel, 'Children'), ['D1 distributor | distributor of this organization']);
  // a product of another status and a publication to all show up at once
  const p2 = await w.product(w.m1, 'P-old');
  assert.equal((await req('PATCH', `/v1/products/${p2.id}`, { body: JSON.stringify({ lifecycle_status: 'end_of_life' }), headers: { ...bearer(w.admin), 'content-type': 'application/json' } })).status, 200);
  assert.equal((await publish(w.ch, w.m1u.token, { publisher_org_id: w.m1.id, org_id: null, items: [{ sku_id: w.sa3.id }] })).status, 201);
  m1 = await dash(w.m1u);
  assert.deepEqual(tableRows(tile(m1, 'Catalog'), 'Products by lifecycle'), [['active', '1'], ['end of life', '1']]);
  assert.deepEqual(tableRows(tile(m1, 'Publications by channel')), [['Dealer channel', '2', '3']]);
  assert.deepEqual(tableRows(tile(m1, 'Publications by partner')), [['D1', '1', '2'], ['all its children', '1', '1']]);

  // D1: what reached it and what it passes on; coverage by brand with its chart
  let d1 = await dash(w.d1u);
  assert.deepEqual(tableRows(tile(d1, 'Received and republished')), [['Dealer channel', '3', '1']]);
  let cov = tile(d1, 'Coverage by brand');
  assert.deepEqual(tableRows(cov, 'SKUs per manufacturer'), [['ACME', '3', '1', '33%']]);
  assert.match(cov, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img"/);
  assert.match(cov, />33%<\/text>/);
  assert.match(cov, /<title>ACME: 33% \(1 of 3\)<\/title>/);
  assert.deepEqual(listItems(tile(d1, 'Relationships'), 'Parents'), ['ACME manufacturer | this organization is distributor of it']);

  // DL1: its listing by brand, deduplicated by SKU
  let dl1 = await dash(w.dl1u);
  let brands = tile(dl1, 'Allowed listings by brand');
  assert.match(brands, /<span class="value">2<\/span> <span class="label">SKUs it may sell<\/span>/);
  assert.deepEqual(tableRows(brands, 'SKUs per manufacturer'), [['ACME', '1'], ['BioMed', '1']]);
  assert.match(brands, /<svg[^>]*role="img"/);
  assert.deepEqual(listItems(tile(dl1, 'Relationships'), 'Parents').map((r) => r.split(' | ')[0]).sort(), ['BioMed manufacturer', 'D1 distributor']);
  // the same SKU through two ways counts once; S-A1 also straight from ACME now
  assert.equal((await w.relate(w.m1, w.dl1, 'dealer_of')) > 0, true);
  assert.equal((await publish(w.ch, w.m1u.token, { publisher_org_id: w.m1.id, org_id: w.dl1.id, items: [{ sku_id: w.sa1.id }] })).status, 201);
  dl1 = await dash(w.dl1u);
  brands = tile(dl1, 'Allowed listings by brand');
  // S-A1 (twice) and S-A3 (ACME to all of its children, DL1 now among them)
  assert.deepEqual(tableRows(brands, 'SKUs per manufacturer'), [['ACME', '2'], ['BioMed', '1']]);
  const api = (await listing(w.ch, w.dl1.id, w.dl1u.token)).json.data;
  assert.equal(api.length, 3, JSON.stringify(api));

  // upstream unlisting takes items out downstream at once; ending a relationship too
  assert.equal((await unlist(w.ch, w.m1u.token, { publisher_org_id: w.m1.id, org_id: w.d1.id, items: [{ sku_id: w.sa1.id }] })).status, 201);
  d1 = await dash(w.d1u);
  assert.deepEqual(tableRows(tile(d1, 'Received and republished')), [['Dealer channel', '2', '1']]);
  cov = tile(d1, 'Coverage by brand');
  assert.deepEqual(tableRows(cov, 'SKUs per manufacturer'), [['ACME', '2', '0', '0%']]);
  await w.endRelationship(w.rels.dl1_m2);
  dl1 = await dash(w.dl1u);
  assert.deepEqual(tableRows(tile(dl1, 'Allowed listings by brand'), 'SKUs per manufacturer'), [['ACME', '2']]);

  // the tenant's dashboard: relationships by type
  const global = (await w.v.get('/dashboard')).text;
  const rt = tile(global, 'Relationships');
  assert.match(rt, /<span class="value">3<\/span> <span class="label">active, of 4 written<\/span>/);
  assert.deepEqual(tableRows(rt), [['distributor of', '1', '1'], ['dealer of', '2', '3']]);
  const counted = sql(`SELECT relation_type, COUNT(*) FROM org_relationships WHERE tenant_id = ${w.t.id} GROUP BY relation_type ORDER BY relation_type`);
  assert.equal(counted, 'distributor_of\t1\ndealer_of\t3');

  // a viewer sees the tiles its role may read; another tenant's org counts nothing of this one
  const viewer = await member(w, w.dl1, 'viewer');
  assert.deepEqual(tableRows(tile(await dash(viewer), 'Allowed listings by brand'), 'SKUs per manufacturer'), [['ACME', '2']]);
  const o = await otherTenant();
  const om = await o.org('Other maker', 'manufacturer');
  const ou = await member(o, om);
  const other = await dash(ou);
  assert.match(tile(other, 'Catalog'), /<span class="value">0<\/span> <span class="label">products<\/span>/);
  assert.deepEqual(tableRows(tile(other, 'Publications by channel')), [['Nothing published yet.']]);
  assert.deepEqual(tableRows(tile((await o.v.get('/dashboard')).text, 'Relationships')), [['No relationships yet.']]);

  // features off: no tile, never an empty one
  assert.equal((await put('/v1/settings', { flags: { catalog_publishing: false } }, w.admin)).status, 200);
  m1 = await dash(w.m1u);
  for (const t of ['Catalog', 'Publications by channel', 'Publications by partner']) assert.equal(tile(m1, t), undefined, t);
  assert.ok(tile(m1, 'Partners'));
  assert.equal(tile(await dash(w.dl1u), 'Allowed listings by brand'), undefined);
  assert.equal(tile(await dash(w.d1u), 'Coverage by brand'), undefined);
  assert.equal((await put('/v1/settings', { flags: { org: false } }, w.admin)).status, 200);
  m1 = await dash(w.m1u);
  assert.equal(tile(m1, 'Partners'), undefined);
  assert.equal(tile(m1, 'Relationships'), undefined);
  assert.equal(tile((await w.v.get('/dashboard')).text, 'Relationships'), undefined);
});
