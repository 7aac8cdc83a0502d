import { connect, type NetConnectOpts } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { SupervisedDaemon } from './supervised-daemon';

const POLL_MS = 10;

function tryConnect(target: NetConnectOpts): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Polls until `target` accepts a connection — not merely until a socket file exists: a file left
 * by an earlier run, or one bound but not yet listening, would pass that test. Fails at once if
 * the daemon meant to listen there has died, and with NF_OVS_SANDBOX_TIMEOUT after `timeoutMs`.
 */
export async function waitForSocket(
  target: { path: string } | { host: string; port: number },
  daemon: SupervisedDaemon,
  timeoutMs: number,
): Promise<void> {
  const where = 'path' in target ? target.path : `${target.host}:${target.port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.hasExited()) {
      const exit = await daemon.exited;
      throw new NetfleetError('NF_OVS_SANDBOX_DAEMON_DIED', {
        daemon: daemon.name, where, exitCode: String(exit.exitCode ?? '-'), signal: exit.signal ?? '-',
        when: `before listening on ${where}`, output: daemon.stderrTail() || 'no output; see its log file',
      });
    }
    if (await tryConnect(target)) return;
    if (Date.now() >= deadline) {
      throw new NetfleetError('NF_OVS_SANDBOX_TIMEOUT', { daemon: daemon.name, where, timeoutMs });
    }
    await sleep(POLL_MS);
  }
}
