// The portal's session cookie (shared/API.md): HttpOnly, SameSite=Lax, Path=/; over https the
// `__Host-` prefix and Secure, which pins it to this exact origin.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-twofold_session' : 'twofold_session';
}

export function setSessionCookie(reply: FastifyReply, secure: boolean, token: string, maxAgeMs: number): void {
  reply.setCookie(sessionCookieName(secure), token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(sessionCookieName(secure), { httpOnly: true, sameSite: 'lax', path: '/', secure });
}

export function readSessionCookie(req: FastifyRequest, secure: boolean): string | undefined {
  const v = req.cookies?.[sessionCookieName(secure)];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
