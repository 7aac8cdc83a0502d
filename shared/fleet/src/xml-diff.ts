import { createTwoFilesPatch } from 'diff';

/** A unified diff between two definitions, as auditors read it (`-`/`+` lines). */
export function xmlDiff(name: string, before: string, after: string): string {
  return createTwoFilesPatch(`${name}.xml (before)`, `${name}.xml (after)`, before, after, '', '', { context: 3 });
}
