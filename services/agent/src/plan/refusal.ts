import { renderErrorMessage, type ErrorDetails } from '@netfleet/errors/error-message';

/** A desired bridge netfleet will not apply, and why; the bridge is left exactly as it is. */
export interface Refusal {
  network: string;
  bridge: string;
  code: RefusalCode;
  message: string;
}

export const RefusalCode = {
  /** a bridge of that name exists and netfleet did not make it */
  bridgeForeign: 'NF_OVS_BRIDGE_FOREIGN',
  /** two desired networks on this host name the same bridge */
  bridgeDuplicate: 'NF_OVS_BRIDGE_DUPLICATE',
  /** the spec holds a value OVS would reject */
  specInvalid: 'NF_OVS_SPEC_INVALID',
  /** networks on this host need different PKI (OVS has one SSL config per host), or the host's own differs */
  pkiConflict: 'NF_OVS_PKI_CONFLICT',
  /** an ssl:/pssl: controller without any PKI */
  sslMissing: 'NF_OVS_SSL_MISSING',
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

/** The refusal of one desired bridge, its message rendered from the error table as the error it becomes would be. */
export function refusalOf<C extends RefusalCode>(spec: { network: string; bridge: string }, code: C, details: ErrorDetails<C>): Refusal {
  return { network: spec.network, bridge: spec.bridge, code, message: renderErrorMessage(code, details) };
}
