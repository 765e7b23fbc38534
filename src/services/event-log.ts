// The security event log: append-only, per account, newest first when read.
import type { EventRecord, Stores } from '../core/ports/stores.js';
import type { DepsOf, RequestContext } from './deps.js';
import { enqueueWebhook } from './webhook-outbox.js';

/**
 * Every kind of event the log records (GET /v1/me/events shows it as `type`). Read back as plain
 * text: a row of a kind this version does not know (written by a newer one) still lists.
 */
export type EventType =
  | 'account.created'
  | 'account.claimed'
  | 'account.delete_failed'
  | 'signin.succeeded'
  | 'signin.failed'
  | 'signin.mfa_required'
  | 'signout'
  | 'reauthentication.failed'
  | 'password.changed'
  | 'password.reset_requested'
  | 'password.reset_used'
  | 'session.ended'
  | 'sessions.ended_others'
  | 'email.verification_sent'
  | 'email.verified'
  | 'email.change_requested'
  | 'email.changed'
  | 'mfa.setup_started'
  | 'mfa.setup_failed'
  | 'mfa.enabled'
  | 'mfa.reconfigured'
  | 'mfa.disabled'
  | 'mfa.recovery_used'
  | 'mfa.recovery_code_renewed'
  | 'access_key.created'
  | 'access_key.enabled'
  | 'access_key.disabled'
  | 'access_key.deleted'
  | 'google.linked'
  | 'google.unlinked'
  | 'device.approved'
  | 'device.denied'
  | 'passkey.added'
  | 'passkey.renamed'
  | 'passkey.removed'
  | 'passkey.counter_regressed'
  | 'device.remembered'
  | 'device.forgotten'
  | 'account.locked'
  | 'account.unlocked'
  | 'admin.sessions_ended'
  | 'mfa.support_reset_started'
  | 'mfa.support_reset_cancelled'
  | 'mfa.support_reset_done';

export class EventLog {
  constructor(private readonly deps: DepsOf<'clock' | 'logger' | 'settings', 'events' | 'webhooks' | 'transaction'>) {}

  /**
   * Appends an event; `stores` puts it inside the caller's transaction, and with it the security
   * webhook's outbox row (when TWOFOLD_WEBHOOK_URL is set), so both are written or neither.
   */
  async record(
    userId: string,
    type: EventType,
    ctx: RequestContext,
    data?: Record<string, unknown>,
    stores?: Pick<Stores, 'events' | 'webhooks'>,
  ): Promise<void> {
    const at = this.deps.clock.now();
    const event = { userId, type, at, ip: ctx.ip, userAgent: ctx.userAgent, data: data ?? null };
    const write = async (s: Pick<Stores, 'events' | 'webhooks'>): Promise<void> => {
      const id = await s.events.append(event);
      if (this.deps.settings.webhooks === true) await enqueueWebhook(s, { ...event, id: `event-${id}` });
    };
    if (stores) await write(stores);
    else if (this.deps.settings.webhooks === true) await this.deps.storage.transaction(write);
    else await write(this.deps.storage);
    this.deps.logger.info({ event: type, userId, ip: ctx.ip }, 'security event');
  }

  list(userId: string, limit: number, before?: number): Promise<EventRecord[]> {
    return this.deps.storage.events.list(userId, before === undefined ? { limit } : { limit, before });
  }
}
