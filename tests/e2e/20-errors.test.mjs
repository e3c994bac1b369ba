// Bad input: each answer is the right problem+json, and the worker keeps serving.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { req, raw, assertProblem } from './lib.mjs';

const ECHO = '/v1/_test/echo';
const json = (body) => ({ body, headers: { 'content-type': 'application/json' } });

afterEach(async () => {
  const r = await req('GET', '/healthz');
  assert.equal(r.status, 200, 'the pool still serves');
});

test('an unknown path is 404 not_found', async () => {
  assertProblem(await req('GET', '/v1/nothing-here'), 404, 'not_found');
});

test('a known path with another method is 405 with Allow', async () => {
  const r = await req('POST', '/healthz', json('{}'));
  assertProblem(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  const d = await req('DELETE', ECHO);
  assertProblem(d, 405, 'method_not_allowed');
  assert.equal(d.headers.get('allow'), 'POST, PUT');
});

test('an unsupported method is 405, never a crash', async () => {
  const r = await raw('BREW /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(r.status, 405);
  assert.match(r.contentType, /^application\/problem\+json/);
});

test('bad percent-escapes in the path or query are 400', async () => {
  for (const target of ['/v1/%zz', '/v1/a%2', '/healthz?q=%G1', '/healthz?%=1', '/v1/a%00b']) {
    const r = await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 400, target);
    assert.match(r.contentType, /^application\/problem\+json/, target);
    const body = JSON.parse(r.body);
    assert.ok(['bad_escape', 'bad_request'].includes(body.code), `${target}: ${body.code}`);
  }
});

test('a decoded path is routed, the query decoded', async () => {
  const r = await req('GET', '/health%7A?x=a%20b');
  assert.equal(r.status, 200);
});

test('a JSON route refuses other content types with 415', async () => {
  const r = await req('POST', ECHO, { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertProblem(r, 415, 'unsupported_media_type');
  assertProblem(await req('POST', ECHO, { body: '{"name":"x"}' }), 415, 'unsupported_media_type');
});

test('JSON with a charset parameter is accepted and echoed', async () => {
  const r = await req('POST', ECHO, { body: '{"name":"Zoë","count":3,"amount":"950.00","active":true}', headers: { 'content-type': 'application/json; charset=utf-8' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { name: 'Zoë', count: 3, amount: '950.00', active: true });
});

test('malformed JSON is 400 malformed_json', async () => {
  const cases = ['{"name":', '{"name":"x"} trailing', '{"name":"x"}{}', '', '   ', '{name:"x"}', "{'name':'x'}", '[1,2,]'];
  for (const body of cases) assertProblem(await req('POST', ECHO, json(body)), 400, 'malformed_json');
});

test('invalid UTF-8 is 400 malformed_json', async () => {
  for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
    const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('"}')]);
    assertProblem(await req('POST', ECHO, json(body)), 400, 'malformed_json');
  }
});

test('nesting deeper than 64 is 400; 64 is fine', async () => {
  // the body object is level 1, "meta" and its chain the other n - 1
  const nest = (n) => `{"name":"x","meta":${'{"a":'.repeat(n - 2)}{}${'}'.repeat(n - 2)}}`;
  assert.equal((await req('POST', ECHO, json(nest(64)))).status, 200);
  assertProblem(await req('POST', ECHO, json(nest(65))), 400, 'malformed_json');
});

test('missing, unknown and mistyped fields are reported by name', async () => {
  const r = await req('POST', ECHO, json('{"count":"7","bogus":1,"amount":9.5}'));
  assertProblem(r, 400, 'validation_failed');
  const byField = Object.fromEntries(r.json.errors.map((e) => [e.field, e.message]));
  assert.equal(byField.name, 'is required');
  assert.match(byField.count, /integer/);
  assert.match(byField.amount, /decimal/);
  assert.match(byField.bogus, /not a known field/);
});

test('a body over the worker limit is 413 from the worker', async () => {
  // the test stack sets [server] max_body to 256 KiB, below nginx's 1 MiB
  const big = JSON.stringify({ name: 'x', tags: ['a'.repeat(300 * 1024)] });
  const r = await req('POST', ECHO, json(big));
  assertProblem(r, 413, 'payload_too_large');
  assert.match(r.json.detail, /limit/);
});

test('a body over 1 MiB is 413 problem+json from nginx', async () => {
  const r = await req('POST', ECHO, json('x'.repeat(2 * 1024 * 1024)));
  assertProblem(r, 413, 'payload_too_large');
});

test('oversized headers are answered with problem+json', async () => {
  const r = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\nConnection: close\r\n\r\n`);
  assert.ok([400, 431].includes(r.status), `status ${r.status}`);
  assert.match(r.contentType, /^application\/problem\+json/);
  assert.equal(JSON.parse(r.body).status, r.status);
});

test('a truncated body never reaches a handler', async () => {
  const r = await raw(`POST ${ECHO} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{"name":"trunc`, { halfClose: true });
  assert.notEqual(r.status, 200);
  if (r.status) assert.match(r.contentType || '', /problem\+json/);
});
