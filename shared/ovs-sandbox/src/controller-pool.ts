import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './free-port';
import { startTestController, type TestController } from './test-controller';

/**
 * One OpenFlow controller address for any number of switches. ovs-testcontroller serves at most
 * 16 switches (its MAX_SWITCHES) and refuses the 17th, which OVS shows as a controller that is
 * never connected. The pool listens on one port and relays each switch's TCP connection, byte
 * for byte, to an ovs-testcontroller that serves fewer than `switchesPerController` switches,
 * starting another one when all are full. The OpenFlow handshake and echoes still run between
 * OVS and a real controller, so `is_connected` keeps its meaning: when a controller dies, the
 * pool closes the connections it carried and their switches show it.
 */
export interface ControllerPool {
  /** Where a switch connects: `tcp:<address>:<port>`. */
  target: string;
  port: number;
  /** The ovs-testcontroller processes behind it, with the switches each serves now. */
  controllers(): { pid: number; port: number; switches: number }[];
  /** Switch connections relayed now. */
  switches(): number;
  stop(): Promise<void>;
}

export interface StartControllerPoolOptions {
  /** The pool's port; 0 picks a free one. */
  port: number;
  /** Default 127.0.0.1: only loopback is served. */
  address?: string;
  /** Default 16, ovs-testcontroller's limit. */
  switchesPerController?: number;
}

interface Backend { controller: TestController; switches: number }

export async function startControllerPool(options: StartControllerPoolOptions): Promise<ControllerPool> {
  const address = options.address ?? '127.0.0.1';
  const perController = options.switchesPerController ?? 16;
  const backends: Backend[] = [];
  const sockets = new Set<Socket>();
  let stopping = false;
  // Backends start one at a time, so a burst of switches fills one before it starts the next.
  let starting: Promise<Backend> | undefined;

  const backendWithRoom = async (): Promise<Backend> => {
    for (;;) {
      const free = backends.find((b) => b.switches < perController);
      if (free) return free;
      if (!starting) {
        starting = (async () => {
          const controller = await startTestController({ port: await freePort(address), address });
          const backend = { controller, switches: 0 };
          backends.push(backend);
          return backend;
        })().finally(() => { starting = undefined; });
      }
      await starting;
    }
  };

  const relay = async (client: Socket): Promise<void> => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    let backend: Backend;
    try {
      backend = await backendWithRoom();
    } catch {
      client.destroy();
      return;
    }
    if (stopping || client.destroyed) return;
    backend.switches++;
    const upstream = connect({ host: address, port: backend.controller.port });
    sockets.add(upstream);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      backend.switches--;
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', release);
    upstream.once('close', () => { sockets.delete(upstream); release(); });
    client.once('close', release);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  };

  const server: Server = createServer((client) => void relay(client));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: address, exclusive: true }, () => { server.off('error', reject); resolve(); });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : options.port;
  const host = address.includes(':') ? `[${address}]` : address;

  let stopped: Promise<void> | undefined;
  return {
    target: `tcp:${host}:${port}`,
    port,
    controllers: () => backends.map((b) => ({ pid: b.controller.pid, port: b.controller.port, switches: b.switches })),
    switches: () => backends.reduce((n, b) => n + b.switches, 0),
    stop: () => (stopped ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await starting?.catch(() => undefined);
      await Promise.all(backends.map((b) => b.controller.stop()));
      await closed;
    })()),
  };
}
