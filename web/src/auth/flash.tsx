// One-off messages carried from the previous page (history.state) or from the URL (?error=).
import { useState } from 'react';
import { takeFlash, type Flash } from '../router';
import { Notice } from '../ui/notice';

const FLASH_TEXT: Partial<Record<Flash, { tone: 'info' | 'success' | 'warning'; text: string }>> = {
  'signed-out': { tone: 'success', text: 'You are signed out.' },
  'session-ended': { tone: 'info', text: 'Your session has ended. Sign in again.' },
  'password-reset': { tone: 'success', text: 'Your password is changed. Sign in with your new password.' },
};

/** Messages for `/login?error=…` after a Google sign-in that did not finish. */
const GOOGLE_ERRORS: Record<string, string> = {
  google_denied: 'Sign-in with Google was cancelled.',
  google_state: 'That sign-in with Google expired or was started in another window. Try again.',
  google_unavailable: 'Google sign-in is not available right now. Try again later, or sign in with your email and password.',
  google_unverified_email: 'Your Google account’s email address is not verified, so it cannot be used to sign in here.',
  too_many_attempts: 'Too many wrong codes: two-factor sign-in is locked for a while. Try again later.',
  too_many_requests: 'Too many tries. Try again later.',
  challenge_expired: 'The sign-in took too long. Try again.',
};

export function googleErrorText(code: string): string {
  return GOOGLE_ERRORS[code] ?? 'Sign-in with Google did not finish. Try again, or sign in with your email and password.';
}

export function useFlashNotice(extra?: { tone: 'info' | 'success' | 'warning' | 'danger'; text: string } | null) {
  const [flash] = useState(() => {
    const f = takeFlash();
    return f ? (FLASH_TEXT[f] ?? null) : null;
  });
  const shown = extra ?? flash;
  if (!shown) return null;
  return (
    <Notice tone={shown.tone} role={shown.tone === 'danger' ? 'alert' : 'status'}>
      <p>{shown.text}</p>
    </Notice>
  );
}
