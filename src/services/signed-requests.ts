// Authenticates a request signed by an access key (RFC 9421 or draft-cavage; see
// src/core/signatures). Failures are one code, 401 invalid_signature, with the reason only in the
// log. A signed unsafe request is accepted once (the replay guard keeps its hash 10 minutes).
import { AppError } from '../core/errors.js';
import type { AccessKeyRecord } from '../core/ports/access-key-store.js';
import type { ReplayGuard } from '../core/ports/replay-guard.js';
import type { UserRecord } from '../core/ports/stores.js';
import { detectSignatureScheme, verifySignedRequest } from '../core/signatures/policy.js';
import type { SignedRequestView } from '../core/signatures/request.js';
import type { AccessKeyService } from './access-keys.js';
import type { ServiceDeps } from './deps.js';

const REPLAY_WINDOW_MS = 10 * 60_000;
const TOUCH_EVERY_MS = 60_000;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_ID = /^[A-Z2-7]{20}$/;

export class SignedRequestService {
  /** Decrypted secrets by ciphertext: the envelope is opened once, not on every request. */
  private readonly secrets = new Map<string, Uint8Array>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly keys: AccessKeyService,
    private readonly replays: ReplayGuard,
  ) {}

  isSigned(view: SignedRequestView): boolean {
    return detectSignatureScheme(view) !== null;
  }

  private secret(key: AccessKeyRecord): Uint8Array | null {
    const hit = this.secrets.get(key.secretEnc);
    if (hit) return hit;
    const s = this.keys.secretOf(key);
    if (s) {
      if (this.secrets.size > 10_000) this.secrets.clear();
      this.secrets.set(key.secretEnc, s);
    }
    return s;
  }

  private refuse(reason: string, keyId?: string): never {
    this.deps.logger.info({ reason, keyId }, 'signed request refused');
    throw new AppError('invalid_signature', 'The request signature is not valid. Check the access key and secret, that the key is enabled, and that your clock is right.');
  }

  async authenticate(view: SignedRequestView): Promise<{ user: UserRecord; keyId: string }> {
    const { storage, clock, settings } = this.deps;
    const nowMs = clock.now();
    const publicHost = new URL(settings.publicUrl).host;
    let wanted: string | null = null;
    // First pass only learns which key id the request names (nothing verifies without a key).
    verifySignedRequest(view, { nowMs, publicHost, lookupKey: (id) => ((wanted ??= KEY_ID.test(id) ? id : null), null) });
    if (!wanted) this.refuse('no usable keyid');
    const key = await storage.accessKeys.findById(wanted);
    if (!key) this.refuse('unknown key', wanted);
    if (!key.enabled) this.refuse('disabled key', key.id);
    const secret = this.secret(key);
    if (!secret) this.refuse('key cannot be decrypted', key.id);
    const result = verifySignedRequest(view, { nowMs, publicHost, lookupKey: (id) => (id === key.id ? secret : null) });
    if (!result.ok) this.refuse(result.reason, key.id);
    const user = await storage.users.findById(key.userId);
    if (!user) this.refuse('no such account', key.id);
    if (UNSAFE.has(view.method.toUpperCase())) {
      if (!(await this.replays.claim(`sig:${result.signatureHash}`, REPLAY_WINDOW_MS))) {
        this.deps.logger.info({ keyId: key.id }, 'signed request replayed');
        throw new AppError('replayed_signature', 'This signed request was already used. Sign each write request anew.');
      }
    }
    const last = this.touchedAt.get(key.id) ?? key.lastUsedAt ?? 0;
    if (nowMs - last >= TOUCH_EVERY_MS) {
      this.touchedAt.set(key.id, nowMs);
      await storage.accessKeys.touch(key.id, nowMs, nowMs - TOUCH_EVERY_MS);
    }
    return { user, keyId: key.id };
  }
}
