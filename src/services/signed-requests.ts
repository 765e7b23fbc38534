// Authenticates a request signed by an access key (RFC 9421 or draft-cavage; see
// src/core/signatures). Failures are one code, 401 invalid_signature, with the reason only in the
// log, except a rule broken by a genuine signature (coverage, time), which its signer is told so
// they can fix the request. A signed unsafe request is accepted once (the replay guard keeps its
// hash 10 minutes).
import { AppError } from '../core/errors.js';
import type { AccessKeyRecord } from '../core/ports/access-key-store.js';
import type { ReplayGuard } from '../core/ports/replay-guard.js';
import type { AccountSummary } from '../core/ports/principal-store.js';
import { detectSignatureScheme, verifySignedRequest } from '../core/signatures/policy.js';
import type { SignedRequestView } from '../core/signatures/request.js';
import type { AccessKeyService } from './access-keys.js';
import type { DepsOf } from './deps.js';

const REPLAY_WINDOW_MS = 10 * 60_000;
const TOUCH_EVERY_MS = 60_000;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_ID = /^[A-Z2-7]{20}$/;

export interface SignedPrincipal extends AccountSummary {
  keyId: string;
}

/** The operator's signed-request policy (server config). */
export interface SignedRequestPolicy {
  /** TWOFOLD_CAVAGE_REQUIRE_DIGEST: cavage requests with a body must cover `digest`. */
  cavageRequireDigest?: boolean;
  /** The host this request's signature must name, when it is a loopback alias of the public URL's. */
  publicHost?: string;
}

export class SignedRequestService {
  /**
   * Opened secrets by key id, with the ciphertext they came from: the envelope is opened once,
   * not on every request, and a re-sealed (rotated) secret is noticed by its new ciphertext.
   */
  private readonly secrets = new Map<string, { secretEnc: string; secret: Uint8Array }>();
  private readonly touchedAt = new Map<string, number>();
  private readonly publicHost: string;

  constructor(
    private readonly deps: DepsOf<'clock' | 'logger' | 'settings', 'accessKeys' | 'principals'>,
    private readonly keys: AccessKeyService,
    private readonly replays: ReplayGuard,
  ) {
    this.publicHost = new URL(deps.settings.publicUrl).host;
  }

  isSigned(view: SignedRequestView): boolean {
    return detectSignatureScheme(view) !== null;
  }

  private secret(key: AccessKeyRecord): Uint8Array | null {
    const hit = this.secrets.get(key.id);
    if (hit && hit.secretEnc === key.secretEnc) return hit.secret;
    const secret = this.keys.secretOf(key);
    if (secret) {
      if (this.secrets.size > 10_000) this.secrets.clear();
      this.secrets.set(key.id, { secretEnc: key.secretEnc, secret });
    }
    return secret;
  }

  private refuse(reason: string, keyId?: string, tellSigner = false): never {
    this.deps.logger.info({ reason, keyId }, 'signed request refused');
    // Only the holder of the key can produce a genuine signature, so a policy reason tells an
    // outsider nothing; every other reason stays in the log.
    if (tellSigner) throw new AppError('invalid_signature', `The request signature is not accepted: ${reason}.`);
    throw new AppError(
      'invalid_signature',
      'The request signature is not valid. Check the access key and secret, that the key is enabled, and that your clock is right.',
    );
  }

  async authenticate(view: SignedRequestView, policy: SignedRequestPolicy = {}): Promise<SignedPrincipal> {
    const { storage, clock } = this.deps;
    const nowMs = clock.now();
    const publicHost = policy.publicHost ?? this.publicHost;
    // Nothing verifies without the key, and the key is in the database. The first pass verifies
    // with the secret already opened for the named key id, if any (the common case: one parse);
    // otherwise it only learns the key id, and a second pass verifies once the key is read.
    let wanted: string | null = null;
    let used: string | null = null;
    const cavageRequireDigest = policy.cavageRequireDigest === true;
    let result = verifySignedRequest(view, {
      nowMs,
      publicHost,
      cavageRequireDigest,
      lookupKey: (id) => {
        wanted ??= KEY_ID.test(id) ? id : null;
        const hit = id === wanted ? this.secrets.get(id) : undefined;
        if (hit) used = hit.secretEnc;
        return hit ? hit.secret : null;
      },
    });
    if (!wanted) this.refuse('no usable keyid');
    const found = await storage.principals.byAccessKeyId(wanted);
    if (!found) this.refuse('unknown key', wanted);
    const { key } = found;
    if (!key.enabled) this.refuse('disabled key', key.id);
    // A verdict reached with a secret that is no longer the key's (re-sealed or replaced) is
    // reached again with the current one.
    if (used !== key.secretEnc) {
      const secret = this.secret(key);
      if (!secret) this.refuse('key cannot be decrypted', key.id);
      result = verifySignedRequest(view, {
        nowMs,
        publicHost,
        cavageRequireDigest,
        lookupKey: (id) => (id === key.id ? secret : null),
      });
    }
    if (!result.ok) this.refuse(result.reason, key.id, result.policy === true);
    if (result.keyId !== key.id) this.refuse('verified with another key id', key.id);
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
    return {
      user: found.user,
      factor: found.factor,
      googleLinked: found.googleLinked,
      hasPasskey: found.hasPasskey,
      keyId: key.id,
    };
  }
}
