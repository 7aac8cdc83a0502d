/** One server-sent event: `id` (the log position), `event` (the type) and its `data`. */
export interface SseMessage { id: string | undefined; event: string | undefined; data: string }

/**
 * Incremental text/event-stream parser: feed it chunks as they arrive, get the complete
 * messages. Comments (keepalives) are skipped. Pure.
 */
export function createSseParser(): (chunk: string) => SseMessage[] {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    const out: SseMessage[] = [];
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
      let id: string | undefined;
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) out.push({ id, event, data: data.join('\n') });
    }
    return out;
  };
}
