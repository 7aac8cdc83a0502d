/**
 * A response body's text as it arrives, one decoded chunk at a time. (A ReadableStream is not
 * async-iterable in every browser the dashboard serves, so this reads it.)
 */
export async function* textChunks(response: Response): AsyncGenerator<string, void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}
