import { fromCloudEvent, type CloudEventV1 } from '@netfleet/events/cloud-event';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { ApiClient } from './api-client';
import { createSseParser } from './sse-parser';
import { textChunks } from './text-chunks';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface EventStreamOptions {
  after: number;
  onEvents(events: RecordedEvent[]): void;
  onStatus(status: StreamStatus, detail?: string): void;
}

/**
 * Follows GET /v1/events/stream. EventSource cannot send a bearer token, so this reads the SSE
 * body through fetch. On a broken connection it resumes where it was (Last-Event-ID), after a
 * growing pause; nothing is missed and nothing is polled. Returns a stop function.
 */
export function followEvents(api: ApiClient, options: EventStreamOptions): () => void {
  const abort = new AbortController();
  let last = options.after;
  let pause = 500;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const response = await api.send('GET', `/v1/events/stream?after=${last}`, undefined, 'text/event-stream', abort.signal);
        options.onStatus('live');
        pause = 500;
        const parse = createSseParser();
        for await (const chunk of textChunks(response)) {
          const batch: RecordedEvent[] = [];
          for (const message of parse(chunk)) {
            // Only log events have an id; the API's last message when it ends a stream
            // (netfleet-stream-closed) has none: the stream ends and this reconnects.
            if (message.id === undefined) continue;
            // Each message's data is a CloudEvent; the dashboard folds the recorded event it carries.
            const event = fromCloudEvent(JSON.parse(message.data) as CloudEventV1);
            if (event.position <= last) continue;
            last = event.position;
            batch.push(event);
          }
          if (batch.length > 0) options.onEvents(batch);
        }
        if (abort.signal.aborted) return;
        options.onStatus('reconnecting', 'the event stream ended');
      } catch (e) {
        if (abort.signal.aborted) return;
        options.onStatus('reconnecting', (e as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  };
  options.onStatus('connecting');
  void run();
  return () => abort.abort();
}
