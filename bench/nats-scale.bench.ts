import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { generateHostPassword, hashPassword } from '@netfleet/bus/credentials/host-password';
import { connectBus, encodeJson, ensureHostConsumer, setUpBus } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { startFleetNatsServer } from '@netfleet/devfleet/fleet-nats-server';
import { benchName } from '../test/support/test-names';
import { rssMiB } from './support/proc-stats';
import { figure, machine, type BenchResult } from './support/report';

/**
 * What one nats-server holds of netfleet's layout at 10,000 hosts (docs/scale.md): the fleet's
 * own nats-server (as `npm run fleet` runs it), netfleet's streams, and one durable command
 * consumer per host exactly as host-add makes it (ensureHostConsumer). Measures how fast the
 * consumers are made, the server's RSS with them, one ApplyNetwork per host published at once
 * (each acked by JetStream: stored), and one heartbeat per host (core NATS).
 * `npm run bench -- nats-scale --hosts 10000`.
 */
export async function run(log: (line: string) => void, args: string[] = []): Promise<BenchResult> {
  const { values } = parseArgs({ args, strict: true, options: { hosts: { type: 'string', default: '2000' } } });
  const hosts = Number(values.hosts);
  const dir = join(tmpdir(), benchName());
  await mkdir(dir);
  const names = busNames(benchName());
  const api = { user: 'netfleet-api', password: generateHostPassword() };
  const nats = await startFleetNatsServer(dir, names, { user: api.user, passwordHash: await hashPassword(api.password) });
  const nc = await connectBus({ servers: nats.url, name: 'nats-scale-bench', user: api.user, pass: api.password });
  try {
    const jsm = await setUpBus(nc, names);
    const rssEmpty = rssMiB(nats.pid);
    const hostNames = Array.from({ length: hosts }, (_, i) => `hv${i + 1}`);
    let t = performance.now();
    for (let i = 0; i < hosts; i += 50) await Promise.all(hostNames.slice(i, i + 50).map((h) => ensureHostConsumer(jsm, names, h)));
    const consumersMs = performance.now() - t;
    const rssConsumers = rssMiB(nats.pid);
    log(`${hosts} command consumers made in ${consumersMs.toFixed(0)} ms; nats-server RSS ${rssEmpty.toFixed(1)} → ${rssConsumers.toFixed(1)} MiB`);

    const js = jetstream(nc);
    t = performance.now();
    // Pipelined 500 at a time (10,000 unacknowledged at once outlive the client's 5 s ack timeout).
    for (let i = 0; i < hosts; i += 500) {
      await Promise.all(hostNames.slice(i, i + 500).map((h, j) => js.publish(names.commandSubject(h), encodeJson({ type: 'ApplyNetwork', host: h, network: 'wide', generation: 1 }), { msgID: `bench-${i + j}` })));
    }
    const publishMs = performance.now() - t;
    log(`${hosts} commands (one per host) stored in ${publishMs.toFixed(0)} ms`);

    t = performance.now();
    for (const h of hostNames) nc.publish(names.heartbeatSubject(h), encodeJson({ v: 1, host: h, sentAt: new Date().toISOString() }));
    await nc.flush();
    const heartbeatsMs = performance.now() - t;
    const jsz = (await (await fetch(`${nats.monitorUrl}/jsz`)).json()) as { consumers: number; messages: number };
    const rssAfter = rssMiB(nats.pid);
    log(`${hosts} heartbeats published and flushed in ${heartbeatsMs.toFixed(0)} ms; /jsz consumers ${jsz.consumers}, messages ${jsz.messages}; RSS ${rssAfter.toFixed(1)} MiB`);
    return {
      bench: 'nats-scale', at: new Date().toISOString(), machine: machine({ load: (await import('node:os')).loadavg()[0]!.toFixed(1) }),
      figures: [
        figure({ name: `nats-server RSS with ${hosts} host consumers`, unit: 'MiB', value: rssConsumers, baseline: rssEmpty, baselineName: 'the same server, streams only', better: 'lower' }),
        figure({ name: `one command to each of ${hosts} hosts, all stored`, unit: 'ms', value: publishMs, baseline: heartbeatsMs, baselineName: `${hosts} core heartbeats, flushed`, better: 'lower' }),
      ],
      notes: [
        `${hosts} durable command consumers (ensureHostConsumer, as host-add) made 50 at a time in ${Math.round(consumersMs)} ms (${(hosts / (consumersMs / 1000)).toFixed(0)} per second).`,
        `/jsz after: ${jsz.consumers} consumers, ${jsz.messages} stored messages; RSS ${rssAfter.toFixed(1)} MiB.`,
      ],
    };
  } finally {
    await nc.close();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
