import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus, encodeJson } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { generateHostPassword, hashPassword, issueHostCredentials, type HostCredentials } from '@netfleet/bus/credentials/host-password';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import { startNatsTestServer, type NatsTestServer } from '../../support/nats-test-server';

// host-add on a running fleet: the auth include is rewritten and nats-server reloaded (SIGHUP);
// connected agents stay connected, the new host gets in, a removed host is put out.
const names = busNames('netfleet');
let server: NatsTestServer;
let api: NatsConnection;
let apiHash: string;
let hv1: HostCredentials;
let hv3: HostCredentials;
const opened: NatsConnection[] = [];

const connectAs = async (c: HostCredentials) => {
  const nc = await connectBus({ servers: server.url, name: `test-${c.host}`, user: c.user, pass: c.password, inboxPrefix: c.inboxPrefix });
  opened.push(nc);
  return nc;
};

beforeAll(async () => {
  const apiPassword = generateHostPassword();
  apiHash = await hashPassword(apiPassword);
  [hv1, hv3] = await Promise.all([issueHostCredentials(names, 'hv1'), issueHostCredentials(names, 'hv3')]);
  server = await startNatsTestServer({ names, api: { user: 'netfleet-api', passwordHash: apiHash }, hosts: [{ name: 'hv1', passwordHash: hv1.passwordHash }] });
  api = await connectBus({ servers: server.url, name: 'test-api', user: 'netfleet-api', pass: apiPassword });
  api.subscribe(names.allDesiredStateRequests, { callback: (_e, m) => { m.respond(encodeJson({ asked: m.subject })); } });
  await api.flush();
});

afterAll(async () => {
  for (const nc of opened) await nc.close().catch(() => undefined);
  await api?.close().catch(() => undefined);
  await server?.stop();
});

it('bus - a host added after start gets in on reload; connected agents stay; a removed or rotated host is put out', async () => {
  const first = await connectAs(hv1);
  await expect(connectAs(hv3)).rejects.toMatchObject({ code: 'NF_BUS_UNAVAILABLE', cause: expect.objectContaining({ name: 'AuthorizationError' }) });

  const added = await writeNatsAuthConfig(server.authConfigPath, {
    names, api: { user: 'netfleet-api', passwordHash: apiHash },
    hosts: [{ name: 'hv1', passwordHash: hv1.passwordHash }, { name: 'hv3', passwordHash: hv3.passwordHash }],
  });
  expect(added.changed).toBe(true);
  expect((await writeNatsAuthConfig(server.authConfigPath, {
    names, api: { user: 'netfleet-api', passwordHash: apiHash },
    hosts: [{ name: 'hv3', passwordHash: hv3.passwordHash }, { name: 'hv1', passwordHash: hv1.passwordHash }],
  })).changed).toBe(false);
  await server.reload();

  const third = await connectAs(hv3);
  expect((await third.request(names.desiredStateSubject('hv3'), encodeJson({}), { timeout: 5_000 })).json()).toEqual({ asked: names.desiredStateSubject('hv3') });
  // hv1's connection lived through the reload.
  expect(first.isClosed()).toBe(false);
  expect((await first.request(names.desiredStateSubject('hv1'), encodeJson({}), { timeout: 5_000 })).json()).toEqual({ asked: names.desiredStateSubject('hv1') });

  // Removing hv1 (host removed, or its password rotated) disconnects it at the reload.
  const removed = await writeNatsAuthConfig(server.authConfigPath, { names, api: { user: 'netfleet-api', passwordHash: apiHash }, hosts: [{ name: 'hv3', passwordHash: hv3.passwordHash }] });
  expect(removed.changed).toBe(true);
  const disconnected = (async () => { for await (const s of first.status()) if (s.type === 'disconnect') return true; return false; })();
  await server.reload();
  expect(await disconnected).toBe(true);
  await expect(connectAs(hv1)).rejects.toMatchObject({ cause: expect.objectContaining({ name: 'AuthorizationError' }) });
  expect(third.isClosed()).toBe(false);

  // Rotating hv3's password: the connection made with the old one is put out at the reload.
  const rotated = await issueHostCredentials(names, 'hv3');
  await writeNatsAuthConfig(server.authConfigPath, { names, api: { user: 'netfleet-api', passwordHash: apiHash }, hosts: [{ name: 'hv3', passwordHash: rotated.passwordHash }] });
  const thirdDisconnected = (async () => { for await (const s of third.status()) if (s.type === 'disconnect') return true; return false; })();
  await server.reload();
  expect(await thirdDisconnected).toBe(true);
  const fresh = await connectAs(rotated);
  expect((await fresh.request(names.desiredStateSubject('hv3'), encodeJson({}), { timeout: 5_000 })).json()).toEqual({ asked: names.desiredStateSubject('hv3') });
});
