import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * OVSDB's JSON-RPC (RFC 7047) sends JSON objects back to back on a stream socket, with no
 * delimiter between them. This cuts the stream into whole top-level values, however the bytes
 * were chunked, by tracking nesting depth outside strings. Pure: feed it text, it returns the
 * complete messages seen so far and keeps the rest.
 */
export class JsonStreamSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Index in `buffer` up to which characters have been scanned. */
  private scanned = 0;
  private start = -1;

  /** Adds text; returns the complete top-level JSON texts it completes, in order. */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    const buffer = this.buffer;
    let consumed = 0;
    for (let i = this.scanned; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === 0x5c /* \ */) this.escaped = true;
        else if (ch === 0x22 /* " */) this.inString = false;
        continue;
      }
      if (ch === 0x22) { this.inString = true; continue; }
      if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          out.push(buffer.slice(this.start, i + 1));
          consumed = i + 1;
          this.start = -1;
        } else if (this.depth < 0) {
          throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `the OVS database sent unbalanced JSON near: ${buffer.slice(Math.max(0, i - 40), i + 1)}` });
        }
      }
    }
    this.buffer = buffer.slice(consumed);
    this.scanned = this.buffer.length;
    if (this.start >= 0) this.start -= consumed;
    return out;
  }
}
