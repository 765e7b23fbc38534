// Plain-language messages for the API's problem codes. Pages handle the codes specific to them
// first and fall back to this.
import { ApiError } from '../api';
import { formatWait } from './format';

export function waitText(err: ApiError): string {
  return err.retryAfter ? `Try again in ${formatWait(err.retryAfter)}.` : 'Try again later.';
}

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

export const isCode = (err: unknown, ...codes: string[]): err is ApiError => err instanceof ApiError && codes.includes(err.code);
