import { describe, expect, it } from 'vitest';
import { readLines } from './api-client';
import { textChunks } from './text-chunks';

/** A response whose body arrives in these pieces (bytes split inside a character included). */
const arriving = (...pieces: Uint8Array[]) => new Response(new ReadableStream({
  start(controller) { for (const p of pieces) controller.enqueue(p); controller.close(); },
}));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('textChunks', () => {
  it('gives the body as text, chunk by chunk, a character split across chunks whole', async () => {
    const euro = bytes('€');
    const chunks: string[] = [];
    for await (const chunk of textChunks(arriving(bytes('ab'), euro.slice(0, 1), euro.slice(1), bytes('c')))) chunks.push(chunk);
    expect(chunks.join('')).toBe('ab€c');
    expect(chunks[0]).toBe('ab');
  });
});

describe('readLines', () => {
  it('parses NDJSON lines split across chunks, and a last line without a newline', async () => {
    const lines: unknown[] = [];
    await readLines(arriving(bytes('{"a":1}\n{"b"'), bytes(':2}\n\n'), bytes('{"c":3}')), (line) => lines.push(line));
    expect(lines).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });
});
