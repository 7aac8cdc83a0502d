import type { ServerResponse } from 'node:http';
import type { RecordedEvent } from '@netfleet/events/event-envelope';

/** Why the API ended a stream (the `reason` of its last event, `netfleet-stream-closed`). */
export type StreamCloseReason = 'lagging' | 'stalled' | 'revoked' | 'shutdown' | 'error';

/** The event type of the last message of a stream the API ends; it has no id (not a log event). */
export const STREAM_CLOSED_EVENT = 'netfleet-stream-closed';

/** One SSE client of the hub: its filter, how far it got, its socket. */
export class StreamClient {
  /** Every event up to here was written to the client or refused by its filter. */
  position: number;
  closed = false;

  constructor(private readonly sink: ServerResponse, after: number, private readonly matches: (event: RecordedEvent) => boolean, private readonly onGone: () => void) {
    this.position = after;
    sink.on('error', () => undefined);
    sink.once('close', () => this.gone());
  }

  /** Bytes written but not yet taken by the socket. */
  get buffered(): number { return this.sink.writableLength; }

  write(text: string): void {
    if (!this.closed && !this.sink.destroyed && !this.sink.writableEnded) this.sink.write(text);
  }

  /** Writes the frames after `position` that the filter accepts, in one write. */
  deliver(frames: readonly { position: number; event: RecordedEvent; text: string }[]): void {
    let chunk = '';
    for (const f of frames) {
      if (f.position <= this.position) continue;
      if (this.matches(f.event)) chunk += f.text;
      this.position = f.position;
    }
    if (chunk) this.write(chunk);
  }

  /** Nothing to deliver up to `position` (a catch-up read found no more). */
  skipTo(position: number): void {
    if (position > this.position) this.position = position;
  }

  /** Resolves true once the socket took what was buffered; false after `timeoutMs` or when gone. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean) => { clearTimeout(timer); this.sink.off('drain', onDrain); this.sink.off('close', onClose); resolve(ok); };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.sink.on('drain', onDrain);
      this.sink.once('close', onClose);
    });
  }

  /**
   * Ends the stream with a last event saying why, and where to resume (a reconnect with
   * Last-Event-ID resumes after the last event it received; `position` may be further on).
   */
  close(reason: StreamCloseReason, message: string): void {
    if (this.closed) return;
    if (!this.sink.destroyed && !this.sink.writableEnded) {
      this.sink.end(`event: ${STREAM_CLOSED_EVENT}\ndata: ${JSON.stringify({ reason, message, position: this.position })}\n\n`);
      // A client that reads nothing would hold the socket forever: give it a little, then cut.
      setTimeout(() => this.sink.destroy(), 30_000).unref();
    }
    this.gone();
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.onGone();
  }
}
