import type { Principal } from './authenticate';

// Every authenticated request carries its principal, and a signal aborted when its token is
// revoked (set by the onRequest hook in app.ts; never aborted for configured tokens).
declare module 'fastify' {
  interface FastifyRequest { principal: Principal; tokenRevoked: AbortSignal }
}

export type { Principal };
