import { NETFLEET_OWNER, OwnershipMark, type BridgeSpec, type SslSpec } from './bridge-spec';
import type { ObservedSsl } from './observed-bridge';
import type { OvsOp } from './ovs-op';
import { RefusalCode, refusalOf, type Refusal } from './refusal';
import { needsSsl } from './validate-bridge-spec';

export interface PlanSslOptions {
  /** Host-wide PKI; when given it wins over the networks' own `ssl`. */
  ssl?: SslSpec;
  /** The host's current SSL row. */
  observedSsl?: ObservedSsl;
}

function sameSsl(a: SslSpec, b: SslSpec): boolean {
  return a.privateKey === b.privateKey && a.certificate === b.certificate && a.caCert === b.caCert;
}

/**
 * OVS has one SSL row per host. The host-wide `options.ssl` wins; otherwise the networks'
 * `ssl` must agree — preferring one the host already has, else the first by bridge name. A
 * network that disagrees is refused (NF_OVS_PKI_CONFLICT), as is an ssl:/pssl: controller with
 * no PKI at all. An SSL row netfleet did not make is never replaced or cleared.
 */
export function planSsl(accepted: BridgeSpec[], options: PlanSslOptions): { ops: OvsOp[]; refusals: Refusal[] } {
  const refusals: Refusal[] = [];
  const observedSsl = options.observedSsl;
  const withSsl = accepted.filter((s) => s.ssl !== undefined);
  const chosen: SslSpec | undefined =
    options.ssl ??
    (observedSsl && withSsl.find((s) => sameSsl(s.ssl!, observedSsl))?.ssl) ??
    withSsl[0]?.ssl;
  const chosenBy = options.ssl ? 'the host' : withSsl.find((s) => chosen && sameSsl(s.ssl!, chosen))?.network;

  const observedOwned = observedSsl?.externalIds[OwnershipMark.owner] === NETFLEET_OWNER;
  const observedMatches = observedSsl !== undefined && chosen !== undefined && sameSsl(observedSsl, chosen);
  const foreignBlocks = chosen !== undefined && observedSsl !== undefined && !observedOwned && !observedMatches;

  for (const spec of accepted) {
    const usesSsl = spec.controllers.some((c) => needsSsl(c.target));
    if (spec.ssl && chosen && !sameSsl(spec.ssl, chosen)) {
      refusals.push(refusalOf(spec, RefusalCode.pkiConflict, {
        network: spec.network,
        wanted: ` (key ${spec.ssl.privateKey}, cert ${spec.ssl.certificate}, CA ${spec.ssl.caCert})`,
        conflict: `this host's OVS already uses the PKI of ${chosenBy ?? 'another network'} (key ${chosen.privateKey}); ` +
          'OVS has one SSL configuration per host: give these networks the same PKI or place them on different hosts',
      }));
    } else if (foreignBlocks && (spec.ssl || usesSsl)) {
      refusals.push(refusalOf(spec, RefusalCode.pkiConflict, {
        network: spec.network,
        wanted: '',
        conflict: `this host's OVS has an SSL configuration netfleet did not make (key ${observedSsl!.privateKey}); ` +
          'netfleet will not replace it: remove it (ovs-vsctl del-ssl) or use that PKI',
      }));
    } else if (usesSsl && !chosen && !observedSsl) {
      refusals.push(refusalOf(spec, RefusalCode.sslMissing, { network: spec.network }));
    }
  }

  const ops: OvsOp[] = [];
  const anyUsesSsl = accepted.some((s) => s.controllers.some((c) => needsSsl(c.target)));
  if (chosen && !observedMatches && !foreignBlocks) ops.push({ kind: 'set-ssl', ssl: { ...chosen } });
  // An owned SSL row nobody asks for any more goes (unless an ssl: controller still leans on it).
  if (!chosen && observedSsl && observedOwned && !anyUsesSsl) ops.push({ kind: 'clear-ssl' });
  return { ops, refusals };
}
