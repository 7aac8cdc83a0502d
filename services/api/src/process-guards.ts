import type { Logger } from '@netfleet/log/logger';

/**
 * Last line of defence: no request, lost connection or stray promise may end the API. Each
 * cause found is fixed where it happens; this only makes sure one not yet found is logged
 * (loudly, with its stack) instead of exiting the process and cutting every other client.
 */
export function installProcessGuards(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'BUG: a promise rejection nobody handled; the API keeps running');
  });
  process.on('uncaughtException', (error, origin) => {
    log.error({ err: error, origin }, 'BUG: an exception nobody caught; the API keeps running');
  });
}
