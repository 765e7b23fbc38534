// The Storage port over Kysely: repositories bound to the pool, or to one transaction.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Storage, Stores } from '../core/ports/stores.js';
import type { DatabaseHandle, DirectReader } from './database.js';
import type { Database } from './schema.js';
import { EmailTokenRepository } from './repositories/email-token-repository.js';
import { EventRepository } from './repositories/event-repository.js';
import { PasswordResetRepository } from './repositories/password-reset-repository.js';
import { SessionRepository } from './repositories/session-repository.js';
import { UserRepository } from './repositories/user-repository.js';
import { AccessKeyRepository } from './repositories/access-key-repository.js';
import { IdentityRepository } from './repositories/identity-repository.js';
import { PrincipalRepository } from './repositories/principal-repository.js';
import { ChallengeRepository } from './repositories/mfa-challenge-repository.js';
import { MfaAttemptRepository } from './repositories/mfa-attempt-repository.js';
import { MfaFactorRepository } from './repositories/mfa-factor-repository.js';
import { MfaSetupRepository } from './repositories/mfa-setup-repository.js';
import { RecoveryCodeRepository } from './repositories/recovery-code-repository.js';
import { DeviceGrantRepository } from './repositories/device-grant-repository.js';
import { PasskeyRepository } from './repositories/passkey-repository.js';
import { WebAuthnChallengeRepository } from './repositories/webauthn-challenge-repository.js';
import { RememberedDeviceRepository } from './repositories/remembered-device-repository.js';
import { AdminRepository } from './repositories/admin-repository.js';
import { AdminUserRepository } from './repositories/admin-user-repository.js';
import { SupportResetRepository } from './repositories/support-reset-repository.js';
import { WebhookOutboxRepository } from './repositories/webhook-outbox-repository.js';

/**
 * The repositories bound to `db`, each made on first use: a transaction gets its own set, and the
 * sign-in's transaction touches only a few of them.
 */
function storesFor(db: Kysely<Database>, reader?: DirectReader): Stores {
  const made: Partial<Stores> = {};
  const lazy = <K extends keyof Stores>(key: K, make: () => Stores[K]) => ({
    enumerable: true,
    get: (): Stores[K] => (made[key] ??= make()),
  });
  return Object.defineProperties({} as Stores, {
    users: lazy('users', () => new UserRepository(db)),
    sessions: lazy('sessions', () => new SessionRepository(db)),
    events: lazy('events', () => new EventRepository(db)),
    passwordResets: lazy('passwordResets', () => new PasswordResetRepository(db)),
    emailTokens: lazy('emailTokens', () => new EmailTokenRepository(db)),
    accessKeys: lazy('accessKeys', () => new AccessKeyRepository(db)),
    identities: lazy('identities', () => new IdentityRepository(db)),
    principals: lazy('principals', () => new PrincipalRepository(db, reader)),
    factors: lazy('factors', () => new MfaFactorRepository(db)),
    setups: lazy('setups', () => new MfaSetupRepository(db)),
    challenges: lazy('challenges', () => new ChallengeRepository(db)),
    recoveryCodes: lazy('recoveryCodes', () => new RecoveryCodeRepository(db)),
    attempts: lazy('attempts', () => new MfaAttemptRepository(db)),
    deviceGrants: lazy('deviceGrants', () => new DeviceGrantRepository(db)),
    passkeys: lazy('passkeys', () => new PasskeyRepository(db)),
    webauthnChallenges: lazy('webauthnChallenges', () => new WebAuthnChallengeRepository(db)),
    devices: lazy('devices', () => new RememberedDeviceRepository(db)),
    admin: lazy('admin', () => new AdminRepository(db)),
    adminUsers: lazy('adminUsers', () => new AdminUserRepository(db)),
    supportResets: lazy('supportResets', () => new SupportResetRepository(db)),
    webhooks: lazy('webhooks', () => new WebhookOutboxRepository(db)),
  });
}

export function createStorage(handle: DatabaseHandle): Storage {
  const stores = storesFor(handle.db, handle.reader);
  return {
    ...stores,
    transaction: (fn) => handle.db.transaction().execute((trx) => fn(storesFor(trx))),
    ping: async () => {
      await sql`select 1`.execute(handle.db);
    },
    close: () => handle.close(),
  };
}
