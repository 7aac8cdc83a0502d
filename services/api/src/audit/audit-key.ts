import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { AuditCheckpoint } from '@netfleet/eventstore/audit-chain';
import type { SignatureCheck } from '@netfleet/eventstore/audit-verify';

/** The Ed25519 key that signs the audit chain's checkpoints. PostgreSQL never sees it. */
export interface AuditKey {
  /** The first 16 hex digits of SHA-256 of the public key (SPKI DER): names the key in checkpoints. */
  keyId: string;
  publicKeyPem: string;
  /** Where it lives; absent for a key made for this process only. */
  file?: string;
  sign(c: Omit<AuditCheckpoint, 'keyId' | 'signature'>): AuditCheckpoint;
  check(c: AuditCheckpoint): SignatureCheck;
}

/** What a checkpoint's signature covers. */
export const checkpointMessage = (c: { position: number; hash: Buffer; signedAt: Date }): Buffer =>
  Buffer.from(`netfleet-audit-checkpoint\n${c.position}\n${c.hash.toString('hex')}\n${c.signedAt.toISOString()}`, 'utf8');

export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);

function auditKeyOf(privateKey: KeyObject, file?: string): AuditKey {
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return {
    keyId, ...(file !== undefined ? { file } : {}),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (c) => ({ ...c, keyId, signature: sign(null, checkpointMessage(c), privateKey) }),
    check: (c) => (c.keyId !== keyId ? 'unknown-key' : verify(null, checkpointMessage(c), publicKey, c.signature) ? 'valid' : 'invalid'),
  };
}

/**
 * The key in `file` (PKCS#8 PEM), made there on first start (mode 0600, its directory 0700 when
 * it has to be made). Without a file, a key for this process only: its checkpoints cannot be
 * checked after a restart, which `audit verify` reports.
 */
export async function loadAuditKey(file: string | undefined): Promise<AuditKey> {
  if (file === undefined) return auditKeyOf(generateKeyPairSync('ed25519').privateKey);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(file, (e as Error).message, e);
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      // 'wx': two instances starting at once on one file never overwrite each other's key.
      await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (w) {
      if ((w as NodeJS.ErrnoException).code !== 'EEXIST') throw unreadable(file, (w as Error).message, w);
      pem = await readFile(file, 'utf8');
    }
  }
  try {
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`it holds a ${privateKey.asymmetricKeyType ?? 'symmetric'} key, not an Ed25519 key`);
    return auditKeyOf(privateKey, file);
  } catch (e) {
    throw unreadable(file, (e as Error).message, e);
  }
}

const unreadable = (file: string, why: string, cause: unknown) =>
  new NetfleetError('NF_AUDIT_KEY_UNREADABLE', { file, reason: why }, cause);
