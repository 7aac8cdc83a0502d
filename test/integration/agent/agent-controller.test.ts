import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startTestController, type TestController } from '@netfleet/ovs-sandbox/test-controller';
import { AgentFleet, ovsDatapathXml } from './agent-harness';

interface ControllerJson { target: string; connected: boolean; state: string | null; lastError: string | null }
interface ViewJson { perHost: Record<string, { observed: string; controllers: ControllerJson[] }> }

/**
 * Controller connection state as OVS reports it (refreshed every ~5 s), as events and in the
 * fleet view; a controller that is down is a disconnected datapath, not a failed start.
 */
describe('agent - controller connection state', () => {
  let fleet: AgentFleet;
  let controller: TestController;
  beforeAll(async () => {
    fleet = await AgentFleet.start(['h1']);
    controller = await startTestController({ port: await freePort() });
    await fleet.startAgent('h1');
  }, 60_000);
  afterAll(async () => {
    await controller?.stop();
    await fleet?.stop();
  });

  it('connected, then disconnected with OVS state and error when the controller stops, then connected again', async () => {
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

    controller = await startTestController({ port: controller.port });
    await fleet.untilEvent('h1', (e) => e.type === 'ControllerConnectionChanged' && e.data['connected'] === true, 30_000, 'reconnected', down.position);
  });

  it('a start whose controller is down is running with a disconnected controller, not failed', async () => {
    const port = await freePort();
    const answer = await fleet.defineAndStart(ovsDatapathXml('noctl', 'dpnoctl', '', `<controller protocol="tcp" address="127.0.0.1" port="${port}"/>`), ['h1']);
    expect(answer.hosts).toMatchObject([{ outcome: 'running' }]);
    const down = await fleet.untilEvent('h1', (e) => e.type === 'ControllerConnectionChanged' && e.data['network'] === 'noctl', 20_000, 'the controller state');
    expect(down.data).toMatchObject({ connected: false, target: `tcp:127.0.0.1:${port}` });
    expect(down.data['lastError']).toMatch(/refused/i);
  });
});
