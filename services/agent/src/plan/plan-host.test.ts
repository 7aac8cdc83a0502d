import { describe, expect, it } from 'vitest';
import type { BridgeSpec, ControllerSpec, SslSpec } from './bridge-spec';
import type { ObservedBridge, ObservedController, ObservedSsl } from './observed-bridge';
import { planHost } from './plan-host';

// Given desired + observed, expect the exact ops (sample-controller's controller_test.go style).

function spec(overrides: Partial<BridgeSpec> = {}): BridgeSpec {
  return {
    network: 'ofnet',
    networkUuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b',
    generation: 3,
    bridge: 'dp0',
    datapathId: '0000000000000abc',
    description: 'rfovs',
    failMode: 'secure',
    controllers: [{ target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band' }],
    extraExternalIds: {},
    ...overrides,
  };
}

let uuidCounter = 0;
const nextUuid = (): string => `00000000-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}`;

function observedController(c: ControllerSpec, extra: Partial<ObservedController> = {}): ObservedController {
  return {
    uuid: nextUuid(),
    target: c.target,
    connectionMode: c.connectionMode,
    maxBackoffMs: c.maxBackoffMs,
    inactivityProbeMs: c.inactivityProbeMs,
    rateLimit: c.rateLimit,
    burstLimit: c.burstLimit,
    isConnected: false,
    ...extra,
  };
}

/** What OVS holds once `s` has been applied: the converged observation. */
function observedFrom(s: BridgeSpec): ObservedBridge {
  return {
    uuid: nextUuid(),
    name: s.bridge,
    externalIds: {
      ...s.extraExternalIds,
      'netfleet-owner': 'netfleet',
      'netfleet-network': s.network,
      'netfleet-uuid': s.networkUuid,
      'netfleet-generation': String(s.generation),
    },
    otherConfig: {
      ...(s.datapathId ? { 'datapath-id': s.datapathId } : {}),
      ...(s.description !== undefined ? { 'dp-desc': s.description } : {}),
    },
    failMode: s.failMode,
    controllers: s.controllers.map((c) => observedController(c)),
  };
}

function foreign(name: string): ObservedBridge {
  return { uuid: nextUuid(), name, externalIds: {}, otherConfig: {}, failMode: undefined, controllers: [] };
}

const pki: SslSpec = { privateKey: '/etc/nf/a-key.pem', certificate: '/etc/nf/a-cert.pem', caCert: '/etc/nf/ca.pem' };
const otherPki: SslSpec = { privateKey: '/etc/nf/b-key.pem', certificate: '/etc/nf/b-cert.pem', caCert: '/etc/nf/ca.pem' };
const observedSsl = (s: SslSpec, owned = true): ObservedSsl => ({
  uuid: nextUuid(),
  ...s,
  externalIds: owned ? { 'netfleet-owner': 'netfleet' } : {},
});

describe('planHost - create', () => {
  it('creates a missing bridge with every column, marks and controllers', () => {
    const desired = spec({
      controllers: [
        { target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band', maxBackoffMs: 2000, inactivityProbeMs: 0, rateLimit: 100, burstLimit: 25 },
        { target: 'ptcp:6634:127.0.0.1' },
      ],
      extraExternalIds: { 'netfleet-mfr-desc': 'ACME' },
    });
    expect(planHost([desired], [])).toEqual({
      ops: [
        {
          kind: 'add-bridge',
          bridge: 'dp0',
          failMode: 'secure',
          otherConfig: { 'datapath-id': '0000000000000abc', 'dp-desc': 'rfovs' },
          externalIds: {
            'netfleet-mfr-desc': 'ACME',
            'netfleet-owner': 'netfleet',
            'netfleet-network': 'ofnet',
            'netfleet-uuid': '3e3fce45-4f53-4fa7-bb32-11f34168b82b',
            'netfleet-generation': '3',
          },
          controllers: desired.controllers,
        },
      ],
      refusals: [],
      drift: [],
    });
  });

  it('creates a plain bridge (no controller, no datapath id, no fail mode)', () => {
    const plan = planHost([spec({ controllers: [], datapathId: undefined, description: undefined, failMode: undefined })], []);
    expect(plan.ops).toEqual([
      expect.objectContaining({ kind: 'add-bridge', bridge: 'dp0', otherConfig: {}, controllers: [] }),
    ]);
    expect(plan.ops[0]).not.toHaveProperty('failMode');
  });

  it('plans bridges in name order whatever order the specs came in', () => {
    const a = spec({ network: 'a', bridge: 'br-a' });
    const b = spec({ network: 'b', bridge: 'br-b' });
    expect(planHost([b, a], [])).toEqual(planHost([a, b], []));
    expect(planHost([b, a], []).ops.map((op) => ('bridge' in op ? op.bridge : ''))).toEqual(['br-a', 'br-b']);
  });
});

describe('planHost - converged (TestDoNothing)', () => {
  it('plans nothing when OVS already matches', () => {
    const desired = [
      spec(),
      spec({ network: 'plain', bridge: 'ovsbr0', controllers: [], datapathId: undefined, description: undefined, failMode: undefined }),
      spec({
        network: 'tuned',
        bridge: 'dp1',
        controllers: [
          { target: 'unix:/run/ctl.sock', maxBackoffMs: 1000, inactivityProbeMs: 5000, rateLimit: 200, burstLimit: 50 },
          { target: 'ptcp:6653:127.0.0.1' },
        ],
        extraExternalIds: { 'netfleet-sw-desc': 'x' },
      }),
    ];
    expect(planHost(desired, desired.map(observedFrom))).toEqual({ ops: [], refusals: [], drift: [] });
  });

  it('ignores controller order, connection state and keys it does not manage', () => {
    const desired = spec({ controllers: [{ target: 'tcp:127.0.0.1:1' }, { target: 'tcp:127.0.0.1:2' }] });
    const observed = observedFrom(desired);
    observed.controllers.reverse();
    observed.controllers[0]!.isConnected = true;
    observed.controllers[0]!.lastError = 'Connection refused';
    observed.otherConfig['hwaddr'] = '00:11:22:33:44:55';
    observed.externalIds['owner-note'] = 'ops team';
    expect(planHost([desired], [observed])).toEqual({ ops: [], refusals: [], drift: [] });
  });

  it('plans nothing for an empty host', () => {
    expect(planHost([], [])).toEqual({ ops: [], refusals: [], drift: [] });
  });
});

describe('planHost - update an owned bridge', () => {
  it('fixes a controller target changed by hand in place, and says so', () => {
    const desired = spec();
    const observed = observedFrom(desired);
    observed.controllers[0]!.target = 'tcp:127.0.0.1:9999';
    const uuid = observed.controllers[0]!.uuid;
    expect(planHost([desired], [observed])).toEqual({
      ops: [{ kind: 'update-controller', bridge: 'dp0', uuid, set: { target: 'tcp:127.0.0.1:6633' }, clear: [] }],
      refusals: [],
      drift: [{ network: 'ofnet', bridge: 'dp0', what: ['controller target tcp:127.0.0.1:9999 != tcp:127.0.0.1:6633'] }],
    });
  });

  it('sets and clears controller knobs without re-creating the row', () => {
    const desired = spec({ controllers: [{ target: 'tcp:127.0.0.1:6633', maxBackoffMs: 4000 }] });
    const observed = observedFrom(spec({ controllers: [{ target: 'tcp:127.0.0.1:6633', maxBackoffMs: 1000, rateLimit: 100, connectionMode: 'out-of-band' }] }));
    const uuid = observed.controllers[0]!.uuid;
    const plan = planHost([desired], [observed]);
    expect(plan.ops).toEqual([
      { kind: 'update-controller', bridge: 'dp0', uuid, set: { maxBackoffMs: 4000 }, clear: ['connectionMode', 'rateLimit'] },
    ]);
    expect(plan.drift[0]!.what).toEqual([
      'controller tcp:127.0.0.1:6633 connection_mode out-of-band != (none)',
      'controller tcp:127.0.0.1:6633 max_backoff 1000 != 4000',
      'controller tcp:127.0.0.1:6633 controller_rate_limit 100 != (none)',
    ]);
  });

  it('adds and removes controller rows when their number changes', () => {
    const before = spec({ controllers: [{ target: 'tcp:127.0.0.1:1' }, { target: 'tcp:127.0.0.1:2' }] });
    const observed = observedFrom(before);
    const [one, two] = observed.controllers as [ObservedController, ObservedController];

    const fewer = planHost([spec({ controllers: [{ target: 'tcp:127.0.0.1:2' }] })], [observed]);
    expect(fewer.ops).toEqual([{ kind: 'remove-controller', bridge: 'dp0', uuid: one.uuid }]);
    expect(fewer.drift[0]!.what).toEqual(['controller tcp:127.0.0.1:1 not desired']);

    const more = planHost([spec({ controllers: [{ target: 'tcp:127.0.0.1:1' }, { target: 'tcp:127.0.0.1:2' }, { target: 'ptcp:6653' }] })], [observed]);
    expect(more.ops).toEqual([{ kind: 'add-controller', bridge: 'dp0', controller: { target: 'ptcp:6653' } }]);

    const none = planHost([spec({ controllers: [] })], [observed]);
    expect(none.ops).toEqual([
      { kind: 'remove-controller', bridge: 'dp0', uuid: one.uuid },
      { kind: 'remove-controller', bridge: 'dp0', uuid: two.uuid },
    ]);
  });

  it('changes datapath id, description and fail mode, and removes what is no longer wanted', () => {
    const observed = observedFrom(spec({ extraExternalIds: { 'netfleet-hw-desc': 'old' } }));
    const desired = spec({ datapathId: '0000000000000def', description: undefined, failMode: undefined, generation: 4 });
    const plan = planHost([desired], [observed]);
    expect(plan.ops).toEqual([
      { kind: 'set-bridge', bridge: 'dp0', otherConfig: { 'datapath-id': '0000000000000def' }, externalIds: { 'netfleet-generation': '4' } },
      { kind: 'clear-fail-mode', bridge: 'dp0' },
      { kind: 'remove-bridge-keys', bridge: 'dp0', column: 'other_config', keys: ['dp-desc'] },
      { kind: 'remove-bridge-keys', bridge: 'dp0', column: 'external_ids', keys: ['netfleet-hw-desc'] },
    ]);
    expect(plan.drift).toEqual([
      {
        network: 'ofnet',
        bridge: 'dp0',
        what: [
          'datapath-id 0000000000000abc != 0000000000000def',
          'dp-desc rfovs != (none)',
          'external_ids:netfleet-generation 3 != 4',
          'external_ids:netfleet-hw-desc old != (none)',
          'fail_mode secure != (none)',
        ],
      },
    ]);
  });

  it('sets a fail mode that was missing', () => {
    const observed = observedFrom(spec({ failMode: undefined }));
    expect(planHost([spec({ failMode: 'standalone' })], [observed]).ops).toEqual([
      { kind: 'set-bridge', bridge: 'dp0', failMode: 'standalone' },
    ]);
  });
});

describe('planHost - ownership (TestNotControlledByUs)', () => {
  it('never touches a foreign bridge of the desired name, and refuses clearly', () => {
    const plan = planHost([spec()], [foreign('dp0')]);
    expect(plan.ops).toEqual([]);
    expect(plan.drift).toEqual([]);
    expect(plan.refusals).toEqual([
      {
        network: 'ofnet',
        bridge: 'dp0',
        code: 'NF_OVS_BRIDGE_FOREIGN',
        message: expect.stringMatching(/bridge dp0 already exists .* not created by netfleet .* will not touch it/),
      },
    ]);
  });

  it('deletes owned bridges nobody wants any more and ignores unmarked ones', () => {
    const gone = observedFrom(spec({ network: 'old', bridge: 'dp-old' }));
    const plan = planHost([spec()], [foreign('br-int'), gone, observedFrom(spec())]);
    expect(plan).toEqual({ ops: [{ kind: 'delete-bridge', bridge: 'dp-old' }], refusals: [], drift: [] });
  });

  it('does not count a bridge as owned by a different owner mark', () => {
    const other = observedFrom(spec());
    other.externalIds['netfleet-owner'] = 'someone-else';
    expect(planHost([], [other]).ops).toEqual([]);
    expect(planHost([spec()], [other]).refusals[0]!.code).toBe('NF_OVS_BRIDGE_FOREIGN');
  });

  it('takes over an owned bridge for another network by re-stamping it', () => {
    const observed = observedFrom(spec({ network: 'old', networkUuid: 'u-old' }));
    const plan = planHost([spec()], [observed]);
    expect(plan.ops).toEqual([
      {
        kind: 'set-bridge',
        bridge: 'dp0',
        externalIds: { 'netfleet-network': 'ofnet', 'netfleet-uuid': '3e3fce45-4f53-4fa7-bb32-11f34168b82b' },
      },
    ]);
  });
});

describe('planHost - refusals', () => {
  it('refuses a second network naming the same bridge, keeping the first', () => {
    const plan = planHost([spec({ network: 'zeta' }), spec({ network: 'alpha' })], []);
    expect(plan.ops).toEqual([expect.objectContaining({ kind: 'add-bridge', externalIds: expect.objectContaining({ 'netfleet-network': 'alpha' }) })]);
    expect(plan.refusals).toEqual([
      expect.objectContaining({ network: 'zeta', bridge: 'dp0', code: 'NF_OVS_BRIDGE_DUPLICATE' }),
    ]);
  });

  it('refuses an invalid spec alone, plans the others, and leaves its owned bridge alone', () => {
    const bad = spec({ network: 'bad', bridge: 'dp-bad', datapathId: '12g', controllers: [{ target: 'tcp:127.0.0.1:1', maxBackoffMs: 10 }] });
    const plan = planHost([bad, spec()], [observedFrom(spec({ network: 'bad', bridge: 'dp-bad' }))]);
    expect(plan.ops).toEqual([expect.objectContaining({ kind: 'add-bridge', bridge: 'dp0' })]);
    expect(plan.refusals).toEqual([
      {
        network: 'bad',
        bridge: 'dp-bad',
        code: 'NF_OVS_SPEC_INVALID',
        message: expect.stringMatching(/datapath id '12g' must be exactly 16 hex digits.*maxBackoffMs 10 must be an integer >= 1000/),
      },
    ]);
  });
});

describe('planHost - held networks', () => {
  it('leaves a held network\'s bridge exactly as it is — not created, changed or deleted — and plans the others', () => {
    const held = spec({ network: 'held', bridge: 'dp-held', description: 'wanted' });
    const drifted = observedFrom(spec({ network: 'held', bridge: 'dp-held', description: 'old' }));
    expect(planHost([held, spec()], [drifted], { held: new Set(['held']) })).toEqual({
      ops: [expect.objectContaining({ kind: 'add-bridge', bridge: 'dp0' })], refusals: [], drift: [],
    });
    expect(planHost([held], [], { held: new Set(['held']) }).ops).toEqual([]);
    // Not held any more: planned as usual.
    expect(planHost([held], [drifted]).ops).toEqual([{ kind: 'set-bridge', bridge: 'dp-held', otherConfig: { 'dp-desc': 'wanted' } }]);
  });
});

describe('planHost - SSL (one per host)', () => {
  const sslNet = (network: string, bridge: string, ssl: SslSpec): BridgeSpec =>
    spec({ network, bridge, ssl, controllers: [{ target: 'ssl:127.0.0.1:6653' }] });

  it('sets the SSL row in the same plan as the bridge', () => {
    const plan = planHost([sslNet('a', 'dp-a', pki)], []);
    expect(plan.ops.map((op) => op.kind)).toEqual(['set-ssl', 'add-bridge']);
    expect(plan.ops[0]).toEqual({ kind: 'set-ssl', ssl: pki });
  });

  it('does nothing when the host already has that PKI', () => {
    const desired = sslNet('a', 'dp-a', pki);
    expect(planHost([desired], [observedFrom(desired)], { observedSsl: observedSsl(pki) })).toEqual({ ops: [], refusals: [], drift: [] });
  });

  it('refuses a second network with different PKI (NF_OVS_PKI_CONFLICT)', () => {
    const plan = planHost([sslNet('b', 'dp-b', otherPki), sslNet('a', 'dp-a', pki)], []);
    expect(plan.ops.map((op) => [op.kind, 'bridge' in op ? op.bridge : ''])).toEqual([['set-ssl', ''], ['add-bridge', 'dp-a']]);
    expect(plan.refusals).toEqual([
      expect.objectContaining({ network: 'b', bridge: 'dp-b', code: 'NF_OVS_PKI_CONFLICT', message: expect.stringMatching(/one SSL configuration per host/) }),
    ]);
  });

  it('keeps the PKI the host already has when networks disagree', () => {
    const plan = planHost([sslNet('a', 'dp-a', pki), sslNet('b', 'dp-b', otherPki)], [], { observedSsl: observedSsl(otherPki) });
    expect(plan.ops.map((op) => op.kind)).toEqual(['add-bridge']);
    expect(plan.refusals.map((r) => r.network)).toEqual(['a']);
  });

  it('never replaces an SSL row netfleet did not make', () => {
    const plan = planHost([sslNet('a', 'dp-a', pki)], [], { observedSsl: observedSsl(otherPki, false) });
    expect(plan.ops).toEqual([]);
    expect(plan.refusals).toEqual([expect.objectContaining({ code: 'NF_OVS_PKI_CONFLICT', message: expect.stringMatching(/did not make/) })]);
  });

  it('refuses an ssl controller without any PKI', () => {
    const plan = planHost([spec({ controllers: [{ target: 'ssl:127.0.0.1:6653' }] })], []);
    expect(plan.ops).toEqual([]);
    expect(plan.refusals[0]!.code).toBe('NF_OVS_SSL_MISSING');
  });

  it('clears its own SSL row once no network needs it, but not a foreign one', () => {
    expect(planHost([spec()], [observedFrom(spec())], { observedSsl: observedSsl(pki) }).ops).toEqual([{ kind: 'clear-ssl' }]);
    expect(planHost([spec()], [observedFrom(spec())], { observedSsl: observedSsl(pki, false) }).ops).toEqual([]);
  });

  it('uses the host-wide PKI when given', () => {
    const plan = planHost([spec({ controllers: [{ target: 'ssl:127.0.0.1:6653' }] })], [], { ssl: pki });
    expect(plan.ops.map((op) => op.kind)).toEqual(['set-ssl', 'add-bridge']);
    expect(plan.refusals).toEqual([]);
  });
});
