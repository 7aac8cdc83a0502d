import { DEFAULT_CONTROLLER_PORT, type ControllerDef } from './network-def.ts';

/** OVS's Controller target string (`tcp:IP:PORT`, `ptcp:PORT:IP`, `unix:PATH`, …). */
export function controllerTarget(controller: ControllerDef): string {
  const prefix = controller.mode === 'passive' ? 'p' : '';
  if (controller.protocol === 'unix') return `${prefix}unix:${controller.path ?? ''}`;
  const port = controller.port ?? DEFAULT_CONTROLLER_PORT;
  const host = controller.address?.includes(':') ? `[${controller.address}]` : controller.address;
  if (controller.mode === 'passive') return `p${controller.protocol}:${port}${host ? `:${host}` : ''}`;
  return `${controller.protocol}:${host ?? ''}:${port}`;
}
