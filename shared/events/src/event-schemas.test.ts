import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EVENT_DATA_SCHEMAS, dataSchemaFor, latestVersionOf } from './event-schemas';
import { HostEventType } from './host-events';
import { NetworkEventType } from './network-events';
import { UPCASTERS } from './upcasters';

const ALL_TYPES = [...Object.values(NetworkEventType), ...Object.values(HostEventType)];

describe('event data schemas', () => {
  it('has a schema for every event type, and nothing else', () => {
    expect(Object.keys(EVENT_DATA_SCHEMAS).sort()).toEqual([...ALL_TYPES].sort());
  });

  it.each(ALL_TYPES)('%s: versions 1..latest without gaps, each compiling, with an upcaster from every older one', (type) => {
    const latest = latestVersionOf(type)!;
    const ajv = new Ajv({ strict: true });
    for (let v = 1; v <= latest; v++) {
      expect(dataSchemaFor(type, v), `${type} v${v}`).toBeDefined();
      expect(() => ajv.compile(dataSchemaFor(type, v)!)).not.toThrow();
      if (v < latest) expect(UPCASTERS.get(type)?.get(v), `upcaster ${type} v${v} → v${v + 1}`).toBeTypeOf('function');
    }
    // No upcaster past the newest version: it would produce data no schema describes.
    expect(UPCASTERS.get(type)?.get(latest)).toBeUndefined();
  });

  it('accepts real payloads and refuses broken ones', () => {
    const ajv = new Ajv({ strict: true });
    const started = ajv.compile(dataSchemaFor('NetworkStarted', 1)!);
    expect(started({ name: 'ofnet', hosts: ['hv1'] })).toBe(true);
    expect(started({ name: 'ofnet' })).toBe(false);
    const offline = ajv.compile(dataSchemaFor('HostWentOffline', 1)!);
    expect(offline({ host: 'hv1', lastSeen: '2026-12-01T00:00:00.000Z' })).toBe(true);
    expect(dataSchemaFor('NoSuchEvent', 1)).toBeUndefined();
    expect(dataSchemaFor('NetworkStarted', 9)).toBeUndefined();
  });
});
