import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * Guards every route, whatever its schema says, against two classes of input that once reached
 * PostgreSQL or a timer and came back as 500s:
 * - a NUL character (U+0000) anywhere in the path, query, headers or body: PostgreSQL stores none
 *   in text or jsonb, so it is refused here, naming where it was;
 * - a number the schema coerced from the query to Infinity (`timeout=1e400`): ajv skips range
 *   checks on non-finite numbers, so `maximum` alone does not bound it.
 */
export function installRequestGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where = nulIn(request);
    if (where) throw new NetfleetError('NF_API_NUL_CHARACTER', `the request has a NUL character (U+0000) in ${where}; remove it (netfleet stores no NUL characters)`, { where });
  });
  app.addHook('preHandler', async (request) => {
    for (const [part, value] of [['query', request.query], ['path', request.params]] as const) {
      for (const [name, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (typeof v === 'number' && !Number.isFinite(v)) {
          throw new NetfleetError('NF_API_BAD_REQUEST', `${part} parameter ${name} must be a finite number; see /openapi.json for its range`, { [name]: String(v) });
        }
      }
    }
  });
}

/** Where the request holds a NUL character (e.g. `body.comment`, `header if-match`), if anywhere. */
function nulIn(request: FastifyRequest): string | undefined {
  if (request.url.includes('\u0000') || /%00/.test(request.url)) return 'the URL';
  for (const [name, value] of Object.entries(request.headers)) {
    if ((Array.isArray(value) ? value : [value]).some((v) => typeof v === 'string' && v.includes('\u0000'))) return `header ${name}`;
  }
  return pathOfNul(request.params, 'path') ?? pathOfNul(request.query, 'query') ?? pathOfNul(request.body, 'body');
}

/** Walks a parsed value without recursion (a deeply nested JSON body must not blow the stack). */
export function pathOfNul(root: unknown, rootName: string): string | undefined {
  const stack: [unknown, string][] = [[root, rootName]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}[${i}]`]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\u0000')) return `${path} (a key)`;
        stack.push([v, `${path}.${k}`]);
      }
    }
  }
  return undefined;
}
