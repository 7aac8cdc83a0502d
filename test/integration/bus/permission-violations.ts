import { PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';

export interface PermissionViolations {
  /** Resolves with the server's refusal of `subject`, whenever it came (before or after this call). */
  of(subject: string, timeoutMs?: number): Promise<PermissionViolationError>;
  all(): PermissionViolationError[];
}

/**
 * The server answers a refused publish or subscribe with `-ERR 'Permissions Violation for …'`
 * and keeps the connection. nats.js reports it as a `PermissionViolationError` on `nc.status()`
 * (and also rejects a request made on that subject, or closes the subscription with it). A plain
 * publish has no other witness, so tests wait here for the refusal of that exact subject.
 */
export function watchPermissionViolations(nc: NatsConnection): PermissionViolations {
  const seen: PermissionViolationError[] = [];
  const waiters = new Set<{ subject: string; resolve: (e: PermissionViolationError) => void }>();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type !== 'error' || !(status.error instanceof PermissionViolationError)) continue;
      const error = status.error;
      seen.push(error);
      for (const w of waiters) {
        if (w.subject === error.subject) { waiters.delete(w); w.resolve(error); }
      }
    }
  })();
  return {
    all: () => [...seen],
    of(subject, timeoutMs = 5_000) {
      const earlier = seen.find((e) => e.subject === subject);
      if (earlier) return Promise.resolve(earlier);
      return new Promise((resolve, reject) => {
        const waiter = { subject, resolve: (e: PermissionViolationError) => { clearTimeout(timer); resolve(e); } };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`the server did not refuse ${subject} within ${timeoutMs} ms (refused so far: ${seen.map((e) => e.subject).join(', ') || 'nothing'})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
