import { describe, expect, it } from 'vitest';
import { parseObservedHost } from './observe-bridges';

// Captured from OVS 3.1 (`ovs-vsctl --format=json` with OBSERVE_ARGS): a set of one element is
// the bare atom, an empty optional column is ["set",[]].
const stdout = [
  JSON.stringify({
    headings: ['_uuid', 'name', 'external_ids', 'other_config', 'fail_mode', 'controller'],
    data: [
      [['uuid', 'b1'], 'dp0', ['map', [['netfleet-owner', 'netfleet']]], ['map', [['datapath-id', '0000000000000abc']]], 'secure',
        ['set', [['uuid', 'c2'], ['uuid', 'c1']]]],
      [['uuid', 'b0'], 'br-int', ['map', []], ['map', []], ['set', []], ['uuid', 'c3']],
    ],
  }),
  JSON.stringify({
    headings: ['_uuid', 'target', 'connection_mode', 'max_backoff', 'inactivity_probe', 'controller_rate_limit', 'controller_burst_limit', 'is_connected', 'role', 'status'],
    data: [
      [['uuid', 'c1'], 'tcp:127.0.0.1:6633', 'out-of-band', 2000, 0, 100, 25, true, 'master', ['map', [['state', 'ACTIVE'], ['sec_since_connect', '3']]]],
      [['uuid', 'c2'], 'ptcp:6634:127.0.0.1', ['set', []], ['set', []], ['set', []], ['set', []], ['set', []], false, ['set', []], ['map', [['last_error', 'Connection refused'], ['state', 'BACKOFF']]]],
      [['uuid', 'c3'], 'unix:/x', ['set', []], ['set', []], ['set', []], ['set', []], ['set', []], false, ['set', []], ['map', []]],
    ],
  }),
  JSON.stringify({ headings: ['ssl'], data: [[['uuid', 's1']]] }),
  JSON.stringify({
    headings: ['_uuid', 'private_key', 'certificate', 'ca_cert', 'external_ids'],
    data: [[['uuid', 's1'], '/k.pem', '/c.pem', '/ca.pem', ['map', [['netfleet-owner', 'netfleet']]]]],
  }),
  '',
].join('\n');

describe('parseObservedHost', () => {
  it('reads bridges with their controllers and the SSL row', () => {
    expect(parseObservedHost(stdout)).toEqual({
      bridges: [
        { uuid: 'b0', name: 'br-int', externalIds: {}, otherConfig: {}, failMode: undefined,
          controllers: [{ uuid: 'c3', target: 'unix:/x', connectionMode: undefined, maxBackoffMs: undefined, inactivityProbeMs: undefined, rateLimit: undefined, burstLimit: undefined, isConnected: false }] },
        {
          uuid: 'b1', name: 'dp0', externalIds: { 'netfleet-owner': 'netfleet' }, otherConfig: { 'datapath-id': '0000000000000abc' }, failMode: 'secure',
          controllers: [
            { uuid: 'c2', target: 'ptcp:6634:127.0.0.1', connectionMode: undefined, maxBackoffMs: undefined, inactivityProbeMs: undefined, rateLimit: undefined, burstLimit: undefined, isConnected: false, lastError: 'Connection refused', state: 'BACKOFF' },
            { uuid: 'c1', target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band', maxBackoffMs: 2000, inactivityProbeMs: 0, rateLimit: 100, burstLimit: 25, isConnected: true, state: 'ACTIVE', role: 'master' },
          ],
        },
      ],
      ssl: { uuid: 's1', privateKey: '/k.pem', certificate: '/c.pem', caCert: '/ca.pem', externalIds: { 'netfleet-owner': 'netfleet' } },
    });
  });

  it('reads an empty host', () => {
    const empty = ['bridge', 'controller', 'ovs', 'ssl'].map(() => JSON.stringify({ headings: ['_uuid'], data: [] })).join('\n');
    expect(parseObservedHost(empty)).toEqual({ bridges: [], ssl: undefined });
  });

  it('refuses output that is not four tables, not JSON, or a row without a uuid, as NF_OVS_PROTOCOL', () => {
    const protocol = (message: RegExp) => expect.objectContaining({ name: 'NetfleetError', code: 'NF_OVS_PROTOCOL', message: expect.stringMatching(message) });
    expect(() => parseObservedHost('')).toThrow(protocol(/0 tables where 4 were asked for/));
    expect(() => parseObservedHost('ovs-vsctl: hello\n')).toThrow(protocol(/not JSON/));
    expect(() => parseObservedHost('[1,2]\n')).toThrow(protocol(/not a table/));
    const noUuid = [JSON.stringify({ headings: ['_uuid', 'name'], data: [[7, 'dp0']] }), ...['c', 'o', 's'].map(() => JSON.stringify({ headings: ['_uuid'], data: [] }))].join('\n');
    expect(() => parseObservedHost(noUuid)).toThrow(protocol(/where a uuid belongs/));
  });
});
