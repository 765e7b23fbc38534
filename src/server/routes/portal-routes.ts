// The portal at `/`. Until the web app lands this is a small page that says what runs here.
import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Twofold</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}code{background:#f2f4f7;padding:.1rem .3rem;border-radius:4px}</style>
</head><body><h1>Twofold</h1><p>The account-security API is running. The web portal is not built yet.</p>
<p>API: <code>/v1</code> · OpenAPI: <a href="/v1/openapi.json">/v1/openapi.json</a> · Health: <a href="/healthz">/healthz</a></p>
</body></html>`;

export async function portalRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}
