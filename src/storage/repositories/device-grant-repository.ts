import { sql, type Kysely } from 'kysely';
import type { DeviceGrantRecord, DeviceGrantStatus, DeviceGrantStore } from '../../core/ports/device-grant-store.js';
import { oneOf } from '../column-values.js';
import type { Database, DeviceGrantsTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

const statusColumn = oneOf<DeviceGrantStatus>({ pending: true, approved: true, denied: true, issued: true });

const toRecord = (r: DeviceGrantsTable): DeviceGrantRecord => ({
  deviceCodeHash: r.device_code_hash,
  userCodeHash: r.user_code_hash,
  clientId: r.client_id,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  intervalSec: Number(r.interval_sec),
  lastPolledAt: r.last_polled_at === null ? null : Number(r.last_polled_at),
  ip: r.ip,
  userAgent: r.user_agent,
  status: statusColumn(r.status, 'device_grants', 'status'),
  userId: r.user_id,
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  sessionId: r.session_id,
});

export class DeviceGrantRepository implements DeviceGrantStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(g: DeviceGrantRecord): Promise<'created' | 'user_code_taken'> {
    try {
      await this.db
        .insertInto('device_grants')
        .values({
          device_code_hash: g.deviceCodeHash,
          user_code_hash: g.userCodeHash,
          client_id: g.clientId,
          created_at: g.createdAt,
          expires_at: g.expiresAt,
          interval_sec: g.intervalSec,
          last_polled_at: g.lastPolledAt,
          ip: g.ip,
          user_agent: g.userAgent,
          status: g.status,
          user_id: g.userId,
          decided_at: g.decidedAt,
          session_id: g.sessionId,
        })
        .execute();
      return 'created';
    } catch (e) {
      if (isUniqueViolation(e)) return 'user_code_taken';
      throw e;
    }
  }

  async byDeviceCode(deviceCodeHash: string): Promise<DeviceGrantRecord | null> {
    const row = await this.db
      .selectFrom('device_grants')
      .selectAll()
      .where('device_code_hash', '=', deviceCodeHash)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async pendingByUserCode(userCodeHash: string, now: number): Promise<DeviceGrantRecord | null> {
    const row = await this.db
      .selectFrom('device_grants')
      .selectAll()
      .where('user_code_hash', '=', userCodeHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async pace(deviceCodeHash: string, now: number, slowDownSec: number): Promise<boolean> {
    // One conditional UPDATE: of parallel polls within one interval, only one is counted as in pace.
    const r = await this.db
      .updateTable('device_grants')
      .set({ last_polled_at: now })
      .where('device_code_hash', '=', deviceCodeHash)
      .where((eb) =>
        eb.or([eb('last_polled_at', 'is', null), sql<boolean>`last_polled_at + interval_sec * 1000 <= ${now}`]),
      )
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) return true;
    await this.db
      .updateTable('device_grants')
      .set({ interval_sec: sql`interval_sec + ${slowDownSec}` })
      .where('device_code_hash', '=', deviceCodeHash)
      .execute();
    return false;
  }

  async decide(userCodeHash: string, userId: string, verdict: 'approved' | 'denied', now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('device_grants')
      .set({ status: verdict, user_id: userId, decided_at: now })
      .where('user_code_hash', '=', userCodeHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async issue(deviceCodeHash: string, sessionId: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('device_grants')
      .set({ status: 'issued', session_id: sessionId })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('status', '=', 'approved')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async refuse(deviceCodeHash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('device_grants')
      .set({ status: 'denied', decided_at: now })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteExpired(before: number): Promise<number> {
    const r = await this.db.deleteFrom('device_grants').where('expires_at', '<=', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
