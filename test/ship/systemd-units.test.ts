import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UNITS = fileURLToPath(new URL('../../deploy/systemd/', import.meta.url));
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'nf-units-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** systemd-analyze verify, strict: any warning (unknown key, bad value, missing program) fails. */
async function verify(file: string): Promise<{ exitCode: number | undefined; stderr: string }> {
  const r = await execa('systemd-analyze', ['verify', '--man=no', file], { reject: false });
  return { exitCode: r.exitCode, stderr: r.stderr };
}

describe('systemd units', () => {
  it('netfleet-api.service passes systemd-analyze verify without a warning', async () => {
    await copyFile(join(UNITS, 'netfleet-api.service'), join(dir, 'netfleet-api.service'));
    expect(await verify(join(dir, 'netfleet-api.service'))).toEqual({ exitCode: 0, stderr: '' });
  });

  it('netfleet-agent@hv1.service (the template, instantiated) passes systemd-analyze verify without a warning', async () => {
    await copyFile(join(UNITS, 'netfleet-agent@.service'), join(dir, 'netfleet-agent@hv1.service'));
    expect(await verify(join(dir, 'netfleet-agent@hv1.service'))).toEqual({ exitCode: 0, stderr: '' });
  });

  it('verify would catch a broken unit (the check can fail)', async () => {
    const text = await readFile(join(UNITS, 'netfleet-api.service'), 'utf8');
    await writeFile(join(dir, 'broken.service'), text.replace('NoNewPrivileges=yes', 'NoNewPrivileges=maybe'));
    const r = await verify(join(dir, 'broken.service'));
    expect(r.stderr).toContain('Failed to parse boolean value');
  });

  it('both restart always and are hardened', async () => {
    for (const unit of ['netfleet-api.service', 'netfleet-agent@.service']) {
      const text = await readFile(join(UNITS, unit), 'utf8');
      for (const line of ['Restart=always', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes']) expect(text, unit).toContain(`\n${line}\n`);
    }
    const agent = await readFile(join(UNITS, 'netfleet-agent@.service'), 'utf8');
    expect(agent).toMatch(/^CapabilityBoundingSet=CAP_DAC_OVERRIDE$/m);
    expect(agent).toMatch(/^ReadWritePaths=-\/run\/openvswitch$/m);
    expect(await readFile(join(UNITS, 'netfleet-api.service'), 'utf8')).toMatch(/^CapabilityBoundingSet=$/m);
  });
});
