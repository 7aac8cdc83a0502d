import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@netfleet/errors/error-codes';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { httpStatusOf, RETRY_AFTER_SECONDS } from './http-status';
import { routeTable } from './route-table';

/** The framework's own refusals, each with its code from the error table (and so its status). */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'NF_API_PAYLOAD_TOO_LARGE', message: 'the request body is over 2 MiB; a network definition is far smaller' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'NF_API_UNSUPPORTED_MEDIA_TYPE', message: 'this Content-Type is not read here: send application/json (or application/xml for a network definition)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'NF_API_MALFORMED_BODY', message: 'the body\'s size does not match its Content-Length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'NF_API_MALFORMED_BODY', message: 'the body is empty but Content-Type says application/json: send a JSON object, or no Content-Type' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'NF_API_MALFORMED_BODY', message: 'the body is not valid JSON (or has a __proto__/constructor key): send well-formed JSON' },
  FST_ERR_BAD_URL: { code: 'NF_API_BAD_URL', message: 'the URL cannot be decoded: percent-encode it correctly (%XX with two hex digits, UTF-8)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'NF_API_URI_TOO_LONG', message: 'a name in the path is longer than any name can be (names are at most 64 characters)' },
};

const send = (reply: FastifyReply, code: ErrorCode, message: string, details: Record<string, unknown> = {}) =>
  reply.status(httpStatusOf(code)).send({ code, message, details });

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
      return send(reply, 'NF_API_BAD_REQUEST', `invalid request: ${fastifyError.message}; see /openapi.json`, { validation: fastifyError.validation });
    }
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    if (known) return send(reply, known.code, known.message ?? fastifyError.message, { fastifyCode: fastifyError.code });
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      return send(reply, 'NF_API_BAD_REQUEST', fastifyError.message, { fastifyCode: fastifyError.code });
    }
    request.log.error({ err: error }, 'request failed');
    return send(reply, 'NF_API_INTERNAL', 'internal error; the API logged the details', { requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    const allowed = routes.methodsFor(request.url);
    if (allowed.length > 0) {
      return send(reply.header('allow', allowed.join(', ')), 'NF_API_METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${pathOf(request.url)}; it takes ${allowed.join(', ')}`, { allow: allowed });
    }
    return send(reply, 'NF_API_NOT_FOUND', `no such endpoint: ${request.method} ${pathOf(request.url)}; see /openapi.json`);
  });
}

const pathOf = (url: string) => url.split('?', 1)[0]!.slice(0, 200);

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route runs (an undecodable URL,
 * a path segment over `maxParamLength`) gets the same contract as everything else.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = FASTIFY_CODES[error.code];
  void send(reply, known?.code ?? 'NF_API_BAD_REQUEST', known?.message ?? error.message, { fastifyCode: error.code });
}

/**
 * What Node's HTTP parser refuses (headers too large, a request that never finished, garbage
 * instead of HTTP): answered on the raw socket, since there is no request, in the same contract.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message]: [ErrorCode, string] = error.code === 'HPE_HEADER_OVERFLOW'
    ? ['NF_API_HEADERS_TOO_LARGE', 'the request headers are over the server\'s limit; send smaller headers']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['NF_API_REQUEST_TIMEOUT', 'the request did not arrive in time; retry']
      : ['NF_API_BAD_REQUEST', 'the request is not valid HTTP'];
  const status = httpStatusOf(code);
  const body = JSON.stringify({ code, message, details: {} });
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  } else {
    socket.destroy(error);
  }
}

const statusText = (status: number) => ({ 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' } as Record<number, string>)[status] ?? 'Error';
