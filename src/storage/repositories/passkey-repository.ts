// Passkeys: one row per WebAuthn credential. The counter moves by compare-and-set, so two
// assertions racing with the same counter value cannot both be recorded.
import type { Kysely, Selectable } from 'kysely';
import type { PasskeyRecord, PasskeyStore } from '../../core/ports/passkey-stores.js';
import type { Database, PasskeysTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

function transports(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

export function passkeyRecord(r: Selectable<PasskeysTable>): PasskeyRecord {
  return {
    id: r.id,
    userId: r.user_id,
    credentialId: r.credential_id,
    publicKey: r.public_key,
    counter: Number(r.counter),
    transports: transports(r.transports),
    backupEligible: Number(r.backup_eligible) === 1,
    backedUp: Number(r.backed_up) === 1,
    aaguid: r.aaguid,
    name: r.name,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

export class PasskeyRepository implements PasskeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async addPasskey(p: PasskeyRecord): Promise<'added' | 'exists'> {
    try {
      await this.db
        .insertInto('passkeys')
        .values({
          id: p.id,
          user_id: p.userId,
          credential_id: p.credentialId,
          public_key: p.publicKey,
          counter: p.counter,
          transports: JSON.stringify(p.transports),
          backup_eligible: p.backupEligible ? 1 : 0,
          backed_up: p.backedUp ? 1 : 0,
          aaguid: p.aaguid,
          name: p.name,
          created_at: p.createdAt,
          last_used_at: p.lastUsedAt,
        })
        .execute();
      return 'added';
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
    const rows = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(passkeyRecord);
  }

  async countPasskeys(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('passkeys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const r = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .executeTakeFirst();
    return r ? passkeyRecord(r) : null;
  }

  async renamePasskey(userId: string, id: string, name: string): Promise<PasskeyRecord | null> {
    const r = await this.db
      .updateTable('passkeys')
      .set({ name })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r ? passkeyRecord(r) : null;
  }

  async deletePasskey(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('passkeys')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async deletePasskeysForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async recordUse(id: string, expected: number, counter: number, backedUp: boolean, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('passkeys')
      .set({ counter, backed_up: backedUp ? 1 : 0, last_used_at: now })
      .where('id', '=', id)
      .where('counter', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
