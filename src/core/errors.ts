// The one error catalogue. Codes are part of the public contract (shared/API.md) and never change
// meaning; the server maps them to RFC 9457 problem+json in exactly one place.

export const ERRORS = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'The request is not valid' },
  invalid_json: { status: 400, title: 'The body is not valid JSON' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'The body is too large' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  invalid_code: { status: 401, title: 'The code is not valid' },
  invalid_recovery_code: { status: 401, title: 'The recovery code is not valid' },
  invalid_passkey: { status: 401, title: 'The passkey was not accepted' },
  invalid_signature: { status: 401, title: 'The request signature is not valid' },
  replayed_signature: { status: 401, title: 'The request signature was already used' },
  csrf_failed: { status: 403, title: 'Cross-site request refused' },
  session_required: { status: 403, title: 'This call needs a signed-in session' },
  reauthentication_failed: { status: 403, title: 'The password is not correct' },
  email_unverified: { status: 403, title: 'The email address is not verified yet' },
  account_locked: { status: 403, title: 'The account is locked' },
  mfa_setup_required: { status: 403, title: 'Set up two-factor authentication first' },
  email_taken: { status: 409, title: 'An account with this email exists' },
  passkey_limit: { status: 409, title: 'No more passkeys can be added' },
  passkeys_unavailable: { status: 409, title: 'Passkeys need a domain name' },
  access_key_limit: { status: 409, title: 'No more access keys can be created' },
  mfa_not_enabled: { status: 409, title: 'Two-factor authentication is not on' },
  password_required: { status: 409, title: 'The account has no password yet' },
  google_not_linked: { status: 409, title: 'No Google account is linked' },
  already_verified: { status: 409, title: 'The email address is already verified' },
  support_reset_pending: { status: 409, title: 'A support reset is already pending' },
  challenge_expired: { status: 410, title: 'The sign-in challenge has expired' },
  setup_expired: { status: 410, title: 'The set-up has expired' },
  token_expired: { status: 410, title: 'The link has expired' },
  weak_password: { status: 422, title: 'The password is too weak' },
  invalid_email: { status: 422, title: 'The email address is not valid' },
  invalid_phone: { status: 422, title: 'The phone number is not valid' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  too_many_attempts: { status: 429, title: 'Too many attempts' },
  resend_too_soon: { status: 429, title: 'Wait before asking for another code' },
  sms_rate_limited: { status: 429, title: 'Too many text messages' },
  internal_error: { status: 500, title: 'Internal error' },
  sms_delivery_failed: { status: 502, title: 'The text message could not be sent' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface AppErrorOptions {
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Extra members for the problem body (never a secret). */
  extra?: Record<string, unknown>;
  cause?: unknown;
  /** The HTTP status where the contract gives this code another one on one route (400 invalid_passkey at registration). */
  status?: 400;
}

/** A refusal with a stable code. Services throw it; the server turns it into problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, options: AppErrorOptions = {}) {
    super(detail ?? ERRORS[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERRORS[code].status;
    this.retryAfter = options.retryAfter;
    this.extra = options.extra;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
