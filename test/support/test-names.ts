import { randomBytes } from 'node:crypto';

/**
 * Names for what a test makes on shared servers (databases, NATS namespaces): unique, and
 * carrying their creation time so a later run can remove what a crashed run left behind.
 */
export const testDatabaseName = () => `nf_test_${stamp()}`;
export const testNamespace = () => `nft_${stamp()}`;

const stamp = () => `${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(4).toString('hex')}`;

/** Creation time (ms) of a name made here, or undefined for any other name. */
export function createdAt(name: string): number | undefined {
  const match = /^(?:nf_test|nft)_([0-9a-z]+)_[0-9a-f]{8}$/i.exec(name);
  return match ? Number.parseInt(match[1]!, 36) * 1000 : undefined;
}
