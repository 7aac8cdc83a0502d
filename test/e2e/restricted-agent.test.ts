import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '@netfleet/agent/agent';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import { startApiServer, type ApiServer } from '@netfleet/api/api-server';
import { generateHostPassword, hashPassword } from '@netfleet/bus/credentials/host-password';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { silentLogger } from '@netfleet/log/logger';
import type { OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startNatsTestServer, type NatsTestServer } from '../support/nats-test-server';
import { runCli } from '../support/run-cli';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestSandbox } from '../support/test-ovs';

/**
 * host-add issues a host's NATS credentials and the API writes nats-server's auth include: after
 * a reload, an agent logged in with only those credentials runs its host's networks end to end.
 */
describe('an agent with its own restricted NATS credentials', () => {
  const names = busNames('netfleet');
  const token = `t-${randomBytes(8).toString('hex')}`;
  let server: NatsTestServer;
  let database: TestDatabase;
  let api: ApiServer;
  let sandbox: OvsSandbox;
  let agentConnection: NatsConnection | undefined;
  let agent: Agent | undefined;

  beforeAll(async () => {
    const apiPassword = generateHostPassword();
    const apiPasswordHash = await hashPassword(apiPassword);
    server = await startNatsTestServer({ names, api: { user: 'api', passwordHash: apiPasswordHash }, hosts: [] });
    // Empty, not a template copy: the API migrates it at start, as in production.
    database = await createTestDatabase({ migrate: false });
    api = await startApiServer({
      databaseUrl: database.url, natsUrl: server.url, natsUser: 'api', natsPassword: apiPassword,
      natsAuthFile: { path: server.authConfigPath, apiPasswordHash }, namespace: names.namespace,
      host: '127.0.0.1', port: 0, tokens: [{ actor: 'root', role: 'admin', token }], log: silentLogger(),
    });
    sandbox = await startTestSandbox('hv1');
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await agentConnection?.close();
    await api?.close();
    await sandbox?.stop();
    await database?.drop();
    await server?.stop();
  });

  it('host-add → reload → the agent connects with its credentials and applies its network', async () => {
    const added = await runCli(['host-add', 'hv1', '--label', 'rack=a', '--json'], { apiUrl: api.url, token });
    expect(added.exitCode).toBe(0);
    const { nats } = JSON.parse(added.stdout) as { nats: { user: string; password: string; inboxPrefix: string } };
    expect(nats.user).toBe('hv1');
    const again = JSON.parse((await runCli(['host-add', 'hv1', '--label', 'rack=a', '--json'], { apiUrl: api.url, token })).stdout);
    expect(again.nats).toBeUndefined(); // shown once; re-registering keeps the credentials

    await server.reload();
    agentConnection = await connectBus({ servers: server.url, name: 'agent-hv1', user: nats.user, pass: nats.password, inboxPrefix: nats.inboxPrefix });
    agent = await startAgent({ host: 'hv1', nc: agentConnection, names, vsctl: createVsctl({ db: sandbox.db }), log: silentLogger() });

    const xml = '<network>\n  <name>ovsbr</name>\n  <forward mode="bridge"/>\n  <bridge name="ovsbr0"/>\n  <virtualport type="openvswitch"/>\n</network>\n';
    const defined = await fetch(`${api.url}/v1/networks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ xml, hosts: ['hv1'] }) });
    expect(defined.status).toBe(201);
    const started = await runCli(['net-start', 'ovsbr', '--wait', '--timeout', '30'], { apiUrl: api.url, token });
    expect(started.stdout).toMatch(/hv1\s+running/);
    expect((await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, 'list-br'])).stdout.trim()).toBe('ovsbr0');
  });

  it('refuses a wrong password for the host user', async () => {
    await expect(connectBus({ servers: server.url, name: 'intruder', user: 'hv1', pass: 'not-the-password', inboxPrefix: '_INBOX_hv1' })).rejects.toMatchObject({ code: 'NF_BUS_UNAVAILABLE' });
  });
});
