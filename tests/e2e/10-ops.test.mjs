// Operations endpoints through nginx: health, readiness, metrics, the OpenAPI document, logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { req, logText, waitFor } from './lib.mjs';

test('GET /healthz answers {"status":"ok"} with a request id', async () => {
  const r = await req('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"status":"ok"}');
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{32}$/);
});

test('HEAD /healthz answers without a body', async () => {
  const r = await req('HEAD', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

test('GET /readyz checks the database', async () => {
  const r = await req('GET', '/readyz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ready', database: 'ok' });
});

test('GET /metrics counts requests by route and status across workers', async () => {
  for (let i = 0; i < 20; i++) await req('GET', '/healthz');
  await req('GET', '/no/such/path');
  const r = await req('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const m = /trellis_http_requests_total\{route="\/healthz",method="GET",status="200"\} (\d+)/.exec(r.text);
  assert.ok(m && Number(m[1]) >= 20, 'healthz counter sums all workers');
  assert.match(r.text, /trellis_http_requests_total\{route="unmatched",status="404"\} \d+/);
  assert.match(r.text, /trellis_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  assert.match(r.text, /trellis_http_request_duration_seconds_count \d+/);
  assert.match(r.text, /trellis_worker_restarts_total \d+/);
  assert.match(r.text, /trellis_db_errors_total \d+/);
  assert.match(r.text, /trellis_workers [1-9]\d*/);
});

test('GET /v1/openapi.json serves docs/openapi.yaml as JSON', async () => {
  const r = await req('GET', '/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.equal(r.json.openapi, '3.1.0');
  for (const p of ['/healthz', '/readyz', '/metrics', '/v1/openapi.json']) assert.ok(r.json.paths[p], p);
  assert.ok(r.json.components.schemas.Problem.properties.code.enum.includes('database_unavailable'));
});

test('every request leaves one JSON access-log line with its request id', async () => {
  const r = await req('GET', '/healthz?x=1');
  const id = r.headers.get('x-request-id');
  let line;
  await waitFor(() => {
    line = logText().split('\n').find((l) => l.includes(`"request_id":"${id}"`));
    return !!line;
  }, { what: 'the access-log line' });
  const entry = JSON.parse(line);
  assert.equal(entry.type, 'access');
  assert.equal(entry.method, 'GET');
  assert.equal(entry.path, '/healthz');
  assert.equal(entry.route, '/healthz');
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.duration_ms, 'number');
  assert.ok('tenant' in entry && 'org' in entry);
  assert.match(entry.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});
