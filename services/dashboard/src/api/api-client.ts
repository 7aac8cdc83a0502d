import type { WhoamiAnswer } from '@netfleet/api-types/access-answers';
import { textChunks } from './text-chunks';

/** An error the API answered with: `{ code, message, details }` and the HTTP status. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: unknown = {}) {
    super(message);
  }
}


/**
 * The API on this page's own origin, with the user's bearer token (the same tokens the CLI
 * uses). Every failure becomes an ApiError carrying the API's own message.
 */
export class ApiClient {
  constructor(readonly token: string, readonly base = '') {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>(await fetch(`${this.base}${path}`, { headers: this.headers(), ...(signal ? { signal } : {}) }));
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>(await this.send('POST', path, body));
  }

  async send(method: string, path: string, body?: unknown, accept = 'application/json', signal?: AbortSignal): Promise<Response> {
    const headers = this.headers({ accept, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) });
    const response = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
    if (!response.ok) await this.json(response);
    return response;
  }

  whoami(): Promise<WhoamiAnswer> {
    return this.get<WhoamiAnswer>('/v1/whoami');
  }

  private async json<T>(response: Response): Promise<T> {
    const text = await response.text();
    let body: unknown;
    try { body = text ? JSON.parse(text) : {}; } catch { body = { message: text }; }
    if (!response.ok) {
      const e = body as { code?: string; message?: string; details?: unknown };
      throw new ApiError(response.status, e.code ?? `HTTP_${response.status}`, e.message ?? `${response.status} ${response.statusText}`, e.details);
    }
    return body as T;
  }
}

/** Reads an NDJSON response line by line as it arrives. */
export async function readLines(response: Response, onLine: (value: unknown) => void): Promise<void> {
  let buffer = '';
  for await (const chunk of textChunks(response)) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onLine(JSON.parse(line));
    }
  }
  if (buffer.trim()) onLine(JSON.parse(buffer));
}
