// Sessions: an opaque 256-bit token handed to the client once; only its SHA-256 is stored.
// Idle expiry (web 7 d, app and cli 30 d) and absolute expiry (30 d / 90 d / 90 d) are checked on every use;
// last_seen_at moves at most once a minute per session, so a session check is not a write.
import { hashToken, looksLikeToken, newId, newToken } from '../core/tokens.js';
import type { AccountSummary } from '../core/ports/principal-store.js';
import type { SessionClient, SessionRecord, Stores } from '../core/ports/stores.js';
import type { DepsOf, RequestContext } from './deps.js';

const TOUCH_EVERY_MS = 60_000;

export interface StartedSession {
  token: string;
  session: SessionRecord;
}

/** The session, its account and what a signed-in request shows of it, read in one query. */
export interface AuthenticatedSession extends AccountSummary {
  session: SessionRecord;
}

export class SessionService {
  constructor(private readonly deps: DepsOf<'clock' | 'random' | 'settings', 'sessions' | 'principals' | 'devices'>) {}

  private idleMs(client: SessionClient): number {
    const s = this.deps.settings;
    return { web: s.sessionIdleWebMs, app: s.sessionIdleAppMs, cli: s.sessionIdleCliMs }[client];
  }

  private absoluteMs(client: SessionClient): number {
    const s = this.deps.settings;
    return { web: s.sessionAbsoluteWebMs, app: s.sessionAbsoluteAppMs, cli: s.sessionAbsoluteCliMs }[client];
  }

  /** Creates a session. Callers are the sign-in paths only, after every factor has been checked. */
  async start(
    userId: string,
    client: SessionClient,
    ctx: RequestContext,
    stores: Pick<Stores, 'sessions'> = this.deps.storage,
  ): Promise<StartedSession> {
    const now = this.deps.clock.now();
    const token = newToken(this.deps.random);
    const session: SessionRecord = {
      id: newId(this.deps.random),
      userId,
      tokenHash: hashToken(token),
      client,
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: now + this.absoluteMs(client),
      ip: ctx.ip,
      userAgent: ctx.userAgent ? ctx.userAgent.slice(0, 512) : null,
    };
    await stores.sessions.create(session);
    return { token, session };
  }

  /** The session and user a token stands for, or null when unknown, expired or malformed. */
  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    if (!looksLikeToken(token)) return null;
    const { storage, clock } = this.deps;
    const found = await storage.principals.bySessionTokenHash(hashToken(token));
    if (!found) return null;
    const { session } = found;
    const now = clock.now();
    if (now >= session.absoluteExpiresAt || now - session.lastSeenAt >= this.idleMs(session.client)) {
      await storage.sessions.delete(session.userId, session.id);
      return null;
    }
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      await storage.sessions.touch(session.id, now);
      session.lastSeenAt = now;
    }
    return found;
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const now = this.deps.clock.now();
    const all = await this.deps.storage.sessions.listForUser(userId);
    return all.filter((s) => now < s.absoluteExpiresAt && now - s.lastSeenAt < this.idleMs(s.client));
  }

  end(userId: string, sessionId: string, stores: Pick<Stores, 'sessions'> = this.deps.storage): Promise<boolean> {
    return stores.sessions.delete(userId, sessionId);
  }

  /**
   * "Sign out everywhere" (and a password reset or change): ends the sessions and forgets every
   * remembered device of the account, so that a stolen device token dies with the sessions.
   */
  async endAll(
    userId: string,
    exceptId?: string,
    stores: Pick<Stores, 'sessions' | 'devices'> = this.deps.storage,
  ): Promise<number> {
    await stores.devices.forgetDevicesForUser(userId);
    return stores.sessions.deleteAllForUser(userId, exceptId);
  }

  /** Housekeeping: removes expired rows (run periodically by the server). */
  sweep(): Promise<number> {
    const s = this.deps.settings;
    return this.deps.storage.sessions.deleteExpired(
      this.deps.clock.now(),
      s.sessionIdleWebMs,
      s.sessionIdleAppMs,
      s.sessionIdleCliMs,
    );
  }
}
