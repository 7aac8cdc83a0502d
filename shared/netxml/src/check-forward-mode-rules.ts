import type { NetworkDef } from './network-def.ts';
import { firstChild, type At, type ParseContext } from './parse-context.ts';

/** Modes where libvirt runs its own bridge (and so owns stp, delay and the bridge MAC). */
const OWN_BRIDGE_MODES = [undefined, 'nat', 'route', 'open'];

/** The rules between `<forward>`'s mode and `<bridge>` / `<mac>`. */
export function checkForwardModeRules(ctx: ParseContext, root: At, def: NetworkDef): void {
  const mode = def.forward?.mode;
  if (OWN_BRIDGE_MODES.includes(mode)) return;
  const bridgeAt = firstChild(root, 'bridge');
  const macAt = firstChild(root, 'mac');

  if (bridgeAt && (def.bridge?.stp !== undefined || def.bridge?.delay !== undefined)) {
    ctx.element(bridgeAt, `bridge delay/stp options only allowed in route, nat, and isolated mode, not in ${mode} (network '${def.name}')`);
  }
  if (bridgeAt && def.bridge?.name !== undefined) {
    if (mode !== 'bridge') {
      ctx.element(bridgeAt, `bridge name not allowed in ${mode} mode (network '${def.name}')`);
    } else if ((def.forward?.interfaces.length ?? 0) > 0) {
      ctx.element(bridgeAt, `A network with forward mode='bridge' can specify a bridge name or a forward dev, but not both (network '${def.name}')`);
    }
  }
  if (macAt && def.mac !== undefined) {
    ctx.element(macAt, `unsupported <mac> element in network '${def.name}' with forward mode='${mode}'`);
  }
}
