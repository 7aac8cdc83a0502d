import { describe, expect, it } from 'vitest';
import { reportIncomplete } from './wait-output';
import type { CommandAnswer } from '@netfleet/api-types/network-answers';

const answer = (hosts: CommandAnswer['hosts']): CommandAnswer => ({ network: 'n', correlationId: 'c', version: 2, generation: 2, duplicate: false, events: [], hosts, complete: false });
const capture = () => {
  const io = { lines: [] as string[], code: 0, out: () => {}, err: (t: string) => { io.lines.push(t); }, setExitCode: (c: number) => { io.code = c; } };
  return io;
};

describe('--wait outcome report', () => {
  it('names each failed, offline and silent host and exits non-zero', () => {
    const io = capture();
    reportIncomplete(answer([
      { host: 'hv1', outcome: 'running', generation: 2, warnings: [] },
      { host: 'hv2', outcome: 'failed', generation: 2, error: 'ovs-vsctl: no bridge', warnings: [] },
      { host: 'hv3', outcome: 'offline', generation: 2, warnings: [] },
      { host: 'hv4', outcome: 'pending', generation: 2, warnings: [] },
    ]), 30, io);
    expect(io.lines.join('')).toBe([
      'error: host hv2 failed: ovs-vsctl: no bridge\n',
      'error: host hv3 is offline; the command stays recorded and it applies it when it returns\n',
      'error: no answer within 30 s from hv4; the command stays recorded and those hosts apply it when they can\n',
    ].join(''));
    expect(io.code).toBe(1);
  });

  it('says nothing when every host applied it', () => {
    const io = capture();
    reportIncomplete(answer([{ host: 'hv1', outcome: 'stopped', generation: 3, warnings: [] }]), 30, io);
    expect(io.lines).toEqual([]);
    expect(io.code).toBe(0);
  });
});
