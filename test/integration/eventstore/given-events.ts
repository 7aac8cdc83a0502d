import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '@netfleet/events/event-envelope';

/** Events as the API and the agents record them, for store tests. */
export const meta = (over: Partial<EventMetadata> = {}): EventMetadata => ({
  actor: 'alice', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString(), ...over,
});

export const defined = (name: string, hosts: string[] = ['hv1'], m: Partial<EventMetadata> = {}, xml = `<network><name>${name}</name></network>`): NewEvent => ({
  eventId: randomUUID(), type: 'NetworkDefined', v: 1, metadata: meta(m),
  data: { name, uuid: randomUUID(), networkType: 'ovs-datapath', xml, hosts },
});

export const started = (name: string, hosts: string[] = ['hv1'], m: Partial<EventMetadata> = {}): NewEvent => ({
  eventId: randomUUID(), type: 'NetworkStarted', v: 1, metadata: meta(m), data: { name, hosts },
});

export const startedOnHost = (host: string, network: string, generation: number, correlationId: string): NewEvent => ({
  eventId: randomUUID(), type: 'NetworkStartedOnHost', v: 1,
  metadata: meta({ actor: `host:${host}`, source: `host:${host}`, correlationId, causationId: randomUUID() }),
  data: { host, network, generation, bridge: 'dp0', warnings: [] },
});
