// The ticket pages over real HTTP: the list with its filters, badges, responsible org by name,
// SLA state and pager; a ticket with its SLA clock, equipment, provenance trace and timeline
// (status changes, comments, escalations in time order); the status, comment and assign forms
// and the new-ticket form through the API's handlers (CSRF, the API's 400/409/412/422 reasons
// on the page, nothing written on a refusal); the equipment page's tickets; who sees what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { post, sql, cli, orgUser, newTenant, Visitor } from './lib.mjs';
import { exampleC, ok, equipment } from './service.mjs';

const unescape = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
const fieldError = (html, id) => {
  const m = new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(html);
  return m ? unescape(m[1]) : null;
};
const flash = (html) => [...html.matchAll(/<p class="flash[^"]*" role="(?:status|alert)">([\s\S]*?)<\/p>/g)].map((m) => unescape(m[1]));
const nav = (html) => [.../<nav aria-label="Main">([\s\S]*?)<\/nav>/.exec(html)[1].matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
const section = (html, id) => {
  const m = new RegExp(`<section id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html);
  assert.ok(m, `a section #${id}`);
  return m[1];
};
const options = (html, id) => {
  const sel = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  return sel ? [...sel[1].matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]) : null;
};
const selected = (html, id) => {
  const sel = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  const m = sel && /<option value="([^"]*)" selected>/.exec(sel[1]);
  return m ? m[1] : null;
};
// The body rows of the first table after caption, each a list of cell texts.
function tableRows(html, caption) {
  const i = html.indexOf(`<caption>${caption}`);
  assert.ok(i >= 0, `a table "${caption}"`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html.slice(i));
  return [...body[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => unescape(c[1])));
}
// The first list of properties as text, "Status open Severity high ...".
const props = (html) => unescape(/<dl class="props">([\s\S]*?)<\/dl>/.exec(html)[1].replace(/<\/d[td]>/g, ' '));
// The timeline: one "meta | what | text" line per entry.
const timeline = (html) => [...section(html, 'timeline').matchAll(/<li class="([a-z]+)">([\s\S]*?)<\/li>/g)]
  .map((m) => [m[1], ...[...m[2].matchAll(/<p class="[^"]*">([\s\S]*?)<\/p>/g)].map((p) => unescape(p[1]))]);

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
async function member(w, orgId, role) {
  const email = `tkp${seq++}-${role}-${process.pid}@org${orgId}.${w.t.slug}.test`;
  const u = await orgUser(w, orgId, role, email);
  return { ...u, email, v: await visitor(w.t.slug, email, `pw-${email}-secret`) };
}

const serial = (w, id) => sql(`SELECT serial FROM equipment WHERE tenant_id = ${w.t.id} AND id = ${id}`);
const writes = (w) => sql(`SELECT (SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${w.t.id}),
  (SELECT COUNT(*) FROM tickets WHERE tenant_id = ${w.t.id}), (SELECT COUNT(*) FROM ticket_events WHERE tenant_id = ${w.t.id}),
  (SELECT COUNT(*) FROM ticket_comments WHERE tenant_id = ${w.t.id}), (SELECT COUNT(*) FROM outbox_events WHERE tenant_id = ${w.t.id})`);
// An engineer of the organization that answers for Example C's tickets (DL1).
const engineer = (w, name, status = 'active') => {
  sql(`INSERT INTO engineers (tenant_id, name, status) VALUES (${w.t.id}, '${name}', '${status}')`);
  const id = Number(sql(`SELECT MAX(id) FROM engineers WHERE tenant_id = ${w.t.id}`));
  sql(`INSERT INTO engineer_orgs (tenant_id, engineer_id, org_id) VALUES (${w.t.id}, ${id}, ${w.dl1.id})`);
  return id;
};

// Example C with the policies on and a default 24x7 policy; the admin's page session.
async function world(prefix) {
  const w = await exampleC(prefix, { service_policies: true, resp_org_assignment: true });
  await w.coverage(true);
  w.def = await w.policy({ name: 'Default' });
  w.v = await visitor(w.t.slug, w.t.admin.email, w.t.admin.password);
  return w;
}

test('the list: badges, the responsible org by name, the SLA state; filters and pages as the API', async () => {
  const w = await world('tkp-list');
  await w.flags({ resp_org_assignment: false });
  const plain = await w.ticket(null, { severity: 'low', title: 'Plain <one> & co' });
  await w.flags({ resp_org_assignment: true });
  const e2 = equipment(w.t.id, { sku: w.sku.id, owner: w.h1.id });
  const a = await w.ticket(null, { severity: 'high', title: 'Alarm' });
  const b = await w.ticket(null, { equipment_id: e2, title: 'Display' });
  ok(await post(`/v1/tickets/${b.id}/status`, { status: 'acknowledged' }, w.admin), 200);
  // test setup: a's response target passed a minute ago
  sql(`UPDATE tickets SET response_due_at = NOW(3) - INTERVAL 1 MINUTE WHERE tenant_id = ${w.t.id} AND id = ${a.id}`);

  const r = await w.v.get('/tickets');
  assertPage(r, 200, 'Tickets');
  assert.ok(nav(r.text).includes('/tickets'));
  assert.match(r.text, /<a href="\/tickets" aria-current="page">Tickets<\/a>/);
  assert.match(r.text, /<a href="\/tickets\/new">New ticket<\/a>/);
  assert.ok(r.text.includes('Plain &lt;one&gt; &amp; co'), 'escaped');
  const rows = tableRows(r.text, 'Tickets');
  assert.deepEqual(rows.map((x) => x.slice(0, 6)), [
    [String(plain.id), 'Plain <one> & co', 'low', 'open', 'nobody (global rule)', serial(w, w.e123)],
    [String(a.id), 'Alarm', 'high', 'open', 'DL1', serial(w, w.e123)],
    [String(b.id), 'Display', 'critical', 'acknowledged', 'DL1', serial(w, e2)],
  ]);
  assert.match(rows[0][6], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  // the response targets of plain and b ahead (b's resolve, as it was answered), a's breached
  assert.deepEqual(rows.map((x) => x[7].replace(/\d+ h( \d+ min)?|\d+ min/, 'N')), ['due in N', 'breached', 'due in N']);
  assert.match(r.text, new RegExp(`<span class="badge crit">critical</span>`));
  assert.match(r.text, /<span class="badge crit">breached<\/span>/);
  assert.match(r.text, new RegExp(`<a href="/tickets/${a.id}">Alarm</a>`));

  const ids = async (q) => tableRows((await w.v.get(`/tickets${q}`)).text, 'Tickets').map((x) => x[0]);
  assert.deepEqual(await ids('?status=open'), [String(plain.id), String(a.id)]);
  assert.deepEqual(await ids('?severity=high'), [String(a.id)]);
  assert.deepEqual(await ids(`?responsible_org_id=${w.dl1.id}`), [String(a.id), String(b.id)]);
  assert.deepEqual(await ids(`?equipment_id=${e2}`), [String(b.id)]);
  assert.deepEqual(await ids('?breached=true'), [String(a.id)]);
  assert.deepEqual(await ids('?status=closed'), ['No tickets match.']);
  const f = await w.v.get(`/tickets?status=open&severity=high&responsible_org_id=${w.dl1.id}&breached=true`);
  assert.deepEqual([selected(f.text, 'f-status'), selected(f.text, 'f-severity'), selected(f.text, 'f-responsible')], ['open', 'high', String(w.dl1.id)]);
  assert.match(f.text, /id="f-breached" name="breached" value="true" checked>/);
  assert.deepEqual(options(f.text, 'f-responsible').slice(1).length, 4, 'the tenant-wide user picks among the organizations');
  // the API's refusal of a filter, next to it
  const bad = await w.v.get('/tickets?status=lost&breached=yes');
  assertPage(bad, 400);
  assert.equal(fieldError(bad.text, 'f-status'), 'is not a ticket status');
  assert.match(bad.text, /Breached: must be true or false/);
  assert.deepEqual(tableRows(bad.text, 'Tickets'), [['No tickets match.']]);
  const badId = await w.v.get('/tickets?equipment_id=x');
  assertPage(badId, 400);
  assert.match(fieldError(badId.text, 'f-equipment'), /./);
  assert.deepEqual(flash(bad.text), ['Some filters are not valid: correct the fields marked below.']);
  // pages of 2, the filters kept
  const p1 = await w.v.get('/tickets?limit=2&severity=');
  assert.deepEqual(tableRows(p1.text, 'Tickets').map((x) => x[0]), [String(plain.id), String(a.id)]);
  const next = /<a rel="next" href="([^"]*)">/.exec(p1.text)[1].replace(/&amp;/g, '&');
  assert.match(next, /^\/tickets\?limit=2&cursor=/);
  const p2 = await w.v.get(next);
  assert.deepEqual(tableRows(p2.text, 'Tickets').map((x) => x[0]), [String(b.id)]);
  assert.doesNotMatch(p2.text, /rel="next"/);
  assert.match(p2.text, /First page<\/a>/);
});

test('a ticket: the SLA clock, its equipment, the provenance as a trace, the timeline in time order', async () => {
  const w = await world('tkp-detail');
  const t = await w.ticket(null, { description: 'Beeps\nevery minute' });
  ok(await post(`/v1/tickets/${t.id}/status`, { status: 'acknowledged', note: 'on it' }, w.admin), 200);
  ok(await post(`/v1/tickets/${t.id}/comments`, { body: 'Battery <swapped>' }, w.admin));
  const r = await w.v.get(`/tickets/${t.id}`);
  assertPage(r, 200, `Ticket ${t.id}: Pump alarm`);
  assert.match(r.text, /<a href="\/tickets" aria-current="page">Tickets<\/a>/);
  assert.match(props(r.text), /Status acknowledged Severity critical Opened \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC Responsible DL1 Assigned engineer nobody yet Description Beeps every minute Version 2/);
  // responded in time; the resolve target (240 min) ahead
  const sla = tableRows(section(r.text, 'sla'), 'Targets');
  assert.deepEqual(sla.map((x) => [x[0], x[2]]), [['Response', 'met in time'], ['Resolution', sla[1][2]]]);
  assert.match(sla[1][2], /^(3 h 5\d min|4 h) left$/);
  assert.equal(sla[1][1], `${t.resolve_due_at.slice(0, 10)} ${t.resolve_due_at.slice(11, 19)} UTC`);
  // the equipment, linked to its page
  const eq = section(r.text, 'equipment');
  assert.match(eq, new RegExp(`<a href="/equipment/${w.e123}">${serial(w, w.e123)}</a>`));
  assert.match(props(eq), /Model IP-100 · Infusion pump/);
  assert.match(eq, new RegExp(`href="/tickets\\?equipment_id=${w.e123}"`));
  // the provenance: the rule, each candidate with its reason, the chain
  const prov = section(r.text, 'provenance');
  assert.match(unescape(prov), /Rule coverage, first_eligible: the first eligible candidate answers for the ticket\./);
  assert.match(props(prov), /Walked down from M1 \(the manufacturer of its SKU\) Order of types dealer → distributor → manufacturer Required certification ACME-SVC Region not matched Owner H1/);
  assert.deepEqual(tableRows(prov, 'Candidates'), [
    ['DL1', 'dealer', 'taken', 'first_eligible the first eligible candidate', '—'],
  ]);
  // D1 and M1 came after it: counted, not listed
  assert.match(unescape(prov), /2 more candidates came after the one taken: 1 lower_in_order, 1 not_certified\./);
  // a provenance stored before after_taken existed still shows, without the count
  sql(`UPDATE tickets SET policy_provenance = JSON_REMOVE(policy_provenance, '$.after_taken') WHERE tenant_id = ${w.t.id} AND id = ${t.id}`);
  const legacy = await w.v.get(`/tickets/${t.id}`);
  assert.equal(legacy.status, 200);
  assert.deepEqual(tableRows(section(legacy.text, 'provenance'), 'Candidates').map((x) => x[0]), ['DL1']);
  assert.doesNotMatch(legacy.text, /came after the one taken/);
  assert.deepEqual([...prov.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescape(m[1])), ['DL1 answers now', 'D1', 'M1']);
  // the timeline: who and when, in order
  const tl = timeline(r.text);
  assert.deepEqual(tl.map((e) => [e[0], e[1].replace(/^.* · /, ''), ...e.slice(2)]), [
    ['status', w.t.admin.email, 'opened'],
    ['status', w.t.admin.email, 'open → acknowledged', 'on it'],
    ['comment', w.t.admin.email, 'commented', 'Battery <swapped>'],
  ]);
  assert.ok(r.text.includes('Battery &lt;swapped&gt;'));

  // the sweep escalates it to D1: the chain moves, the escalation joins the timeline
  sql(`UPDATE tickets SET responded_at = NULL WHERE tenant_id = ${w.t.id} AND id = ${t.id}`);
  const at = new Date(Date.parse(t.created_at) + 61 * 60000).toISOString();
  const s = cli('sla-sweep', '--at', at, '--tenant', w.t.slug);
  assert.equal(s.status, 0, s.out);
  const e = await w.v.get(`/tickets/${t.id}`);
  assert.match(e.text, /<span class="badge crit">breached<\/span>/);
  assert.match(props(e.text), /Responsible D1 .*Escalation level 1/);
  assert.deepEqual([...section(e.text, 'provenance').matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescape(m[1])), ['DL1', 'D1 answers now', 'M1']);
  const last = timeline(e.text).at(-1);
  assert.deepEqual(last.slice(0, 3), ['escalation', `${at.slice(0, 10)} ${at.slice(11, 19)} UTC · the SLA sweep`, 'escalated from DL1 to D1']);
  assert.match(last[3], /^Level 1: the response target was due .* UTC \(the response target passed; escalated to D1\)\.$/);
  // a fresh response target from the escalation, an hour after it: still ahead or breached by now
  assert.equal(tableRows(section(e.text, 'sla'), 'Targets')[0][1], `${new Date(Date.parse(at) + 3600000).toISOString().slice(0, 10)} ${new Date(Date.parse(at) + 3600000).toISOString().slice(11, 19)} UTC`);

  // waiting on the customer: the resolve target stands still
  ok(await post(`/v1/tickets/${t.id}/status`, { status: 'waiting_customer' }, w.admin), 200);
  const p = await w.v.get(`/tickets/${t.id}`);
  assert.deepEqual(tableRows(section(p.text, 'sla'), 'Targets')[1].slice(1), ['—', 'paused: waiting on the customer']);
  assert.match(section(p.text, 'sla'), /The clock stands still while the ticket waits on the customer/);

  // policies off: no provenance, no SLA policy
  await w.flags({ service_policies: false, resp_org_assignment: false });
  const off = await w.ticket();
  const o = await w.v.get(`/tickets/${off.id}`);
  assert.match(section(o.text, 'provenance'), /The responsibility policies were off when this ticket was opened/);
  assert.match(section(o.text, 'sla'), /No SLA policy applies to this ticket/);
  assert.match(props(o.text), /Responsible nobody: the global rule applies/);
});

test('the status, comment and assign forms: the API\'s rules, its reasons on the page, CSRF', async () => {
  const w = await world('tkp-forms');
  const t = await w.ticket();
  let r = await w.v.get(`/tickets/${t.id}`);
  // only the statuses the workflow allows next
  assert.deepEqual(options(r.text, 'status'), ['acknowledged']);
  assert.match(r.text, new RegExp(`<form class="stack" method="post" action="/tickets/${t.id}/status"`));
  assert.match(r.text, /<input type="hidden" name="version" value="1">/);

  const before = writes(w);
  // no or a wrong CSRF token: 403, nothing written
  assertErrorPage(await w.v.post(`/tickets/${t.id}/status`, { status: 'acknowledged', version: '1' }, { csrf: false }), 403);
  assertErrorPage(await w.v.post(`/tickets/${t.id}/comments`, { body: 'x', csrf_token: 'forged' }), 403);
  assertErrorPage(await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: '1', version: '1', csrf_token: 'forged' }), 403);
  await w.v.get(`/tickets/${t.id}`);
  // a transition the workflow refuses: 409 with the reason by the field
  r = await w.v.post(`/tickets/${t.id}/status`, { status: 'closed', version: '1', note: 'done' });
  assertPage(r, 409);
  assert.deepEqual(flash(r.text), ['Nothing was saved: a ticket that is open cannot become closed.']);
  assert.equal(fieldError(r.text, 'status'), 'cannot go from open to closed');
  assert.match(r.text, /<textarea id="note"[^>]*>done<\/textarea>/, 'the note as typed');
  // a note too long and an unknown status: 400 by the fields
  r = await w.v.post(`/tickets/${t.id}/status`, { status: 'acknowledged', version: '1', note: 'x'.repeat(501) });
  assertPage(r, 400);
  assert.match(fieldError(r.text, 'note'), /500/);
  r = await w.v.post(`/tickets/${t.id}/status`, { status: 'lost', version: '1' });
  assert.equal(fieldError(r.text, 'status'), 'is not a ticket status');
  // a stale version: 412, the page as it is
  r = await w.v.post(`/tickets/${t.id}/status`, { status: 'acknowledged', version: '7' });
  assertPage(r, 412);
  assert.match(flash(r.text)[0], /Someone changed this ticket meanwhile/);
  // a blank comment; an engineer who is not active, of no one, not a number
  r = await w.v.post(`/tickets/${t.id}/comments`, { body: '   ' });
  assertPage(r, 400);
  assert.equal(fieldError(r.text, 'body'), 'must not be blank');
  const off = engineer(w, 'Off Duty', 'inactive');
  r = await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: String(off), version: '1' });
  assertPage(r, 422);
  assert.equal(fieldError(r.text, 'engineer_id'), 'names an inactive engineer');
  r = await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: '999999', version: '1' });
  assert.equal(fieldError(r.text, 'engineer_id'), 'names no engineer of this tenant');
  r = await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: 'Ana', version: '1' });
  assertPage(r, 400);
  assert.match(fieldError(r.text, 'engineer_id'), /./);
  assert.equal(writes(w), before, 'nothing written by any refusal');

  // each form through: 303 back to the ticket with its message
  r = await w.v.post(`/tickets/${t.id}/status`, { status: 'acknowledged', version: '1', note: 'on my way' });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.location, `/tickets/${t.id}?done=status#timeline`);
  r = await w.v.get(r.location.replace(/#.*/, ''));
  assert.deepEqual(flash(r.text), ['The status was changed.']);
  assert.deepEqual(options(r.text, 'status'), ['in_progress', 'waiting_customer', 'resolved']);
  r = await w.v.post(`/tickets/${t.id}/comments`, { body: 'Ordered the part.\nArrives Monday.' });
  assert.equal(r.location, `/tickets/${t.id}?done=comment#timeline`);
  const ana = engineer(w, 'Ana Engineer');
  r = await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: ` ${ana} `, version: '2' });
  assert.equal(r.location, `/tickets/${t.id}?done=assigned#timeline`);
  r = await w.v.get(`/tickets/${t.id}?done=assigned`);
  assert.deepEqual(flash(r.text), ['The engineer was assigned.']);
  assert.match(props(r.text), /Assigned engineer Ana Engineer/);
  assert.deepEqual(timeline(r.text).map((e) => e.slice(2)), [['opened'], ['open → acknowledged', 'on my way'], ['commented', 'Ordered the part. Arrives Monday.']]);
  // the API's own records: the history with the user, the audit rows and events
  assert.equal(sql(`SELECT CONCAT_WS(':', from_status, to_status, actor_id, note) FROM ticket_events WHERE tenant_id = ${w.t.id} AND ticket_id = ${t.id} ORDER BY id DESC LIMIT 1`),
    `open:acknowledged:${w.adminId}:on my way`);
  assert.equal(sql(`SELECT GROUP_CONCAT(action ORDER BY seq) FROM audit_log WHERE tenant_id = ${w.t.id} AND entity IN ('ticket', 'ticket_comment')`),
    'ticket.create,ticket.status,ticket.comment,ticket.assign');
  assert.equal(sql(`SELECT GROUP_CONCAT(event_type ORDER BY id) FROM outbox_events WHERE tenant_id = ${w.t.id} AND entity = 'ticket'`),
    'ticket.created,ticket.status_changed,ticket.assigned');
  // reopen is offered once resolved
  ok(await post(`/v1/tickets/${t.id}/status`, { status: 'resolved' }, w.admin), 200);
  r = await w.v.get(`/tickets/${t.id}`);
  assert.deepEqual(options(r.text, 'status'), ['open', 'closed']);
  assert.match(r.text, /<option value="open">open again \(reopen\)<\/option>/);
  assert.deepEqual(tableRows(section(r.text, 'sla'), 'Targets').map((x) => x[2]), ['met in time', 'met in time']);
  assertErrorPage(await w.v.post('/tickets/999999/status', { status: 'acknowledged', version: '1' }), 404);
});

test('with the engineers feature on, the assign form offers the engineers who may take the ticket', async () => {
  const w = await world('tkp-eng');
  await w.flags({ engineers: true });
  const t = await w.ticket();
  const dana = engineer(w, 'Dana');
  const off = engineer(w, 'Off Duty', 'inactive');
  sql(`INSERT INTO engineers (tenant_id, name) VALUES (${w.t.id}, 'Eve of D1')`);
  const eve = Number(sql(`SELECT MAX(id) FROM engineers WHERE tenant_id = ${w.t.id}`));
  sql(`INSERT INTO engineer_orgs (tenant_id, engineer_id, org_id) VALUES (${w.t.id}, ${eve}, ${w.d1.id})`);
  let r = await w.v.get(`/tickets/${t.id}`);
  assert.deepEqual(options(r.text, 'engineer_id'), [String(dana)]);
  assert.match(r.text, new RegExp(`<option value="${dana}">Dana \\(available, 0 open tickets\\)</option>`));
  assert.ok(!options(r.text, 'engineer_id').includes(String(off)));
  // one the select does not offer: the API's reason by the field, nothing written
  r = await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: String(eve), version: '1' });
  assertPage(r, 422);
  assert.equal(fieldError(r.text, 'engineer_id'), 'is not a member of the responsible organization or its children');
  r = await w.v.post(`/tickets/${t.id}/assign`, { engineer_id: String(dana), version: '1' });
  assert.equal(r.status, 303, r.text);
  r = await w.v.get(`/tickets/${t.id}`);
  assert.match(props(r.text), /Assigned engineer Dana /);
  assert.equal(selected(r.text, 'engineer_id'), String(dana));
  assert.match(r.text, /Dana \(available, 1 open ticket\)/);
  // a viewer of the hospital may read engineers but not assign: no form at all
  const viewer = await member(w, w.h1.id, 'viewer');
  assert.doesNotMatch((await viewer.v.get(`/tickets/${t.id}`)).text, /id="engineer_id"/);
  // the feature off: an id to type
  await w.flags({ engineers: false });
  r = await w.v.get(`/tickets/${t.id}`);
  assert.match(r.text, /<input id="engineer_id" name="engineer_id"/);
});

test('a new ticket: the form, the API\'s reasons by the fields, the equipment page\'s tickets and form', async () => {
  const w = await world('tkp-new');
  let r = await w.v.get(`/tickets/new?equipment_id=${w.e123}`);
  assertPage(r, 200, 'New ticket');
  assert.match(r.text, new RegExp(`<input id="equipment_id" name="equipment_id" value="${w.e123}"`));
  assert.equal(selected(r.text, 'severity'), 'medium');
  const before = writes(w);
  assertErrorPage(await w.v.post('/tickets', { equipment_id: String(w.e123), severity: 'high', title: 'x' }, { csrf: false }), 403);
  await w.v.get('/tickets/new');
  r = await w.v.post('/tickets', { equipment_id: String(w.e123), severity: 'urgent', title: 'Alarm', description: 'as typed' });
  assertPage(r, 400);
  assert.equal(fieldError(r.text, 'severity'), 'must be critical, high, medium or low');
  assert.match(r.text, /<textarea id="description"[^>]*>as typed<\/textarea>/);
  assert.match(r.text, /<input id="title" name="title" value="Alarm"/);
  assert.deepEqual(flash(r.text), ['Nothing was saved: correct the fields marked below.']);
  r = await w.v.post('/tickets', { equipment_id: String(w.e123), severity: 'high', title: ' ' });
  assertPage(r, 400);
  assert.equal(fieldError(r.text, 'title'), 'is required');
  r = await w.v.post('/tickets', { equipment_id: '999999', severity: 'high', title: 'Nowhere' });
  assertPage(r, 422);
  assert.equal(fieldError(r.text, 'equipment_id'), 'names no equipment of this tenant');
  const retired = equipment(w.t.id, { status: 'retired' });
  r = await w.v.post('/tickets', { equipment_id: String(retired), severity: 'high', title: 'Old' });
  assert.equal(fieldError(r.text, 'equipment_id'), 'names retired equipment');
  assert.equal(writes(w), before);
  r = await w.v.post('/tickets', { equipment_id: String(w.e123), severity: 'high', title: 'Cracked display', description: 'Left corner' });
  assert.equal(r.status, 303, r.text);
  const id = Number(/^\/tickets\/(\d+)\?done=created$/.exec(r.location)[1]);
  const t = JSON.parse(sql(`SELECT JSON_OBJECT('e', equipment_id, 's', severity, 't', title, 'src', source, 'org', responsible_org_id) FROM tickets WHERE tenant_id = ${w.t.id} AND id = ${id}`));
  assert.deepEqual(t, { e: w.e123, s: 'high', t: 'Cracked display', src: 'api', org: w.dl1.id });
  assert.deepEqual(flash((await w.v.get(r.location)).text), ['The ticket was opened.']);

  // the equipment's page lists its tickets and opens a new one
  r = await w.v.get(`/equipment/${w.e123}`);
  assertPage(r, 200);
  const s = section(r.text, 'tickets');
  assert.deepEqual(tableRows(s, 'Its tickets').map((x) => x.slice(0, 5)), [[String(id), 'Cracked display', 'high', 'open', 'DL1']]);
  assert.match(s, new RegExp(`href="/tickets\\?equipment_id=${w.e123}"`));
  assert.match(s, new RegExp(`<input type="hidden" name="equipment_id" value="${w.e123}">`));
  r = await w.v.post('/tickets', { equipment_id: String(w.e123), severity: 'low', title: 'From the equipment page' });
  assert.equal(r.status, 303, r.text);

  // a new QR code from the equipment page: with a stale version, the page as it is and why
  const token = () => sql(`SELECT CONCAT(qr_token, ' ', version) FROM equipment WHERE tenant_id = ${w.t.id} AND id = ${w.e123}`);
  const was = token();
  await w.v.get(`/equipment/${w.e123}`);
  r = await w.v.post(`/equipment/${w.e123}/qr-token`, { version: '0' });
  assertPage(r, 412);
  assert.deepEqual(flash(r.text), ['Someone changed this equipment meanwhile. No new QR code was made: the page now shows it as it is; ask again if you still mean to.']);
  assert.match(r.text, new RegExp(`<input type="hidden" name="version" value="${was.split(' ')[1]}">`));
  assert.equal(token(), was);
  r = await w.v.post(`/equipment/${w.e123}/qr-token`, { version: was.split(' ')[1] });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.location, `/equipment/${w.e123}?done=rotated`);
  assert.notEqual(token().split(' ')[0], was.split(' ')[0]);
});

test('who sees what: a hospital its own, a dealer what it answers for, a viewer reads only, another tenant nothing', async () => {
  const w = await world('tkp-access');
  const h2 = ok(await post('/v1/orgs', { name: 'H2', type: 'hospital' }, w.admin));
  const e2 = equipment(w.t.id, { sku: w.sku.id, owner: h2.id });
  const mine = await w.ticket();
  const theirs = await w.ticket(null, { equipment_id: e2, title: 'Theirs' });
  const h1 = await member(w, w.h1.id, 'agent');
  const viewer = await member(w, w.h1.id, 'viewer');
  const dl1 = await member(w, w.dl1.id, 'engineer');
  const d1 = await member(w, w.d1.id, 'org_admin');
  const ids = async (v) => tableRows((await v.get('/tickets')).text, 'Tickets').map((x) => x[0]);

  assert.deepEqual(await ids(h1.v), [String(mine.id)]);
  assertPage(await h1.v.get(`/tickets/${mine.id}`), 200);
  assertErrorPage(await h1.v.get(`/tickets/${theirs.id}`), 404);
  assertErrorPage(await h1.v.post(`/tickets/${theirs.id}/comments`, { body: 'peek' }), 404);
  // the organization's user picks no other organization: an id to type
  assert.match((await h1.v.get('/tickets')).text, /<input id="f-responsible" name="responsible_org_id"/);
  // a hospital opens tickets on its own equipment only: the API's 403 on the form
  let r = await h1.v.post('/tickets', { equipment_id: String(e2), severity: 'low', title: 'Not mine' });
  assertPage(r, 403);
  assert.match(flash(r.text)[0], /^Nothing was saved: an organization's user opens tickets for the equipment its organization owns only\.$/);
  r = await h1.v.get(`/equipment/${w.e123}`);
  assert.match(section(r.text, 'tickets'), /name="equipment_id"/);

  assert.deepEqual(await ids(dl1.v), [String(mine.id), String(theirs.id)]);
  r = await dl1.v.get(`/tickets/${theirs.id}`);
  assertPage(r, 200);
  // DL1 may not open H2's equipment: its serial, no link
  assert.match(section(r.text, 'equipment'), new RegExp(`<dd>${serial(w, e2)}</dd>`));
  assert.doesNotMatch(section(r.text, 'equipment'), /href="\/equipment\//);
  r = await dl1.v.post(`/tickets/${theirs.id}/status`, { status: 'acknowledged', version: '1' });
  assert.equal(r.status, 303, r.text);
  assert.deepEqual(await ids(d1.v), ['No tickets match.']);
  assertErrorPage(await d1.v.get(`/tickets/${mine.id}`), 404);

  // a viewer reads, without the forms; the routes refuse it
  r = await viewer.v.get(`/tickets/${mine.id}`);
  assertPage(r, 200);
  assert.doesNotMatch(r.text, /<section id="actions"/);
  assert.doesNotMatch((await viewer.v.get('/tickets')).text, /New ticket<\/a>/);
  assertErrorPage(await viewer.v.post(`/tickets/${mine.id}/status`, { status: 'acknowledged', version: '1' }), 403);
  assertErrorPage(await viewer.v.get('/tickets/new'), 403);
  assert.doesNotMatch(section((await viewer.v.get(`/equipment/${w.e123}`)).text, 'tickets'), /<form/);

  // another tenant: nothing, every id 404
  const t2 = await newTenant('tkp-other');
  const other = await visitor(t2.slug, t2.admin.email, t2.admin.password);
  assert.deepEqual(tableRows((await other.get('/tickets')).text, 'Tickets'), [['No tickets match.']]);
  assertErrorPage(await other.get(`/tickets/${mine.id}`), 404);
  assertErrorPage(await other.post(`/tickets/${mine.id}/status`, { status: 'acknowledged', version: '1' }), 404);
  assert.equal(sql(`SELECT status FROM tickets WHERE id = ${mine.id}`), 'open');
  // without a session: to the login page
  const anon = await new Visitor().get(`/tickets/${mine.id}`);
  assert.equal(anon.status, 303);
  assert.match(anon.location, /^\/login\?next=/);
});
