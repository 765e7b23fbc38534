// The remembered device's cookie (shared/API.md, "Remember this device"): `twofold_device`,
// HttpOnly, SameSite=Lax, Secure over https, for as long as the device is remembered. App clients
// get the same token as `device_token` in the body instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticated } from '../services/accounts.js';
import type { Services } from '../services/services.js';
import type { RequestContext } from '../services/deps.js';

export const DEVICE_COOKIE = 'twofold_device';

export function readDeviceCookie(req: FastifyRequest): string | undefined {
  const v = req.cookies?.[DEVICE_COOKIE];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * After a second factor with `remember_device: true`: remembers the device and answers the
 * extra body members (`device_token` for apps; the cookie for the portal).
 */
export async function rememberDeviceIfAsked(
  reply: FastifyReply,
  services: Services,
  secure: boolean,
  a: Authenticated,
  asked: boolean | undefined,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  if (!asked) return {};
  const remembered = await services.devices.remember(a.user.id, ctx);
  if (!remembered) return {};
  if (a.client === 'app') return { device_token: remembered.token };
  reply.setCookie(DEVICE_COOKIE, remembered.token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
    maxAge: Math.floor(remembered.maxAgeMs / 1000),
  });
  return {};
}
