import { errors as natsErrors } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { PlanReplyV1, PlanRequestV1 } from '@netfleet/bus/names';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { HostPlanAnswer } from '@netfleet/api-types/plan-answers';
import type { ApiContext } from '../api-context';

/**
 * Asks each host's agent (NATS request/reply on `<ns>.agent.plan.<host>`) for the exact
 * ovs-vsctl argv it would run if these commands arrived now. Nothing is recorded or executed.
 * A host with no agent listening answers at once as offline (NATS says "no responders").
 */
export async function requestHostPlans(ctx: Pick<ApiContext, 'nc' | 'names'>, commands: ApplyNetworkV1[], timeoutMs = 3000): Promise<HostPlanAnswer[]> {
  await assertBusReachable(ctx.nc, timeoutMs);
  const byHost = new Map<string, ApplyNetworkV1[]>();
  for (const c of commands) byHost.set(c.host, [...(byHost.get(c.host) ?? []), c]);
  return Promise.all([...byHost].map(async ([host, hostCommands]): Promise<HostPlanAnswer> => {
    const empty = { host, argv: [], refusals: [], drift: [], warnings: [] };
    const request: PlanRequestV1 = { v: 1, host, commands: hostCommands };
    try {
      const reply = (await ctx.nc.request(ctx.names.planRequestSubject(host), encodeJson(request), { timeout: timeoutMs })).json<PlanReplyV1>();
      if (reply.error) return { ...empty, status: 'error', error: `${reply.error.code}: ${reply.error.message}` };
      return { host, status: 'planned', argv: reply.argv, refusals: reply.refusals, drift: reply.drift, warnings: reply.warnings };
    } catch (e) {
      const silent = e instanceof natsErrors.NoRespondersError || e instanceof natsErrors.TimeoutError ||
        (e instanceof natsErrors.RequestError && (e.isNoResponders?.() ?? false));
      if (silent) return { ...empty, status: 'offline', error: `host ${host} did not answer (agent offline)` };
      return { ...empty, status: 'error', error: (e as Error).message };
    }
  }));
}

/**
 * A round trip to NATS first: without a connection every request would fail or time out, and
 * every host would be shown offline when it is the API that is cut off.
 */
async function assertBusReachable(nc: ApiContext['nc'], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([nc.rtt(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); })]);
  } catch (e) {
    throw new NetfleetError('NF_BUS_UNAVAILABLE', { reason: `the API cannot reach NATS (${(e as Error).message}), so it cannot ask the agents what they would run; retry once NATS is back` }, e);
  } finally {
    clearTimeout(timer);
  }
}
