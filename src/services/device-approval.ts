// The person's side of the device grant (RFC 8628 §3.3): on the portal, signed in with every
// factor, they look up the code the device shows and approve or deny it. Wrong codes are limited
// to 5 a minute per session, counted BEFORE the code is looked up (a right one gives its place
// back); the first approval or denial wins by one conditional UPDATE. Looking a code up changes
// nothing, so a code typed while signed in to the wrong account can still be approved by the right one.
import { DEVICE_GRANT } from '../core/device/grant.js';
import { normalizeUserCode } from '../core/device/user-code.js';
import { AppError } from '../core/errors.js';
import type { DeviceGrantRecord } from '../core/ports/device-grant-store.js';
import type { UserRecord } from '../core/ports/stores.js';
import { hashToken } from '../core/tokens.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';

/** What the approval page shows of a request. */
export interface DeviceRequestView {
  client_id: string;
  requested_at: string;
  ip: string | null;
  user_agent: string | null;
}

const view = (g: DeviceGrantRecord): DeviceRequestView => ({
  client_id: g.clientId,
  requested_at: new Date(g.createdAt).toISOString(),
  ip: g.ip,
  user_agent: g.userAgent,
});

const unknownCode = () =>
  new AppError('not_found', 'This code is unknown, has expired or was already used. Start again on the device.');

export class DeviceApprovalService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'limits', 'deviceGrants'>,
    private readonly guard: AttemptGuard,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  /** The pending request a typed code names (404 otherwise); counts against the session's wrong codes. */
  async lookup(sessionId: string, typed: string): Promise<DeviceRequestView> {
    const { grant } = await this.find(sessionId, typed);
    return view(grant);
  }

  /** Approves or denies; only the first decision counts. A locked account cannot approve. */
  async decide(
    user: UserRecord,
    sessionId: string,
    typed: string,
    approve: boolean,
    ctx: RequestContext,
  ): Promise<{ status: 'approved' | 'denied' }> {
    const { grant, userCodeHash } = await this.find(sessionId, typed);
    if (approve) await this.guard.assertOpen(user.id);
    const verdict = approve ? ('approved' as const) : ('denied' as const);
    const won = await this.deps.storage.deviceGrants.decide(userCodeHash, user.id, verdict, this.deps.clock.now());
    if (!won) throw unknownCode();
    const device = { client_id: grant.clientId, device_ip: grant.ip, device_user_agent: grant.userAgent };
    await this.events.record(user.id, approve ? 'device.approved' : 'device.denied', ctx, device);
    if (approve) {
      const extra = `Device: ${grant.userAgent ?? 'unknown'} at ${grant.ip ?? 'an unknown address'} (client ${grant.clientId}).`;
      await this.notices.send(user.email, 'device_approved', ctx, extra);
    }
    return { status: verdict };
  }

  private async find(sessionId: string, typed: string) {
    const { limits, storage, clock } = this.deps;
    const slot = { key: `device:wrong:${sessionId}`, ...DEVICE_GRANT.wrongCodes };
    const reserved = await limits.reserve([slot]);
    if (!reserved.ok) {
      const retryAfter = Math.max(1, Math.ceil(reserved.resetInMs / 1000));
      throw new AppError('too_many_attempts', 'Too many wrong codes. Wait a minute and try again.', { retryAfter });
    }
    const code = normalizeUserCode(typed);
    const userCodeHash = code ? hashToken(code) : null;
    const grant = userCodeHash ? await storage.deviceGrants.pendingByUserCode(userCodeHash, clock.now()) : null;
    if (!grant || !userCodeHash) throw unknownCode();
    await limits.release([{ key: slot.key }]);
    return { grant, userCodeHash };
  }
}
