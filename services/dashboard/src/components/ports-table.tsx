import type { NetworkView } from '@netfleet/fleet/fleet-view';
import { formatTime } from '../lib/format-time';

/** Per host, the VMs attached to a network (their interfaces on its bridge), live from the agents' reports. */
export function PortsTable({ network, hosts }: { network: NetworkView; hosts: string[] }) {
  const rows = hosts.flatMap((host) => (network.perHost[host]?.ports ?? []).map((port) => ({ host, port })));
  return (
    <section aria-labelledby="ports-title">
      <h2 id="ports-title">Attached VMs</h2>
      {rows.length === 0 ? <p data-testid="no-ports">No VM is attached to {network.name} on any host.</p> : (
        <div class="table-wrap">
          <table class="ports" data-testid="ports">
            <thead><tr><th scope="col">Host</th><th scope="col">Interface</th><th scope="col">VM</th><th scope="col">VM UUID</th><th scope="col">MAC</th><th scope="col">Since</th></tr></thead>
            <tbody>
              {rows.map(({ host, port }) => (
                <tr key={`${host}/${port.interface}`} data-host={host} data-interface={port.interface}>
                  <th scope="row">{host}</th>
                  <td class="mono">{port.interface}</td>
                  <td>{port.vmUuid ? (port.domain ?? '–') : <em>no VM</em>}</td>
                  <td class="mono">{port.vmUuid ?? '–'}</td>
                  <td class="mono">{port.mac ?? '–'}</td>
                  <td>{formatTime(port.since)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
