import { describe, expect, test } from 'vitest';
import { runFaultSuite } from './suite';

// The short form of the fault suite, part of `npm test`: two faults during a rollout of a few
// dozen networks over a 3-node NATS cluster, two API instances and two hosts. The long form is
// `npm run test:faults` (every fault, 500 networks, then a seeded random schedule).
describe('faults (short form)', () => {
  test('kill -9 of the NATS stream leader and of an agent mid-apply lose nothing and double nothing', async () => {
    const report = await runFaultSuite({ seed: 14, hosts: 2, networks: 24, faults: ['nats-leader-kill', 'agent-kill'] });
    expect(report.faults.map((f) => ({ fault: f.fault, violations: f.violations }))).toEqual([
      { fault: 'nats-leader-kill', violations: [] },
      { fault: 'agent-kill', violations: [] },
    ]);
    expect(report.final.violations).toEqual([]);
    expect(report.requests.acknowledged).toBe(24);
    expect(report.commands).toMatchObject({ lost: 0, doubled: 0 });
    expect(report.commands.issued).toBeGreaterThanOrEqual(24);
  }, 300_000);
});
