import { randomUUID } from 'node:crypto';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Connection } from './connection';

/** A thin HTTP client for the netfleet API; API errors become NetfleetErrors with the API's text. */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

  get<T>(path: string): Promise<T> { return this.request<T>('GET', path); }
  getText(path: string): Promise<string> { return this.request<string>('GET', path, undefined, true); }
  post<T>(path: string, body?: unknown): Promise<T> { return this.request<T>('POST', path, body); }
  delete<T>(path: string): Promise<T> { return this.request<T>('DELETE', path); }

  private async request<T>(method: string, path: string, body?: unknown, text = false): Promise<T> {
    const url = new URL(path, this.connection.apiUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          // One id per invocation: if the request is retried, the API records it once.
          ...(method !== 'GET' ? { 'idempotency-key': randomUUID() } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new NetfleetError('NF_CLI_API_UNREACHABLE', `cannot reach the netfleet API at ${this.connection.apiUrl} (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}); is it running? (npm run fleet starts a local one)`);
    }
    const raw = await response.text();
    if (!response.ok) {
      let parsed: { code?: string; message?: string; details?: Record<string, unknown> } = {};
      try { parsed = JSON.parse(raw); } catch { /* not JSON: use the text */ }
      throw new NetfleetError(parsed.code ?? `NF_HTTP_${response.status}`, parsed.message ?? `${response.status} ${response.statusText}: ${raw.slice(0, 200)}`, parsed.details ?? {});
    }
    return (text ? raw : JSON.parse(raw)) as T;
  }
}
