// "Remember this device for 30 days": after a second factor, an opaque 256-bit token (only its
// SHA-256 stored) bound to the account; a later password sign-in presenting it skips the code.
// Changing the second factor, a password reset or change, a recovery and "sign out everywhere"
// forget every device of the account (shared/API.md, "Remember this device").
import type { RememberedDeviceRecord } from '../core/ports/passkey-stores.js';
import type { Stores } from '../core/ports/stores.js';
import { hashToken, looksLikeToken, newId, newToken } from '../core/tokens.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';

export interface RememberedDeviceView {
  id: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  /** This request's own device (its cookie or token names it). */
  current: boolean;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class RememberedDevices {
  constructor(
    private readonly deps: DepsOf<'clock' | 'random' | 'settings', 'devices'>,
    private readonly events: EventLog,
  ) {}

  get enabled(): boolean {
    return this.deps.settings.rememberDeviceMs > 0;
  }

  /** Issues a device token for the account (shown once), or null when the feature is off. */
  async remember(userId: string, ctx: RequestContext): Promise<{ token: string; maxAgeMs: number } | null> {
    const ttl = this.deps.settings.rememberDeviceMs;
    if (ttl <= 0) return null;
    const token = newToken(this.deps.random);
    const now = this.deps.clock.now();
    const id = newId(this.deps.random);
    await this.deps.storage.devices.rememberDevice({
      id,
      userId,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: now + ttl,
      lastUsedAt: null,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    await this.events.record(userId, 'device.remembered', ctx, { device_id: id });
    return { token, maxAgeMs: ttl };
  }

  /** The account's unexpired device this token names (its last use moves to now), or null. */
  async recognise(userId: string, token: string | undefined): Promise<RememberedDeviceRecord | null> {
    if (!this.enabled || !token || !looksLikeToken(token)) return null;
    return this.deps.storage.devices.useDevice(userId, hashToken(token), this.deps.clock.now());
  }

  async list(userId: string, currentToken?: string): Promise<RememberedDeviceView[]> {
    const all = await this.deps.storage.devices.listDevices(userId, this.deps.clock.now());
    const currentHash = currentToken && looksLikeToken(currentToken) ? hashToken(currentToken) : null;
    return all.map((d) => ({
      id: d.id,
      created_at: iso(d.createdAt)!,
      last_used_at: iso(d.lastUsedAt),
      expires_at: iso(d.expiresAt)!,
      ip: d.ip,
      user_agent: d.userAgent,
      current: d.tokenHash === currentHash,
    }));
  }

  async forget(userId: string, id: string, ctx: RequestContext): Promise<boolean> {
    const gone = await this.deps.storage.devices.forgetDevice(userId, id);
    if (gone) await this.events.record(userId, 'device.forgotten', ctx, { device_id: id });
    return gone;
  }

  /** Forgets every device of the account (inside the caller's transaction when given one). */
  forgetAll(userId: string, stores: Pick<Stores, 'devices'> = this.deps.storage): Promise<number> {
    return stores.devices.forgetDevicesForUser(userId);
  }
}
