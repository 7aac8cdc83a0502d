import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { refusalProblem, startHostileApi, type HostileApi, type RoleName } from './hostile-api';

/**
 * Every route the API serves (read from its own OpenAPI document, so a new route is covered the
 * day it is added) × hostile input: no token, a wrong role, garbage and extreme names in the path,
 * garbage numbers and strings in the query, malformed bodies, NUL characters, bodies too large,
 * wrong media types, malformed If-Match / Idempotency-Key / Authorization. Each case must be a 4xx
 * in the error contract with a code of the table, record nothing (the event count is unchanged),
 * and leave the same API process answering.
 */

interface OpenApiOperation {
  parameters?: { in: 'path' | 'query'; name: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Schema { type?: string; properties?: Record<string, Schema>; required?: string[]; maxLength?: number; enum?: unknown[]; anyOf?: Schema[]; items?: Schema; maximum?: number }
interface Route { method: string; path: string; operation: OpenApiOperation }

/** Networks that do not exist: a refused case must not depend on the one the suite defines. */
const ABSENT = 'hostile-absent';
/** The event stream answers forever once it opens: only cases refused before that are sent (its position checks are the stream's own). */
const STREAM = '/v1/events/stream';

/** The least role each route needs: reads are viewer's, changes operator's, unless listed here. */
function roleOf(route: Route): RoleName {
  if (route.path.startsWith('/v1/tokens') || route.path.startsWith('/v1/admin/') || (route.path === '/v1/hosts' && route.method === 'POST')) return 'admin';
  if (route.method === 'GET' || route.path.endsWith('/plan')) return 'viewer';
  return 'operator';
}

let h: HostileApi;
let routes: Route[] = [];

beforeAll(async () => {
  h = await startHostileApi();
  const registered = await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv1', labels: { rack: 'a' } } });
  expect(registered.statusCode).toBe(201);
  const defined = await h.as('admin', { method: 'POST', url: '/v1/networks', payload: { xml: h.ofnetXml, hosts: ['hv1'] } });
  expect(defined.statusCode).toBe(201);
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, OpenApiOperation>> }>();
  routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })));
});
afterAll(async () => { await h?.stop(); });

/** A request to the route that passes its schema, aimed at nothing that exists (refused or harmless). */
function baseRequest(route: Route, role: RoleName | 'anonymous' = 'admin'): InjectOptions & { role: RoleName | undefined } {
  const url = route.path.replace(/\{[^}]+\}/g, ABSENT);
  const schema = route.operation.requestBody?.content['application/json']?.schema;
  return { role: role === 'anonymous' ? undefined : role, method: route.method as InjectOptions['method'], url, ...(schema ? { payload: sampleOf(schema, '') as object } : {}) };
}

/** A value the schema takes (by property name where a string needs a form). */
function sampleOf(schema: Schema, name: string): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sampleOf(schema.anyOf[0]!, name);
  switch (schema.type) {
    case 'object': return Object.fromEntries((schema.required ?? []).map((k) => [k, sampleOf(schema.properties?.[k] ?? {}, k)]));
    case 'array': return [];
    case 'boolean': return true;
    case 'integer': case 'number': return 1;
    default: return ({ xml: h.ofnetXml.replaceAll('ofnet', ABSENT), name: 'hostilename', action: 'start', role: 'viewer' } as Record<string, unknown>)[name] ?? 'x';
  }
}

/** Sends the case and lists what is wrong with its answer, the log and the process afterwards. */
async function problemsOf(label: string, request: InjectOptions & { role: RoleName | undefined }): Promise<string[]> {
  const before = await h.eventCount();
  const { role, ...options } = request;
  const response = await h.as(role, options);
  const problems: string[] = [];
  const refusal = refusalProblem(response);
  if (refusal) problems.push(`${label}: ${refusal} ${response.body.slice(0, 160)}`);
  if ((await h.eventCount()) !== before) problems.push(`${label}: the event count changed`);
  if ((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode !== 200) problems.push(`${label}: the API stopped answering`);
  return problems;
}

async function expectAllRefused(cases: [string, InjectOptions & { role: RoleName | undefined }][]): Promise<void> {
  const problems: string[] = [];
  for (const [label, request] of cases) problems.push(...await problemsOf(label, request));
  expect(problems).toEqual([]);
}

const each = (fn: (route: Route) => Promise<void>) => async () => { expect(routes.length).toBeGreaterThan(15); for (const route of routes) await fn(route); };

describe('api - hostile input on every route', () => {
  it('refuses requests without a valid token (401) and with a role too low (403)', each(async (route) => {
    const base = baseRequest(route, 'anonymous');
    const cases: [string, InjectOptions & { role: RoleName | undefined }][] = [
      ['no token', base],
      ...['Bearer nope', 'Basic YWxpY2U6c2VjcmV0', 'Bearer', 'bearer  ', `Bearer ${'x'.repeat(8000)}`, 'Bearer \u00e9t\u00e9'].map((a): [string, InjectOptions & { role: RoleName | undefined }] =>
        [`Authorization ${JSON.stringify(a.slice(0, 20))}`, { ...base, headers: { authorization: a } }]),
    ];
    const needs = roleOf(route);
    if (needs !== 'viewer') cases.push(['viewer token', { ...baseRequest(route, 'viewer') }]);
    if (needs === 'admin') cases.push(['operator token', { ...baseRequest(route, 'operator') }]);
    await expectAllRefused(cases.map(([l, r]) => [`${route.method} ${route.path} ${l}`, r]));
  }));

  it('refuses garbage, overlong and NUL-laced names in the path, in the contract (never a framework body)', each(async (route) => {
    if (!route.path.includes('{') || route.path === STREAM) return;
    // ('..' is no name: URL clients resolve dot segments before sending.)
    const garbage = ['x'.repeat(65), 'x'.repeat(255), 'x'.repeat(300), 'x'.repeat(5000), '%00', 'a%00b', '%ZZ', '%', '%C0%AF', '%FF'];
    await expectAllRefused(garbage.map((name) => {
      const base = baseRequest(route);
      return [`${route.method} ${route.path} name=${name.slice(0, 20)}`, { ...base, url: route.path.replace(/\{[^}]+\}/g, name) }];
    }));
    // Well-formed names of nothing: a read may answer (an empty history), nothing may break or be recorded.
    const odd = ['%20', 'a%2Fb', '%E2%80%AE', "x';DROP TABLE events;--", '%F0%9F%92%A9', 'x'.repeat(64)];
    const problems: string[] = [];
    for (const name of odd) {
      const label = `${route.method} ${route.path} name=${name.slice(0, 20)}`;
      const found = await problemsOf(label, { ...baseRequest(route), url: route.path.replace(/\{[^}]+\}/g, name) });
      problems.push(...(route.method === 'GET' ? found.filter((p) => !/: status 2\d\d /.test(p)) : found));
    }
    expect(problems).toEqual([]);
  }));

  it('refuses positions of 2^63 and more, non-finite, negative and non-numbers, and NUL or overlong strings in the query', each(async (route) => {
    if (route.path === STREAM) return;
    const params = (route.operation.parameters ?? []).filter((p) => p.in === 'query');
    const cases: [string, InjectOptions & { role: RoleName | undefined }][] = [];
    for (const param of params) {
      const type = param.schema.type ?? param.schema.anyOf?.[0]?.type;
      const values = type === 'integer' || type === 'number'
        ? ['9223372036854775808', '18446744073709551616', '-1', '1e400', '-1e400', 'Infinity', 'NaN', 'abc', '0x10', '']
        : type === 'boolean' ? ['maybe', '2', '%00'] : ['%00', `a%00b`, 'x'.repeat(5000), '%ZZ'];
      if (param.name === 'at') values.push('9223372036854775808', '9007199254740992', '-5', '2026-13-45T99:00:00Z', 'yesterday');
      if (param.name === 'since' || param.name === 'until') values.push('9223372036854775808', 'yesterday', '2026-99-01');
      if (param.name === 'hosts') values.push('rack', '%3Da', 'a%3D%3Db', 'rack%3Da%00');
      for (const value of values) {
        const base = baseRequest(route);
        cases.push([`${route.method} ${route.path}?${param.name}=${value.slice(0, 24)}`, { ...base, url: `${base.url}?${param.name}=${value}` }]);
      }
    }
    await expectAllRefused(cases);
  }));

  it('refuses malformed, wrong-typed, too large, deeply nested and NUL-laced bodies, and media types it does not read', each(async (route) => {
    if (route.method === 'GET' || route.method === 'DELETE') return;
    const base = baseRequest(route);
    const raw = (payload: string, contentType = 'application/json'): InjectOptions & { role: RoleName | undefined } => ({ ...base, payload, headers: { 'content-type': contentType } });
    const cases: [string, InjectOptions & { role: RoleName | undefined }][] = [
      ['malformed JSON', raw('{"xml":')],
      ['JSON with __proto__', raw('{"__proto__":{"admin":true}}')],
      ['JSON with constructor.prototype', raw('{"constructor":{"prototype":{"admin":true}}}')],
      ['an empty JSON body', raw('')],
      ['3 MiB', raw(JSON.stringify({ xml: 'x'.repeat(3 * 1024 * 1024) }))],
      ['deeply nested', raw(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
      ['text/plain', raw('hello', 'text/plain')],
      ['a form', raw('a=b', 'application/x-www-form-urlencoded')],
      ['multipart', raw('--x\r\n\r\n--x--', 'multipart/form-data; boundary=x')],
      ['a content type that is not one', raw('{}', ';;;')],
    ];
    const schema = route.operation.requestBody?.content['application/json']?.schema;
    if (schema?.type === 'object') {
      const sample = sampleOf(schema, '') as Record<string, unknown>;
      cases.push(['an array', raw('[]')], ['a string', raw('"x"')], ['a number', raw('1')]);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        // Never a value ajv coerces into a valid one (a number into a string, 'true' into a boolean).
        cases.push([`${name} of a wrong type`, raw(JSON.stringify({ ...sample, [name]: property.type === 'object' ? 'x' : { x: 1 } }))]);
        if (property.type === 'string' || property.type === undefined) {
          cases.push([`${name} with a NUL`, raw(JSON.stringify({ ...sample, [name]: `a\u0000b` }))]);
          cases.push([`${name} too long`, raw(JSON.stringify({ ...sample, [name]: 'x'.repeat((property.maxLength ?? 1024 * 1024) + 1) }))]);
        }
        if (property.type === 'integer') cases.push([`${name} of 2^63`, raw(`{"${name}": 9223372036854775808}`)], [`${name} of 1e400`, raw(`{"${name}": 1e400}`)], [`${name} negative`, raw(`{"${name}": -1}`)]);
        if (property.type === 'array') cases.push([`${name} with a NUL item`, raw(JSON.stringify({ ...sample, [name]: ['a\u0000'] }))]);
      }
      for (const name of schema.required ?? []) {
        const { [name]: _dropped, ...rest } = sample;
        cases.push([`without ${name}`, raw(JSON.stringify(rest))]);
      }
    }
    await expectAllRefused(cases.map(([l, r]) => [`${route.method} ${route.path} ${l}`, r]));
  }));

  it('refuses a malformed If-Match everywhere, and Idempotency-Key where it is honoured', each(async (route) => {
    if (route.path === STREAM) return;
    const base = baseRequest(route);
    const cases: [string, InjectOptions & { role: RoleName | undefined }][] = ['W/"3"', '"abc"', '"1", "2"', '*', '', '3', '"-1"', '"99999999999999999999"', '"1" x'].map((v) =>
      [`If-Match ${JSON.stringify(v)}`, { ...base, headers: { 'if-match': v } }]);
    if (route.method !== 'GET') {
      // A well-formed If-Match where it is not honoured is refused too (never silently unconditional).
      if (!route.path.startsWith('/v1/networks')) cases.push(['If-Match on a route without versions', { ...base, headers: { 'if-match': '"1"' } }]);
      if (route.path.startsWith('/v1/networks') && !route.path.endsWith('/plan')) {
        for (const key of ['', 'x'.repeat(256), 'a b', 'caf\u00e9']) cases.push([`Idempotency-Key ${JSON.stringify(key.slice(0, 10))}`, { ...base, headers: { 'idempotency-key': key } }]);
      }
    }
    await expectAllRefused(cases.map(([l, r]) => [`${route.method} ${route.path} ${l}`, r]));
  }));

  it('answers unknown paths with 404 and known paths with another method with 405 and Allow, in the contract', async () => {
    const problems: string[] = [];
    for (const [method, url, status] of [['GET', '/v1/nope', 404], ['PATCH', '/v1/networks', 405], ['DELETE', '/v1/hosts', 405], ['PUT', '/v1/networks/x/start', 405], ['GET', `/${'x'.repeat(3000)}`, 404]] as const) {
      const response = await h.as('admin', { method, url });
      const refusal = refusalProblem(response);
      if (refusal || response.statusCode !== status) problems.push(`${method} ${url.slice(0, 30)}: ${response.statusCode} ${refusal ?? ''}`);
      if (status === 405 && !response.headers['allow']) problems.push(`${method} ${url}: no Allow header`);
    }
    expect(problems).toEqual([]);
  });

  it('answers what Node\'s HTTP parser refuses (headers too large) in the contract, and keeps serving', async () => {
    const response = await fetch(`${h.api.url}/v1/networks`, { headers: { authorization: `Bearer ${h.tokens.admin}`, 'x-big': 'x'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ code: 'NF_API_HEADERS_TOO_LARGE' });
    expect((await fetch(`${h.api.url}/healthz`)).status).toBe(200);
    // Not HTTP at all.
    const { port } = new URL(h.api.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('HELLO\u0000 NOT HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => { text += d.toString(); }).on('end', () => resolve(text)).on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'NF_API_BAD_REQUEST' });
    expect((await fetch(`${h.api.url}/healthz`)).status).toBe(200);
  });
});
