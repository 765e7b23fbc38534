// Bridges Fastify requests to the framework-free signed-request check in services.
import type { FastifyRequest } from 'fastify';
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
): SignatureAuthenticator {
  const origin = new URL(publicUrl).origin;
  return async (req) => {
    const view = requestView(req, origin);
    if (!services.signedRequests.isSigned(view)) return null;
    return services.signedRequests.authenticate(view, policy);
  };
}
