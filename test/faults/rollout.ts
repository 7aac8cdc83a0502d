import { randomUUID } from 'node:crypto';
import { isErrorCode, specOf } from '@netfleet/errors/error-codes';
import type { AcknowledgedChange } from './invariants';
import type { ApiProcess } from './harness/api-process';

export interface PlannedNetwork { name: string; bridge: string; hosts: string[] }

export interface RolloutTally {
  /** Requests sent, retries included. */
  requests: number;
  retries: number;
  /** Networks whose create a client was told succeeded. */
  acknowledged: AcknowledgedChange[];
  /** Networks refused for good (a 4xx not retriable), or given up on after retrying for 3 min, with the last answer. */
  refused: { network: string; status: number; body: unknown }[];
}

const RETRY_FOR_MS = 180_000;

/**
 * Creates (`net-create`: define and start) each network through either API instance, as a
 * careful client would: one Idempotency-Key per network, and on a dropped connection or a 5xx the
 * same request again, to the other instance, with backoff, until it is answered (a retriable
 * refusal, per the error table, too).
 */
export async function rollOut(apis: readonly ApiProcess[], networks: readonly PlannedNetwork[], tally: RolloutTally, concurrency = 4, onDone?: () => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < networks.length; i = next++) {
      await createNetwork(apis, networks[i]!, i, tally);
      onDone?.();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function createNetwork(apis: readonly ApiProcess[], network: PlannedNetwork, index: number, tally: RolloutTally): Promise<void> {
  const key = randomUUID();
  const xml = `<network type="ovs-datapath"><name>${network.name}</name><datapath name="${network.bridge}"/></network>`;
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let attempt = 0; ; attempt++) {
    const api = apis[(index + attempt) % apis.length]!;
    tally.requests++;
    if (attempt > 0) tally.retries++;
    const answer = await api.http('POST', '/v1/networks/create', { xml, hosts: network.hosts }, { 'idempotency-key': key });
    if (answer.status >= 200 && answer.status < 300) {
      tally.acknowledged.push({ network: network.name, hosts: network.hosts, started: true });
      return;
    }
    // A refusal the error table calls retriable (the same key still in flight on the other
    // instance) is retried like a dropped connection; any other 4xx is final.
    const code = (answer.body as { code?: string } | undefined)?.code ?? '';
    const retriable = isErrorCode(code) && specOf(code).retriable;
    if (answer.status >= 400 && answer.status < 500 && !retriable) {
      tally.refused.push({ network: network.name, status: answer.status, body: answer.body });
      return;
    }
    if (Date.now() > deadline) {
      // The client gives up: never acknowledged, so the checker expects nothing of it.
      tally.refused.push({ network: network.name, status: answer.status, body: { gaveUpAfterMs: RETRY_FOR_MS, last: answer.body } });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
  }
}
