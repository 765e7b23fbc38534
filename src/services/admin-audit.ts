// The admin audit log: every call made with an admin key, who (key id and name), what (the routed
// action and the account it touched), when, from where, with the reason and ticket given, and the
// status it got. Append-only, like the security log; `twofold admin events` exports it.
import type { AdminAuditRecord } from '../core/ports/admin-store.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { AdminPrincipal } from './admin-keys.js';
import { enqueueWebhook } from './webhook-outbox.js';

export interface AdminCall {
  admin: AdminPrincipal;
  action: string;
  targetUserId: string | null;
  reason: string | null;
  ticket: string | null;
  status: number;
}

export class AdminAudit {
  constructor(private readonly deps: DepsOf<'clock' | 'logger' | 'settings', 'admin' | 'transaction'>) {}

  async record(call: AdminCall, ctx: RequestContext): Promise<void> {
    const entry: Omit<AdminAuditRecord, 'id'> = {
      at: this.deps.clock.now(),
      keyId: call.admin.keyId,
      keyName: call.admin.name,
      action: call.action,
      targetUserId: call.targetUserId,
      reason: call.reason,
      ticket: call.ticket,
      status: call.status,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    };
    if (this.deps.settings.webhooks === true) {
      // The audit row and its webhook outbox row together, or neither (docs/admin.md "Security webhooks").
      await this.deps.storage.transaction(async (tx) => {
        const id = await tx.admin.appendAudit(entry);
        await enqueueWebhook(tx, {
          id: `audit-${id}`,
          type: 'admin.call',
          at: entry.at,
          userId: call.targetUserId,
          ip: ctx.ip,
          userAgent: ctx.userAgent,
          data: {
            action: call.action,
            admin_key_id: call.admin.keyId,
            admin_key_name: call.admin.name,
            reason: call.reason,
            ticket: call.ticket,
            status: call.status,
          },
        });
      });
    } else {
      await this.deps.storage.admin.appendAudit(entry);
    }
    this.deps.logger.info(
      { adminKeyId: call.admin.keyId, action: call.action, target: call.targetUserId, status: call.status },
      'admin call',
    );
  }

  list(sinceMs: number, limit: number, afterId?: number): Promise<AdminAuditRecord[]> {
    return this.deps.storage.admin.listAudit(afterId === undefined ? { sinceMs, limit } : { sinceMs, limit, afterId });
  }
}
