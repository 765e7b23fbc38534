// The account's one recovery code: made from the CSPRNG, shown once, stored only as a keyed hash
// (HMAC under a key derived from the keyring; the row names the key id so rotation keeps it valid).
import { deriveKeyFor, primaryKid } from '../core/envelope.js';
import {
  generateRecoveryCode,
  hashRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeMatches,
} from '../core/recovery-code.js';
import type { Stores } from '../core/ports/stores.js';
import type { DepsOf } from './deps.js';

const PURPOSE = 'recovery-code';

export class RecoveryCodes {
  constructor(private readonly deps: DepsOf<'keyring' | 'random' | 'clock', 'recoveryCodes'>) {}

  /** Makes a new code (the old one dies) and returns it in plain text, to be shown once. */
  async issue(userId: string, stores: Pick<Stores, 'recoveryCodes'> = this.deps.storage): Promise<string> {
    const code = generateRecoveryCode(this.deps.random);
    const kid = primaryKid(this.deps.keyring);
    const hash = hashRecoveryCode(normalizeRecoveryCode(code)!, deriveKeyFor(this.deps.keyring, kid, PURPOSE));
    await stores.recoveryCodes.putRecoveryCode(userId, hash, kid, this.deps.clock.now());
    return code;
  }

  /** The stored hash the input matches, or null (wrong, used, malformed, or none). */
  async match(
    userId: string,
    input: string,
    stores: Pick<Stores, 'recoveryCodes'> = this.deps.storage,
  ): Promise<string | null> {
    const normalized = normalizeRecoveryCode(input);
    const stored = await stores.recoveryCodes.getRecoveryCode(userId);
    if (!normalized || !stored || stored.usedAt !== null) return null;
    let key: Uint8Array;
    try {
      key = deriveKeyFor(this.deps.keyring, stored.kid, PURPOSE);
    } catch {
      return null; // the key it was made under left the keyring
    }
    return recoveryCodeMatches(normalized, stored.codeHash, key) ? stored.codeHash : null;
  }
}
