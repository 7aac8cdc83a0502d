import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const CLI = fileURLToPath(new URL('../../services/cli/bin/netfleet.js', import.meta.url));

export interface CliResult { stdout: string; stderr: string; exitCode: number }

/** Runs the real CLI (`netfleet …`) as a separate process against the given API. */
export async function runCli(args: string[], connection: { apiUrl: string; token: string }): Promise<CliResult> {
  const result = await execa(process.execPath, [CLI, ...args], {
    reject: false,
    env: { NETFLEET_API: connection.apiUrl, NETFLEET_TOKEN: connection.token },
    timeout: 60_000,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}
