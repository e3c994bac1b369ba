// The public QR page end to end: what GET /q/{token} shows (and does not), unknown, rotated
// and retired tokens, POST opening a ticket (source qr) with its history, audit row and
// event, the honeypot, CSRF, input limits, and nginx's rate limit on /q/.
//
// The page's own behaviour is tested straight on the pool's FastCGI socket: every request
// through nginx from this one address counts against the /q/ limit, which the last test
// exhausts on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, fcgi, sleep, newTenant, login, sql, post, put, patch, adminWorld } from './lib.mjs';

const PORT = new URL(BASE).port;

// A browser on the socket: keeps cookies and the last page's CSRF token.
class Phone {
  constructor(addr = '203.0.113.7') {
    this.cookies = new Map();
    this.csrf = null;
    this.addr = addr;
  }

  async send(method, path, form = null) {
    const body = form ? new URLSearchParams(form).toString() : '';
    const params = {
      REQUEST_METHOD: method, REQUEST_URI: path, SERVER_PROTOCOL: 'HTTP/1.1', HTTP_HOST: '127.0.0.1', SERVER_PORT: PORT,
      REMOTE_ADDR: this.addr, HTTP_ACCEPT: 'text/html', HTTP_USER_AGENT: 'e2e phone',
    };
    if (this.cookies.size) params.HTTP_COOKIE = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) Object.assign(params, { CONTENT_TYPE: 'application/x-www-form-urlencoded', CONTENT_LENGTH: Buffer.byteLength(body) });
    const r = await fcgi(params, body);
    for (const [k, v] of r.headers) {
      if (k !== 'set-cookie') continue;
      const [pair] = v.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const m = /name="csrf_token" value="([^"]+)"/.exec(r.body);
    if (m) this.csrf = m[1];
    r.header = (name) => (r.headers.find(([k]) => k === name) || [null, null])[1];
    return r;
  }

  get(path) {
    return this.send('GET', path);
  }

  post(path, fields, { csrf = true } = {}) {
    const f = { ...fields };
    if (csrf && this.csrf && !('csrf_token' in f)) f.csrf_token = this.csrf;
    return this.send('POST', path, f);
  }
}

const counts = (tid) => sql(`SELECT (SELECT COUNT(*) FROM tickets WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM ticket_events WHERE tenant_id = ${tid}),
  (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${tid})`);

async function created(r) {
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// A tenant whose equipment has a SKU, a product and an owner, then every flag off: the QR
// flow must not need any.
async function world(prefix = 'qr') {
  const w = await adminWorld(prefix, { org: true, catalog_publishing: true });
  w.m1 = await created(await post('/v1/orgs', { name: 'Maker Secret Name', type: 'manufacturer' }, w.admin));
  w.h1 = await created(await post('/v1/orgs', { name: 'Hospital Secret Name', type: 'hospital' }, w.admin));
  const p = await created(await post('/v1/products', { manufacturer_id: w.m1.id, name: 'Infusion pump' }, w.admin));
  w.sku = await created(await post('/v1/skus', { product_id: p.id, sku_code: 'IP-100' }, w.admin));
  w.eq = await created(await post('/v1/equipment', {
    serial: 'E-123', sku_id: w.sku.id, owner_org_id: w.h1.id, site: 'Ward 3 <east>', region: 'secret-region',
    install_date: '2024-01-10', warranty_end: '2027-01-10',
  }, w.admin));
  assert.equal((await put('/v1/settings', { flags: { org: false, catalog_publishing: false } }, w.admin)).status, 200);
  w.path = `/q/${w.eq.qr_token}`;
  return w;
}

const REQUEST = { severity: 'high', description: 'It beeps all the time\nand the screen is dark', contact_name: 'Ana Nurse', contact_email: 'ana@h1.example' };

test('GET /q/{token} shows serial, model and site and the form, nothing private', async () => {
  const w = await world('qrget');
  const r = await new Phone().get(w.path);
  assert.equal(r.status, 200, r.body);
  assert.match(r.header('content-type'), /^text\/html/);
  assert.match(r.header('content-security-policy'), /default-src 'none'/);
  assert.match(r.header('set-cookie'), /^trellis_csrf=/);
  assert.match(r.body, /<dt>Serial<\/dt><dd>E-123<\/dd>/);
  assert.match(r.body, /<dt>Model<\/dt><dd>IP-100 · Infusion pump<\/dd>/);
  assert.match(r.body, /<dt>Site<\/dt><dd>Ward 3 &lt;east&gt;<\/dd>/);
  // API.md's form fields, the honeypot, the post target
  for (const name of ['severity', 'title', 'description', 'contact_name', 'contact_email', 'csrf_token', 'website'])
    assert.match(r.body, new RegExp(`name="${name}"`), name);
  assert.match(r.body, new RegExp(`<form class="stack" method="post" action="${w.path}">`));
  assert.match(r.body, /<option value="medium" selected>/);
  // nothing private: no owner or maker, no region, dates, ids or tenant, no navigation
  for (const secret of ['Hospital Secret Name', 'Maker Secret Name', 'secret-region', '2027-01-10', '2024-01-10', w.t.slug, `/equipment/${w.eq.id}`, 'Sign out'])
    assert.ok(!r.body.includes(secret), secret);
  assert.ok(!/\bid="?nav|aria-label="Main"/.test(r.body));
  // readable on a phone: the layout's viewport and the narrow main
  assert.match(r.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(r.body, /<main id="main" class="narrow qr-page">/);
});

test('unknown, malformed, rotated and retired tokens are the 404 page', async () => {
  const w = await world('qr404');
  const phone = new Phone();
  for (const path of ['/q/AAAAAAAAAAAAAAAAAAAAAA', '/q/AAAAAAAAAAAAAAAAAAAAAA?sent=1', '/q/short', `/q/${w.eq.qr_token}x`, `/q/${w.eq.qr_token.toLowerCase() === w.eq.qr_token ? 'B' : w.eq.qr_token.toLowerCase()}`]) {
    const r = await phone.get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.header('content-type'), /^text\/html/);
    assert.match(r.body, /does not open service requests/);
    assert.ok(!r.body.includes('E-123'));
  }
  const before = counts(w.t.id);
  assert.equal((await phone.post('/q/AAAAAAAAAAAAAAAAAAAAAA', REQUEST, { csrf: false })).status, 403); // no form token yet
  await phone.get(w.path);
  assert.equal((await phone.post('/q/AAAAAAAAAAAAAAAAAAAAAA', REQUEST)).status, 404);
  // rotating the token: the old page is gone at once, the new one works
  const rot = await post(`/v1/equipment/${w.eq.id}/qr-token`, {}, w.admin);
  assert.equal(rot.status, 200, rot.text);
  assert.equal((await phone.get(w.path)).status, 404);
  assert.equal((await phone.post(w.path, REQUEST)).status, 404);
  assert.equal((await phone.get(`/q/${rot.json.qr_token}`)).status, 200);
  // retired equipment takes no requests
  assert.equal((await patch(`/v1/equipment/${w.eq.id}`, { status: 'retired' }, w.admin)).status, 200);
  assert.equal((await phone.get(`/q/${rot.json.qr_token}`)).status, 404);
  assert.equal((await phone.post(`/q/${rot.json.qr_token}`, REQUEST)).status, 404);
  // the rotation and the retirement wrote their own audit rows and events, no ticket
  const [tickets, events] = counts(w.t.id).split('\t');
  assert.deepEqual([tickets, events], before.split('\t').slice(0, 2));
});

test('POST opens a ticket with source qr: the row, its first event, audit row and event', async () => {
  const w = await world('qrpost');
  const phone = new Phone();
  await phone.get(w.path);
  const before = counts(w.t.id).split('\t').map(Number);
  const r = await phone.post(w.path, REQUEST);
  // see other: the thanks are a GET, so reloading them sends nothing again
  assert.equal(r.status, 303, r.body);
  assert.equal(r.header('location'), `${w.path}?sent=1`);
  assert.deepEqual(counts(w.t.id).split('\t').map(Number), [before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1]);
  const thanks = await phone.get(r.header('location'));
  assert.equal(thanks.status, 200, thanks.body);
  assert.match(thanks.body, /<h1>Thank you<\/h1>/);
  assert.match(thanks.body, /Your service request was sent/);
  assert.match(thanks.body, /<dd>E-123<\/dd>/);
  await phone.get(r.header('location'));
  assert.deepEqual(counts(w.t.id).split('\t').map(Number), [before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1]);
  const [id, eq, sev, status, title, desc, source, name, contact, resp] = sql(`SELECT id, equipment_id, severity, status, title,
    description, source, reporter_name, reporter_contact, COALESCE(responsible_org_id, 'NULL') FROM tickets WHERE tenant_id = ${w.t.id}`).split('\t');
  assert.deepEqual([Number(eq), sev, status, title, source, name, contact, resp],
    [w.eq.id, 'high', 'open', 'It beeps all the time', 'qr', 'Ana Nurse', 'ana@h1.example', 'NULL']);
  assert.equal(desc, 'It beeps all the time\\nand the screen is dark'); // mariadb -B escapes the newline
  const ev = sql(`SELECT COALESCE(from_status, 'NULL'), to_status, COALESCE(actor_id, 'NULL') FROM ticket_events WHERE tenant_id = ${w.t.id} AND ticket_id = ${id}`);
  assert.equal(ev, 'NULL\topen\tNULL');
  assert.equal(sql(`SELECT CONCAT(action, ' ', COALESCE(actor_id, 'nobody')) FROM audit_log WHERE tenant_id = ${w.t.id} AND entity = 'ticket' AND entity_id = ${id}`), 'ticket.create nobody');
  assert.equal(sql(`SELECT event_type FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = 'ticket' AND entity_id = ${id}`), 'ticket.created');

  // a typed subject is the title; the form works again after the thanks (new token each page)
  await phone.get(w.path);
  assert.equal((await phone.post(w.path, { ...REQUEST, title: 'Pump alarm', severity: 'critical', contact_name: '', contact_email: '' })).status, 303);
  const last = sql(`SELECT title, severity, COALESCE(reporter_name, 'NULL'), COALESCE(reporter_contact, 'NULL') FROM tickets WHERE tenant_id = ${w.t.id} ORDER BY id DESC LIMIT 1`);
  assert.equal(last, 'Pump alarm\tcritical\tNULL\tNULL');
  // a tab in the description's first line is a space in the title made from it
  await phone.get(w.path);
  assert.equal((await phone.post(w.path, { ...REQUEST, description: 'Alarm\tcode 7\nsince noon' })).status, 303);
  assert.equal(sql(`SELECT title FROM tickets WHERE tenant_id = ${w.t.id} ORDER BY id DESC LIMIT 1`), 'Alarm code 7');
  // the tenant's API sees the ticket on the equipment
  assert.equal(Number(sql(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${w.t.id} AND equipment_id = ${w.eq.id} AND source = 'qr'`)), 3);
});

test('a filled honeypot is thanked like a person and writes nothing', async () => {
  const w = await world('qrhoney');
  const phone = new Phone();
  await phone.get(w.path);
  const before = counts(w.t.id);
  const r = await phone.post(w.path, { ...REQUEST, website: 'http://spam.example' });
  assert.equal(r.status, 303, r.body);
  assert.equal(r.header('location'), `${w.path}?sent=1`);
  assert.equal(counts(w.t.id), before);
});

test('a missing or wrong CSRF token is refused (403) and writes nothing', async () => {
  const w = await world('qrcsrf');
  const before = counts(w.t.id);
  const fresh = new Phone();
  let r = await fresh.post(w.path, REQUEST, { csrf: false });
  assert.equal(r.status, 403);
  assert.match(r.body, /security token/);
  const phone = new Phone();
  await phone.get(w.path);
  r = await phone.post(w.path, { ...REQUEST, csrf_token: 'forged' });
  assert.equal(r.status, 403);
  r = await phone.post(w.path, { ...REQUEST, csrf_token: '' });
  assert.equal(r.status, 403);
  // another browser's token with this one's cookie
  const other = new Phone();
  await other.get(w.path);
  r = await phone.post(w.path, { ...REQUEST, csrf_token: other.csrf });
  assert.equal(r.status, 403);
  assert.equal(counts(w.t.id), before);
});

test('bad and over-long input is refused with a clear page, the form kept, nothing written', async () => {
  const w = await world('qrbad');
  const phone = new Phone();
  await phone.get(w.path);
  const before = counts(w.t.id);
  const refused = async (fields, field, message) => {
    const r = await phone.post(w.path, { ...REQUEST, ...fields });
    assert.equal(r.status, 400, `${field}: ${r.status}`);
    assert.match(r.body, /The request was not sent: correct the fields marked below/);
    assert.match(r.body, new RegExp(`<span class="field-error" id="${field}-error">[^<]*${message}`), r.body);
    assert.match(r.body, new RegExp(`id="${field === 'severity' ? 'severity' : field}"[^>]*aria-invalid="true"`));
    return r;
  };
  let r = await refused({ description: 'x'.repeat(4001) }, 'description', 'must be at most 4000 characters');
  assert.match(r.body, /contact_name" value="Ana Nurse"/); // what was typed stays
  await refused({ description: '' }, 'description', 'describe the problem');
  await refused({ description: '   ' }, 'description', 'describe the problem');
  await refused({ title: 't'.repeat(201) }, 'title', 'must be at most 200');
  await refused({ contact_name: 'n'.repeat(201) }, 'contact_name', 'must be at most 200');
  await refused({ contact_email: `${'e'.repeat(250)}@x.io` }, 'contact_email', 'must be at most 254');
  await refused({ contact_name: 'Ana\u0007' }, 'contact_name', 'one line');
  await refused({ title: 'two\nlines' }, 'title', 'one line');
  await refused({ severity: 'urgent' }, 'severity', 'choose one of');
  r = await refused({ severity: '' }, 'severity', 'choose one of');
  // bytes that are not UTF-8
  const raw = await phone.send('POST', w.path, null);
  assert.equal(raw.status, 403); // no body, no token
  const body = `csrf_token=${encodeURIComponent(phone.csrf)}&severity=low&description=%FF%FE`;
  const bin = await fcgi({ REQUEST_METHOD: 'POST', REQUEST_URI: w.path, SERVER_PROTOCOL: 'HTTP/1.1', REMOTE_ADDR: '203.0.113.7',
    HTTP_COOKIE: [...phone.cookies].map(([k, v]) => `${k}=${v}`).join('; '), CONTENT_TYPE: 'application/x-www-form-urlencoded', CONTENT_LENGTH: body.length }, body);
  assert.equal(bin.status, 400);
  assert.match(bin.body, /must be text \(UTF-8\)/);
  assert.equal(counts(w.t.id), before);
});

test('works the same in a tenant that never had a flag on', async () => {
  const t = await newTenant('qrplain');
  const admin = (await login(t.slug, t.admin.email, t.admin.password)).json.access_token;
  const eq = await created(await post('/v1/equipment', { serial: 'PLAIN-1' }, admin));
  const phone = new Phone();
  const g = await phone.get(`/q/${eq.qr_token}`);
  assert.equal(g.status, 200);
  assert.ok(!g.body.includes('<dt>Model</dt>') && !g.body.includes('<dt>Site</dt>'));
  assert.equal((await phone.post(`/q/${eq.qr_token}`, { severity: 'low', description: 'Squeaks' })).status, 303);
  assert.equal(sql(`SELECT CONCAT(title, '/', severity, '/', source) FROM tickets WHERE tenant_id = ${t.id}`), 'Squeaks/low/qr');
});

// Last: it uses up this address's allowance at nginx, and waits until it is back.
test('nginx passes /q/ to the pool and answers 429 past the burst', async () => {
  const w = await world('qrrate');
  const first = await fetch(`${BASE}${w.path}`, { headers: { accept: 'text/html' } });
  assert.equal(first.status, 200);
  assert.match(await first.text(), /<dd>E-123<\/dd>/);
  const answers = await Promise.all(Array.from({ length: 40 }, () =>
    fetch(`${BASE}/q/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { accept: 'text/html' } })
      .then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), retry: r.headers.get('retry-after'), text: await r.text() }))));
  const limited = answers.filter((a) => a.status === 429);
  assert.ok(limited.length >= 15, `429s: ${limited.length} of ${answers.map((a) => a.status)}`);
  assert.ok(answers.filter((a) => a.status === 404).length >= 1);
  assert.ok(answers.every((a) => a.status === 404 || a.status === 429), answers.map((a) => a.status).join());
  assert.match(limited[0].type, /^text\/html/);
  assert.equal(limited[0].retry, '60');
  assert.match(limited[0].text, /Too many requests/);
  // the limit is the QR page's alone
  assert.equal((await fetch(`${BASE}/healthz`)).status, 200);
  const api = await fetch(`${BASE}/v1/equipment/${w.eq.id}`, { headers: { authorization: `Bearer ${w.admin}` } });
  assert.equal(api.status, 200);
  // give the allowance back (20 at one per 2 s) before other suites (the browser's) use /q/
  await sleep(42000);
});
