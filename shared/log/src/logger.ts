import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One structured logger per process. `service` names the process kind (api, agent, devfleet);
 * more bindings (host, instance) go in `bindings`. Level comes from NETFLEET_LOG_LEVEL.
 */
export function createLogger(service: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level: process.env['NETFLEET_LOG_LEVEL'] ?? 'info',
    base: { service, pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** For tests and libraries that must not print: a logger that drops everything. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
