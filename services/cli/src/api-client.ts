import { apiError } from './api-error';
import { randomUUID } from 'node:crypto';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Connection } from './connection';
import { httpRequest, type HttpAnswer } from './http-request';

/** A thin HTTP client for the netfleet API; API errors become NetfleetErrors with the API's text. */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

  get<T>(path: string): Promise<T> { return this.request<T>('GET', path); }
  put<T>(path: string, body: unknown): Promise<T> { return this.request<T>('PUT', path, body); }
  /**
   * A state-changing request answered as NDJSON: `onLine` sees each progress line; resolves with
   * the line holding `result`.
   */
  async stream<T>(method: string, path: string, body: unknown, onProgress: (progress: unknown) => void): Promise<T> {
    const response = await this.send(method, path, body, 'application/x-ndjson');
    if (!response.ok) throw await this.toError(response);
    if (!String(response.headers.get('content-type')).includes('ndjson')) return (await response.json()) as T;
    let buffered = '';
    let result: T | undefined;
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as { progress?: unknown; result?: T; error?: { code?: string; message?: string; details?: Record<string, unknown> } };
        buffered = buffered.slice(newline + 1);
        // The API ended the answer early (its token was revoked, the store went away).
        if (line.error !== undefined) throw apiError(response.status, line.error.code, line.error.message ?? 'the API ended the answer with an error', line.error.details);
        if (line.progress !== undefined) onProgress(line.progress);
        if (line.result !== undefined) result = line.result;
      }
    }
    if (result === undefined) throw new NetfleetError('NF_CLI_STREAM_CUT');
    return result;
  }
  /** A GET answered as a stream of bytes (an export), read as it arrives. */
  async download(path: string, accept: string): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.send('GET', path, undefined, accept);
    if (!response.ok) throw await this.toError(response);
    return response.body;
  }
  getText(path: string): Promise<string> { return this.request<string>('GET', path, undefined, true); }
  post<T>(path: string, body?: unknown): Promise<T> { return this.request<T>('POST', path, body); }
  delete<T>(path: string): Promise<T> { return this.request<T>('DELETE', path); }

  private async request<T>(method: string, path: string, body?: unknown, text = false): Promise<T> {
    const response = await this.send(method, path, body, text ? '*/*' : 'application/json');
    if (!response.ok) throw await this.toError(response);
    const raw = await response.text();
    return (text ? raw : JSON.parse(raw)) as T;
  }

  private async send(method: string, path: string, body: unknown, accept: string): Promise<HttpAnswer> {
    const url = new URL(path, this.connection.apiUrl);
    try {
      return await httpRequest(url, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.token}`,
          accept,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          // One id per invocation: if the request is retried, the API records it once.
          ...(method !== 'GET' ? { 'idempotency-key': randomUUID() } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new NetfleetError('NF_CLI_API_UNREACHABLE', { apiUrl: this.connection.apiUrl, reason: (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message });
    }
  }

  private async toError(response: HttpAnswer): Promise<NetfleetError> {
    const raw = await response.text();
    let parsed: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try { parsed = JSON.parse(raw); } catch { /* not JSON: use the text */ }
    return apiError(response.status, parsed.code, parsed.message ?? `${response.status} ${response.statusText}: ${raw.slice(0, 200)}`, parsed.details ?? {}, response.headers.get('retry-after'));
  }
}
