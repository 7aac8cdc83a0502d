import { describe, expect } from 'vitest';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import type { TestController } from '@netfleet/ovs-sandbox/test-controller';
import { fleetTest } from '../../support/fleet-test';
import { startControllerOnFreePort } from '../../support/test-ovs';
import { FAST_LIVENESS, ovsDatapathXml, type TestFleet } from '../../support/test-fleet';

const test = fleetTest({ hosts: ['h1'], startAgents: false, ...FAST_LIVENESS });

interface ControllerJson { target: string; connected: boolean; state: string | null; lastError: string | null }
interface ViewJson { perHost: Record<string, { observed: string; controllers: ControllerJson[] }> }

/**
 * Controller connection state as OVS reports it (refreshed every ~5 s), as events and in the
 * fleet view; a controller that is down is a disconnected datapath, not a failed start.
 */
describe('agent - controller connection state', () => {
  let fleet: TestFleet;
  let controller: TestController;
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    controller = await startControllerOnFreePort();
    await fleet.startAgent('h1');
  }, 60_000);
  test.afterAll(async () => {
    await controller?.stop();
  });

  test('connected, then disconnected with OVS state and error when the controller stops, then connected again', async () => {
    const answer = await fleet.defineAndStart(ovsDatapathXml('ctl', 'dpctl', ' id="00000000000000e1"', `<controller protocol="tcp" address="127.0.0.1" port="${controller.port}"/>`), ['h1']);
    expect(answer.hosts).toMatchObject([{ outcome: 'running' }]);
    const connected = await fleet.untilEvent('h1', (e) => e.type === 'ControllerConnectionChanged' && e.data['connected'] === true, 20_000, 'connected');
    expect(connected.data).toMatchObject({ network: 'ctl', bridge: 'dpctl', target: controller.target, state: 'ACTIVE' });

    const view = async () => (await fleet.http<ViewJson>('GET', '/v1/networks/ctl')).body.perHost['h1']!;
    expect((await view()).controllers).toMatchObject([{ target: controller.target, connected: true, state: 'ACTIVE' }]);

    await controller.stop();
    const down = await fleet.untilEvent('h1', (e) => e.type === 'ControllerConnectionChanged' && e.data['connected'] === false, 20_000, 'disconnected', connected.position);
    expect(down.data['state']).toMatch(/BACKOFF|CONNECTING|VOID/);
    expect(down.data['lastError']).toEqual(expect.any(String));
    expect(await view()).toMatchObject({ observed: 'running', controllers: [{ connected: false }] });

    controller = await startControllerOnFreePort(controller.port);
    await fleet.untilEvent('h1', (e) => e.type === 'ControllerConnectionChanged' && e.data['connected'] === true, 30_000, 'reconnected', down.position);
  });

  test('a start whose controller is down is running with a disconnected controller, not failed', async () => {
    const port = await freePort();
    const answer = await fleet.defineAndStart(ovsDatapathXml('noctl', 'dpnoctl', '', `<controller protocol="tcp" address="127.0.0.1" port="${port}"/>`), ['h1']);
    expect(answer.hosts).toMatchObject([{ outcome: 'running' }]);
    const down = await fleet.untilEvent('h1', (e) => e.type === 'ControllerConnectionChanged' && e.data['network'] === 'noctl', 20_000, 'the controller state');
    expect(down.data).toMatchObject({ connected: false, target: `tcp:127.0.0.1:${port}` });
    expect(down.data['lastError']).toMatch(/refused/i);
  });
});
