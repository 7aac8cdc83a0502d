import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsTestServer, type OpenNatsTestServer } from '../../support/nats-test-server';
import { ovsDatapathXml, startTestFleet, type TestFleet } from '../../support/test-fleet';

const RESYNC_MS = 300;

/**
 * NATS stopped under a running agent (a nats-server of the test's own, shared by the fleet's API
 * and agent): the agent keeps every bridge it runs — its resyncs fail to read the desired state,
 * which replaces nothing — and once NATS is back it catches up on what was decided meanwhile and
 * reports it.
 */
describe('outage - the bus goes away under an agent', () => {
  let nats: OpenNatsTestServer;
  let fleet: TestFleet;
  beforeAll(async () => {
    nats = await startNatsTestServer();
    fleet = await startTestFleet({ hosts: ['hv1'], startAgents: false, natsUrl: nats.url });
    await fleet.startAgent('hv1', { resyncIntervalMs: RESYNC_MS });
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await nats?.stop();
  });

  const bridges = async () => (await fleet.host('hv1').vsctl('list-br')).split('\n').filter(Boolean);

  it('keeps its bridges while NATS is down and applies what was decided meanwhile once it returns', async () => {
    expect((await fleet.defineAndStart(ovsDatapathXml('kept', 'dpkept'), ['hv1'])).hosts).toEqual([expect.objectContaining({ host: 'hv1', outcome: 'running' })]);
    expect(await bridges()).toEqual(['dpkept']);

    await nats.halt();
    // Many resyncs, every one of them unable to ask the API what should run here.
    await sleep(20 * RESYNC_MS);
    expect(await bridges()).toEqual(['dpkept']);
    // Decided while the bus is away: committed, waiting in the outbox.
    expect((await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('later', 'dplater'), hosts: ['hv1'] })).status).toBe(201);
    expect((await fleet.http('POST', '/v1/networks/later/start')).status).toBe(200);
    await sleep(5 * RESYNC_MS);
    expect(await bridges()).toEqual(['dpkept']);

    await nats.resume();
    await fleet.untilEvent('hv1', (e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'later', 60_000, 'hv1 to report the network started while NATS was down');
    expect((await bridges()).sort()).toEqual(['dpkept', 'dplater']);
    // Nothing the outage did was reported as a change of the network that ran through it.
    expect((await fleet.events('hv1')).filter((e) => e.data['network'] === 'kept').map((e) => e.type)).toEqual(['NetworkStartedOnHost']);
  });
});
