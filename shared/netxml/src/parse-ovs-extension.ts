import type { NetworkDef } from './network-def.ts';
import { controllerTarget } from './controller-target.ts';
import { childrenNamed, singleChild, type At, type ParseContext } from './parse-context.ts';
import { parseController } from './parse-controller.ts';
import { parseDatapath } from './parse-datapath.ts';
import { parsePki } from './parse-pki.ts';

/** The elements an ovs-datapath network may hold; the controller decides all forwarding. */
export const OVS_DATAPATH_ELEMENTS = ['name', 'uuid', 'metadata', 'datapath', 'controller', 'pki'];
export const OVS_ONLY_ELEMENTS = ['datapath', 'controller', 'pki'];

/** Reads `<datapath>`, `<controller>`s and `<pki>` into `def`, with the rules between them. */
export function parseOvsExtension(ctx: ParseContext, root: At, def: NetworkDef): void {
  const datapathAt = singleChild(ctx, root, 'datapath');
  if (!datapathAt) {
    ctx.report(`${root.path}/datapath`, root.node.line, `missing <datapath> element${ctx.inNetwork} (an ovs-datapath network needs one)`);
  } else {
    const datapath = parseDatapath(ctx, datapathAt);
    if (datapath) def.datapath = datapath;
  }

  const controllerAts = childrenNamed(root, 'controller');
  const seen = new Map<string, At>();
  controllerAts.forEach((at) => {
    const controller = parseController(ctx, at);
    if (!controller) return;
    const target = controllerTarget(controller);
    if (seen.has(target)) {
      ctx.element(at, `controller '${target}' is listed twice${ctx.inNetwork}`);
      return;
    }
    seen.set(target, at);
    def.controllers.push(controller);
  });

  const pkiAt = singleChild(ctx, root, 'pki');
  if (pkiAt) {
    const pki = parsePki(ctx, pkiAt);
    if (pki) def.pki = pki;
  }
  if (!pkiAt) {
    controllerAts.forEach((at) => {
      if (ctx.attr(at, 'protocol') === 'ssl') {
        ctx.element(at, `controller protocol 'ssl'${ctx.inNetwork} needs a <pki> element (privatekey, certificate, cacert)`);
      }
    });
  }
}
