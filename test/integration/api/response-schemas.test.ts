import { readFile } from 'node:fs/promises';
import { describe, expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { getNetworkView, listHostViews } from '@netfleet/eventstore/views';
import { apiTest } from '../../support/api-test';
import { startedOnHost } from '../eventstore/given-events';

const test = apiTest({ actors: { alice: 'admin' } });

interface Operation { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }

/**
 * Every route declares what it answers (a 2xx schema, and the error contract for 4xx/5xx), and
 * those schemas, which fastify serialises with and @netfleet/api-types derives the CLI's and
 * dashboard's types from, drop nothing the API means to send.
 */
describe('response schemas', () => {
  test('every route in /openapi.json declares a success schema and the error contract', async ({ api }) => {
    const doc = (await api.http('GET', '/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const responses = operation.responses ?? {};
        const success = Object.keys(responses).filter((s) => /^2(\d\d|xx)$/.test(s));
        // An SSE stream or a file is not JSON: those routes name their media type instead.
        const declared = success.some((s) => Object.keys(responses[s]?.content ?? {}).length > 0);
        if (!declared) missing.push(`${method.toUpperCase()} ${path}: no 2xx response schema`);
        const error = (responses['4XX'] ?? responses['4xx'])?.content?.['application/json']?.schema as { required?: string[] } | undefined;
        if (!error?.required?.includes('code')) missing.push(`${method.toUpperCase()} ${path}: no 4xx error schema`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('answers carry every field of the fleet view (the schemas drop nothing)', async ({ api, database }) => {
    const xml = await readFile(new URL('../../../examples/ofnet.xml', import.meta.url), 'utf8');
    await api.http('POST', '/v1/hosts', { body: { name: 'hv1', labels: { rack: 'r1' } } });
    expect((await api.http('POST', '/v1/networks', { body: { xml, hosts: ['hv1'] } })).status).toBe(201);
    const started = await api.http('POST', '/v1/networks/ofnet/start');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ network: 'ofnet', duplicate: false, complete: false, hosts: [{ host: 'hv1', outcome: 'pending' }] });
    const generation = (started.body as { generation: number }).generation;
    const report = startedOnHost('hv1', 'ofnet', generation, (started.body as { correlationId: string }).correlationId);
    await appendToStream(database.db, { streamId: 'host:hv1', expectedVersion: 'any', events: [{ ...report, data: { ...(report.data as object), warnings: ['a warning'] } }] });

    const view = await getNetworkView(database.db, 'ofnet');
    const detail = await api.http('GET', '/v1/networks/ofnet');
    expect(detail.body).toEqual({ ...view, bridge: 'dp0' });
    expect((await api.http('GET', '/v1/networks')).body).toEqual({ networks: [view] });
    const fleet = (await api.http('GET', '/v1/fleet')).body as { networks: unknown[]; hosts: unknown[] };
    expect(fleet.networks).toEqual([view]);
    expect(fleet.hosts).toEqual(await listHostViews(database.db));
    const hosts = (await api.http('GET', '/v1/hosts')).body as { hosts: { networks: string[] }[] };
    expect(hosts.hosts).toEqual((await listHostViews(database.db)).map((h) => ({ ...h, networks: ['ofnet'] })));
  });
});
