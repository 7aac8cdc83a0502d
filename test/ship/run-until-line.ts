import { execa } from 'execa';

/**
 * Starts a program and resolves with the first stdout line `wanted` accepts; `exit()` then sends
 * SIGTERM and resolves with the exit code. Rejects (and kills it) if no such line came in time.
 */
export async function runUntilLine(command: string, args: string[], options: { env: Record<string, string> }, wanted: (line: string) => boolean, timeoutMs: number): Promise<{ line: string; output: () => string; exit: () => Promise<number | undefined> }> {
  const child = execa(command, args, { env: options.env, extendEnv: false, reject: false, buffer: false, stdout: 'pipe', stderr: 'pipe' });
  let seen = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no wanted line within ${timeoutMs} ms; output:\n${seen}`)); }, timeoutMs);
    let partial = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      const hit = lines.find(wanted);
      if (hit !== undefined) { clearTimeout(timer); resolve(hit); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { seen += chunk.toString(); });
    void child.then((r) => { clearTimeout(timer); reject(new Error(`exited (${r.exitCode}) before the wanted line; output:\n${seen}`)); });
  });
  return {
    line,
    output: () => seen,
    exit: async () => { child.kill('SIGTERM'); return (await child).exitCode; },
  };
}
