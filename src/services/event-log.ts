// The security event log: append-only, per account, newest first when read.
import type { EventRecord, Stores } from '../core/ports/stores.js';
import type { DepsOf, RequestContext } from './deps.js';

export type EventType =
  | 'account.created'
  | 'signin.succeeded'
  | 'signin.failed'
  | 'signout'
  | 'password.changed'
  | 'password.reset_requested'
  | 'password.reset_used'
  | 'session.ended'
  | 'sessions.ended_others'
  | 'email.verification_sent'
  | 'email.verified'
  | 'email.change_requested'
  | 'email.changed'
  | 'account.claimed'
  | 'account.delete_failed';

export class EventLog {
  constructor(private readonly deps: DepsOf<'clock' | 'logger', 'events'>) {}

  /** Appends an event; `stores` puts it inside the caller's transaction. */
  async record(userId: string, type: EventType | string, ctx: RequestContext, data?: Record<string, unknown>, stores: Pick<Stores, 'events'> = this.deps.storage): Promise<void> {
    await stores.events.append({
      userId,
      type,
      at: this.deps.clock.now(),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      data: data ?? null,
    });
    this.deps.logger.info({ event: type, userId, ip: ctx.ip }, 'security event');
  }

  list(userId: string, limit: number, before?: number): Promise<EventRecord[]> {
    return this.deps.storage.events.list(userId, before === undefined ? { limit } : { limit, before });
  }
}
