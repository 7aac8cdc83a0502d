import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, startHostileApi, type HostileApi } from './hostile-api';

/**
 * Commands under hostile use: idempotency keys reused for another request, names at and past the
 * one limit, If-Match in every form, waits without end, and host-add with names the bus keeps for
 * itself (checked before anything is written; a failure leaves no trace).
 */
const API_USER = 'nf-api';
const API_HASH = `$2b$11$${'a'.repeat(53)}`;
let h: HostileApi;
let dir: string;
let authFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nf-hostile-'));
  authFile = join(dir, 'netfleet-auth.conf');
  h = await startHostileApi({ natsUser: API_USER, natsPassword: 'unused-here', natsAuthFile: { path: authFile, apiPasswordHash: API_HASH } });
  expect((await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv1' } })).statusCode).toBe(201);
});
afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let bridges = 0;
/** ofnet's definition under another name, on a datapath of its own (two networks cannot share one on a host). */
const xmlNamed = (name: string) => h.ofnetXml.replace('<name>ofnet</name>', `<name>${name}</name>`).replace(/<uuid>.*<\/uuid>/, '').replace('name="dp0"', `name="dp${++bridges}"`);

describe('api - Idempotency-Key', () => {
  it('a retry gets the first answer, status and body; the key reused for another request is refused and records nothing', async () => {
    const key = randomUUID();
    const xml = { idem1: xmlNamed('idem1'), idem2: xmlNamed('idem2') };
    const define = (name: keyof typeof xml) => h.as('operator', { method: 'POST', url: '/v1/networks', headers: { 'idempotency-key': key }, payload: { xml: xml[name], hosts: ['hv1'] } });
    const first = await define('idem1');
    expect(first.statusCode).toBe(201);
    const retry = await define('idem1');
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');

    const before = await h.eventCount();
    const other = await define('idem2');
    expectRefusal(other, 'NF_API_IDEMPOTENCY_MISMATCH');
    expect(other.statusCode).toBe(422);
    // Another route with the same key is another request too.
    expectRefusal(await h.as('operator', { method: 'POST', url: '/v1/networks/idem1/start', headers: { 'idempotency-key': key } }), 'NF_API_IDEMPOTENCY_MISMATCH');
    expect(await h.eventCount()).toBe(before);
    expect((await h.as('viewer', { method: 'GET', url: '/v1/networks/idem2' })).statusCode).toBe(404);
  });

  it('keys are scoped to the actor: another token\'s same key is its own command', async () => {
    const key = randomUUID();
    const mine = await h.as('operator', { method: 'POST', url: '/v1/networks', headers: { 'idempotency-key': key }, payload: { xml: xmlNamed('scoped1'), hosts: ['hv1'] } });
    const theirs = await h.as('admin', { method: 'POST', url: '/v1/networks', headers: { 'idempotency-key': key }, payload: { xml: xmlNamed('scoped2'), hosts: ['hv1'] } });
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(theirs.json().correlationId).not.toBe(mine.json().correlationId);
  });

  it('a refused command gives its key back: the retry is decided again', async () => {
    const key = randomUUID();
    const start = () => h.as('operator', { method: 'POST', url: '/v1/networks/later/start', headers: { 'idempotency-key': key } });
    expectRefusal(await start(), 'NF_NETWORK_NOT_FOUND');
    expect((await h.as('operator', { method: 'POST', url: '/v1/networks', payload: { xml: xmlNamed('later'), hosts: ['hv1'] } })).statusCode).toBe(201);
    expect((await start()).statusCode).toBe(200);
  });
});

describe('api - one name limit', () => {
  it('defines, starts, destroys and undefines a network with the longest name; refuses one character more at define', async () => {
    const longest = 'n'.repeat(64);
    expect((await h.as('operator', { method: 'POST', url: '/v1/networks', payload: { xml: xmlNamed(longest), hosts: ['hv1'] } })).statusCode).toBe(201);
    for (const [method, url] of [['POST', 'start'], ['POST', 'destroy']] as const) {
      expect((await h.as('operator', { method, url: `/v1/networks/${longest}/${url}` })).statusCode).toBe(200);
    }
    expect((await h.as('operator', { method: 'DELETE', url: `/v1/networks/${longest}` })).statusCode).toBe(200);

    const before = await h.eventCount();
    const tooLong = await h.as('operator', { method: 'POST', url: '/v1/networks', payload: { xml: xmlNamed('n'.repeat(65)), hosts: ['hv1'] } });
    expectRefusal(tooLong, 'NF_NETWORK_NAME_TOO_LONG');
    expectRefusal(await h.as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 't'.repeat(65), role: 'viewer' } }), 'NF_API_BAD_REQUEST');
    expectRefusal(await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'h'.repeat(65) } }), 'NF_HOST_INVALID');
    expect(await h.eventCount()).toBe(before);
  });
});

describe('api - If-Match', () => {
  it('is the version on every network command; a stale one is a conflict, a malformed one is refused, never ignored', async () => {
    expect((await h.as('operator', { method: 'POST', url: '/v1/networks', payload: { xml: xmlNamed('etag'), hosts: ['hv1'] } })).statusCode).toBe(201);
    const etag = (await h.as('viewer', { method: 'GET', url: '/v1/networks/etag/xml' })).headers['etag'] as string;
    expect(etag).toBe('"1"');
    const before = await h.eventCount();
    for (const bad of ['W/"1"', '"abc"', '"1", "2"', '*', '', '1']) {
      expectRefusal(await h.as('operator', { method: 'POST', url: '/v1/networks/etag/start', headers: { 'if-match': bad } }), 'NF_API_BAD_IF_MATCH');
    }
    expectRefusal(await h.as('operator', { method: 'POST', url: '/v1/networks/etag/start', headers: { 'if-match': '"7"' } }), 'NF_STORE_CONFLICT');
    expectRefusal(await h.as('operator', { method: 'POST', url: '/v1/networks', headers: { 'if-match': '"1"' }, payload: { xml: xmlNamed('etag'), hosts: ['hv1'], expectedVersion: 0 } }), 'NF_API_BAD_IF_MATCH');
    expectRefusal(await h.as('admin', { method: 'POST', url: '/v1/hosts', headers: { 'if-match': '"1"' }, payload: { name: 'hv9' } }), 'NF_API_BAD_IF_MATCH');
    expect(await h.eventCount()).toBe(before);
    expect((await h.as('operator', { method: 'POST', url: '/v1/networks/etag/start', headers: { 'if-match': etag } })).statusCode).toBe(200);
  });
});

describe('api - waits', () => {
  it('take a finite, positive timeout of at most an hour', async () => {
    const before = await h.eventCount();
    for (const timeout of ['1e400', 'Infinity', '0', '-1', '3601', 'NaN', '0x10']) {
      expectRefusal(await h.as('operator', { method: 'POST', url: `/v1/networks/etag/destroy?wait=true&timeout=${timeout}` }), 'NF_API_BAD_REQUEST');
    }
    expect(await h.eventCount()).toBe(before);
  });
});

describe('api - host-add', () => {
  const credentials = async () => (await h.database.db.selectFrom('host_credentials').select('host').orderBy('host').execute()).map((r) => r.host);

  it('refuses the API\'s own NATS user and other reserved names, writing nothing; later host-adds still work', async () => {
    const before = { events: await h.eventCount(), credentials: await credentials(), file: await readFile(authFile, 'utf8') };
    for (const name of [API_USER, API_USER.toUpperCase(), 'sys', 'SYSTEM', 'api']) {
      expectRefusal(await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name } }), 'NF_HOST_RESERVED');
    }
    for (const name of ['$SYS', '*', '>', 'a.b', 'a b', '', 'hv1\u0000']) {
      expectRefusal(await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name } }), /^NF_(HOST_INVALID|API_NUL_CHARACTER)$/);
    }
    expect({ events: await h.eventCount(), credentials: await credentials(), file: await readFile(authFile, 'utf8') }).toEqual(before);

    const added = await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv2' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ nats: { user: 'hv2', password: expect.any(String) } });
    expect(await readFile(authFile, 'utf8')).toContain('user: "hv2"');
  });

  it('a host-add whose auth include cannot be written records nothing (no event, no credentials)', async () => {
    const before = { events: await h.eventCount(), credentials: await credentials() };
    // A directory where the include goes: renaming the new file over it fails, even for root.
    const kept = await readFile(authFile, 'utf8');
    await rm(authFile);
    await mkdir(join(authFile, 'in-the-way'), { recursive: true });
    try {
      const failed = await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv3' } });
      expect(failed.statusCode).toBe(500);
      expect(failed.json()).toMatchObject({ code: 'NF_BUS_AUTH_CONFIG_WRITE' });
    } finally {
      await rm(authFile, { recursive: true, force: true });
      await writeFile(authFile, kept);
    }
    expect({ events: await h.eventCount(), credentials: await credentials() }).toEqual(before);
    expect((await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv3' } })).statusCode).toBe(201);
  });
});
