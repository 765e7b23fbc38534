// Plain-language messages for the API's problem codes. Pages handle the codes specific to them
// first and fall back to this.
import { ApiError } from '../api';
import { formatWait } from './format';

export function waitText(err: ApiError): string {
  return err.retryAfter ? `Try again in ${formatWait(err.retryAfter)}.` : 'Try again later.';
}

/** Why turning on two-factor authentication and creating access keys wait for a proven address. */
export const EMAIL_FIRST =
  'Confirm your email address first: until then you can’t turn on two-factor authentication or create access keys.';

export function errorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (err.code) {
    case 'network_error':
      return err.message;
    case 'reauthentication_failed':
      return 'That password is not right.';
    case 'too_many_requests':
      return `Too many tries. ${waitText(err)}`;
    case 'too_many_attempts':
      return `Too many wrong codes. ${waitText(err)}`;
    case 'csrf_failed':
      return 'This page is out of date. Reload it and try again.';
    case 'unauthorized':
      return 'Your session has ended. Sign in again.';
    case 'email_unverified':
      return `${EMAIL_FIRST} Open the link we sent to your email address, or send a new one from the banner at the top of this page.`;
    case 'email_taken':
      return 'An account with this email already exists.';
    case 'invalid_code':
      return 'That code is not right.';
    case 'resend_too_soon':
      return `A link was sent a moment ago. ${waitText(err)}`;
    case 'weak_password':
    case 'invalid_phone':
    case 'invalid_email':
      return err.message;
    case 'sms_rate_limited':
      return `Too many text messages were sent. ${waitText(err)}`;
    case 'sms_delivery_failed':
      return 'The text message could not be sent. Try again in a moment.';
    case 'service_unavailable':
    case 'internal_error':
      return 'Something went wrong on our side. Try again in a moment.';
    default:
      return err.status >= 500 ? 'Something went wrong on our side. Try again in a moment.' : err.message;
  }
}

export const isCode = (err: unknown, ...codes: string[]): err is ApiError =>
  err instanceof ApiError && codes.includes(err.code);

/**
 * Why the server refused a code (`reason` on 401 invalid_code): a code already used or too old
 * gets its own advice; null for a plain wrong code.
 */
export function codeRefusalText(err: ApiError, method: 'totp' | 'sms'): string | null {
  const reason = err.extra.reason;
  if (reason === 'replayed')
    return 'That code was already used. Wait for the next code in your app: a new one comes every 30 seconds.';
  if (reason === 'expired' && method === 'totp')
    return "That code has expired. Enter the code the app shows now, and check that the phone's clock is set automatically.";
  if (reason === 'expired' && method === 'sms')
    return 'That code has expired: codes last 3 minutes. Ask for a new one.';
  return null;
}
