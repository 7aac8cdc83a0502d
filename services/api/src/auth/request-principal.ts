import type { Principal } from './authenticate';

// Every authenticated request carries its principal (set by the onRequest hook in app.ts).
declare module 'fastify' {
  interface FastifyRequest { principal: Principal }
}

export type { Principal };
