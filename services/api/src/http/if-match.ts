import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { MAX_POSITION } from '@netfleet/events/name-limits';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route honours If-Match (the network's version, as GET …/xml's ETag has it). */
    ifMatch?: boolean;
  }
}

const STRONG_TAG = /^"(\d{1,16})"$/;

/**
 * Reads `If-Match`: exactly one strong entity tag as `GET /v1/networks/{name}/xml` answers
 * (`"3"`). Anything else is refused rather than ignored, since an ignored precondition is an
 * unconditional write: a weak tag (`W/"3"`, never equal under If-Match's strong comparison), a
 * list (`"1", "2"`), `*` (every network route already needs the network, or makes it), a tag that
 * is not a version (`"abc"`), or an empty header.
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  const version = STRONG_TAG.exec(value.trim())?.[1];
  if (version === undefined || Number(version) > MAX_POSITION) {
    throw new NetfleetError('NF_API_BAD_IF_MATCH', { problem: `'${value.slice(0, 100)}' is not one version tag such as "3" (the ETag GET /v1/networks/<name>/xml answers); weak tags, lists and * are not taken`, ifMatch: value.slice(0, 100) });
  }
  return Number(version);
}

/**
 * The version a change is based on: the body's `expectedVersion` or `If-Match`, which must agree
 * when both are given.
 */
export function expectedVersionOf(request: FastifyRequest, bodyVersion?: number): number | undefined {
  const tagged = parseIfMatch(request.headers['if-match']);
  if (tagged !== undefined && bodyVersion !== undefined && tagged !== bodyVersion) {
    throw new NetfleetError('NF_API_BAD_IF_MATCH', { problem: `"${tagged}" and expectedVersion ${bodyVersion} disagree; send one of them`, ifMatch: String(tagged), expectedVersion: bodyVersion });
  }
  return bodyVersion ?? tagged;
}

/**
 * Every route checks If-Match's form; a state-changing route that does not honour it refuses it
 * (never an unconditional write that looked conditional). Reads ignore a well-formed one.
 */
export function installIfMatchGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const header = request.headers['if-match'];
    if (header === undefined) return;
    parseIfMatch(header);
    if (request.routeOptions.config?.ifMatch || request.method === 'GET' || request.method === 'HEAD') return;
    throw new NetfleetError('NF_API_BAD_IF_MATCH', { problem: `is not taken by ${request.method} ${request.routeOptions.url ?? ''}; leave it out` });
  });
}
