import { execa, type ResultPromise } from 'execa';
import type { Logger } from '@netfleet/log/logger';

export interface LibvirtWatcher { stop(): void }

/**
 * Follows libvirt's network lifecycle events (`virsh net-event --loop`): a network defined,
 * undefined, started or stopped by anyone calls `onChange`, so a change made by hand is repaired
 * within moments instead of at the next resync. Restarted with backoff when virsh exits (libvirtd
 * restarted, not up yet).
 */
export function watchLibvirt(options: { uri: string; onChange: () => void; log: Logger; program?: string }): LibvirtWatcher {
  let stopped = false;
  let child: ResultPromise | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt = 0;
  const run = () => {
    if (stopped) return;
    const started = Date.now();
    child = execa(options.program ?? 'virsh', ['-c', options.uri, 'net-event', '--loop', '--event', 'lifecycle'], { reject: false, stdin: 'ignore', buffer: false, cleanup: true });
    child.stdout?.on('data', () => { attempt = 0; options.onChange(); });
    void child.then((result) => {
      if (stopped) return;
      if (Date.now() - started > 10_000) attempt = 0;
      const delay = Math.min(30_000, 500 * 2 ** attempt++);
      options.log.debug({ exitCode: result.exitCode, delay }, 'libvirt event watch ended; restarting');
      timer = setTimeout(run, delay);
    });
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      child?.kill('SIGTERM');
    },
  };
}
