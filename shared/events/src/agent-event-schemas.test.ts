import { describe, expect, it } from 'vitest';
import { checkAgentEvent } from './agent-event-schemas';

const stopped = () => ({
  type: 'NetworkStoppedOnHost', v: 1, data: { host: 'hv1', network: 'n1', generation: 2 },
  eventId: '0b6f7c1e-4d2a-4f3b-9a51-1c2d3e4f5a6b', host: 'hv1', correlationId: 'c-1', causationId: 'x', occurredAt: '2026-12-01T10:00:00.123Z',
});

describe('checkAgentEvent', () => {
  it('takes an event as the agent sends it', () => {
    expect(checkAgentEvent(stopped())).toMatchObject({ ok: true });
    expect(checkAgentEvent({ ...stopped(), type: 'AgentStarted', data: { host: 'hv1', agentVersion: '0.0.0' } })).toMatchObject({ ok: true });
  });

  it.each([
    ['an event id that is not a UUID', { eventId: 'not-a-uuid' }, /eventId/],
    ['a type no agent reports', { type: 'HostRegistered' }, /not an event an agent may report/],
    ['a missing field', { data: { host: 'hv1', network: 'n1' } }, /generation/],
    ['a wrong type of field', { data: { host: 'hv1', network: 'n1', generation: '2' } }, /generation/],
    ['an unknown field', { extra: 1 }, /extra/],
    ['a NUL in a name', { data: { host: 'hv1', network: 'n\u00001', generation: 2 } }, /network/],
    ['a huge list', { type: 'DriftDetected', data: { host: 'hv1', network: 'n1', generation: 1, bridge: 'b', repaired: true, differences: Array(500).fill('x') } }, /differences/],
    ['a time that is not ISO-8601', { occurredAt: 'yesterday' }, /occurredAt/],
  ])('refuses %s, saying where', (_what, change, reason) => {
    const check = checkAgentEvent({ ...stopped(), ...change });
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 1, 'x', []]) expect(checkAgentEvent(value)).toMatchObject({ ok: false });
  });
});
