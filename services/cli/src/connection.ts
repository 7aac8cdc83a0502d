import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

export interface Connection { apiUrl: string; token: string; source: string }

/** Where the dev fleet (npm run fleet) writes its coordinates, relative to the checkout. */
export const DEV_FLEET_FILE = join('.netfleet', 'dev', 'fleet.json');

/**
 * Finds the API: --api/--token, then NETFLEET_API/NETFLEET_TOKEN, then the dev fleet's
 * fleet.json (searched upward from the working directory, then in this checkout).
 */
export function resolveConnection(flags: { api?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const fromFlags = flags.api ?? env['NETFLEET_API'];
  const token = flags.token ?? env['NETFLEET_TOKEN'];
  if (fromFlags && token) return { apiUrl: fromFlags, token, source: flags.api ? '--api' : 'NETFLEET_API' };
  const file = findFleetFile();
  if (file) {
    const fleet = JSON.parse(readFileSync(file, 'utf8')) as { apiUrl: string; token: string };
    return { apiUrl: fromFlags ?? fleet.apiUrl, token: token ?? fleet.token, source: file };
  }
  throw new NetfleetError('NF_CLI_NO_API');
}

function findFleetFile(): string | undefined {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, DEV_FLEET_FILE))) return join(dir, DEV_FLEET_FILE);
    if (dirname(dir) === dir) break;
  }
  const checkout = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  return existsSync(join(checkout, DEV_FLEET_FILE)) ? join(checkout, DEV_FLEET_FILE) : undefined;
}
