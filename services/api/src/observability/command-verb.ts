/**
 * The CLI verb a state-changing request stands for (the `verb` label of the commands metric),
 * from its method and route pattern; undefined for reads.
 */
export function commandVerb(method: string, route: string | undefined): string | undefined {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || route === undefined) return undefined;
  const known = KNOWN[`${method} ${route}`];
  if (known) return known;
  const action = /^\/v1\/networks\/:name\/([a-z-]+)$/.exec(route)?.[1];
  if (action) return action;
  return `${method.toLowerCase()} ${route}`;
}

const KNOWN: Record<string, string> = {
  'POST /v1/networks': 'define',
  'POST /v1/networks/create': 'create',
  'DELETE /v1/networks/:name': 'undefine',
  'PUT /v1/networks/:name/placement': 'place',
  'PUT /v1/networks/:name/autostart': 'autostart',
  'POST /v1/networks/:name/plan': 'dry-run',
  'POST /v1/hosts': 'host-add',
  'POST /v1/tokens': 'token-create',
  'DELETE /v1/tokens/:name': 'token-revoke',
  'POST /v1/admin/rebuild': 'rebuild',
};

/** ok (2xx/3xx), refused (the client's mistake, 4xx) or error (5xx). */
export const commandOutcome = (status: number): 'ok' | 'refused' | 'error' => (status >= 500 ? 'error' : status >= 400 ? 'refused' : 'ok');
