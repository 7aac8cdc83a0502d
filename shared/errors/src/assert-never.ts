/**
 * The default of a switch over a closed union: a member added without a case stops the
 * typecheck here, instead of being ignored silently.
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
