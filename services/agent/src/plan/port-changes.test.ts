import { describe, expect, it } from 'vitest';
import { portChanges, portKey, type ObservedPort } from './port-changes';

const vm: ObservedPort = { network: 'ofnet', bridge: 'dp0', interface: 'vnet0', mac: '52:54:00:00:00:01', vmUuid: '5a972ef6-310e-41ef-94df-4a3f372b3b76' };
const known = (...ports: ObservedPort[]) => new Map(ports.map((p) => [portKey(p), p]));

describe('portChanges', () => {
  it('a new port is attached, a vanished one detached, an unchanged one neither', () => {
    expect(portChanges(known(), [vm])).toEqual({ attached: [vm], detached: [] });
    expect(portChanges(known(vm), [])).toEqual({ attached: [], detached: [vm] });
    expect(portChanges(known(vm), [vm])).toEqual({ attached: [], detached: [] });
  });

  it('the same interface now of another VM is attached again', () => {
    const other = { ...vm, vmUuid: '6b972ef6-310e-41ef-94df-4a3f372b3b77', mac: '52:54:00:00:00:02' };
    expect(portChanges(known(vm), [other])).toEqual({ attached: [other], detached: [] });
  });
});
