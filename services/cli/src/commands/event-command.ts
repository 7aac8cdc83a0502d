import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Connection } from '../connection';
import { followEvents, type StreamedEvent } from '../event-stream-client';
import { virshTime } from '../output/virsh-time';
import type { CliIo } from './cli-io';

/** virsh's lifecycle event names for the network-level events. */
const LIFECYCLE: Record<string, string> = {
  NetworkDefined: 'Defined', NetworkUndefined: 'Undefined', NetworkStarted: 'Started', NetworkDestroyed: 'Stopped',
};
/** netfleet's per-host dimension. */
const HOST_LIFECYCLE: Record<string, string> = {
  NetworkStartedOnHost: 'Started', NetworkStoppedOnHost: 'Stopped', NetworkFailedOnHost: 'Failed',
};

/** One event as virsh net-event prints it, or undefined when it is not a lifecycle event. */
export function describeEvent(event: StreamedEvent, all: boolean): string | undefined {
  const data = event.data as { name?: string; network?: string; host?: string };
  const type = event.netfleettype;
  if (LIFECYCLE[type]) return `event 'lifecycle' for network ${data.name}: ${LIFECYCLE[type]}`;
  if (HOST_LIFECYCLE[type]) return `event 'host-lifecycle' for network ${data.network} on ${data.host}: ${HOST_LIFECYCLE[type]}`;
  if (all) return `event '${type}'${data.network ?? data.name ? ` for network ${data.network ?? data.name}` : ''}${data.host ? ` on ${data.host}` : ''}`;
  return undefined;
}

/** net-event: streams lifecycle events live, like `virsh net-event --loop`. */
export function registerEventCommand(program: Command, connection: () => Connection, io: CliIo): void {
  program.command('net-event').description('print lifecycle events as they happen (first one only, unless --loop)')
    .option('--network <name>', 'only this network')
    .option('--host <name>', 'only events on this host')
    .option('--loop', 'keep printing until interrupted (or --timeout)')
    .option('--timeout <seconds>', 'stop after this many seconds', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new NetfleetError('NF_CLI_USAGE', { option: '--timeout', expected: 'a positive number of seconds', value: v });
      return n;
    })
    .option('--timestamp', 'prefix each event with its time')
    .option('--all', 'every event type, not only lifecycle events')
    .option('--after <position>', 'replay from after this log position instead of from now')
    .option('--json', 'one CloudEvent (JSON) per line')
    .action(async (opts: { network?: string; host?: string; loop?: boolean; timeout?: number; timestamp?: boolean; all?: boolean; after?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      if (opts.network) query.set('network', opts.network);
      if (opts.host) query.set('host', opts.host);
      if (opts.after) query.set('after', opts.after);
      const abort = new AbortController();
      const timer = opts.timeout ? setTimeout(() => abort.abort(), opts.timeout * 1000) : undefined;
      process.once('SIGINT', () => abort.abort());
      let count = 0;
      await followEvents(connection(), query, (event) => {
        const text = describeEvent(event, Boolean(opts.all || opts.json));
        if (text === undefined) return true;
        count += 1;
        io.out(opts.json ? `${JSON.stringify(event)}\n` : `${opts.timestamp ? `${virshTime(event.time)}: ` : ''}${text}\n`);
        return Boolean(opts.loop);
      }, abort.signal);
      clearTimeout(timer);
      if (!opts.json) io.out(`events received: ${count}\n`);
    });
}
