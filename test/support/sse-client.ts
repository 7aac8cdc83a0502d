import { request, type IncomingMessage } from 'node:http';

export interface SseMessage { id: string | undefined; event: string | undefined; data: string }

/** A test's SSE client on raw HTTP: it can stop reading (a slow client) and be resumed. */
export interface SseClient {
  readonly status: number;
  readonly messages: SseMessage[];
  /** Log events only (they have an id), as positions. */
  readonly positions: number[];
  /** The `netfleet-stream-closed` message's data, once the API ended the stream. */
  readonly closedWith: { reason: string; message: string; position: number } | undefined;
  /** Resolves once the response ended (either side). */
  readonly ended: Promise<void>;
  /** The body, when the answer was not a stream (4xx). */
  body(): string;
  pause(): void;
  resume(): void;
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openSse(url: string, token: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const messages: SseMessage[] = [];
  let text = '';
  let buffer = '';
  let response!: IncomingMessage;
  let closeEnded!: () => void;
  const ended = new Promise<void>((resolve) => { closeEnded = resolve; });
  const req = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers } });
  req.on('error', () => closeEnded());
  await new Promise<void>((resolve, reject) => {
    req.once('response', (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk.length < 100_000 && messages.length === 0 ? chunk : '';
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let event: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') id = value; else if (field === 'event') event = value; else if (field === 'data') data.push(value);
          }
          if (data.length > 0) messages.push({ id, event, data: data.join('\n') });
        }
      });
      res.on('end', () => closeEnded());
      res.on('close', () => closeEnded());
      res.on('error', () => closeEnded());
      resolve();
    });
    req.once('error', reject);
    req.end();
  });
  const client: SseClient = {
    get status() { return response.statusCode ?? 0; },
    messages,
    get positions() { return messages.filter((m) => m.id !== undefined).map((m) => Number(m.id)); },
    get closedWith() {
      const closed = messages.find((m) => m.event === 'netfleet-stream-closed');
      return closed ? JSON.parse(closed.data) as { reason: string; message: string; position: number } : undefined;
    },
    ended,
    body: () => text,
    pause: () => response.pause(),
    resume: () => response.resume(),
    async until(check, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`SSE client: condition not met in ${timeoutMs} ms (got ${client.positions.length} events${client.closedWith ? `, closed: ${client.closedWith.reason}` : ''})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => { req.destroy(); },
  };
  return client;
}
