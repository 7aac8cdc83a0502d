import { describe, expect, it } from 'vitest';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { hostOutcomesOf, type HostReport } from './host-outcomes';

const command = (host: string, generation: number): ApplyNetworkV1 => ({
  type: 'ApplyNetwork', v: 1, commandId: `c-${host}`, correlationId: 'corr', host, network: 'ofnet', uuid: 'u', generation, desired: 'running', xml: 'x', issuedAt: 't',
});
const report = (host: string, type: HostReport['type'], generation: number, extra: Partial<HostReport> = {}): HostReport => ({ host, type, generation, warnings: [], ...extra });

describe('hostOutcomesOf', () => {
  it("takes each host's last report on the generation it was sent, or a later one", () => {
    const outcomes = hostOutcomesOf([command('hv1', 3), command('hv2', 3)], [
      report('hv1', 'NetworkStartedOnHost', 2),
      report('hv1', 'NetworkFailedOnHost', 3, { error: 'boom' }),
      report('hv2', 'NetworkStartedOnHost', 4, { warnings: ['w'] }),
    ], new Map());
    expect(outcomes).toEqual([
      { host: 'hv1', outcome: 'failed', generation: 3, warnings: [], error: 'boom' },
      { host: 'hv2', outcome: 'running', generation: 4, warnings: ['w'] },
    ]);
  });

  it('is pending without an answer, and offline (since when) for a host the fleet has offline', () => {
    const outcomes = hostOutcomesOf([command('hv1', 3), command('hv2', 3)], [report('hv1', 'NetworkStoppedOnHost', 2)], new Map([['hv2', '2026-11-28T06:00:00.000Z']]));
    expect(outcomes[0]).toEqual({ host: 'hv1', outcome: 'pending', generation: 3, warnings: [] });
    expect(outcomes[1]).toMatchObject({ host: 'hv2', outcome: 'offline', offlineSince: '2026-11-28T06:00:00.000Z', error: expect.stringMatching(/offline since .* applies the command when it returns/) });
  });

  it('an answer beats being offline (it answered, then went away)', () => {
    expect(hostOutcomesOf([command('hv1', 3)], [report('hv1', 'NetworkStoppedOnHost', 3)], new Map([['hv1', 't']]))[0]?.outcome).toBe('stopped');
  });
});
