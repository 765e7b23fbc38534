// Builds the Fastify application over a runtime (config, storage, services). Fastify lives here
// and in the routes/plugins folders only.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { serializerCompiler } from './serializer.js';
import type { Runtime } from './container.js';
import { authPlugin, type SignatureAuthenticator } from './plugins/auth.js';
import { registerCsrf } from './plugins/csrf.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerApiDocs } from './plugins/api-docs.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerProblemHandler, sendProblem, toAppError } from './plugins/problem.js';
import { cookieSecrets } from './oauth-cookie.js';
import { registerRawJsonParser } from './raw-body.js';
import { BODY_LIMIT } from './bounded-body.js';
import { signatureAuthenticator } from './signature-auth.js';
import { authRoutes } from './routes/auth-routes.js';
import { accessKeyRoutes } from './routes/access-key-routes.js';
import { accountDeletionRoutes } from './routes/account-deletion-routes.js';
import { emailRoutes } from './routes/email-routes.js';
import { challengeRoutes } from './routes/challenge-routes.js';
import { googleRoutes } from './routes/google-routes.js';
import { meRoutes } from './routes/me-routes.js';
import { mfaRoutes } from './routes/mfa-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { portalRoutes } from './routes/portal-routes.js';
import { devOutboxRoutes } from './routes/dev-outbox-routes.js';
import { passkeyRoutes } from './routes/passkey-routes.js';
import { passkeyAuthRoutes } from './routes/passkey-auth-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { adminRoutes } from './routes/admin-routes.js';
import { supportResetRoutes } from './routes/support-reset-routes.js';

export { BODY_LIMIT };

export interface AppOptions {
  /** Logs requests (off in tests). */
  logRequests?: boolean;
  signatures?: SignatureAuthenticator;
}

export interface TwofoldApp {
  app: FastifyInstance;
  /** Marks the instance as draining: /readyz fails so the load balancer stops sending traffic. */
  startDraining(): void;
}

export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<TwofoldApp> {
  const { config } = runtime;
  let draining = false;
  // Typed as the base instance: pino's richer logger type otherwise leaks into every plugin's type.
  const app: FastifyInstance = Fastify({
    loggerInstance: runtime.logger,
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy && config.trustProxy.length > 0 ? config.trustProxy : false,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    // Errors the router raises before any route runs (a malformed %-escape, a path parameter over
    // maxParamLength) would otherwise be answered as plain JSON, not problem+json.
    frameworkErrors: (error, req, reply) => void sendProblem(reply, req, toAppError(error)),
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandler(app);
  registerRawJsonParser(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Twofold API',
        version: '1',
        description: 'Accounts, sessions, two-factor authentication and access keys.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: config.secure ? '__Host-twofold_session' : 'twofold_session' },
          bearer: { type: 'http', scheme: 'bearer' },
          signature: {
            type: 'apiKey',
            in: 'header',
            name: 'Signature',
            description: 'RFC 9421 hmac-sha256 or draft-cavage signature by an access key',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  // The secret signs only cookies set with `signed: true` (the Google sign-in's); the session
  // cookie is an opaque token checked against the database and is not signed.
  await app.register(cookie, { secret: cookieSecrets(runtime.keyring) });
  registerSecurityHeaders(app, config.secure);
  registerCsrf(app, config.publicUrl, config.secure, config.loopbackAliases);
  const metrics = registerMetrics(app);
  await registerApiDocs(app);
  await app.register(authPlugin, {
    services: runtime.services,
    secure: config.secure,
    signatures:
      options.signatures ??
      signatureAuthenticator(
        runtime.services,
        config.publicUrl,
        { cavageRequireDigest: config.cavageRequireDigest },
        config.loopbackAliases,
      ),
  });

  await app.register(authRoutes, {
    services: runtime.services,
    config,
    onSignIn: (outcome) => metrics.signIns.inc({ outcome }),
  });
  await app.register(challengeRoutes, { services: runtime.services, config });
  await app.register(googleRoutes, {
    services: runtime.services,
    config,
    onSignIn: (outcome) => metrics.signIns.inc({ outcome }),
  });
  await app.register(meRoutes, { services: runtime.services, config });
  await app.register(emailRoutes, { services: runtime.services });
  await app.register(accountDeletionRoutes, { services: runtime.services, config });
  await app.register(mfaRoutes, { services: runtime.services });
  await app.register(accessKeyRoutes, { services: runtime.services });
  await app.register(passkeyRoutes, { services: runtime.services });
  await app.register(passkeyAuthRoutes, {
    services: runtime.services,
    config,
    onSignIn: (outcome) => metrics.signIns.inc({ outcome }),
  });
  await app.register(deviceRoutes, { services: runtime.services });
  await app.register(opsRoutes, {
    storage: runtime.storage,
    metrics,
    isDraining: () => draining,
    schemaProblem: () => runtime.schemaProblem(),
    metricsToken: config.metricsToken,
  });
  if (runtime.outbox) await app.register(devOutboxRoutes, { outbox: runtime.outbox });
  await app.register(adminRoutes, { services: runtime.services, config });
  await app.register(supportResetRoutes, { services: runtime.services });
  await app.register(portalRoutes, { devOutbox: runtime.outbox !== null });
  return { app, startDraining: () => void (draining = true) };
}
