import { readFile } from 'node:fs/promises';
import { until } from '../../support/until';

/** The log file's text, '' while it does not exist yet. */
export const readLog = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');

/**
 * Waits until `path` contains `marker` (a short poll: a log announces nothing), failing early
 * with the log's tail when `exited()` says the process is gone.
 */
export async function untilLogged(path: string, marker: string | RegExp, what: string, exited: () => boolean, timeoutMs = 30_000): Promise<void> {
  const found = (text: string) => (typeof marker === 'string' ? text.includes(marker) : marker.test(text));
  const state = await until(async () => {
    const text = await readLog(path);
    return found(text) ? 'ready' : exited() ? 'exited' : undefined;
  }, what, { timeoutMs, pollMs: 50 });
  if (state === 'exited') throw new Error(`${what}: the process exited; its log ends:\n${(await readLog(path)).trim().split('\n').slice(-8).join('\n')}`);
}
