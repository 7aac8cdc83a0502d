import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHostileApi, type HostileApi, type RoleName } from './hostile-api';

/**
 * Whatever a client sends — any method, any path under /v1 built from known and random segments,
 * any query, any headers netfleet reads, any body and Content-Type — the API never answers 5xx,
 * and every 4xx is in the error contract. (The event stream is left out: a request it takes
 * answers forever.)
 */
let h: HostileApi;
beforeAll(async () => {
  h = await startHostileApi();
  expect((await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv1', labels: { rack: 'a' } } })).statusCode).toBe(201);
  expect((await h.as('admin', { method: 'POST', url: '/v1/networks', payload: { xml: h.ofnetXml, hosts: ['hv1'] } })).statusCode).toBe(201);
});
afterAll(async () => { await h?.stop(); });

const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', '\u0000', '%00', '%ZZ', '%', '9223372036854775808', '1e400', '-1', 'NaN', '0x10', 'ofnet', 'hv1', 'rack=a', 'a==b', '=a', 'W/"3"', '*', '"1", "2"', 'x'.repeat(300)),
);
const segment = fc.oneof(fc.constantFrom('networks', 'ofnet', 'hosts', 'tokens', 'history', 'fleet', 'admin', 'rebuild', 'dead-letters', 'start', 'destroy', 'autostart', 'placement', 'plan', 'xml', 'create', 'whoami'), nasty);
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ xml: fc.oneof(nasty, fc.constant('<network><name>p</name></network>')), hosts: fc.array(nasty, { maxLength: 3 }), selectors: fc.array(nasty, { maxLength: 3 }), comment: nasty, expectedVersion: fc.oneof(fc.integer(), fc.double()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  nasty,
);

const request = fc.record({
  role: fc.constantFrom<RoleName | undefined>(undefined, 'viewer', 'operator', 'admin'),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
  query: fc.array(fc.tuple(fc.constantFrom('at', 'after', 'limit', 'since', 'until', 'host', 'hosts', 'network', 'type', 'timeout', 'wait', 'destroy', 'comment', 'before', 'actor'), nasty), { maxLength: 3 }),
  headers: fc.record({ 'if-match': nasty, 'idempotency-key': nasty, 'content-type': fc.constantFrom('application/json', 'application/xml', 'text/plain', 'application/x-www-form-urlencoded', 'nonsense') }, { requiredKeys: [] }),
  body: fc.option(json, { nil: undefined }),
});

it('api - client input never yields a 5xx, and every refusal is in the error contract', async () => {
  await fc.assert(fc.asyncProperty(request, async (r) => {
    const path = `/v1/${r.segments.map((s) => encodeURIComponent(s).replaceAll('%25', '%')).join('/')}`;
    if (path.startsWith('/v1/events')) return;
    const query = r.query.map(([k, v]) => `${k}=${encodeURIComponent(v).replaceAll('%25', '%')}`).join('&');
    // Header values must be sendable at all (Node refuses control characters before the API sees them).
    const headers = Object.fromEntries(Object.entries(r.headers).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v)));
    const response = await h.as(r.role, {
      method: r.method as 'GET', url: query ? `${path}?${query}` : path, headers,
      ...(r.body !== undefined && r.method !== 'GET' ? { payload: r.body } : {}),
    });
    expect(response.statusCode, `${r.method} ${path}?${query} → ${response.body.slice(0, 200)}`).toBeLessThan(500);
    if (response.statusCode >= 400) expect(response.json()).toMatchObject({ code: expect.stringMatching(/^NF_/), message: expect.any(String), details: expect.any(Object) });
  }), { numRuns: 400 });
  expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
});
