import { createServer, type Server } from 'node:http';
import type { NatsConnection } from '@nats-io/transport-node';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusNames } from '@netfleet/bus/names';
import type { Logger } from '@netfleet/log/logger';
import type { Vsctl } from '../ovs/vsctl';
import { checkAgentReadiness } from './agent-readiness';

export interface AgentObservabilityOptions {
  host: string;
  natsUser: string | null;
  nc: NatsConnection;
  names: BusNames;
  vsctl: Vsctl;
  log: Logger;
  listenHost: string;
  port: number;
}

/**
 * The agent's own small HTTP listener: /metrics (Prometheus text), /healthz (the process
 * answers), /readyz (NATS, its consumer and OVS; 503 naming what is missing). `netfleet doctor`
 * reads /readyz on the host it runs on.
 */
export async function startAgentObservability(options: AgentObservabilityOptions): Promise<{ url: string; close(): Promise<void> }> {
  const registry = new Registry();
  registry.setDefaultLabels({ host: options.host });
  collectDefaultMetrics({ register: registry, prefix: 'netfleet_agent_' });
  const readiness = () => checkAgentReadiness(options);
  new Gauge({
    name: 'netfleet_agent_ready', help: 'Whether each dependency of the agent answers (nats, consumer, ovs): 1 yes, 0 no', labelNames: ['dependency'], registers: [registry],
    async collect() {
      const r = await readiness();
      for (const [dependency, check] of Object.entries(r.checks)) this.set({ dependency }, check.ok ? 1 : 0);
    },
  });

  const server: Server = createServer((request, response) => {
    const send = (status: number, type: string, body: string) => { response.writeHead(status, { 'content-type': type }); response.end(body); };
    const route = request.url?.split('?')[0];
    const answer = async () => {
      if (request.method !== 'GET') return send(405, 'text/plain', 'GET only\n');
      if (route === '/healthz') return send(200, 'application/json', JSON.stringify({ ok: true, host: options.host }));
      if (route === '/readyz') { const r = await readiness(); return send(r.ready ? 200 : 503, 'application/json', JSON.stringify(r)); }
      if (route === '/metrics') return send(200, registry.contentType, await registry.metrics());
      return send(404, 'text/plain', 'not found: /metrics, /healthz, /readyz\n');
    };
    answer().catch((e: Error) => { options.log.warn({ err: e }, 'observability request failed'); send(500, 'text/plain', `${e.message}\n`); });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(options.port, options.listenHost, () => resolve()); });
  const address = server.address();
  const url = `http://${options.listenHost}:${typeof address === 'object' && address ? address.port : options.port}`;
  options.log.info({ url }, 'metrics listening');
  return { url, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}
