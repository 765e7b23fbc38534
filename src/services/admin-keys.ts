// Admin access keys (docs/admin.md): made on the server host by `twofold admin keys create`, they
// sign requests to /v1/admin/… exactly as user keys sign /v1/me (RFC 9421 or draft-cavage, the
// same edge policy and replay guard), but live in their own table under their own AAD, so that a
// user key is never an admin key and an admin key is never a user key.
import { adminKeyAad } from '../core/aad.js';
import { base32Encode } from '../core/base32.js';
import { open, seal } from '../core/envelope.js';
import { AppError } from '../core/errors.js';
import type { AdminKeyRecord } from '../core/ports/admin-store.js';
import type { ReplayGuard } from '../core/ports/replay-guard.js';
import { verifySignedRequest } from '../core/signatures/policy.js';
import type { SignedRequestView } from '../core/signatures/request.js';
import type { DepsOf, ServiceSettings } from './deps.js';
import type { SignedRequestPolicy } from './signed-requests.js';

const REPLAY_WINDOW_MS = 10 * 60_000;
const TOUCH_EVERY_MS = 60_000;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_ID = /^[A-Z2-7]{20}$/;
const NAME = /^[\p{L}\p{N} ._@+(),'-]{1,64}$/u;

export interface AdminPrincipal {
  keyId: string;
  name: string;
}

export interface AdminKeyView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const adminKeyView = (k: AdminKeyRecord): AdminKeyView => ({
  id: k.id,
  name: k.name,
  created_at: new Date(k.createdAt).toISOString(),
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
});

export class AdminKeyService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'random' | 'keyring' | 'logger', 'admin'> & {
      settings: Pick<ServiceSettings, 'publicUrl'>;
    },
    private readonly replays: ReplayGuard,
  ) {}

  /** A new key; the answer is the only place its secret appears. */
  async create(name: string): Promise<AdminKeyView & { secret: string }> {
    const trimmed = name.trim();
    if (!NAME.test(trimmed))
      throw new AppError('validation_failed', "The name must be 1 to 64 letters, digits, spaces or . _ @ + ( ) , ' -");
    const { random, keyring, clock, storage } = this.deps;
    const id = base32Encode(random.bytes(13)).slice(0, 20);
    const secret = random.bytes(30);
    const record: AdminKeyRecord = {
      id,
      name: trimmed,
      secretEnc: seal(keyring, secret, adminKeyAad(id), random),
      createdAt: clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await storage.admin.createKey(record);
    this.deps.logger.info({ adminKeyId: id, name: trimmed }, 'admin key created');
    return { ...adminKeyView(record), secret: Buffer.from(secret).toString('base64') };
  }

  list(): Promise<AdminKeyRecord[]> {
    return this.deps.storage.admin.listKeys();
  }

  /** Revokes a key for good; false when there is no such key or it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const done = await this.deps.storage.admin.revokeKey(id, this.deps.clock.now());
    if (done) this.deps.logger.info({ adminKeyId: id }, 'admin key revoked');
    return done;
  }

  private refuse(reason: string, keyId?: string, tellSigner = false): never {
    this.deps.logger.info({ reason, adminKeyId: keyId }, 'admin request refused');
    if (tellSigner) throw new AppError('invalid_signature', `The request signature is not accepted: ${reason}.`);
    throw new AppError(
      'invalid_signature',
      'The request is not signed by a valid admin key. Admin calls need an admin access key (twofold admin keys create); user keys and sessions cannot make them.',
    );
  }

  /** The admin key that signed the request; throws 401 invalid_signature otherwise. */
  async authenticate(view: SignedRequestView, policy: SignedRequestPolicy = {}): Promise<AdminPrincipal> {
    const { storage, clock, keyring, settings } = this.deps;
    const nowMs = clock.now();
    const publicHost = policy.publicHost ?? new URL(settings.publicUrl).host;
    const cavageRequireDigest = policy.cavageRequireDigest === true;
    let wanted: string | null = null;
    verifySignedRequest(view, {
      nowMs,
      publicHost,
      cavageRequireDigest,
      lookupKey: (id) => {
        wanted ??= KEY_ID.test(id) ? id : null;
        return null;
      },
    });
    if (!wanted) this.refuse('no usable keyid');
    const key = await storage.admin.findKey(wanted);
    if (!key) this.refuse('unknown admin key', wanted);
    if (key.revokedAt !== null) this.refuse('revoked admin key', key.id);
    const opened = open(keyring, key.secretEnc, adminKeyAad(key.id));
    if (!opened.ok) this.refuse('admin key cannot be decrypted', key.id);
    const secret = new Uint8Array(opened.plaintext);
    const result = verifySignedRequest(view, {
      nowMs,
      publicHost,
      cavageRequireDigest,
      lookupKey: (id) => (id === key.id ? secret : null),
    });
    if (!result.ok) this.refuse(result.reason, key.id, result.policy === true);
    if (result.keyId !== key.id) this.refuse('verified with another key id', key.id);
    if (
      UNSAFE.has(view.method.toUpperCase()) &&
      !(await this.replays.claim(`sig:${result.signatureHash}`, REPLAY_WINDOW_MS))
    )
      throw new AppError('replayed_signature', 'This signed request was already used. Sign each write request anew.');
    if (nowMs - (key.lastUsedAt ?? 0) >= TOUCH_EVERY_MS)
      await storage.admin.touchKey(key.id, nowMs, nowMs - TOUCH_EVERY_MS);
    return { keyId: key.id, name: key.name };
  }
}
