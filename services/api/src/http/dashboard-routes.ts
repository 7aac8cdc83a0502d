import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { dashboardDistDir } from '@netfleet/dashboard/dist-dir';
import type { ApiContext } from '../api-context';
import { whoamiRoutes } from './whoami-routes';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2',
};
/** Built asset names: Vite's hashed files, one level under /assets/ (no traversal possible). */
const ASSET = /^\/assets\/([A-Za-z0-9_.-]+)$/;

/**
 * The page itself is public (it holds no data): `/` and `/assets/*` need no token. Every call the
 * page makes goes to /v1 with the token the user typed in, like the CLI's.
 */
export function isDashboardPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path === '/' || path === '/index.html' || (ASSET.test(path) && !path.includes('..'));
}

/** Serves the built dashboard (services/dashboard/dist) at / on the API's own origin. */
export async function dashboardRoutes(app: FastifyInstance, opts: { ctx: ApiContext; distDir?: string }): Promise<void> {
  const dir = opts.distDir ?? dashboardDistDir;
  await app.register(whoamiRoutes, { ctx: opts.ctx });

  const send = async (reply: FastifyReply, file: string, cache: string) => {
    const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    try {
      const body = await readFile(join(dir, file));
      return reply.type(type).header('cache-control', cache).header('x-content-type-options', 'nosniff').send(body);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (file !== 'index.html') return reply.status(404).type('text/plain').send(`no such dashboard file: ${file}\n`);
      return reply.status(503).type('text/plain; charset=utf-8')
        .send('The dashboard is not built. Run `npm run build -w @netfleet/dashboard` (npm run bootstrap does it when needed).\n');
    }
  };
  const page = (_request: unknown, reply: FastifyReply) => send(reply, 'index.html', 'no-cache');
  app.get('/', { schema: { hide: true } }, page);
  app.get('/index.html', { schema: { hide: true } }, page);
  // Hashed names change with their content: cache them for good.
  app.get('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const match = ASSET.exec(request.url.split('?', 1)[0]!);
    if (!match) return reply.status(404).type('text/plain').send('no such dashboard file\n');
    return send(reply, `assets/${match[1]!}`, 'public, max-age=31536000, immutable');
  });
}
