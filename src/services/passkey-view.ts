// What GET /v1/me/passkeys shows of a passkey: never its key or credential id.
import type { PasskeyRecord } from '../core/ports/passkey-stores.js';

export interface PasskeyView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  backed_up: boolean;
}

export function passkeyView(p: PasskeyRecord): PasskeyView {
  return {
    id: p.id,
    name: p.name,
    created_at: new Date(p.createdAt).toISOString(),
    last_used_at: p.lastUsedAt === null ? null : new Date(p.lastUsedAt).toISOString(),
    backed_up: p.backedUp,
  };
}
