import type { FastifyError, FastifyInstance } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { httpStatusOf, RETRY_AFTER_SECONDS } from './http-status';

/**
 * Every error leaves the API as `{ code, message, details }`. Client mistakes (schema failures,
 * bad XML, conflicts) are 4xx with what is wrong; only our own faults are 500, logged once here,
 * and even then without a stack trace in the body.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | NetfleetError | Error, request, reply) => {
    if (error instanceof NetfleetError) {
      const status = httpStatusOf(error.code);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.status(status).send(error.toJSON());
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(400).send({ code: 'NF_API_BAD_REQUEST', message: `invalid request: ${fastifyError.message}`, details: { validation: fastifyError.validation } });
    }
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      return reply.status(fastifyError.statusCode).send({ code: 'NF_API_BAD_REQUEST', message: fastifyError.message, details: { fastifyCode: fastifyError.code } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ code: 'NF_API_INTERNAL', message: 'internal error; the API logged the details', details: { requestId: request.id } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'NF_API_NOT_FOUND', message: `no such endpoint: ${request.method} ${request.url}`, details: {} }));
}
