// Google Sign-In as an OpenID Connect relying party, with openid-client 6 (a certified library):
// discovery of the issuer (cached), the authorization code flow with state, nonce and PKCE S256
// (RFC 7636), and the code exchange, where the library validates the ID token's signature against
// the provider's published keys and its `iss`, `aud`, `exp`, `iat` and `nonce` (OpenID Connect
// Core §3.1.3.7). Nothing here trusts a claim the library has not checked.
import * as client from 'openid-client';
import { checkIssuerUrl } from '../../core/oidc-issuer.js';
import { safeEqual } from '../../core/tokens.js';
import {
  OidcFailure,
  type OidcAuthorization,
  type OidcIdentity,
  type OidcPending,
  type OidcProvider,
} from '../../core/ports/oidc.js';

export const GOOGLE_SCOPE = 'openid email profile';
/** Discovery is cached; metadata rarely changes, and keys are re-fetched by the library on a new kid. */
const DISCOVERY_TTL_MS = 24 * 3_600_000;

export interface GoogleClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `TWOFOLD_PUBLIC_URL/v1/auth/google/callback`, registered with the provider. */
  redirectUri: string;
  /** Per HTTP request to the provider, in seconds. */
  timeoutSeconds?: number;
  now?: () => number;
}

/** Maps whatever the library or the network threw to the reason the portal is told. */
function classify(err: unknown, during: string): OidcFailure {
  if (err instanceof OidcFailure) return err;
  if (err instanceof client.AuthorizationResponseError) {
    return new OidcFailure(
      err.error === 'access_denied' ? 'denied' : 'failed',
      `provider refused the authorization (${err.error})`,
      { cause: err },
    );
  }
  if (err instanceof client.ResponseBodyError) {
    // An OAuth error body: invalid_grant for a spent, expired or stolen code; a 5xx is an outage.
    return new OidcFailure(
      err.status >= 500 ? 'unavailable' : 'failed',
      `provider refused the ${during} (${err.error})`,
      { cause: err },
    );
  }
  // fetch() failing (refused connection, DNS, reset) surfaces as a TypeError.
  if (err instanceof TypeError)
    return new OidcFailure('unavailable', `provider unreachable during ${during}`, { cause: err });
  if (err instanceof client.ClientError) {
    const code = err.code ?? '';
    if (code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT')
      return new OidcFailure('unavailable', `provider timed out during ${during}`, { cause: err });
    if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return new OidcFailure('unavailable', `provider answered the ${during} with an unexpected response`, {
        cause: err,
      });
    }
  }
  return new OidcFailure('failed', `${during} failed: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

export class GoogleOidcClient implements OidcProvider {
  readonly issuer: string;
  private readonly issuerUrl: URL;
  private readonly insecureLoopback: boolean;
  private readonly now: () => number;
  private cached: { at: number; config: Promise<client.Configuration> } | undefined;

  constructor(private readonly opts: GoogleClientOptions) {
    const verdict = checkIssuerUrl(opts.issuer);
    if (!verdict.ok) throw new Error(`TWOFOLD_GOOGLE_ISSUER: ${verdict.reason}`);
    this.issuer = opts.issuer;
    this.issuerUrl = verdict.url;
    this.insecureLoopback = verdict.insecureLoopback;
    this.now = opts.now ?? Date.now;
  }

  /** The discovered configuration; a failed discovery is not cached, so the next sign-in retries. */
  private configuration(): Promise<client.Configuration> {
    const now = this.now();
    if (this.cached && now - this.cached.at < DISCOVERY_TTL_MS) return this.cached.config;
    const config = client.discovery(
      this.issuerUrl,
      this.opts.clientId,
      { client_secret: this.opts.clientSecret, redirect_uris: [this.opts.redirectUri], response_types: ['code'] },
      client.ClientSecretPost(this.opts.clientSecret),
      {
        timeout: this.opts.timeoutSeconds ?? 10,
        // Only for http on a loopback host (checkIssuerUrl); an https issuer's endpoints must be https too.
        ...(this.insecureLoopback ? { execute: [client.allowInsecureRequests] } : {}),
      },
    );
    const entry = { at: now, config };
    this.cached = entry;
    config.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return config;
  }

  async authorizationUrl(): Promise<OidcAuthorization> {
    let config: client.Configuration;
    try {
      config = await this.configuration();
    } catch (e) {
      throw classify(e, 'discovery');
    }
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.opts.redirectUri,
      response_type: 'code',
      scope: GOOGLE_SCOPE,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  async exchange(callbackUrl: URL, pending: OidcPending): Promise<OidcIdentity> {
    // The library compares state too; checking first names the failure precisely.
    const state = callbackUrl.searchParams.get('state');
    if (state === null || !safeEqual(state, pending.state))
      throw new OidcFailure('state', "the callback state does not match this browser's sign-in");
    // The redirect_uri sent to the token endpoint is the callback URL without its query: rebuild it
    // from the registered URI so a proxy's view of the path can never change it.
    const current = new URL(this.opts.redirectUri);
    current.search = callbackUrl.search;
    try {
      const config = await this.configuration();
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OidcFailure('failed', 'the provider returned no ID token');
      let email: unknown = claims.email;
      let verified: unknown = claims.email_verified;
      if (typeof email !== 'string') {
        // A strict provider puts scope claims only at the UserInfo endpoint (Core §5.4); the
        // library checks that its `sub` is the ID token's.
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = info.email;
        verified = info.email_verified;
      }
      return {
        issuer: claims.iss,
        subject: claims.sub,
        email: typeof email === 'string' && email.length > 0 ? email : null,
        // Google has sent the claim as the string "true" in the past; anything else is unverified.
        emailVerified: verified === true || verified === 'true',
      };
    } catch (e) {
      throw classify(e, 'code exchange');
    }
  }
}
