import { generateKeyPairSync } from 'node:crypto';
import { chmod, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditKey } from '@netfleet/api/audit/audit-key';
import { makeTestDir } from '../../support/test-names';

/** The checkpoints' signing key on disk: made once with 0600, the same key on every start, clear refusals. */
describe('audit signing key', () => {
  let dir: string;
  beforeAll(async () => { dir = await makeTestDir('audit-key'); });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('is made on first start (file 0600, directory 0700) and is the same key on the next', async () => {
    const file = join(dir, 'state', 'audit-key.pem');
    const first = await loadAuditKey(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    const again = await loadAuditKey(file);
    expect(again.keyId).toBe(first.keyId);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    const signed = first.sign({ position: 9, hash: Buffer.alloc(32, 7), signedAt: new Date('2026-12-01T10:00:00Z') });
    expect(again.check(signed)).toBe('valid');
    expect(again.check({ ...signed, position: 10 })).toBe('invalid');
    expect((await loadAuditKey(undefined)).check(signed)).toBe('unknown-key');
  });

  it('refuses a file that holds another kind of key, or that it cannot read, naming the file', async () => {
    const rsa = join(dir, 'rsa.pem');
    await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await expect(loadAuditKey(rsa)).rejects.toMatchObject({ code: 'NF_AUDIT_KEY_UNREADABLE', message: expect.stringContaining('not an Ed25519 key') });
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'not a key', { mode: 0o600 });
    await expect(loadAuditKey(garbage)).rejects.toMatchObject({ code: 'NF_AUDIT_KEY_UNREADABLE', message: expect.stringContaining(garbage) });
    await writeFile(join(dir, 'x'), '');
    await chmod(join(dir, 'x'), 0o600);
    await expect(loadAuditKey(join(dir, 'x', 'audit-key.pem'))).rejects.toMatchObject({ code: 'NF_AUDIT_KEY_UNREADABLE' });
  });
});
