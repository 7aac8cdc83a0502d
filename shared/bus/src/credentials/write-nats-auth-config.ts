import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { renderNatsAuthConfig, type NatsAuthConfigInput } from './nats-auth-config';

export interface WriteNatsAuthConfigResult {
  path: string;
  /** False when the file already said exactly this (no reload needed). */
  changed: boolean;
}

/**
 * Writes the auth include nats-server reads (deploy/nats/README.md). The file appears whole or
 * not at all (written beside it, then renamed), so a reload never reads half a file; it is
 * readable by its owner only, though it holds hashes, not passwords.
 */
export async function writeNatsAuthConfig(path: string, input: NatsAuthConfigInput): Promise<WriteNatsAuthConfigResult> {
  const text = renderNatsAuthConfig(input);
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return { path, changed: false };
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw new NetfleetError('NF_BUS_AUTH_CONFIG_WRITE', { path, reason: (e as Error).message }, e);
  }
  return { path, changed: true };
}
