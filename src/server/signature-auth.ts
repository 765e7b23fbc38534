// Bridges Fastify requests to the framework-free signed-request check in services.
import type { FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../core/errors.js';
import type { SignedRequestView } from '../core/signatures/request.js';
import type { SignedRequestPolicy } from '../services/signed-requests.js';
import type { Services } from '../services/services.js';
import type { SignatureAuthenticator } from './plugins/auth.js';

export function requestView(req: FastifyRequest, publicOrigin: string): SignedRequestView {
  return {
    method: req.method,
    origin: publicOrigin,
    target: req.url,
    headers: req.headers,
    body: req.rawBody && req.rawBody.length > 0 ? new Uint8Array(req.rawBody) : null,
  };
}

export function signatureAuthenticator(
  services: Services,
  publicUrl: string,
  policy: SignedRequestPolicy = {},
  loopbackAliases: readonly string[] = [],
): SignatureAuthenticator {
  const { origin, host: publicHost } = new URL(publicUrl);
  return async (req) => {
    // Without TWOFOLD_PUBLIC_URL, a request to another loopback name of the port is signed for
    // that name (a developer's CLI on localhost): the signature base uses the host it was sent to.
    const host = req.headers.host ?? '';
    const alias = loopbackAliases.includes(host) ? host : null;
    const view = requestView(req, alias ? `http://${alias}` : origin);
    if (!services.signedRequests.isSigned(view)) return null;
    try {
      return await services.signedRequests.authenticate(view, alias ? { ...policy, publicHost: alias } : policy);
    } catch (e) {
      // A request sent to another host than the public URL's can never verify: say which one.
      if (isAppError(e) && e.code === 'invalid_signature' && !alias && host && host !== publicHost) {
        throw new AppError(
          'invalid_signature',
          `${e.message} Signed requests must be made to ${origin} (TWOFOLD_PUBLIC_URL); this one was sent to ${host}.`,
        );
      }
      throw e;
    }
  };
}
