// The admin audit log: every call made with an admin key, who (key id and name), what (the routed
// action and the account it touched), when, from where, with the reason and ticket given, and the
// status it got. Append-only, like the security log; `twofold admin events` exports it.
import type { AdminAuditRecord } from '../core/ports/admin-store.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { AdminPrincipal } from './admin-keys.js';

export interface AdminCall {
  admin: AdminPrincipal;
  action: string;
  targetUserId: string | null;
  reason: string | null;
  ticket: string | null;
  status: number;
}

export class AdminAudit {
  constructor(private readonly deps: DepsOf<'clock' | 'logger', 'admin'>) {}

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
    await this.deps.storage.admin.appendAudit(entry);
    this.deps.logger.info(
      { adminKeyId: call.admin.keyId, action: call.action, target: call.targetUserId, status: call.status },
      'admin call',
    );
  }

  list(sinceMs: number, limit: number, afterId?: number): Promise<AdminAuditRecord[]> {
    return this.deps.storage.admin.listAudit(afterId === undefined ? { sinceMs, limit } : { sinceMs, limit, afterId });
  }
}
