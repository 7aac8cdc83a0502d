/** Linux's interface name limit (IFNAMSIZ 16, less the terminating NUL). */
export const MAX_INTERFACE_NAME_LENGTH = 15;

/**
 * Why `name` cannot be a Linux interface (and so an OVS bridge) name, or undefined when it can.
 * These are the kernel's own rules (dev_valid_name): the kernel also refuses ':'.
 */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (utf8Length(name) > MAX_INTERFACE_NAME_LENGTH) {
    return `must be at most ${MAX_INTERFACE_NAME_LENGTH} bytes (a Linux interface name)`;
  }
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  if (name.includes('/')) return "must not contain '/'";
  if (name.includes(':')) return "must not contain ':'";
  if (/[\s\u0000]/.test(name)) return 'must not contain whitespace';
  return undefined;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
