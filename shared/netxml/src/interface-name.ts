/** Linux's interface name limit (IFNAMSIZ 16, less the terminating NUL). */
export const MAX_INTERFACE_NAME_LENGTH = 15;

/**
 * Why `name` cannot be a Linux interface (and so an OVS bridge) name, or undefined when it can.
 * - the kernel's dev_valid_name: 1–15 bytes, not `.`/`..`, no `/`, `:` or whitespace;
 * - the kernel reads `%d` in a new name as a template (`br%d` → `br0`), so no `%`;
 * - printable ASCII only: the kernel's isspace() also matches byte 0xA0, which UTF-8 uses
 *   inside other characters, and control characters break every tool that prints names;
 * - not all digits: iproute2 and systemd read a number as an interface index (systemd's
 *   ifname_valid refuses all of the above too);
 * - not starting with `-`: the name is an argument of ovs-vsctl, ip and the like, which would
 *   take it for an option (`--`, `-x`).
 */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (utf8Length(name) > MAX_INTERFACE_NAME_LENGTH) {
    return `must be at most ${MAX_INTERFACE_NAME_LENGTH} bytes (a Linux interface name)`;
  }
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  if (/\s/.test(name)) return 'must not contain whitespace';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'must not contain control characters';
  if (/[^\u0021-\u007e]/.test(name)) return 'must be printable ASCII (the kernel and OVS tools handle nothing else safely)';
  for (const forbidden of ['/', ':', '%']) {
    if (name.includes(forbidden)) return `must not contain '${forbidden}'${WHY[forbidden]}`;
  }
  if (name.startsWith('-')) return "must not start with '-' (tools would read it as an option)";
  if (/^[0-9]+$/.test(name)) return 'must not be all digits (tools read a number as an interface index)';
  return undefined;
}

const WHY: Record<string, string> = {
  '/': '',
  ':': ' (the kernel refuses it: it marks interface aliases)',
  '%': " (the kernel reads '%d' as a name template)",
};

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
