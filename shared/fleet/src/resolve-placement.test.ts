import { describe, expect, it } from 'vitest';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { HostView } from './fleet-view';
import { parseSelector, resolvePlacement } from './resolve-placement';

const host = (name: string, labels: Record<string, string>): HostView => ({ name, labels, registered: true, online: true, since: '', agentVersion: null });
const fleet = [host('hv1', { rack: 'a' }), host('hv2', { rack: 'a', zone: '2' }), host('hv3', { rack: 'b' })];
const codeOf = (fn: () => unknown) => { try { fn(); return 'none'; } catch (e) { return (e as NetfleetError).code; } };

describe('resolvePlacement', () => {
  it('takes named hosts and every host matching a selector, once each', () => {
    expect(resolvePlacement(['hv3'], ['rack=a'], fleet)).toEqual(['hv1', 'hv2', 'hv3']);
    expect(resolvePlacement([], ['rack=a,zone=2'], fleet)).toEqual(['hv2']);
    expect(resolvePlacement(['hv1', 'hv1'], [], fleet)).toEqual(['hv1']);
  });

  it('refuses unknown hosts, selectors that match nothing, and malformed selectors', () => {
    expect(codeOf(() => resolvePlacement(['hv9'], [], fleet))).toBe('NF_HOST_UNKNOWN');
    expect(codeOf(() => resolvePlacement([], ['rack=z'], fleet))).toBe('NF_HOST_NO_MATCH');
    expect(codeOf(() => parseSelector('rack'))).toBe('NF_HOST_BAD_SELECTOR');
  });
});
