// The sign-in's second step answered with a passkey ("Use a passkey" beside the code), and the
// "Remember this device" box that goes with either answer. A refused passkey counts as a wrong
// code on the server; the refusals that end the sign-in end it here the same way as for a code.
import { useState } from 'react';
import { post } from '../api';
import { waitText, isCode } from '../lib/errors';
import type { CodeForm, Refusal } from '../lib/use-code-form';
import { getPasskey, isCancelled, passkeyErrorText, type RequestOptions } from '../lib/webauthn';
import { afterSignIn } from '../lib/return-to';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated, Challenge } from '../types';

export const EXPIRED = 'This sign-in has expired. Sign in again.';

/** The refusals that end the sign-in, whichever way the user answered. */
export function fatalRefusal(err: unknown): Refusal | undefined {
  if (isCode(err, 'too_many_attempts'))
    return {
      text: err.retryAfter
        ? `Too many wrong codes. Two-factor sign-in is locked. ${waitText(err)}`
        : 'Too many wrong codes. Sign in again to get a new code.',
      fatal: true,
    };
  if (isCode(err, 'challenge_expired')) return { text: EXPIRED, fatal: true };
  return undefined;
}

/** What `remember_device` to send: nothing when the server has the feature off. */
export const rememberMember = (days: number, remember: boolean) => (days > 0 ? { remember_device: remember } : {});

export function usePasskeyAnswer(challenge: Challenge, remember: () => object, form: CodeForm) {
  const { setUser } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const use = async () => {
    if (busy || form.dead) return;
    setBusy(true);
    setError(null);
    try {
      const options = await post<RequestOptions>('/v1/auth/login/passkey/options', { challenge: challenge.challenge });
      const response = await getPasskey(options);
      const answer = await post<Authenticated>('/v1/auth/login/passkey', {
        challenge: challenge.challenge,
        response,
        ...remember(),
      });
      setUser(answer.user);
      navigate(afterSignIn());
    } catch (err) {
      setBusy(false);
      if (isCancelled(err)) return;
      const fatal = fatalRefusal(err);
      if (fatal) form.fail(fatal);
      else setError(passkeyErrorText(err));
    }
  };

  return { use, busy, error };
}

export function RememberDevice({
  days,
  checked,
  onChange,
}: {
  days: number;
  checked: boolean;
  onChange: (next: boolean) => void;
}) {
  if (days <= 0) return null;
  return (
    <label className="check remember-device">
      <input type="checkbox" name="remember_device" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      Remember this device for {days} {days === 1 ? 'day' : 'days'}
    </label>
  );
}
