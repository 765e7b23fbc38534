// The OpenID Connect relying-party port (Google Sign-In). The adapter in src/adapters/oidc does
// discovery, the authorization URL and the code exchange with a certified library; the ID token's
// signature, `iss`, `aud`, `exp` and `nonce` are checked there, never here.

/** What the browser must carry from the start of a sign-in to its callback (in a signed cookie). */
export interface OidcPending {
  /** CSRF protection of the callback (RFC 6749 §10.12). */
  state: string;
  /** Binds the ID token to this sign-in (OpenID Connect Core §3.1.2.1). */
  nonce: string;
  /** PKCE (RFC 7636), method S256. */
  codeVerifier: string;
}

export interface OidcAuthorization extends OidcPending {
  /** Where to send the browser. */
  url: string;
}

/** Who the provider says signed in. Accounts are keyed on (issuer, subject), never on email alone. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /** Only `email_verified: true` counts; anything else (absent, false) is unverified. */
  emailVerified: boolean;
}

/**
 * Why a sign-in with the provider failed, as the portal is told:
 * - denied: the user refused consent (`error=access_denied`);
 * - state: the callback does not belong to a sign-in this browser started (forged, replayed, late);
 * - unavailable: the provider could not be reached or answered with a server error;
 * - failed: anything else (a refused code, a bad ID token, a misconfigured client).
 */
export type OidcFailureReason = 'denied' | 'state' | 'unavailable' | 'failed';

export class OidcFailure extends Error {
  constructor(
    readonly reason: OidcFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcFailure';
  }
}

export interface OidcProvider {
  /** The issuer identifier as configured (before discovery). */
  readonly issuer: string;
  /** Builds the authorization request with fresh state, nonce and PKCE verifier. Throws OidcFailure. */
  authorizationUrl(): Promise<OidcAuthorization>;
  /**
   * Validates the authorization response at `callbackUrl` against what the browser carried,
   * redeems the code and validates the ID token. Throws OidcFailure.
   */
  exchange(callbackUrl: URL, pending: OidcPending): Promise<OidcIdentity>;
}
