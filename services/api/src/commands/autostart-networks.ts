import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { HostEventType } from '@netfleet/events/host-events';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import { listNetworkViews } from '@netfleet/eventstore/views';
import type { ApiContext } from '../api-context';
import { executeNetworkCommand } from './execute-network-command';

/** The actor recorded for starts netfleet makes on its own. */
export const AUTOSTART_ACTOR = 'netfleet:autostart';

/**
 * When a host's agent starts, every inactive autostart network placed on that host is started
 * (as libvirtd starts autostart networks when it starts). The command id is derived from the
 * AgentStarted event, so a second API instance or a redelivery starts nothing twice.
 */
export async function autostartNetworks(ctx: ApiContext, message: AgentEventMessageV1): Promise<void> {
  if (message.type !== HostEventType.AgentStarted) return;
  const due = (await listNetworkViews(ctx.db)).filter((n) => n.autostart && !n.active && n.hosts.includes(message.host));
  for (const network of due) {
    try {
      await executeNetworkCommand(ctx, {
        actor: AUTOSTART_ACTOR, commandId: `autostart:${network.name}:${message.eventId}`,
        comment: `autostart: agent of ${message.host} started`,
        command: { type: 'StartNetwork', name: network.name },
      });
      ctx.log.info({ network: network.name, host: message.host }, 'autostarted network');
    } catch (e) {
      if (!isNetfleetError(e)) throw e;
      // Already started by someone else meanwhile: nothing to do. Any other refusal (a bridge
      // another network took meanwhile) concerns this network only: the others still start.
      if (e.code !== 'NF_NETWORK_ALREADY_ACTIVE') ctx.log.warn({ network: network.name, host: message.host, code: e.code, err: e }, 'could not autostart a network');
    }
  }
}
