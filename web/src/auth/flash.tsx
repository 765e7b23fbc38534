// One-off messages carried from the previous page (history.state) or from the URL (?error=).
import { useState } from 'react';
import { flashDetail, takeFlash, type Flash } from '../router';
import { Notice } from '../ui/notice';

const FLASH_TEXT: Partial<Record<Flash, { tone: 'info' | 'success' | 'warning'; text: string }>> = {
  'signed-out': { tone: 'success', text: 'You are signed out.' },
  'session-ended': { tone: 'info', text: 'Your session has ended. Sign in again.' },
  'password-reset': { tone: 'success', text: 'Your password is changed. Sign in with your new password.' },
  'account-deleted': {
    tone: 'success',
    text: 'Your account is deleted, with its keys, sessions and two-factor settings. We sent a confirmation to your email address.',
  },
};

/** What a password reset did to the account's access keys (`access_keys_disabled`). */
export function keysDisabledText(n: number): string | null {
  if (n <= 0) return null;
  const keys = n === 1 ? '1 access key was' : `${n} access keys were`;
  return `For your safety, ${keys} disabled: scripts and the CLI using ${n === 1 ? 'it' : 'them'} are refused for now. Once you are signed in, you can enable ${n === 1 ? 'it' : 'them'} again on the Access keys page.`;
}

/** Messages for `/login?error=…` after a Google sign-in that did not finish. */
const GOOGLE_ERRORS: Record<string, string> = {
  google_denied: 'Sign-in with Google was cancelled.',
  google_state: 'That sign-in with Google expired or was started in another window. Try again.',
  google_unavailable:
    'Google sign-in is not available right now. Try again later, or sign in with your email and password.',
  google_unverified_email: 'Your Google account’s email address is not verified, so it cannot be used to sign in here.',
  too_many_attempts: 'Too many wrong codes: two-factor sign-in is locked for a while. Try again later.',
  too_many_requests: 'Too many tries. Try again later.',
  challenge_expired: 'The sign-in took too long. Try again.',
};

export function googleErrorText(code: string): string {
  return (
    GOOGLE_ERRORS[code] ?? 'Sign-in with Google did not finish. Try again, or sign in with your email and password.'
  );
}

export function useFlashNotice(extra?: { tone: 'info' | 'success' | 'warning' | 'danger'; text: string } | null) {
  const [flash] = useState(() => {
    const f = takeFlash();
    const shown = f ? (FLASH_TEXT[f] ?? null) : null;
    const more = f === 'password-reset' ? keysDisabledText(flashDetail() ?? 0) : null;
    return shown && { ...shown, more };
  });
  const shown = extra ? { ...extra, more: null } : flash;
  if (!shown) return null;
  return (
    <Notice tone={shown.tone} role={shown.tone === 'danger' ? 'alert' : 'status'}>
      <p>{shown.text}</p>
      {shown.more && <p>{shown.more}</p>}
    </Notice>
  );
}
