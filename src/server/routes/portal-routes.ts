// The portal at `/`: the React app from web/, built by `npm run build` (Vite) into dist/web and
// served as static files. The app's own paths (/login, /account/…) answer its index.html; any
// other GET from a browser gets it too, with a 404 status, and the app shows "Page not found";
// API clients (no text/html in Accept) and /v1 get the usual problem+json 404. Without a build
// (tests run from source), a small placeholder page says what runs here.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Twofold</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}code{background:#f2f4f7;padding:.1rem .3rem;border-radius:4px}</style>
</head><body><h1>Twofold</h1><p>The account-security API is running. The web portal is not built: run <code>npm run build</code>.</p>
<p>API: <code>/v1</code> · OpenAPI: <a href="/v1/openapi.json">/v1/openapi.json</a> · Health: <a href="/healthz">/healthz</a></p>
</body></html>`;

/** The portal's client-side routes (web/src/app.tsx). */
const APP_ROUTES = [
  '/login',
  '/signup',
  '/forgot-password',
  '/reset-password',
  '/verify-email',
  '/device',
  '/support-reset/cancel',
  '/account',
  '/account/*',
];

/** dist/web, seen from the compiled file (dist/server/routes) or from the source (src/server/routes). */
export function findPortalRoot(): string | null {
  const candidates = [new URL('../../web/', import.meta.url), new URL('../../../dist/web/', import.meta.url)].map((u) =>
    fileURLToPath(u),
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

function wantsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

export async function portalRoutes(
  app: FastifyInstance,
  opts: {
    root?: string | null;
    /** Serve the /dev/outbox page too (the development outbox is on). */
    devOutbox?: boolean;
  } = {},
): Promise<void> {
  const root = opts.root === undefined ? findPortalRoot() : opts.root;
  if (!root) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, found at start: a request for anything else falls through to the
    // routes below instead of a filesystem lookup.
    wildcard: false,
    dotfiles: 'ignore',
    setHeaders: (reply, path) => {
      // Vite puts a content hash in every asset's name; index.html must be revalidated.
      reply.header(
        'cache-control',
        path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  const sendApp = (reply: FastifyReply, status: number) =>
    reply.status(status).header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  for (const path of opts.devOutbox ? [...APP_ROUTES, '/dev/outbox'] : APP_ROUTES) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) => sendApp(reply, 200));
  }
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (path === '/v1' || path.startsWith('/v1/') || !wantsHtml(req)) return reply.callNotFound();
    return sendApp(reply, 404);
  });
}
