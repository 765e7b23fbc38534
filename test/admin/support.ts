// Steps of the operator tests: an admin key made as `twofold admin keys create` makes it, and
// requests signed with it (the product's own signer, at the harness's clock) sent in process.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { signRequest } from '../../src/client/signer.js';
import { PUBLIC_HOST, TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';

export interface Key {
  id: string;
  secret: string;
}

export async function adminKey(h: Harness, name = 'support desk'): Promise<Key & { name: string }> {
  return h.runtime.services.admin.keys.create(name);
}

/** The inject options of a request signed with `key` (an admin key or a user's access key). */
export function signedRequest(
  h: Harness,
  key: Key,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  scheme: 'rfc9421' | 'cavage' = 'rfc9421',
): InjectOptions {
  const bytes = body === undefined ? null : new Uint8Array(Buffer.from(JSON.stringify(body)));
  const headers: Record<string, string> = bytes ? { 'content-type': 'application/json' } : {};
  const sig = signRequest({
    method,
    url: `${TEST_PUBLIC_URL}${path}`,
    headers,
    body: bytes,
    keyId: key.id,
    secretBase64: key.secret,
    scheme,
    nowMs: h.clock.now(),
  });
  return {
    method,
    url: path,
    headers: { host: PUBLIC_HOST, ...headers, ...sig },
    ...(bytes ? { payload: Buffer.from(bytes) } : {}),
  };
}

export const signed = (...a: Parameters<typeof signedRequest>): Promise<LightMyRequestResponse> =>
  a[0].inject(signedRequest(...a));

/** Every admin_audit row, oldest first. */
export function auditRows(h: Harness) {
  return h.runtime.storage.admin.listAudit({ sinceMs: 0, limit: 1000 });
}
