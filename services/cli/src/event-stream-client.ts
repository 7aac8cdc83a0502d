import { apiError } from './api-error';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import type { Connection } from './connection';

/** Each SSE message's data is the event's CloudEvents envelope (structured JSON). */
export type StreamedEvent = CloudEventV1;

/**
 * Reads the API's server-sent event stream, calling `onEvent` per event until it returns false or
 * `signal` aborts. Reconnects resume after the last position seen (Last-Event-ID), so nothing is
 * lost across a dropped connection.
 */
export async function followEvents(connection: Connection, query: URLSearchParams, onEvent: (event: StreamedEvent) => boolean, signal: AbortSignal): Promise<void> {
  let lastId: string | undefined;
  for (let attempt = 0; !signal.aborted; attempt++) {
    let response: Response;
    try {
      response = await fetch(new URL(`/v1/events/stream?${query}`, connection.apiUrl), {
        headers: { authorization: `Bearer ${connection.token}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal,
      });
    } catch (e) {
      if (signal.aborted) return;
      if (attempt === 0) throw new NetfleetError('NF_CLI_API_UNREACHABLE', { apiUrl: connection.apiUrl, reason: (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message });
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      continue;
    }
    if (!response.ok) {
      const body = await response.text();
      let parsed: { code?: string; message?: string } = {};
      try { parsed = JSON.parse(body) as typeof parsed; } catch { /* plain text */ }
      throw apiError(response.status, parsed.code, parsed.message ?? body, {}, response.headers.get('retry-after'));
    }
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]));
          // Only log events have an id; the API's last message when it ends a stream
          // (netfleet-stream-closed: lagging, shutdown) has none, and the loop reconnects.
          if (!fields['data'] || fields['id'] === undefined) continue;
          lastId = fields['id'];
          if (!onEvent(JSON.parse(fields['data']) as StreamedEvent)) return;
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
  }
}
