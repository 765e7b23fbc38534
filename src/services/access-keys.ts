// Access keys for the API and the CLI (which do not use the second factor): an id of 20
// characters A-Z2-7 and a secret of 30 random bytes (base64, shown once). The server keeps the
// secret envelope-encrypted because it must recompute the HMAC of every signed request.
import { AppError } from '../core/errors.js';
import { base32Encode } from '../core/base32.js';
import { assertEmailVerified } from '../core/email-verified.js';
import { accessKeyAad } from '../core/aad.js';
import { open, seal } from '../core/envelope.js';
import type { AccessKeyRecord } from '../core/ports/access-key-store.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';

export interface AccessKeyView {
  id: string;
  enabled: boolean;
  created_at: string;
  last_used_at: string | null;
}

export const accessKeyView = (k: AccessKeyRecord): AccessKeyView => ({
  id: k.id,
  enabled: k.enabled,
  created_at: new Date(k.createdAt).toISOString(),
  last_used_at: k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
});

export class AccessKeyService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'random' | 'keyring' | 'settings', 'accessKeys' | 'users' | 'transaction'>,
    private readonly accounts: AccountService,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  list(userId: string): Promise<AccessKeyRecord[]> {
    return this.deps.storage.accessKeys.listForUser(userId);
  }

  async create(user: UserRecord, password: string, ctx: RequestContext): Promise<AccessKeyView & { secret: string }> {
    assertEmailVerified(user);
    await this.accounts.reauthenticate(user, password, ctx);
    const { storage, random, keyring, clock, settings } = this.deps;
    const id = base32Encode(random.bytes(13)).slice(0, 20);
    const secretBytes = random.bytes(30);
    const record: AccessKeyRecord = {
      id,
      userId: user.id,
      secretEnc: seal(keyring, secretBytes, accessKeyAad(id), random),
      enabled: true,
      createdAt: clock.now(),
      lastUsedAt: null,
    };
    // Counted under the account's lock, so parallel requests cannot create more than the limit.
    const created = await storage.transaction(async (tx) => {
      await tx.users.lock(user.id);
      if ((await tx.accessKeys.countForUser(user.id)) >= settings.accessKeyLimit) return false;
      await tx.accessKeys.create(record);
      return true;
    });
    if (!created) {
      throw new AppError(
        'access_key_limit',
        `An account can have at most ${settings.accessKeyLimit} access keys, disabled ones included. Delete one first.`,
        {
          extra: { limit: settings.accessKeyLimit },
        },
      );
    }
    await this.events.record(user.id, 'access_key.created', ctx, { key_id: id });
    await this.notices.send(user.email, 'access_key_created', ctx, `Access key: ${id}`);
    return { ...accessKeyView(record), secret: Buffer.from(secretBytes).toString('base64') };
  }

  async setEnabled(user: UserRecord, id: string, enabled: boolean, ctx: RequestContext): Promise<AccessKeyView> {
    const before = await this.deps.storage.accessKeys.findById(id);
    if (!before || before.userId !== user.id) throw new AppError('not_found', 'No such access key.');
    const after = await this.deps.storage.accessKeys.setEnabled(user.id, id, enabled);
    if (!after) throw new AppError('not_found', 'No such access key.');
    if (before.enabled !== enabled) {
      await this.events.record(user.id, enabled ? 'access_key.enabled' : 'access_key.disabled', ctx, { key_id: id });
      if (!enabled) await this.notices.send(user.email, 'access_key_disabled', ctx, `Access key: ${id}`);
    }
    return accessKeyView(after);
  }

  async delete(user: UserRecord, id: string, ctx: RequestContext): Promise<void> {
    if (!(await this.deps.storage.accessKeys.delete(user.id, id)))
      throw new AppError('not_found', 'No such access key.');
    await this.events.record(user.id, 'access_key.deleted', ctx, { key_id: id });
    await this.notices.send(user.email, 'access_key_deleted', ctx, `Access key: ${id}`);
  }

  /** The HMAC key of an access key, decrypted; null when it cannot be opened. */
  secretOf(key: AccessKeyRecord): Uint8Array | null {
    const r = open(this.deps.keyring, key.secretEnc, accessKeyAad(key.id));
    return r.ok ? new Uint8Array(r.plaintext) : null;
  }
}
