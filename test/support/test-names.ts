import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Names for everything a test (or a benchmark) makes on shared ground: databases, NATS
 * namespaces (their streams, consumers and KV buckets carry the namespace), directories in the
 * temp dir. Each is unique and carries its creation time, so the global cleanup of a later run
 * can find and remove what a crashed run left — and leave alone what a run beside it still uses.
 *
 *   nf_test_<time>_<rand>          a test database;  nf_tpl_<time>_<rand>  the run's migrated template
 *   nft_<time>_<rand>              a test NATS namespace (streams NFT_<TIME>_<RAND>_CMD, …)
 *   nfb_<time>_<rand>              a benchmark's namespace or database
 *   <tmp>/nft_<time>_<rand>_<what> a test's directory (OVS sandbox, controller, nats-server, browser, files)
 */
const stamp = () => `${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(4).toString('hex')}`;

export const testDatabaseName = () => `nf_test_${stamp()}`;
export const templateDatabaseName = () => `nf_tpl_${stamp()}`;
export const testNamespace = () => `nft_${stamp()}`;
export const benchName = () => `nfb_${stamp()}`;

/** `<tmp>/nft_<time>_<rand>_<what>`, not yet made (a sandbox makes its own). `what`: [a-z0-9-], short (unix socket paths). */
export function testDirPath(what: string): string {
  if (!/^[a-z0-9-]{1,16}$/.test(what)) throw new Error(`test directory purpose '${what}' must be 1-16 of [a-z0-9-]`);
  return join(tmpdir(), `nft_${stamp()}_${what}`);
}

/** A fresh, empty test directory; remove it when done (the global cleanup removes it if a run crashed). */
export async function makeTestDir(what: string): Promise<string> {
  const dir = testDirPath(what);
  await mkdir(dir, { recursive: false });
  return dir;
}

const STAMPED = /(?:^|_)(?:nf_test|nf_tpl|nft|nfb)_([0-9a-z]{5,8})_[0-9a-f]{8}(?:_|$)/i;

/**
 * Creation time (ms) of anything named here — a database, a namespace, a stream or KV bucket
 * derived from a namespace (`KV_NFT_…_HOSTS`), a test directory's base name — or undefined
 * for any other name.
 */
export function createdAt(name: string): number | undefined {
  const match = STAMPED.exec(name);
  return match ? Number.parseInt(match[1]!, 36) * 1000 : undefined;
}

/**
 * Names that earlier versions of the tests and benchmarks made without a creation time: the
 * cleanup judges these by the server's or the file system's own clock instead.
 */
export const LEGACY = {
  /** NATS namespaces: nfa_<hex> (agent harness), nft_<hex> (store tests), nfb_/nfbench_<hex> (benches) */
  stream: /(?:^|_)(?:NFA|NFT|NFB|NFBENCH)_[0-9A-F]{8,10}(?:_|$)/i,
  /** databases: nf_bench_<hex> (eventstore bench) */
  database: /^nf_bench_[0-9a-f]{10}$/,
  /** temp directories: mkdtemp prefixes of the sandbox, the controller, the test nats-server and the tests */
  dir: /^nf-(?:ovs|tc|nats|chromium|history|ops|e2e|migrations|reuse)-[A-Za-z0-9]{6}$/,
};
