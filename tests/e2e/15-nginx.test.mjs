// What nginx answers by itself (nginx/trellis.conf.in): its own errors are problem+json too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, raw, assertProblem } from './lib.mjs';

function assertRawProblem(r, status, code) {
  assert.equal(r.status, status, r.head);
  assert.equal(r.contentType, 'application/problem+json');
  const body = JSON.parse(r.body);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(body.type, `/problems/${code}`);
  assert.match(body.instance, /^[0-9a-f]{32}$/, "the instance is nginx's request id");
}

test('a malformed request line is 400 bad_request from nginx', async () => {
  assertRawProblem(await raw('GARBAGE\r\n\r\n'), 400, 'bad_request');
});

test('a 20 KiB header is 431 headers_too_large (nginx would say 400)', async () => {
  const r = await req('GET', '/healthz', { headers: { 'x-big': 'a'.repeat(20 * 1024) } });
  assertProblem(r, 431, 'headers_too_large');
});

test('a request line over 8 KiB is 414 uri_too_long from nginx, as problem+json', async () => {
  const r = await req('GET', `/v1/tickets?x=${'a'.repeat(9000)}`);
  assertProblem(r, 414, 'uri_too_long');
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
});

test('the internal problem pages are not reachable from outside', async () => {
  assertProblem(await req('GET', '/_problem/502'), 404, 'not_found');
});

test('a missing static file is 404 problem+json', async () => {
  assertProblem(await req('GET', '/static/no-such-file.css'), 404, 'not_found');
});
