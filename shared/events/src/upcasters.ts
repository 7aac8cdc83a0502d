import type { RecordedEvent } from './event-envelope';

/** Turns one event type's data at version v into its data at v + 1. Pure. */
export type Upcaster = (data: unknown) => unknown;

/** (type, v) → the function to v + 1. */
export type UpcasterRegistry = ReadonlyMap<string, ReadonlyMap<number, Upcaster>>;

/** Builds a registry from `{ type, from, to: (data) => data' }` entries (each from v to v + 1). */
export function upcasterRegistry(entries: readonly { type: string; from: number; upcast: Upcaster }[]): UpcasterRegistry {
  const registry = new Map<string, Map<number, Upcaster>>();
  for (const entry of entries) {
    const byVersion = registry.get(entry.type) ?? new Map<number, Upcaster>();
    if (byVersion.has(entry.from)) throw new Error(`two upcasters for ${entry.type} v${entry.from}`);
    byVersion.set(entry.from, entry.upcast);
    registry.set(entry.type, byVersion);
  }
  return registry;
}

/**
 * netfleet's upcasters. Every event type is still at v1, so none yet: when a type's data changes,
 * add its v2 schema in event-schemas.ts and its v1 → v2 function here; rows written as v1 are then
 * read (and sent) as v2, and the old rows are never rewritten.
 */
export const UPCASTERS: UpcasterRegistry = upcasterRegistry([]);

/** The event with its data brought to the newest version the registry knows. Pure. */
export function upcast<E extends RecordedEvent>(event: E, registry: UpcasterRegistry = UPCASTERS): E {
  const steps = registry.get(event.type);
  if (!steps) return event;
  let { v, data } = event as { v: number; data: unknown };
  for (let step = steps.get(v); step; step = steps.get(v)) {
    data = step(data);
    v += 1;
  }
  return v === event.v ? event : { ...event, v, data };
}
