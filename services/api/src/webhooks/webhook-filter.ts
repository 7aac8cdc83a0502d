import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import type { WebhookFilter } from '@netfleet/eventstore/webhooks';

/**
 * Whether a webhook wants an event: each list given must match (types by netfleet or CloudEvents
 * type; networks by the network the event is about, on its own stream or a host's report; hosts
 * likewise). An empty list matches everything. Pure.
 */
export function webhookMatches(filter: WebhookFilter, ce: CloudEventV1): boolean {
  const data = (typeof ce.data === 'object' && ce.data !== null ? ce.data : {}) as { name?: unknown; network?: unknown; host?: unknown };
  const [kind, name] = ce.streamid.split(/:(.*)/s) as [string, string | undefined];
  const network = kind === 'network' ? name : typeof data.network === 'string' ? data.network : undefined;
  const host = kind === 'host' ? name : typeof data.host === 'string' ? data.host : undefined;
  if (filter.types.length > 0 && !filter.types.includes(ce.netfleettype) && !filter.types.includes(ce.type)) return false;
  if (filter.networks.length > 0 && (network === undefined || !filter.networks.includes(network))) return false;
  if (filter.hosts.length > 0 && (host === undefined || !filter.hosts.includes(host))) return false;
  return true;
}
