import type { IncomingMessage } from 'node:http';

/** What the CLI reads of an HTTP answer (the subset of fetch's Response it uses). */
export interface HttpAnswer {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  body: AsyncIterable<Uint8Array>;
}

export interface HttpRequestInit { method: string; headers: Record<string, string>; body?: string }

/**
 * One HTTP request through node:http(s). Node's global fetch loads undici on first use, which
 * costs more than the rest of the CLI's start-up together; a one-shot CLI does not need it.
 */
export async function httpRequest(url: URL, init: HttpRequestInit): Promise<HttpAnswer> {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) } }, resolve);
    req.once('error', reject);
    req.end(init.body);
  });
  const status = response.statusCode ?? 0;
  const text = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: response.statusMessage ?? '',
    headers: { get: (name) => { const v = response.headers[name.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v; } },
    text,
    json: async () => JSON.parse(await text()) as unknown,
    body: response,
  };
}
