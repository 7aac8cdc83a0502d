/**
 * A harness set up whole, or stopped (what it had started so far) before the failure is thrown:
 * a fleet that fails half-way never leaves databases, sandboxes or processes behind.
 */
export async function setUpOrStop<Harness extends { stop(): Promise<unknown> }>(harness: Harness, setUp: () => Promise<void>): Promise<Harness> {
  try {
    await setUp();
    return harness;
  } catch (e) {
    await harness.stop();
    throw e;
  }
}
