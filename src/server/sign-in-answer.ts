// How a finished sign-in is answered, whatever path it took (password, code, recovery, Google):
// apps get the bearer token in the body, the portal gets the session cookie and no token.
import type { FastifyReply } from 'fastify';
import type { Authenticated } from '../services/accounts.js';
import type { Services } from '../services/services.js';
import { accountView } from '../services/user-view.js';
import type { Config } from '../runtime/config.js';
import { setSessionCookie } from './session-cookie.js';

export async function answerSignIn(
  reply: FastifyReply,
  services: Services,
  config: Readonly<Config>,
  client: 'web' | 'app',
  a: Authenticated,
  status: number,
  extra: Record<string, unknown> = {},
): Promise<FastifyReply> {
  const user = a.account ? accountView(a.account) : await services.userViews.view(a.user);
  if (client === 'app') return reply.status(status).send({ status: 'authenticated', user, token: a.token, ...extra });
  setSessionCookie(reply, config.secure, a.token, config.sessions.absoluteWebMs);
  return reply.status(status).send({ status: 'authenticated', user, ...extra });
}
