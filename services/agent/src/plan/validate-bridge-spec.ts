import { OwnershipMark, type BridgeSpec, type ControllerSpec } from './bridge-spec';

/**
 * Why a BridgeSpec cannot go to OVS as it is. Upstream validates the network definition already;
 * this is the agent's own last check, because every bridge of a host goes into ONE OVS
 * transaction (JSON-RPC or ovs-vsctl), and one value OVS rejects (a max_backoff below 1000, say) would fail them all.
 * Returns the problems (empty when fine), each naming the field and the value.
 */
export function validateBridgeSpec(spec: BridgeSpec): string[] {
  const problems: string[] = [];
  const name = spec.bridge;
  if (typeof name !== 'string' || name.length < 1 || name.length > 15 || /[/\s]/.test(name) || name === '.' || name === '..') {
    problems.push(`bridge name '${String(name)}' must be 1-15 characters without '/' or whitespace, and not '.' or '..'`);
  } else if (name.startsWith('-')) {
    problems.push(`bridge name '${name}' must not begin with '-' (ovs-vsctl could read it as an option)`);
  }
  if (!Number.isSafeInteger(spec.generation) || spec.generation < 0) {
    problems.push(`generation ${String(spec.generation)} must be a non-negative integer`);
  }
  if (spec.datapathId !== undefined) {
    if (!/^[0-9a-fA-F]{16}$/.test(spec.datapathId)) {
      problems.push(`datapath id '${spec.datapathId}' must be exactly 16 hex digits`);
    } else if (/^0+$/.test(spec.datapathId)) {
      problems.push(`datapath id '${spec.datapathId}' must not be all zeros`);
    }
  }
  if (spec.description !== undefined && new TextEncoder().encode(spec.description).length >= 256) {
    problems.push('description (dp-desc) must be shorter than 256 bytes');
  }
  const targets = new Set<string>();
  spec.controllers.forEach((controller, index) => {
    problems.push(...validateController(controller, index));
    if (targets.has(controller.target)) problems.push(`controller target '${controller.target}' is listed twice`);
    targets.add(controller.target);
  });
  for (const key of Object.keys(spec.extraExternalIds)) {
    if ((Object.values(OwnershipMark) as string[]).includes(key)) {
      problems.push(`extra external_ids key '${key}' is reserved for netfleet's ownership marks`);
    }
    if (key.length === 0) problems.push('extra external_ids key must not be empty');
  }
  return problems;
}

const TARGET = /^(tcp|ssl|unix|ptcp|pssl|punix):\S+$/;

function validateController(c: ControllerSpec, index: number): string[] {
  const at = `controller ${index} ('${c.target}')`;
  const problems: string[] = [];
  if (!TARGET.test(c.target)) {
    problems.push(`${at}: target must be tcp:, ssl:, unix:, ptcp:, pssl: or punix: followed by an address`);
  }
  const integer = (value: number | undefined, field: string, min: number): void => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      problems.push(`${at}: ${field} ${value} must be an integer >= ${min}`);
    }
  };
  integer(c.maxBackoffMs, 'maxBackoffMs', 1000);
  integer(c.inactivityProbeMs, 'inactivityProbeMs', 0);
  integer(c.rateLimit, 'rateLimit', 100);
  integer(c.burstLimit, 'burstLimit', 25);
  if (c.connectionMode !== undefined && c.connectionMode !== 'in-band' && c.connectionMode !== 'out-of-band') {
    problems.push(`${at}: connectionMode '${String(c.connectionMode)}' must be in-band or out-of-band`);
  }
  return problems;
}

/** Whether a controller target needs the host's SSL configuration. */
export function needsSsl(target: string): boolean {
  return target.startsWith('ssl:') || target.startsWith('pssl:');
}
