import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../support/until';
import { FAST_LIVENESS, startTestFleet, type TestFleet, ovsDatapathXml } from '../../support/test-fleet';

const punix = (path: string) => `<controller protocol="unix" mode="passive" path="${path}"/>`;

/**
 * Controller targets only the host can judge. OVS's database shows nothing for either case (the
 * Controller row has an empty status, like a healthy passive one), so the agent must refuse
 * them itself rather than report "running". The sandbox's directory is vswitchd's run directory.
 */
describe('agent - controller targets ovs-vswitchd would not take', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet({ hosts: ['h1'], startAgents: false, ...FAST_LIVENESS });
    await fleet.startAgent('h1');
  }, 60_000);
  afterAll(async () => fleet?.stop());

  it('what OVS itself does: a punix target over a file inside its run directory replaces the file by its socket', async () => {
    const h = fleet.host('h1');
    const path = `${h.sandbox.dir}/dpraw.victim`;
    writeFileSync(path, 'precious');
    await h.vsctl('add-br', 'dpraw', '--', '--id=@c', 'create', 'controller', `target="punix:${path}"`, '--', 'set', 'bridge', 'dpraw', 'controller=@c');
    await until(async () => (lstatSync(path).isSocket() ? true : undefined), 'vswitchd to listen there', { timeoutMs: 5000, pollMs: 50 });
    // … and the database says nothing about it.
    expect(await h.vsctl('get', 'controller', (await h.vsctl('get', 'bridge', 'dpraw', 'controller')).replace(/[[\]]/g, ''), 'status')).toBe('{}');
    await h.vsctl('del-br', 'dpraw');
  });

  it('a passive unix controller over an existing file is a failure with the reason, and the file is kept', async () => {
    const h = fleet.host('h1');
    const path = `${h.sandbox.dir}/dpfile.ctl`;
    writeFileSync(path, 'precious');
    // The dry run says so too, and plans nothing for it.
    await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('overfile', 'dpfile', '', punix(path)), hosts: ['h1'] });
    const plan = await fleet.http<{ hosts: { host: string; argv: string[]; refusals: { network: string; code: string }[] }[] }>('POST', '/v1/networks/overfile/plan', { action: 'start' });
    expect(plan.body.hosts).toMatchObject([{ host: 'h1', argv: [], refusals: [{ network: 'overfile', code: 'NF_OVS_CONTROLLER_REFUSED' }] }]);
    const answer = await fleet.defineAndStart(ovsDatapathXml('overfile', 'dpfile', '', punix(path)), ['h1']);
    expect(answer.hosts).toMatchObject([{ host: 'h1', outcome: 'failed', error: expect.stringMatching(/dpfile\.ctl is a file, not a socket: ovs-vswitchd would remove it/) }]);
    const failed = await fleet.untilEvent('h1', (e) => e.type === 'NetworkFailedOnHost' && e.data['network'] === 'overfile', 5000, 'the failure');
    expect(failed.data['code']).toBe('NF_OVS_CONTROLLER_REFUSED');
    expect((await h.vsctl('list-br')).split('\n')).not.toContain('dpfile');
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('a passive unix controller outside what vswitchd allows is a failure; the same bridge with an allowed path runs', async () => {
    const h = fleet.host('h1');
    // Named as vswitchd wants (netxml refuses any other name at define), but not in its run
    // directory, which only the host knows: vswitchd would only log an error.
    const outside = `${h.sandbox.dir}/elsewhere/dpconf.listen`;
    const answer = await fleet.defineAndStart(ovsDatapathXml('confined', 'dpconf', '', punix(outside)), ['h1']);
    expect(answer.hosts).toMatchObject([{ outcome: 'failed', error: expect.stringMatching(/listens for bridge dpconf only on punix:.*\/dpconf\.<name>/) }]);

    const allowed = `${h.sandbox.dir}/dpconf.listen`;
    const redefined = await fleet.http<{ complete: boolean; hosts: { outcome: string }[] }>('POST', '/v1/networks?wait=true&timeout=30', { xml: ovsDatapathXml('confined', 'dpconf', '', punix(allowed)) });
    expect(redefined.body).toMatchObject({ complete: true, hosts: [{ outcome: 'running' }] });
    await until(async () => (lstatSync(allowed, { throwIfNoEntry: false })?.isSocket() ? true : undefined), 'vswitchd to listen on the allowed path', { timeoutMs: 5000, pollMs: 50 });
  });
});
