/**
 * Columns of one bridge as `ovs-vsctl get` prints them (quotes and all), as one object, so a test
 * states what OVS should hold in one toEqual and a mismatch shows every column at once.
 */
export async function bridgeColumns(vsctl: (...args: string[]) => Promise<string>, bridge: string, columns: readonly string[]): Promise<Record<string, string>> {
  const values = await Promise.all(columns.map((column) => vsctl('get', 'bridge', bridge, column)));
  return Object.fromEntries(columns.map((column, i) => [column, values[i]!]));
}
