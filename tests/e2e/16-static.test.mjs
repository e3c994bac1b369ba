// nginx serves static/ itself (the "location /static/" block of nginx/trellis.conf.in):
// cached for an hour, compressed when the client asks, never a file outside static/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { req, assertProblem, ROOT } from './lib.mjs';

const css = readFileSync(`${ROOT}/static/trellis.css`, 'utf8');

function assertCached(r) {
  const cc = r.headers.get('cache-control') || '';
  const m = /(?:^|,)\s*max-age=(\d+)/.exec(cc);
  assert.ok(m, `Cache-Control with max-age: "${cc}"`);
  assert.ok(Number(m[1]) > 0, `max-age > 0: "${cc}"`);
}

test('GET /static/trellis.css is text/css with a max-age', async () => {
  const r = await req('GET', '/static/trellis.css', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/css\b/);
  assertCached(r);
  assert.equal(r.headers.get('content-encoding'), null, 'not compressed when the client did not ask');
  assert.equal(r.text, css, 'the file as it is in static/');
  assert.ok(r.headers.get('etag'), 'an ETag to revalidate with');
});

test('with Accept-Encoding: gzip the stylesheet comes gzipped, with Vary', async () => {
  const r = await req('GET', '/static/trellis.css', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-encoding'), 'gzip');
  assert.match(r.headers.get('vary') || '', /accept-encoding/i);
  assert.match(r.headers.get('content-type'), /^text\/css\b/);
  assertCached(r);
  // fetch decodes the body: what arrives is the file itself
  assert.equal(r.text, css);
});

test('a revalidation with the ETag answers 304', async () => {
  const first = await req('GET', '/static/trellis.css', { headers: { 'accept-encoding': 'identity' } });
  const r = await req('GET', '/static/trellis.css', {
    headers: { 'accept-encoding': 'identity', 'if-none-match': first.headers.get('etag') },
  });
  assert.equal(r.status, 304);
});

test('a missing static file is 404, and not cached', async () => {
  const r = await req('GET', '/static/no-such-file.css');
  assertProblem(r, 404, 'not_found');
  assert.doesNotMatch(r.headers.get('cache-control') || '', /max-age=[1-9]/);
});

test('nothing outside static/ is reachable through /static/', async () => {
  for (const path of ['/static/..%2fdev', '/static/%2e%2e/dev', '/static/../etc/trellis.conf']) {
    const r = await req('GET', path);
    assert.notEqual(r.status, 200, `${path} answered 200`);
    assert.doesNotMatch(r.text, /usr\/bin\/env bash|\[db\]/, `${path} leaked a file`);
  }
});

test('/favicon.ico is served from static/, cached', async () => {
  const r = await req('GET', '/favicon.ico');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\/(x-icon|vnd\.microsoft\.icon)/);
  assertCached(r);
  const svg = await req('GET', '/static/favicon.svg', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
});
