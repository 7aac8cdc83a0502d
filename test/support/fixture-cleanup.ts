/** What vitest hands a builder fixture beside its dependencies. */
export interface Cleanup { onCleanup(cleanup: () => unknown): void }
