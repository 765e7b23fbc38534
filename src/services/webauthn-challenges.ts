// One-time WebAuthn challenges (5 minutes): 32 random bytes handed to the browser, only their
// SHA-256 stored, bound to what asked for them (the session for a registration, the sign-in
// challenge for a second factor, nothing for a discoverable sign-in), and spent by one
// conditional UPDATE whose row count decides (W3C WebAuthn §13.4.3: a challenge is used once).
import { AppError } from '../core/errors.js';
import type { WebAuthnBinding, WebAuthnPurpose } from '../core/ports/passkey-stores.js';
import type { Stores } from '../core/ports/stores.js';
import type { RpInfo } from '../core/ports/webauthn.js';
import { hashToken, looksLikeToken, newToken } from '../core/tokens.js';
import type { DepsOf, ServiceSettings } from './deps.js';

export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;

/** The relying party, or 409 passkeys_unavailable saying why (an IP address as the public host). */
export function relyingPartyOf(settings: Pick<ServiceSettings, 'webauthn'>): RpInfo {
  const rp = settings.webauthn;
  if (!rp.available) throw new AppError('passkeys_unavailable', rp.reason);
  return { rpId: rp.rpId, origin: rp.origin, name: rp.name };
}

export class WebAuthnChallenges {
  constructor(private readonly deps: DepsOf<'clock' | 'random', 'webauthnChallenges'>) {}

  /** A new challenge (base64url) bound as given. */
  async issue(
    purpose: WebAuthnPurpose,
    bound: { userId?: string; sessionId?: string; signInChallengeHash?: string },
  ): Promise<string> {
    const challenge = newToken(this.deps.random);
    const now = this.deps.clock.now();
    await this.deps.storage.webauthnChallenges.createWebAuthnChallenge({
      challengeHash: hashToken(challenge),
      purpose,
      userId: bound.userId ?? null,
      sessionId: bound.sessionId ?? null,
      signInChallengeHash: bound.signInChallengeHash ?? null,
      createdAt: now,
      expiresAt: now + WEBAUTHN_CHALLENGE_TTL_MS,
    });
    return challenge;
  }

  /** Housekeeping: removes expired challenges (run periodically by the server). */
  sweep(): Promise<number> {
    return this.deps.storage.webauthnChallenges.deleteExpiredWebAuthnChallenges(this.deps.clock.now());
  }

  /** Spends the challenge once, if still bound as `binding` says; false for every other caller. */
  async spend(
    challenge: string,
    binding: WebAuthnBinding,
    stores: Pick<Stores, 'webauthnChallenges'> = this.deps.storage,
  ): Promise<boolean> {
    if (!looksLikeToken(challenge)) return false;
    return stores.webauthnChallenges.spendWebAuthnChallenge(hashToken(challenge), binding, this.deps.clock.now());
  }
}
