import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * Guards every route, whatever its schema says, against two classes of input that once reached
 * PostgreSQL or a timer and came back as 500s:
 * - a NUL character (U+0000) anywhere in the path, query, headers or body: PostgreSQL stores none
 *   in text or jsonb, so it is refused here, naming where it was;
 * - a number the schema coerced from the query to Infinity (`timeout=1e400`): ajv skips range
 *   checks on non-finite numbers, so `maximum` alone does not bound it; and what ajv coerces
 *   from forms no one means as a number (`0x10`, `0b1`, ` 7 `);
 * - a query the parser tolerates but cannot decode (`%ZZ`): refused like such a path (400);
 * - a body sent to a route that takes none (it would be ignored: a request that is not what it seems).
 */
export function installRequestGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where = nulIn(request);
    if (where) throw new NetfleetError('NF_API_NUL_CHARACTER', { where });
    checkQueryDecodes(request.url);
    checkNumbersAreDecimal(request);
    if (request.body !== undefined && request.body !== null && !request.routeOptions.schema?.body) {
      throw new NetfleetError('NF_API_BAD_REQUEST', { problem: `${request.method} ${request.routeOptions.url ?? ''} takes no body; send none` });
    }
  });
  app.addHook('preHandler', async (request) => {
    for (const [part, value] of [['query', request.query], ['path', request.params]] as const) {
      for (const [name, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (typeof v === 'number' && !Number.isFinite(v)) {
          throw new NetfleetError('NF_API_BAD_REQUEST', { problem: `${part} parameter ${name} must be a finite number (its range is there)`, parameter: name, value: String(v) });
        }
      }
    }
  });
}

function checkQueryDecodes(url: string): void {
  const query = url.indexOf('?') >= 0 ? url.slice(url.indexOf('?') + 1) : '';
  if (!query.includes('%')) return;
  for (const part of query.split('&')) {
    try {
      decodeURIComponent(part.replaceAll('+', ' '));
    } catch {
      throw new NetfleetError('NF_API_BAD_URL', { part: `the query part '${part.slice(0, 80)}'` });
    }
  }
}

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Query numbers as people write them, before ajv's coercion (Number()) reads hex, binary or blanks. */
function checkNumbersAreDecimal(request: FastifyRequest): void {
  const properties = (request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: string }> } | undefined)?.properties;
  if (!properties) return;
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    const type = properties[name]?.type;
    if ((type === 'integer' || type === 'number') && typeof value === 'string' && !DECIMAL.test(value)) {
      throw new NetfleetError('NF_API_BAD_REQUEST', { problem: `query parameter ${name} must be a decimal number, not '${value.slice(0, 40)}'`, parameter: name, value: value.slice(0, 40) });
    }
  }
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
