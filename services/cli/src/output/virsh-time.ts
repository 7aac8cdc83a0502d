/** `2026-11-28 06:00:00.123+0000`, as `virsh net-event --timestamp` prints a time. */
export function virshTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().replace('T', ' ').replace('Z', '')}+0000`;
}
