// The interactive API reference at /docs: Swagger UI over the OpenAPI document the server builds
// from its route schemas (the same as GET /v1/openapi.json). Its scripts, styles and images are
// served from the package (no CDN, works offline) and load under the site-wide CSP as it is:
// no inline script, images from 'self' or data: (the logo), and the online validator badge is off
// so that the page never calls out.
import type { FastifyInstance } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';

export const DOCS_PREFIX = '/docs';

export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    validatorUrl: false,
    theme: { title: 'Twofold API reference' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
}
