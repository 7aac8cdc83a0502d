import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames, HeartbeatV1 } from '@netfleet/bus/names';
import type { Logger } from '@netfleet/log/logger';

/**
 * Tells the API this agent is alive: a core NATS publish on `<ns>.hb.<host>` every `intervalMs`
 * (not stored; a missed one costs nothing). The API decides online/offline from them.
 */
export function startHeartbeat(nc: NatsConnection, names: BusNames, host: string, agentVersion: string, intervalMs: number, log: Logger): { stop(): void } {
  const startedAt = new Date().toISOString();
  const beat = () => {
    const message: HeartbeatV1 = { v: 1, host, sentAt: new Date().toISOString(), agentVersion, pid: process.pid, startedAt };
    try {
      nc.publish(names.heartbeatSubject(host), encodeJson(message));
    } catch (e) {
      log.warn({ err: e }, 'could not send a heartbeat');
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  return { stop: () => clearInterval(timer) };
}
