import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on `address` (the kernel picks it: listen on 0, close).
 * Another process may take it before the caller binds it; tests accept that small race.
 */
export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: address, exclusive: true }, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
