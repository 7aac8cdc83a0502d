import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { NAME_MAX_LENGTH } from '@netfleet/events/name-limits';
import { httpStatusOf, RETRY_AFTER_SECONDS } from './http-status';
import { routeTable } from './route-table';

/** The framework's own refusals, each as the error from the table (and so its status) it becomes. */
const FASTIFY_ERRORS: Record<string, (fastifyCode: string) => NetfleetError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (fastifyCode) => new NetfleetError('NF_API_PAYLOAD_TOO_LARGE', { fastifyCode }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (fastifyCode) => new NetfleetError('NF_API_UNSUPPORTED_MEDIA_TYPE', { fastifyCode }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (fastifyCode) => new NetfleetError('NF_API_MALFORMED_BODY', { problem: 'its size does not match its Content-Length', fastifyCode }),
  FST_ERR_CTP_EMPTY_JSON_BODY: (fastifyCode) => new NetfleetError('NF_API_MALFORMED_BODY', { problem: 'it is empty but Content-Type says application/json: send a JSON object, or no Content-Type', fastifyCode }),
  FST_ERR_CTP_INVALID_JSON_BODY: (fastifyCode) => new NetfleetError('NF_API_MALFORMED_BODY', { problem: 'it is not valid JSON (or has a __proto__/constructor key): send well-formed JSON', fastifyCode }),
  FST_ERR_BAD_URL: (fastifyCode) => new NetfleetError('NF_API_BAD_URL', { part: 'the URL', fastifyCode }),
  FST_ERR_MAX_PARAM_LENGTH: (fastifyCode) => new NetfleetError('NF_API_URI_TOO_LONG', { max: NAME_MAX_LENGTH, fastifyCode }),
};

/** A framework error as netfleet's: its own code when the table has one, else a 400 in fastify's words. */
const fromFastify = (error: FastifyError) =>
  FASTIFY_ERRORS[error.code]?.(error.code) ?? new NetfleetError('NF_API_BAD_REQUEST', { problem: error.message, fastifyCode: error.code });

const send = (reply: FastifyReply, error: NetfleetError) => reply.status(httpStatusOf(error.code)).send(error.toJSON());

/**
 * Every error leaves the API as `{ code, message, details }`, its status read from the error table:
 * client mistakes (schema failures, bad XML, conflicts, the framework's own refusals: bad URLs,
 * overlong names, bodies too large, unknown media types, malformed JSON, unknown methods) are 4xx
 * with what is wrong; only our own faults are 500, logged once here, and never with a stack trace.
 */
export function installErrorHandler(app: FastifyInstance): void {
  const routes = routeTable(app);
  app.setErrorHandler((error: FastifyError | NetfleetError | Error, request, reply) => {
    if (error instanceof NetfleetError) {
      const status = httpStatusOf(error.code);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.status(status).send(error.toJSON());
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return send(reply, new NetfleetError('NF_API_BAD_REQUEST', { problem: `invalid request: ${fastifyError.message}`, validation: fastifyError.validation }));
    }
    if ((fastifyError.code && fastifyError.code in FASTIFY_ERRORS) || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
      return send(reply, fromFastify(fastifyError));
    }
    request.log.error({ err: error }, 'request failed');
    return send(reply, new NetfleetError('NF_API_INTERNAL', { requestId: request.id }));
  });
  app.setNotFoundHandler((request, reply) => {
    const allowed = routes.methodsFor(request.url);
    if (allowed.length > 0) {
      return send(reply.header('allow', allowed.join(', ')), new NetfleetError('NF_API_METHOD_NOT_ALLOWED', { method: request.method, path: pathOf(request.url), allow: allowed }));
    }
    return send(reply, new NetfleetError('NF_API_NOT_FOUND', { method: request.method, path: pathOf(request.url) }));
  });
}

const pathOf = (url: string) => url.split('?', 1)[0]!.slice(0, 200);

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route runs (an undecodable URL,
 * a path segment over `maxParamLength`) gets the same contract as everything else.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void send(reply, fromFastify(error));
}

/**
 * What Node's HTTP parser refuses (headers too large, a request that never finished, garbage
 * instead of HTTP): answered on the raw socket, since there is no request, in the same contract.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = error.code === 'HPE_HEADER_OVERFLOW'
    ? new NetfleetError('NF_API_HEADERS_TOO_LARGE')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new NetfleetError('NF_API_REQUEST_TIMEOUT')
      : new NetfleetError('NF_API_BAD_REQUEST', { problem: 'the request is not valid HTTP' });
  const status = httpStatusOf(refusal.code);
  const body = JSON.stringify(refusal);
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  } else {
    socket.destroy(error);
  }
}

const statusText = (status: number) => ({ 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' } as Record<number, string>)[status] ?? 'Error';
