// Helpers of the publishing suites (76, 77): a tenant with the catalog features on and the
// calls of the publishing API. Not a test file itself.
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import { req, json, bearer, sql, post, patch, orgUser, adminWorld } from './lib.mjs';

export const get = (path, token, headers = {}) => req('GET', path, { headers: { ...bearer(token), ...headers } });
export { patch };
export const publish = (ch, token, body, headers = {}) => post(`/v1/channels/${ch.id}/catalog/publish`, body, token, headers);
export const unlist = (ch, token, body, headers = {}) => post(`/v1/channels/${ch.id}/catalog/unlist`, body, token, headers);
export const rollback = (ch, token, body, headers = {}) => post(`/v1/channels/${ch.id}/catalog/rollback`, body, token, headers);
export const listing = (ch, orgId, token, extra = '') => get(`/v1/channels/${ch.id}/catalog?org_id=${orgId}${extra}`, token);

// Response bodies are checked against the schemas docs/openapi.yaml promises.
let ajv;
export async function assertSchema(name, body) {
  if (!ajv) {
    const doc = (await req('GET', '/v1/openapi.json')).json;
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema(doc, 'openapi');
  }
  const v = ajv.getSchema(`openapi#/components/schemas/${name}`);
  assert.ok(v, `no schema ${name}`);
  assert.ok(v(body), `${name}: ${JSON.stringify(v.errors)} in ${JSON.stringify(body).slice(0, 2000)}`);
}

let seq = 0;

// A fresh tenant with org, channels and catalog_publishing on, its admin, and makers of
// organizations, relationships, channels, products, SKUs and offerings.
export async function world(prefix = 'pub') {
  const w = await adminWorld(prefix, { org: true, channels: true, catalog_publishing: true });
  const ok = (r) => {
    assert.ok(r.status === 201, r.text);
    return r.json;
  };
  w.org = async (name, type, extra = {}) => ok(await post('/v1/orgs', { name, type, ...extra }, w.admin));
  // relationships, channels and the catalog through their API, as a client would
  w.relate = async (parent, child, type, extra = {}) => ok(await post(`/v1/orgs/${parent.id}/relationships`, { child_org_id: child.id, relation_type: type, ...extra }, w.admin)).id;
  w.endRelationship = async (id) => {
    const r = await patch(`/v1/relationships/${id}`, { active_to: new Date().toISOString() }, w.admin);
    assert.equal(r.status, 200, r.text);
  };
  w.channel = async (name, type) => ok(await post('/v1/channels', { name, type }, w.admin));
  w.product = async (maker, name) => ok(await post('/v1/products', { manufacturer_id: maker.id, name }, w.admin));
  w.sku = async (product, code) => ok(await post('/v1/skus', { product_id: product.id, sku_code: code }, w.admin));
  w.offering = async (sku, type) => ok(await post('/v1/offerings', { sku_id: sku.id, offer_type: type }, w.admin));
  w.user = (orgId, role = 'org_admin') => orgUser(w, orgId, role, `u${seq++}-${role}@org${orgId}.test`);
  return w;
}

// count SKUs of one product of maker in one statement: bulk data for the big publishes, not
// what a test checks (SKUs one by one are the products suite's).
export async function skus(w, maker, count, prefix) {
  const p = await w.product(maker, `${prefix} product`);
  const rows = Array.from({ length: count }, (_, i) => `(${w.t.id}, ${p.id}, ${maker.id}, '${prefix}-${String(i).padStart(5, '0')}')`);
  sql(`INSERT INTO skus (tenant_id, product_id, manufacturer_id, sku_code) VALUES ${rows.join(',')}`);
  return sql(`SELECT id FROM skus WHERE tenant_id = ${w.t.id} AND product_id = ${p.id} ORDER BY id`).split('\n').map(Number);
}

// Seed 000's Example A: M1 ACME and M2 BioMed (manufacturers), D1 (distributor), DL1
// (dealer); D1 distributor_of M1, DL1 dealer_of D1, DL1 dealer_of M2; a dealer channel;
// ACME's product P-A with S-A1 (and S-A2, S-A3 for the rules), BioMed's P-B with S-B1; and
// an org_admin of each organization.
export async function exampleA(prefix = 'exa') {
  const w = await world(prefix);
  w.m1 = await w.org('ACME', 'manufacturer', { region: 'EU' });
  w.m2 = await w.org('BioMed', 'manufacturer', { region: 'EU' });
  w.d1 = await w.org('D1', 'distributor', { region: 'EU-North' });
  w.dl1 = await w.org('DL1', 'dealer');
  w.rels = {
    d1_m1: await w.relate(w.m1, w.d1, 'distributor_of'),
    dl1_d1: await w.relate(w.d1, w.dl1, 'dealer_of'),
    dl1_m2: await w.relate(w.m2, w.dl1, 'dealer_of'),
  };
  w.ch = await w.channel('Dealer channel', 'dealer');
  const pa = await w.product(w.m1, 'P-A');
  const pb = await w.product(w.m2, 'P-B');
  w.sa1 = await w.sku(pa, 'S-A1');
  w.sa2 = await w.sku(pa, 'S-A2');
  w.sa3 = await w.sku(pa, 'S-A3');
  w.sb1 = await w.sku(pb, 'S-B1');
  w.m1Staff = await w.user(w.m1.id);
  w.m2Staff = await w.user(w.m2.id);
  w.d1Staff = await w.user(w.d1.id);
  w.dl1Staff = await w.user(w.dl1.id, 'viewer');
  return w;
}
