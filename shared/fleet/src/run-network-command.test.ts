import { describe, expect, it } from 'vitest';
import type { EventMetadata } from '@netfleet/events/event-envelope';
import type { NetworkCommand } from './decide';
import { runNetworkCommand, type NetworkCommandContext, type NetworkCommandState } from './run-network-command';

const XML = "<network type='ovs-datapath'>\n  <name>ofnet</name>\n  <datapath name='dp0'/>\n</network>\n";
const metadata: EventMetadata = { actor: 'otto', source: 'api', correlationId: 'corr-1', occurredAt: '2026-11-28T06:00:00.000Z' };

/** Ids from counters: the pipeline takes every id and the time from its caller. */
function context(): NetworkCommandContext {
  let n = 0;
  return { metadata, eventIdOf: (i) => `event-${i}`, newId: () => `cmd-${++n}` };
}

/** Runs commands one after the other, each on the state the previous one left. */
function run(...commands: NetworkCommand[]) {
  let state: NetworkCommandState = { view: undefined, streamVersion: 0, bridgesInUse: [] };
  let outcome = runNetworkCommand(commands[0]!, state, context());
  for (const command of commands.slice(1)) {
    state = { ...state, view: outcome.view, streamVersion: state.streamVersion + outcome.events.length };
    outcome = runNetworkCommand(command, state, context());
  }
  return outcome;
}

const definition = (hosts = ['hv1', 'hv2']) => ({ name: 'ofnet', uuid: 'u-1', networkType: 'ovs-datapath' as const, xml: XML, hosts });
const define = (hosts?: string[]): NetworkCommand => ({ type: 'DefineNetwork', ...definition(hosts) });
const start: NetworkCommand = { type: 'StartNetwork', name: 'ofnet' };
const apply = (host: string, desired: 'running' | 'stopped', generation: number, commandId: string) => ({
  type: 'ApplyNetwork', v: 1, commandId, correlationId: 'corr-1', host, network: 'ofnet', uuid: 'u-1', generation, desired, autostart: false, xml: XML, issuedAt: metadata.occurredAt,
});

describe('runNetworkCommand', () => {
  it('turns a start into its events (ids, metadata, stream versions) and one ApplyNetwork per placed host', () => {
    const outcome = run(define(), start);
    expect(outcome.events).toEqual([{ type: 'NetworkStarted', v: 1, data: { name: 'ofnet', hosts: ['hv1', 'hv2'] }, eventId: 'event-0', metadata, streamVersion: 2 }]);
    expect(outcome.hostCommands).toEqual([apply('hv1', 'running', 2, 'cmd-1'), apply('hv2', 'running', 2, 'cmd-2')]);
    expect(outcome.view).toMatchObject({ active: true, generation: 2, version: 2 });
    expect(Object.values(outcome.view!.perHost).map((h) => [h.host, h.desired, h.observed])).toEqual([['hv1', 'running', 'pending'], ['hv2', 'running', 'pending']]);
  });

  it('tells no host anything about a definition that does not run, nor about autostart', () => {
    expect(run(define()).hostCommands).toEqual([]);
    expect(run(define(), { type: 'SetAutostart', name: 'ofnet', autostart: true }).hostCommands).toEqual([]);
  });

  it('tells a running network\'s hosts its new autostart (for their libvirt), at the same generation', () => {
    const commands = run(define(), start, { type: 'SetAutostart', name: 'ofnet', autostart: true }).hostCommands;
    expect(commands.map((c) => [c.host, c.desired, c.generation, c.autostart])).toEqual([['hv1', 'running', 2, true], ['hv2', 'running', 2, true]]);
  });

  it('re-applies a redefinition of a running network on its hosts', () => {
    expect(run(define(), start, define([])).hostCommands.map((c) => [c.host, c.desired, c.generation])).toEqual([['hv1', 'running', 3], ['hv2', 'running', 3]]);
  });

  it('a placement change of a running network starts it on the new hosts and stops it on those left out', () => {
    const outcome = run(define(), start, { type: 'ChangePlacement', name: 'ofnet', hosts: ['hv2', 'hv3'] });
    expect(outcome.hostCommands.map((c) => [c.host, c.desired, c.generation])).toEqual([['hv2', 'running', 3], ['hv3', 'running', 3], ['hv1', 'stopped', 3]]);
    expect(outcome.view?.perHost['hv1']).toMatchObject({ desired: 'stopped', observed: 'pending' });
  });

  it('undefine --destroy stops it on every host, and the network is gone', () => {
    const outcome = run(define(), start, { type: 'UndefineNetwork', name: 'ofnet', destroyFirst: true });
    expect(outcome.events.map((e) => [e.type, e.eventId, e.streamVersion])).toEqual([['NetworkDestroyed', 'event-0', 3], ['NetworkUndefined', 'event-1', 4]]);
    expect(outcome.hostCommands.map((c) => [c.host, c.desired, c.generation])).toEqual([['hv1', 'stopped', 3], ['hv2', 'stopped', 3]]);
    expect(outcome.view).toBeUndefined();
  });

  it('net-create starts the transient network at once', () => {
    const outcome = run({ type: 'CreateNetwork', ...definition(['hv2']) });
    expect(outcome.events.map((e) => e.type)).toEqual(['NetworkDefined', 'NetworkStarted']);
    expect(outcome.hostCommands.map((c) => [c.host, c.desired, c.generation])).toEqual([['hv2', 'running', 2]]);
    expect(outcome.view).toMatchObject({ persistent: false, active: true });
  });

  it('continues a stream that outlived its view (defined again after an undefine)', () => {
    const outcome = runNetworkCommand(define(), { view: undefined, streamVersion: 7, bridgesInUse: [] }, context());
    expect(outcome.events[0]?.streamVersion).toBe(8);
    expect(outcome.view).toMatchObject({ version: 8, generation: 8 });
  });

  it('refuses as the decider does, with nothing to record', () => {
    expect(() => runNetworkCommand(start, { view: undefined, streamVersion: 0, bridgesInUse: [] }, context())).toThrow(/network 'ofnet' is not defined/);
  });
});
