// The read behind every authenticated request: from a session token's hash, or an access key's
// id, to the account and what `GET /v1/me` shows of it (its second factor and whether Google is
// linked), in one round trip. A request otherwise paid four lookups (session, user, factor,
// identities) before it did any work. The sign-in's second step reads its challenge the same way.
import type { AccessKeyRecord } from './access-key-store.js';
import type { ChallengeRecord, MfaAttemptState, MfaFactorRecord, MfaMethod } from './mfa-stores.js';
import type { SessionRecord, UserRecord } from './stores.js';

/** The account as a signed-in request sees it; never a secret but the password hash. */
export interface AccountSummary {
  user: UserRecord;
  /** The enabled second factor, or null. */
  factor: { method: MfaMethod; phoneHint: string | null } | null;
  googleLinked: boolean;
  /** Whether the account holds at least one passkey (two-factor counts as on with one). */
  hasPasskey: boolean;
}

export interface PrincipalStore {
  /** The session whose token hashes to `tokenHash`, with its account; null when there is none. */
  bySessionTokenHash(tokenHash: string): Promise<(AccountSummary & { session: SessionRecord }) | null>;
  /** The access key with that id, with its account; null when there is none. */
  byAccessKeyId(id: string): Promise<(AccountSummary & { key: AccessKeyRecord }) | null>;
  /**
   * The sign-in challenge with that id hash, with its account, the account's whole factor record
   * (to check the code) and its run of wrong codes; null when there is no such challenge.
   */
  byChallengeIdHash(idHash: string): Promise<ChallengeContext | null>;
}

export interface ChallengeContext extends AccountSummary {
  challenge: ChallengeRecord;
  factorRecord: MfaFactorRecord | null;
  attempts: MfaAttemptState;
}
