import { describe, expect, it } from 'vitest';
import { toCloudEvent } from '@netfleet/events/cloud-event';
import { virshTime } from '../output/virsh-time';
import { describeEvent } from './event-command';

// What the stream carries: the event's CloudEvents envelope.
const event = (type: string, data: unknown) => toCloudEvent({
  eventId: 'e', type, v: 1, data, position: 1, streamId: type.startsWith('Network') && !type.endsWith('OnHost') ? 'network:n' : 'host:h', streamVersion: 1,
  recordedAt: '2026-11-28T06:00:00.124Z', metadata: { occurredAt: '2026-11-28T06:00:00.123Z', actor: 'a', source: 'api', correlationId: 'c' },
}, 'http://127.0.0.1:8080');

describe('net-event output', () => {
  it('names network lifecycle events as virsh does', () => {
    expect(describeEvent(event('NetworkStarted', { name: 'default' }), false)).toBe("event 'lifecycle' for network default: Started");
    expect(describeEvent(event('NetworkDestroyed', { name: 'default' }), false)).toBe("event 'lifecycle' for network default: Stopped");
    expect(describeEvent(event('NetworkUndefined', { name: 'default' }), false)).toBe("event 'lifecycle' for network default: Undefined");
  });

  it('adds the host dimension, and other events only when asked', () => {
    expect(describeEvent(event('NetworkFailedOnHost', { network: 'ofnet', host: 'hv2' }), false)).toBe("event 'host-lifecycle' for network ofnet on hv2: Failed");
    expect(describeEvent(event('DriftDetected', { network: 'ofnet', host: 'hv2' }), false)).toBeUndefined();
    expect(describeEvent(event('DriftDetected', { network: 'ofnet', host: 'hv2' }), true)).toBe("event 'DriftDetected' for network ofnet on hv2");
  });

  it('prints times as virsh --timestamp does', () => {
    expect(virshTime('2026-11-28T06:00:00.123Z')).toBe('2026-11-28 06:00:00.123+0000');
  });
});
