import { DEFAULT_CONTROLLER_PORT, type ControllerDef, type NetworkDef } from './network-def.ts';
import { controllerTarget } from './controller-target.ts';
import { childrenNamed, singleChild, type At, type ParseContext } from './parse-context.ts';
import { parseController } from './parse-controller.ts';
import { parseDatapath } from './parse-datapath.ts';
import { parsePki } from './parse-pki.ts';
import { passiveSocketNameProblem } from './path-rules.ts';

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
    if (controller.protocol === 'unix' && controller.mode === 'passive' && def.datapath) {
      const problem = passiveSocketNameProblem(controller.path!, def.datapath.name);
      if (problem) return ctx.invalid(at, 'path', controller.path!, problem);
    }
    const clash = listenerClash(controller, def.controllers);
    if (clash) return ctx.invalid(at, 'port', String(controller.port ?? DEFAULT_CONTROLLER_PORT), clash);
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

/**
 * Two passive tcp/ssl listeners on one port clash unless both name different addresses: OVS
 * binds the first and the second fails (EADDRINUSE), leaving the network without it.
 */
function listenerClash(controller: ControllerDef, earlier: ControllerDef[]): string | undefined {
  if (controller.mode !== 'passive' || controller.protocol === 'unix') return undefined;
  const port = controller.port ?? DEFAULT_CONTROLLER_PORT;
  const other = earlier.find(
    (c) =>
      c.mode === 'passive' &&
      c.protocol !== 'unix' &&
      (c.port ?? DEFAULT_CONTROLLER_PORT) === port &&
      (c.address === undefined || controller.address === undefined || c.address === controller.address),
  );
  if (!other) return undefined;
  return `clashes with the passive controller '${controllerTarget(other)}' (OVS can listen on a port only once per address)`;
}
