// A real OpenID provider on 127.0.0.1 standing in for Google: the `oidc-provider` package (a
// certified OpenID Provider) with real discovery, a real RSA signing key and signed ID tokens.
// The user's part at the provider (choose an account, consent, or refuse) is played by
// `authorize()`: it follows the browser's redirects with its own cookie jar, and the provider's
// interaction page is answered programmatically with the account the test chose.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { TEST_PUBLIC_URL } from '../helpers/harness.js';

export const REDIRECT_URI = `${TEST_PUBLIC_URL}/v1/auth/google/callback`;

export interface GoogleAccount {
  sub: string;
  email?: string;
  /** Google sends a boolean; a string is allowed to test the older "true" form. */
  email_verified?: boolean | string;
  name?: string;
}

export interface LocalProviderOptions {
  /**
   * true (default): scope claims (email, email_verified) are in the ID token, as Google does.
   * false: a strict provider that puts them only at the UserInfo endpoint (OIDC Core §5.4).
   */
  claimsInIdToken?: boolean;
  /** Listen on this port (default: any free one). */
  port?: number;
  /** The registered redirect URI (default REDIRECT_URI); the browser suite's server has its own port. */
  redirectUri?: string;
  /** The registered client (default: a random id and secret). */
  client?: { clientId: string; clientSecret: string };
}

export interface LocalProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The TWOFOLD_GOOGLE_* variables that point Twofold at this provider. */
  env: Record<string, string>;
  /** Who the next sign-in at the provider completes as, or 'deny' to refuse consent. */
  next: GoogleAccount | 'deny';
  /**
   * Plays the browser from our authorization URL to the redirect back to Twofold, and answers
   * that redirect's URL (the callback, with `code`/`error`, `state` and `iss`).
   */
  authorize(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/** A browser's cookies for one origin: enough for the provider's interaction and session cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The provider's storage for one test: a Map per provider (the package's default is process-wide). */
function memoryAdapter(): (model: string) => Adapter {
  const rows = new Map<string, AdapterPayload>();
  const sessionUids = new Map<string, string>();
  return (model) => ({
    upsert: async (id, payload) => {
      rows.set(`${model}:${id}`, payload);
      if (model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
    },
    find: async (id) => rows.get(`${model}:${id}`),
    findByUid: async (uid) => {
      const id = sessionUids.get(uid);
      return id === undefined ? undefined : rows.get(`${model}:${id}`);
    },
    findByUserCode: async () => undefined,
    consume: async (id) => {
      const row = rows.get(`${model}:${id}`);
      if (row) row.consumed = Math.floor(Date.now() / 1000);
    },
    destroy: async (id) => void rows.delete(`${model}:${id}`),
    revokeByGrantId: async (grantId) => {
      for (const [k, v] of rows) if (v.grantId === grantId) rows.delete(k);
    },
  });
}

export async function startLocalProvider(options: LocalProviderOptions = {}): Promise<LocalProvider> {
  const clientId = options.client?.clientId ?? `twofold-test-${randomBytes(4).toString('hex')}.apps.example`;
  const clientSecret = options.client?.clientSecret ?? randomBytes(24).toString('base64url');
  const accounts = new Map<string, GoogleAccount>();
  const state: { next: GoogleAccount | 'deny' } = { next: 'deny' };

  // The interaction page (login + consent), answered as the test decided, with no HTML involved.
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = provider;
    const details = await p.interactionDetails(req, res);
    const next = state.next;
    if (next === 'deny') {
      await p.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user refused.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    accounts.set(next.sub, next);
    const grant = new p.Grant({ accountId: next.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await p.interactionFinished(
      req,
      res,
      { login: { accountId: next.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    void provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  // Requests reach the handlers above only after this line: the server has no client before.
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri ?? REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    adapter: memoryAdapter(),
    jwks: { keys: [jwk] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: options.claimsInIdToken === false,
    features: { devInteractions: { enabled: false } },
    pkce: { methods: ['S256'], required: () => true },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    findAccount: (_ctx, sub) => {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          ...(a.email !== undefined ? { email: a.email } : {}),
          ...(a.email_verified !== undefined ? { email_verified: a.email_verified } : {}),
          ...(a.name !== undefined ? { name: a.name } : {}),
        }),
      };
    },
  });

  return {
    issuer,
    clientId,
    clientSecret,
    env: {
      TWOFOLD_GOOGLE_CLIENT_ID: clientId,
      TWOFOLD_GOOGLE_CLIENT_SECRET: clientSecret,
      TWOFOLD_GOOGLE_ISSUER: issuer,
    },
    get next() {
      return state.next;
    },
    set next(v) {
      state.next = v;
    },
    async authorize(authorizationUrl: string): Promise<URL> {
      const jar = new CookieJar();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (url.origin + url.pathname === REDIRECT_URI) return url;
        if (url.origin !== issuer) throw new Error(`the browser was sent off the provider: ${url.href}`);
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
        jar.store(res);
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) {
          throw new Error(`provider answered ${res.status} at ${url.pathname}: ${(await res.text()).slice(0, 500)}`);
        }
        await res.arrayBuffer();
        url = new URL(location, url);
      }
      throw new Error('too many redirects at the provider');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
