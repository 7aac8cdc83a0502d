import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * Reading `ovs-vsctl --format=json` output (RFC 7047 values): an atom is a string, number or
 * boolean, or ["uuid", "…"] / ["named-uuid", "…"]; a set is ["set", [atoms]] — except a set of
 * exactly one element, which is written as the bare atom; a map is ["map", [[key, value], …]].
 * Chained `list` commands print one `{"headings": [...], "data": [[...], ...]}` object per line.
 */

export type OvsdbAtom = string | number | boolean | ['uuid', string] | ['named-uuid', string];
export type OvsdbValue = OvsdbAtom | ['set', OvsdbAtom[]] | ['map', [OvsdbAtom, OvsdbAtom][]];
export type OvsdbRow = Record<string, OvsdbValue>;

interface ListTable {
  headings: string[];
  data: OvsdbValue[][];
}

/** Splits the stdout of chained `--format=json list` commands into one row list per command. */
export function parseListOutputs(stdout: string): OvsdbRow[][] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      let table: ListTable;
      try {
        table = JSON.parse(line) as ListTable;
      } catch (e) {
        throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `ovs-vsctl printed a line that is not JSON: ${line.slice(0, 200)}` }, e);
      }
      if (table === null || typeof table !== 'object' || !Array.isArray(table.headings) || !Array.isArray(table.data)) {
        throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `ovs-vsctl printed JSON that is not a table: ${line.slice(0, 200)}` });
      }
      return table.data.map((cells) => {
        const row: OvsdbRow = {};
        table.headings.forEach((heading, i) => {
          row[heading] = cells[i] as OvsdbValue;
        });
        return row;
      });
    });
}

function isTagged(value: unknown, tag: string): value is [string, unknown] {
  return Array.isArray(value) && value.length === 2 && value[0] === tag;
}

/** The elements of a set column (a bare atom is a set of one). */
export function setOf(value: OvsdbValue | undefined): OvsdbAtom[] {
  if (value === undefined) return [];
  if (isTagged(value, 'set')) return value[1] as OvsdbAtom[];
  return [value as OvsdbAtom];
}

/** An optional (0..1) column: its atom, or undefined when the set is empty. */
export function optional(value: OvsdbValue | undefined): OvsdbAtom | undefined {
  return setOf(value)[0];
}

export function mapOf(value: OvsdbValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || !isTagged(value, 'map')) return out;
  for (const [key, val] of value[1] as [OvsdbAtom, OvsdbAtom][]) out[atomText(key)] = atomText(val);
  return out;
}

/** A uuid atom's text (also accepts a plain string). */
export function uuidOf(atom: OvsdbAtom | OvsdbValue | undefined): string {
  if (isTagged(atom, 'uuid') || isTagged(atom, 'named-uuid')) return atom[1] as string;
  if (typeof atom === 'string') return atom;
  throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `OVS sent ${JSON.stringify(atom)} where a uuid belongs` });
}

function atomText(atom: OvsdbAtom): string {
  if (Array.isArray(atom)) return atom[1];
  return String(atom);
}

export function stringOf(value: OvsdbValue | undefined): string | undefined {
  const atom = optional(value);
  return atom === undefined ? undefined : atomText(atom);
}

export function integerOf(value: OvsdbValue | undefined): number | undefined {
  const atom = optional(value);
  return typeof atom === 'number' ? atom : undefined;
}

export function booleanOf(value: OvsdbValue | undefined): boolean {
  return optional(value) === true;
}
