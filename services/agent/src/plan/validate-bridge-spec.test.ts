import { describe, expect, it } from 'vitest';
import type { BridgeSpec } from './bridge-spec';
import { needsSsl, validateBridgeSpec } from './validate-bridge-spec';

const base: BridgeSpec = {
  network: 'ofnet',
  networkUuid: 'u',
  generation: 1,
  bridge: 'dp0',
  controllers: [],
  extraExternalIds: {},
};

describe('validateBridgeSpec', () => {
  it('accepts a good spec', () => {
    expect(
      validateBridgeSpec({
        ...base,
        datapathId: '0000000000000ABC',
        description: 'x'.repeat(255),
        controllers: [
          { target: 'tcp:[::1]:6633', maxBackoffMs: 1000, inactivityProbeMs: 0, rateLimit: 100, burstLimit: 25 },
          { target: 'punix:/run/openvswitch/dp0.ctl' },
        ],
        extraExternalIds: { 'netfleet-mfr-desc': 'ACME' },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ bridge: '' }, /bridge name '' must be 1-15/],
    [{ bridge: 'a-very-long-name' }, /bridge name/],
    [{ bridge: 'a/b' }, /bridge name/],
    [{ bridge: '..' }, /bridge name/],
    [{ bridge: '-x' }, /bridge name '-x' must not begin with '-'/],
    [{ generation: -1 }, /generation -1/],
    [{ datapathId: 'abc' }, /datapath id 'abc' must be exactly 16 hex digits/],
    [{ datapathId: '0000000000000000' }, /must not be all zeros/],
    [{ description: 'x'.repeat(256) }, /shorter than 256 bytes/],
    [{ controllers: [{ target: 'http://x' }] }, /target must be tcp:/],
    [{ controllers: [{ target: 'tcp:127.0.0.1:1', rateLimit: 99 }] }, /rateLimit 99 must be an integer >= 100/],
    [{ controllers: [{ target: 'tcp:127.0.0.1:1', burstLimit: 1.5 }] }, /burstLimit 1.5/],
    [{ controllers: [{ target: 'tcp:127.0.0.1:1' }, { target: 'tcp:127.0.0.1:1' }] }, /listed twice/],
    [{ extraExternalIds: { 'netfleet-owner': 'me' } }, /reserved/],
  ] as [Partial<BridgeSpec>, RegExp][])('rejects %j', (patch, message) => {
    const problems = validateBridgeSpec({ ...base, ...patch });
    expect(problems.join('; ')).toMatch(message);
  });
});

describe('needsSsl', () => {
  it('is true for ssl: and pssl: only', () => {
    expect(['ssl:1.2.3.4:6653', 'pssl:6653', 'tcp:1.2.3.4:1', 'unix:/x'].map(needsSsl)).toEqual([true, true, false, false]);
  });
});
