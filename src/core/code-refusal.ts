// What a refused second-factor code is told (shared/API.md keeps the code `invalid_code` and
// counts it either way): a code already used, one that expired, or simply a wrong one.
export type CodeRefusalReason = 'format' | 'mismatch' | 'replayed' | 'expired';

export function codeRefusalDetail(method: 'totp' | 'sms', reason: CodeRefusalReason): string {
  if (method === 'totp' && reason === 'replayed') {
    return 'That code was already used. Wait for the next code in your authenticator app: a new one comes every 30 seconds.';
  }
  if (method === 'totp' && reason === 'expired') {
    return "That code has expired. Enter the code your authenticator app shows now, and check that the phone's clock is set automatically.";
  }
  if (method === 'sms' && reason === 'expired') {
    return 'That code has expired: text-message codes last 3 minutes. Ask for a new one.';
  }
  return method === 'totp'
    ? 'That code is not right. Enter the current 6-digit code from your authenticator app.'
    : 'That code is not right. Enter the 6-digit code from the latest text message.';
}
