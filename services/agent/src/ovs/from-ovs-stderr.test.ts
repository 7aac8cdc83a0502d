import { describe, expect, it } from 'vitest';
import { fromOvsStderr } from './from-ovs-stderr';

describe('fromOvsStderr', () => {
  it('maps --timeout expiry (SIGALRM) to NF_OVS_TIMEOUT, keeping OVS text', () => {
    const stderr = '2026-11-28T05:36:01Z|00002|fatal_signal|WARN|terminating with signal 14 (Alarm clock)';
    const error = fromOvsStderr({ args: ['add-br', 'x'], stderr, signal: 'SIGALRM' });
    expect(error.code).toBe('NF_OVS_TIMEOUT');
    expect(error.message).toContain('Alarm clock');
    expect(error.details).toMatchObject({ args: ['add-br', 'x'], stderr, signal: 'SIGALRM' });
  });

  it('maps a missing database socket to NF_OVS_DB_UNREACHABLE', () => {
    const stderr = 'ovs-vsctl: unix:/tmp/nope.sock: database connection failed (No such file or directory)';
    const error = fromOvsStderr({ args: ['list-br'], stderr, exitCode: 1 });
    expect(error.code).toBe('NF_OVS_DB_UNREACHABLE');
    expect(error.message).toContain(stderr);
  });

  it('maps anything else to NF_OVS_COMMAND_FAILED with the exit code', () => {
    const stderr = 'ovs-vsctl: no row "x" in table Controller';
    const error = fromOvsStderr({ args: ['set'], stderr, exitCode: 1 });
    expect(error.code).toBe('NF_OVS_COMMAND_FAILED');
    expect(error.message).toBe(`OVS failed: ovs-vsctl failed (exit 1): ${stderr}`);
  });

  it('maps a missing program to NF_OVS_NOT_INSTALLED, naming the fix', () => {
    const error = fromOvsStderr({ args: [], stderr: '', spawnErrorCode: 'ENOENT' });
    expect(error.code).toBe('NF_OVS_NOT_INSTALLED');
    expect(error.message).toContain('npm run bootstrap');
  });
});
