// Remembered devices ("remember this device for 30 days"): only the SHA-256 of each device token
// is stored; a use is found and touched in one UPDATE … RETURNING.
import type { Kysely, Selectable } from 'kysely';
import type { RememberedDeviceRecord, RememberedDeviceStore } from '../../core/ports/passkey-stores.js';
import type { Database, RememberedDevicesTable } from '../schema.js';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function deviceRecord(r: Selectable<RememberedDevicesTable>): RememberedDeviceRecord {
  return {
    id: r.id,
    userId: r.user_id,
    tokenHash: r.token_hash,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    lastUsedAt: num(r.last_used_at),
    ip: r.ip,
    userAgent: r.user_agent,
  };
}

export class RememberedDeviceRepository implements RememberedDeviceStore {
  constructor(private readonly db: Kysely<Database>) {}

  async rememberDevice(d: RememberedDeviceRecord): Promise<void> {
    await this.db
      .insertInto('remembered_devices')
      .values({
        id: d.id,
        user_id: d.userId,
        token_hash: d.tokenHash,
        created_at: d.createdAt,
        expires_at: d.expiresAt,
        last_used_at: d.lastUsedAt,
        ip: d.ip,
        user_agent: d.userAgent,
      })
      .execute();
  }

  async useDevice(userId: string, tokenHash: string, now: number): Promise<RememberedDeviceRecord | null> {
    const r = await this.db
      .updateTable('remembered_devices')
      .set({ last_used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return r ? deviceRecord(r) : null;
  }

  async listDevices(userId: string, now: number): Promise<RememberedDeviceRecord[]> {
    const rows = await this.db
      .selectFrom('remembered_devices')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(deviceRecord);
  }

  async forgetDevice(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('remembered_devices')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async forgetDevicesForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('remembered_devices').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
