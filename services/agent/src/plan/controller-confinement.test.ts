import { describe, expect, it } from 'vitest';
import { confinementProblem } from './controller-confinement';

describe('confinementProblem (what self-confined ovs-vswitchd skips)', () => {
  const runDir = '/var/run/openvswitch';
  it('takes tcp, ssl and passive tcp targets, and unix sockets where vswitchd allows them', () => {
    for (const target of ['tcp:127.0.0.1:6633', 'ptcp:6633:127.0.0.1', 'ssl:[::1]:6653', 'unix:/var/run/openvswitch/ctl.sock', 'unix:ctl.sock', 'punix:/var/run/openvswitch/dp0.listen', 'punix:/var/run/openvswitch//dp0.listen']) {
      expect(confinementProblem(target, 'dp0', `${runDir}/`), target).toBeUndefined();
    }
  });
  it('refuses an active unix socket outside the run directory', () => {
    expect(confinementProblem('unix:/tmp/ctl.sock', 'dp0', runDir)).toMatch(/only inside its run directory \/var\/run\/openvswitch; unix:\/tmp\/ctl.sock is outside it/);
    expect(confinementProblem('unix:/var/run/openvswitch/../ctl.sock', 'dp0', runDir)).toBeDefined();
  });
  it('refuses a passive unix socket not named <rundir>/<bridge>.*', () => {
    for (const target of ['punix:/tmp/dp0.listen', 'punix:/var/run/openvswitch/dp1.listen', 'punix:/var/run/openvswitch/dp0.x/y', 'punix:dp0.listen']) {
      expect(confinementProblem(target, 'dp0', runDir), target).toMatch(/only on punix:\/var\/run\/openvswitch\/dp0\.<name>/);
    }
  });
});
