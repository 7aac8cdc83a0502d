import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ObservedHost } from '../plan/observed-bridge';
import { toOvsdbTransaction } from '../plan/ovsdb-transaction';
import type { HostPlan } from '../plan/plan-host';
import type { OvsdbSession } from './ovsdb-session';

/**
 * Applies a plan as ONE OVSDB `transact` on the agent's own JSON-RPC session (no process to
 * start, no database download as ovs-vsctl does), then waits — like ovs-vsctl without --no-wait
 * — until ovs-vswitchd has caught up (cur_cfg >= the next_cfg this transaction set). `observed`
 * is what the plan was made from (bridge uuids for deletions).
 */
export async function applyPlanJsonRpc(session: OvsdbSession, plan: Pick<HostPlan, 'ops'>, observed: ObservedHost, timeoutSeconds: number): Promise<void> {
  if (plan.ops.length === 0) return;
  const uuids = new Map(observed.bridges.map((b) => [b.name, b.uuid]));
  const { params, nextCfgIndex } = toOvsdbTransaction(plan.ops, { bridgeUuid: (name) => uuids.get(name) });
  const results = await session.transact(params);
  const failure = results.find((r): r is { error: string; details?: string } => typeof r === 'object' && r !== null && 'error' in r && (r as { error: unknown }).error !== null);
  if (failure) {
    throw new NetfleetError('NF_OVS_COMMAND_FAILED', { reason: `the transaction was refused: ${failure.error}${failure.details ? `: ${failure.details}` : ''}`, error: { error: failure.error, details: failure.details } });
  }
  const nextCfg = (results[nextCfgIndex] as { rows?: { next_cfg?: number }[] } | undefined)?.rows?.[0]?.next_cfg;
  if (typeof nextCfg !== 'number') throw new NetfleetError('NF_OVS_COMMAND_FAILED', { reason: 'no next_cfg came back for the transaction' });
  await session.waitForCurCfg(nextCfg, timeoutSeconds * 1000);
}
