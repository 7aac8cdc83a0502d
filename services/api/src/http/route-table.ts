import type { FastifyInstance } from 'fastify';

export interface RouteTable {
  /** The methods some route takes on this concrete URL (query ignored), for a 405's `Allow`. */
  methodsFor(url: string): string[];
}

/**
 * Remembers every route as it is registered (fastify's router answers 404 for a known path with
 * another method; this turns that into 405 with `Allow`). Call before registering routes.
 */
export function routeTable(app: FastifyInstance): RouteTable {
  const routes: { methods: string[]; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    routes.push({ methods, pattern: patternOf(route.url) });
  });
  return {
    methodsFor(url) {
      const path = url.split('?', 1)[0]!;
      const methods = new Set<string>();
      for (const route of routes) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
      return [...methods].sort();
    },
  };
}

/** `/v1/networks/:name/xml` → a regex matching one non-empty segment per parameter. */
function patternOf(url: string): RegExp {
  const parts = url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}$`);
}
