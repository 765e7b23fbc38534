// The device's side of the OAuth 2.0 device authorization grant (RFC 8628): a device asks for a
// grant (§3.1–3.2) and polls the token endpoint (§3.4–3.5) until a signed-in person has approved
// or denied it on the portal (device-approval.ts). The token is a session of client "cli", issued
// once: its creation and the grant's approved → issued write commit together or not at all.
import { DEVICE_GRANT, DEVICE_SESSION_CLIENT, pollState } from '../core/device/grant.js';
import { OAuthError } from '../core/device/oauth-error.js';
import { formatUserCode, newUserCode } from '../core/device/user-code.js';
import { lockRemainingSec } from '../core/second-factor-lock.js';
import { hashToken, looksLikeToken, newToken } from '../core/tokens.js';
import type { DepsOf, RequestContext } from './deps.js';
import { rollbackUnless } from './rollback-unless.js';
import type { SessionService } from './sessions.js';
import type { DeviceAuthorization, DeviceToken } from '../core/device/responses.js';

export type { DeviceAuthorization, DeviceToken };

export class DeviceGrantService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'random' | 'settings', 'deviceGrants' | 'attempts' | 'transaction'>,
    private readonly sessions: SessionService,
  ) {}

  /** 401 invalid_client unless the id is one of TWOFOLD_DEVICE_CLIENTS (public clients, RFC 6749 §2.1). */
  assertClient(clientId: string | undefined): string {
    if (!clientId) throw new OAuthError('invalid_request', 'client_id is required.');
    if (!this.deps.settings.deviceClients.includes(clientId))
      throw new OAuthError('invalid_client', 'This client_id is not registered for the device grant.');
    return clientId;
  }

  /** §3.1–3.2: a new grant for the device that asks (its address and user agent are kept to show). */
  async start(clientIdInput: string | undefined, device: RequestContext): Promise<DeviceAuthorization> {
    const clientId = this.assertClient(clientIdInput);
    const { clock, random, storage, settings } = this.deps;
    const now = clock.now();
    const deviceCode = newToken(random);
    for (let attempt = 0; attempt < 5; attempt++) {
      const userCode = newUserCode(random);
      const created = await storage.deviceGrants.create({
        deviceCodeHash: hashToken(deviceCode),
        userCodeHash: hashToken(userCode),
        clientId,
        createdAt: now,
        expiresAt: now + DEVICE_GRANT.ttlMs,
        intervalSec: DEVICE_GRANT.intervalSec,
        lastPolledAt: null,
        ip: device.ip,
        userAgent: device.userAgent ? device.userAgent.slice(0, 512) : null,
        status: 'pending',
        userId: null,
        decidedAt: null,
        sessionId: null,
      });
      if (created === 'created') {
        const shown = formatUserCode(userCode);
        return {
          device_code: deviceCode,
          user_code: shown,
          verification_uri: `${settings.publicUrl}/device`,
          verification_uri_complete: `${settings.publicUrl}/device?user_code=${shown}`,
          expires_in: DEVICE_GRANT.ttlMs / 1000,
          interval: DEVICE_GRANT.intervalSec,
        };
      }
    }
    // 5 collisions in a space of 20^8 codes means the table is full of live codes: refuse, don't loop.
    throw new Error('no free user code after 5 tries');
  }

  /** §3.4–3.5: one poll of the token endpoint with a device code. */
  async poll(clientIdInput: string | undefined, deviceCode: string | undefined): Promise<DeviceToken> {
    const clientId = this.assertClient(clientIdInput);
    if (!deviceCode) throw new OAuthError('invalid_request', 'device_code is required.');
    const { clock, storage, settings } = this.deps;
    const now = clock.now();
    const hash = looksLikeToken(deviceCode) ? hashToken(deviceCode) : null;
    const grant = hash ? await storage.deviceGrants.byDeviceCode(hash) : null;
    const state = pollState(grant, clientId, now);
    if (!grant || !hash || state === 'invalid_grant')
      throw new OAuthError('invalid_grant', 'The device code is unknown, was issued to another client or was used.');
    if (state === 'expired_token') throw new OAuthError('expired_token', 'The device code has expired. Start again.');
    if (state === 'access_denied') throw new OAuthError('access_denied', 'The request was denied.');
    if (!(await storage.deviceGrants.pace(hash, now, DEVICE_GRANT.slowDownSec)))
      throw new OAuthError('slow_down', `Polled faster than the interval; wait ${DEVICE_GRANT.slowDownSec} s more.`);
    if (state === 'pending') throw new OAuthError('authorization_pending', 'Not approved yet.');
    const userId = grant.userId!;
    // A grant is denied while the account's second-factor step is locked (too many wrong codes).
    if (lockRemainingSec(await storage.attempts.getAttempts(userId), now) > 0) {
      await storage.deviceGrants.refuse(hash, now);
      throw new OAuthError('access_denied', 'The account is locked for now.');
    }
    let token: string | undefined;
    const verdict = await rollbackUnless(storage, async (tx) => {
      const started = await this.sessions.start(
        userId,
        DEVICE_SESSION_CLIENT,
        { ip: grant.ip, userAgent: grant.userAgent },
        tx,
      );
      if (!(await tx.deviceGrants.issue(hash, started.session.id, now))) return 'lost';
      token = started.token;
      return 'ok';
    });
    if (verdict !== 'ok' || !token)
      throw new OAuthError('invalid_grant', 'The device code is unknown, was issued to another client or was used.');
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: Math.floor(settings.sessionAbsoluteCliMs / 1000),
    };
  }

  /** Housekeeping: grants expired a day ago go (the day keeps expired_token answerable a while). */
  sweep(): Promise<number> {
    return this.deps.storage.deviceGrants.deleteExpired(this.deps.clock.now() - 86_400_000);
  }
}
