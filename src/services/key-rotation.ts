// Key rotation for encryption at rest: re-seals every envelope not under the keyring's first key,
// one row per short transaction, restartable; recovery codes (keyed hashes) cannot be re-made.
// What it covers and why, and running it while serving: docs/design.md, "Key rotation".
import { accessKeyAad, adminKeyAad, phoneAad, setupAad, totpAad } from '../core/aad.js';
import { envelopeKeyId, needsReseal, open, primaryKid, seal, type Keyring } from '../core/envelope.js';
import { systemClock, type Clock } from '../core/ports/clock.js';
import type { Random } from '../core/ports/random.js';
import type { Storage } from '../core/ports/stores.js';

export const ROTATION_PAGE_SIZE = 500;

export interface KeyRotationDeps {
  storage: Storage;
  keyring: Keyring;
  random: Random;
  /** Decides which pending set-ups have expired; the system clock by default. */
  clock?: Clock;
  /** Called after each page with the counts so far and the rows read (feedback on a long run). */
  onProgress?: (sofar: Readonly<KeyRotationReport> & { read: number }) => void;
}

export interface KeyRotationReport {
  /** mfa_factors rows re-sealed under the first key. */
  factors: number;
  /** Pending (unexpired, unused) mfa_setups rows re-sealed under the first key. */
  setups: number;
  /** access_keys secrets re-sealed under the first key. */
  accessKeys: number;
  /** admin_keys secrets re-sealed under the first key (revoked ones too: none stays under an old key). */
  adminKeys: number;
}

export class KeyRotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRotationError';
  }
}

const stale = (keyring: Keyring, envelope: string | null): boolean =>
  envelope !== null && needsReseal(keyring, envelope);

/** Opens an envelope and seals its plaintext again under the first key, or throws naming `where`. */
function reseal(keyring: Keyring, random: Random, envelope: string, aad: string, where: string): string {
  const opened = open(keyring, envelope, aad);
  if (!opened.ok) {
    const kid = envelopeKeyId(envelope);
    const why =
      opened.reason === 'unknown_key'
        ? `it is sealed under key "${kid}", which is not in the keyring (add it back after the new first key)`
        : opened.reason === 'tampered'
          ? `it does not authenticate under key "${kid}" (other key bytes under that kid, or a value altered or copied from another row)`
          : 'it is not a readable v1 envelope';
    throw new KeyRotationError(
      `key rotation stopped at ${where}: ${why}. Rows before it are already under key "${primaryKid(keyring)}"; fix the keyring and run it again.`,
    );
  }
  try {
    return seal(keyring, opened.plaintext, aad, random);
  } finally {
    opened.plaintext.fill(0);
  }
}

export async function rotateKeys(deps: KeyRotationDeps): Promise<KeyRotationReport> {
  const { storage, keyring, random } = deps;
  const clock = deps.clock ?? systemClock;
  primaryKid(keyring); // an empty keyring is a programming error: fail before touching anything
  const report: KeyRotationReport = { factors: 0, setups: 0, accessKeys: 0, adminKeys: 0 };
  let read = 0;
  const progress = (page: readonly unknown[]) => {
    read += page.length;
    deps.onProgress?.({ ...report, read });
  };

  for (let after: string | null = null; ;) {
    const page = await storage.factors.listFactors(after, ROTATION_PAGE_SIZE);
    for (const listed of page) {
      if (!stale(keyring, listed.secretEnc) && !stale(keyring, listed.phoneEnc)) continue;
      const changed = await storage.transaction(async (tx) => {
        // Re-read inside the transaction: the user may have re-configured since the page was read.
        const f = await tx.factors.getFactor(listed.userId);
        if (!f || (!stale(keyring, f.secretEnc) && !stale(keyring, f.phoneEnc))) return false;
        const where = (column: string) => `mfa_factors row of user ${f.userId} (${column})`;
        const secretEnc = stale(keyring, f.secretEnc)
          ? reseal(keyring, random, f.secretEnc!, totpAad(f.userId), where('secret_enc'))
          : f.secretEnc;
        const phoneEnc = stale(keyring, f.phoneEnc)
          ? reseal(keyring, random, f.phoneEnc!, phoneAad(f.userId), where('phone_enc'))
          : f.phoneEnc;
        // Compare-and-set: on PostgreSQL (read committed) a re-configure can commit between the
        // read above and this write; its new secret must win, not the old one re-sealed.
        return tx.factors.updateFactorCiphertexts(f.userId, secretEnc, phoneEnc, {
          secretEnc: f.secretEnc,
          phoneEnc: f.phoneEnc,
        });
      });
      if (changed) report.factors++;
    }
    progress(page);
    if (page.length < ROTATION_PAGE_SIZE) break;
    after = page[page.length - 1]!.userId;
  }

  for (let after: string | null = null; ;) {
    const page = await storage.setups.listSetups(after, ROTATION_PAGE_SIZE);
    for (const listed of page) {
      if (!stale(keyring, listed.secretEnc) && !stale(keyring, listed.phoneEnc)) continue;
      const changed = await storage.transaction(async (tx) => {
        const s = await tx.setups.getSetup(listed.id);
        if (!s || s.usedAt !== null || (!stale(keyring, s.secretEnc) && !stale(keyring, s.phoneEnc))) return false;
        if (s.expiresAt <= clock.now()) {
          // It can never be confirmed: nothing to keep readable, and nothing left under the old key.
          await tx.setups.updateSetupCiphertexts(s.id, null, null);
          return false;
        }
        const where = (column: string) => `mfa_setups row ${s.id} of user ${s.userId} (${column})`;
        const secretEnc = stale(keyring, s.secretEnc)
          ? reseal(keyring, random, s.secretEnc!, setupAad(s.id), where('secret_enc'))
          : s.secretEnc;
        const phoneEnc = stale(keyring, s.phoneEnc)
          ? reseal(keyring, random, s.phoneEnc!, setupAad(s.id), where('phone_enc'))
          : s.phoneEnc;
        await tx.setups.updateSetupCiphertexts(s.id, secretEnc, phoneEnc);
        return true;
      });
      if (changed) report.setups++;
    }
    progress(page);
    if (page.length < ROTATION_PAGE_SIZE) break;
    after = page[page.length - 1]!.id;
  }

  for (let after: string | null = null; ;) {
    const page = await storage.accessKeys.listAll(after, ROTATION_PAGE_SIZE);
    for (const k of page) {
      if (!stale(keyring, k.secretEnc)) continue;
      await storage.accessKeys.updateCiphertext(
        k.id,
        reseal(keyring, random, k.secretEnc, accessKeyAad(k.id), `access_keys row ${k.id} (secret_enc)`),
      );
      report.accessKeys++;
    }
    progress(page);
    if (page.length < ROTATION_PAGE_SIZE) break;
    after = page[page.length - 1]!.id;
  }

  // Admin keys are few (operators make them by hand): one list, no paging.
  for (const k of await storage.admin.listKeys()) {
    if (!stale(keyring, k.secretEnc)) continue;
    const resealed = reseal(keyring, random, k.secretEnc, adminKeyAad(k.id), `admin_keys row ${k.id} (secret_enc)`);
    if (await storage.admin.updateKeyCiphertext(k.id, resealed, k.secretEnc)) report.adminKeys++;
  }
  return report;
}
