import { connect, type Socket } from 'node:net';
import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import { JsonStreamSplitter } from './json-stream-splitter';

/**
 * One JSON-RPC session with ovsdb-server over its unix socket (RFC 7047): requests with ids,
 * notifications (`update`) to a callback, and the server's `echo` keep-alives answered.
 */
export class OvsdbConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly splitter = new JsonStreamSplitter();
  private closedError: NetfleetError | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly onNotification: (method: string, params: unknown[]) => void,
    onClose: (error: NetfleetError) => void,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      try {
        for (const text of this.splitter.push(chunk)) this.dispatch(parseMessage(text));
      } catch (e) {
        // A stream we cannot read any further: drop the session (the owner reconnects).
        this.closedError = isNetfleetError(e) ? e : new NetfleetError('NF_OVS_PROTOCOL', { problem: `could not handle a message from the OVS database: ${String(e)}` }, e);
        socket.destroy();
      }
    });
    socket.on('close', () => {
      const error = this.closedError ?? new NetfleetError('NF_OVS_DB_UNREACHABLE', { reason: 'it closed the connection' });
      this.closedError = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      onClose(error);
    });
    socket.on('error', (e) => {
      this.closedError ??= new NetfleetError('NF_OVS_DB_UNREACHABLE', { reason: `the connection failed: ${e.message}` }, e);
    });
  }

  /** Connects to `unix:<path>` (the only form the agent watches). */
  static open(path: string, onNotification: (method: string, params: unknown[]) => void, onClose: (error: NetfleetError) => void): Promise<OvsdbConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path });
      const fail = (e: Error) => reject(new NetfleetError('NF_OVS_DB_UNREACHABLE', { reason: `unix:${path}: ${e.message}`, path }, e));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        resolve(new OvsdbConnection(socket, onNotification, onClose));
      });
    });
  }

  request(method: string, params: unknown[]): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(JSON.stringify({ method, params, id }));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private dispatch(message: RpcMessage): void {
    if ('method' in message && typeof message.method === 'string') {
      if (message.method === 'echo' && message.id !== undefined && message.id !== null) {
        this.socket.write(JSON.stringify({ result: message.params ?? [], error: null, id: message.id }));
        return;
      }
      this.onNotification(message.method, (message.params ?? []) as unknown[]);
      return;
    }
    const waiter = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!waiter) return;
    this.pending.delete(message.id as number);
    if (message.error !== null && message.error !== undefined) {
      waiter.reject(new NetfleetError('NF_OVS_COMMAND_FAILED', { reason: `the OVS database refused a request: ${JSON.stringify(message.error)}`, error: message.error }));
    } else waiter.resolve(message.result);
  }
}

/** One JSON-RPC message (an object), or NF_OVS_PROTOCOL. */
function parseMessage(text: string): RpcMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (e) {
    throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `the OVS database sent a message that is not JSON: ${text.slice(0, 200)}` }, e);
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `the OVS database sent JSON that is not a JSON-RPC message: ${text.slice(0, 200)}` });
  }
  return message as RpcMessage;
}

interface RpcMessage {
  id?: number | string | null;
  method?: string;
  params?: unknown[];
  result?: unknown;
  error?: unknown;
}
