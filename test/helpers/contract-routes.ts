// The routes the contract (shared/API.md) fixes, in OpenAPI path form: one list for every test
// that walks them (served and documented, bad input answered with a 4xx problem).

/** Every /v1 route of the contract, plus the sign-out-everywhere route the portal uses. */
export const CONTRACT_V1 = [
  'POST /v1/auth/signup',
  'POST /v1/auth/login',
  'POST /v1/auth/login/verify',
  'POST /v1/auth/login/resend',
  'POST /v1/auth/login/recover',
  'POST /v1/auth/logout',
  'POST /v1/auth/password/forgot',
  'POST /v1/auth/password/reset',
  'POST /v1/auth/email/verify',
  'GET /v1/auth/google',
  'GET /v1/auth/google/callback',
  'GET /v1/me',
  'DELETE /v1/me',
  'POST /v1/me/email',
  'POST /v1/me/email/verify',
  'GET /v1/me/mfa',
  'POST /v1/me/mfa/setup',
  'POST /v1/me/mfa/setup/verify',
  'DELETE /v1/me/mfa',
  'POST /v1/me/mfa/recovery-code',
  'GET /v1/me/access-keys',
  'POST /v1/me/access-keys',
  'PATCH /v1/me/access-keys/{id}',
  'DELETE /v1/me/access-keys/{id}',
  'GET /v1/me/sessions',
  'DELETE /v1/me/sessions',
  'DELETE /v1/me/sessions/{id}',
  'GET /v1/me/events',
  'POST /v1/me/password',
  'GET /v1/me/device/{user_code}',
  'POST /v1/me/device/{user_code}',
];

/** The operations routes (health, readiness, metrics, the OpenAPI document). */
export const OPERATIONS = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /v1/openapi.json'];
