/**
 * Names a host cannot have, because its agent's NATS user would be someone else's: the API's own
 * user (configured, NETFLEET_NATS_USER), and the users nats-server deployments conventionally keep
 * for the system account (`$SYS`: `sys`, `system`). `$`, `.`, `*`, `>` and spaces never reach here:
 * a host name is a subject token (names.ts). Compared without case, since a NATS config is read by
 * people too and `API` next to `api` is a trap.
 */
const ALWAYS_RESERVED = ['sys', 'system', 'api'];

export function reservedHostNameReason(host: string, apiUser: string | undefined): string | undefined {
  const lower = host.toLowerCase();
  if (apiUser !== undefined && lower === apiUser.toLowerCase()) return `'${host}' is the API's own NATS user`;
  if (ALWAYS_RESERVED.includes(lower)) return `'${host}' is kept for nats-server's system account and the API`;
  return undefined;
}
