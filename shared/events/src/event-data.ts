/**
 * An event family's `{ type, v, data }` union, from one map of each type to its data: a new
 * event type is one line in that map, and the union (what decide/evolve switch on) follows.
 */
export type EventDataOf<DataByType> = {
  [T in keyof DataByType & string]: { type: T; v: 1; data: DataByType[T] };
}[keyof DataByType & string];

/** A guard for one family's type names (an object of name constants, `as const`). */
export function eventTypeGuard<Types extends Record<string, string>>(types: Types): (type: string) => type is Types[keyof Types] {
  const names = new Set<string>(Object.values(types));
  return (type: string): type is Types[keyof Types] => names.has(type);
}
