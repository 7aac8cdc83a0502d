import type { NetworkDef } from './network-def.ts';
import { element, lowerCaseAttributes } from './xml-writer.ts';

/**
 * `<datapath>`, `<controller>`s and `<pki>`. Defaults (mode='active', outofband='no') are left
 * out, as libvirt leaves out its own defaults; everything the user set is written back.
 */
export function formatOvsExtension(def: NetworkDef): string[] {
  const dp = def.datapath;
  return [
    ...(dp
      ? element('datapath', lowerCaseAttributes(dp, ['name', 'id', 'mfrdesc', 'hwdesc', 'swdesc', 'failMode']))
      : []),
    ...def.controllers.flatMap((c) =>
      element('controller', [
        ['protocol', c.protocol],
        ['mode', c.mode === 'passive' ? 'passive' : undefined],
        ['address', c.address],
        ['port', c.port],
        ['path', c.path],
        ['outofband', c.outOfBand ? true : undefined],
        ['maxbackoff', c.maxBackoffMs],
        ['inactivityprobe', c.inactivityProbeMs],
        ['ratelimit', c.rateLimit],
        ['burstlimit', c.burstLimit],
      ]),
    ),
    ...(def.pki
      ? element('pki', [
          ['privatekey', def.pki.privateKey],
          ['certificate', def.pki.certificate],
          ['cacert', def.pki.caCert],
        ])
      : []),
  ];
}
