import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { startApiServer, type ApiServer, type ApiServerConfig } from '@netfleet/api/api-server';
import { connectBus, deleteStreams } from '@netfleet/bus/nats';
import { busNames, type BusNames } from '@netfleet/bus/names';
import { ERROR_CODES, isErrorCode } from '@netfleet/errors/error-codes';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { NATS_URL } from '../../support/test-fleet';
import { testNamespace } from '../../support/test-names';

export type RoleName = 'viewer' | 'operator' | 'admin';

/** The real API (PostgreSQL of its own, a NATS namespace of its own), driven through app.inject. */
export interface HostileApi {
  api: ApiServer;
  app: FastifyInstance;
  database: TestDatabase;
  names: BusNames;
  tokens: Record<RoleName, string>;
  ofnetXml: string;
  as(role: RoleName | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  eventCount(): Promise<number>;
  stop(): Promise<void>;
}

export async function startHostileApi(config: Partial<ApiServerConfig> = {}): Promise<HostileApi> {
  const database = await createTestDatabase({ migrate: false });
  const names = busNames(testNamespace());
  const tokens: Record<RoleName, string> = {
    viewer: `v-${randomBytes(12).toString('hex')}`, operator: `o-${randomBytes(12).toString('hex')}`, admin: `a-${randomBytes(12).toString('hex')}`,
  };
  let api: ApiServer;
  try {
    api = await startApiServer({
      databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
      tokens: [{ actor: 'vic', role: 'viewer', token: tokens.viewer }, { actor: 'olga', role: 'operator', token: tokens.operator }, { actor: 'alice', role: 'admin', token: tokens.admin }],
      log: silentLogger(), liveness: false, ...config,
    });
  } catch (e) {
    await database.drop();
    throw e;
  }
  const ofnetXml = await readFile(new URL('../../../examples/ofnet.xml', import.meta.url), 'utf8');
  return {
    api, app: api.app, database, names, tokens, ofnetXml,
    as: (role, options) => api.app.inject({ ...options, headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...options.headers } }),
    async eventCount() {
      const row = await database.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async stop() {
      await api.close();
      const nc = await connectBus({ servers: NATS_URL, name: 'test-cleanup' });
      await deleteStreams(await jetstreamManager(nc), names).catch(() => undefined);
      await nc.close();
      await database.drop();
    },
  };
}

/** A refusal in the error contract: 4xx, `{code, message, details}`, the code's own status in the table. */
export function refusalProblem(response: LightMyRequestResponse): string | undefined {
  if (response.statusCode < 400 || response.statusCode >= 500) return `status ${response.statusCode}`;
  let body: { code?: unknown; message?: unknown; details?: unknown };
  try {
    body = response.json();
  } catch {
    return `status ${response.statusCode} with a body that is not JSON: ${response.body.slice(0, 100)}`;
  }
  if (typeof body.code !== 'string' || !isErrorCode(body.code)) return `code ${String(body.code)} is not in the error table`;
  if (ERROR_CODES[body.code].http !== response.statusCode) return `${body.code} is ${ERROR_CODES[body.code].http} in the table, answered ${response.statusCode}`;
  if (typeof body.message !== 'string' || body.message.length === 0 || /\n\s+at /.test(body.message)) return 'no message (or a stack trace)';
  if (typeof body.details !== 'object' || body.details === null) return 'no details object';
  return undefined;
}

export function expectRefusal(response: LightMyRequestResponse, code?: string | RegExp): void {
  expect(refusalProblem(response), response.body.slice(0, 300)).toBeUndefined();
  if (code !== undefined) expect(response.json().code).toMatch(code);
}
