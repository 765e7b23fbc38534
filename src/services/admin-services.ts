// The operators' use cases, wired once (docs/admin.md).
import { AdminAccountsService } from './admin-accounts.js';
import { AdminAudit } from './admin-audit.js';
import { AdminKeyService } from './admin-keys.js';
import { AdminNotices } from './admin-notices.js';
import type { ServiceDeps } from './deps.js';
import type { EventLog } from './event-log.js';
import type { SessionService } from './sessions.js';
import type { AccountPolicy } from './account-policy.js';
import { SupportResetService } from './support-reset.js';
import { SupportResetMails } from './support-reset-mail.js';

export interface AdminServices {
  keys: AdminKeyService;
  audit: AdminAudit;
  accounts: AdminAccountsService;
  policy: AccountPolicy;
  supportResets: SupportResetService;
}

export function createAdminServices(
  deps: ServiceDeps,
  sessions: SessionService,
  events: EventLog,
  policy: AccountPolicy,
): AdminServices {
  const notices = new AdminNotices(deps);
  return {
    keys: new AdminKeyService(deps, deps.replays),
    audit: new AdminAudit(deps),
    accounts: new AdminAccountsService(deps, sessions, events, notices),
    policy,
    supportResets: new SupportResetService(deps, events, new SupportResetMails(deps)),
  };
}
