// Signing in with a passkey and no email or password (discoverable credentials): the "Sign in with
// a passkey" button, and the same request made quietly in the email field's autofill (conditional
// mediation) while the sign-in page is open. The autofill request gives way to the button (one
// ceremony at a time) and is cancelled when the page goes: a password sign-in moves on cleanly.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, post } from '../api';
import { isCode } from '../lib/errors';
import {
  autofillSupported,
  cancelPasskeyRequest,
  getPasskey,
  isCancelled,
  passkeyErrorText,
  type RequestOptions,
} from '../lib/webauthn';
import { afterSignIn } from '../lib/return-to';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated } from '../types';

/** A sign-in challenge lives 5 minutes: the autofill request is renewed a little before. */
const RENEW_AUTOFILL_MS = 4.5 * 60_000;

function signInError(err: unknown): string {
  if (isCode(err, 'too_many_attempts'))
    return 'Too many refused sign-ins: this account is locked for a while. Try again later.';
  if (isCode(err, 'challenge_expired')) return 'The passkey request took too long. Try again.';
  return passkeyErrorText(err);
}

export function usePasskeySignIn(enabled: boolean) {
  const { setUser } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [round, setRound] = useState(0);
  const prompting = useRef(false);

  const finish = useCallback(
    async (response: unknown) => {
      const answer = await post<Authenticated>('/v1/auth/passkey', { response, client: 'web' });
      setUser(answer.user);
      navigate(afterSignIn());
    },
    [setUser],
  );

  // The autofill request, made again (with a fresh challenge) before it expires and after the button.
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    const renew = setTimeout(() => {
      if (!prompting.current) setRound((r) => r + 1);
    }, RENEW_AUTOFILL_MS);
    void (async () => {
      if (!(await autofillSupported()) || !alive) return;
      let options: RequestOptions;
      try {
        options = await post<RequestOptions>('/v1/auth/passkey/options', {});
      } catch {
        return; // no autofill this time; the button still works and says what is wrong
      }
      if (!alive) return;
      try {
        const response = await getPasskey(options, true);
        if (!alive) return;
        setBusy(true);
        setError(null);
        await finish(response);
      } catch (err) {
        // The browser's own ending of an autofill request (none offered, none chosen) is not news;
        // a refusal by the server is. The autofill comes back with the button or the renewal, not
        // at once: a passkey the account no longer has must not be refused over and over.
        if (!alive || !(err instanceof ApiError)) return;
        setBusy(false);
        setError(signInError(err));
      }
    })();
    return () => {
      alive = false;
      clearTimeout(renew);
      // The page's own request only: the button's prompt is never cut short by a renewal.
      if (!prompting.current) cancelPasskeyRequest();
    };
  }, [enabled, round, finish]);

  /** "Sign in with a passkey": the browser's own prompt (it replaces the autofill request). */
  const signIn = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    prompting.current = true;
    try {
      const options = await post<RequestOptions>('/v1/auth/passkey/options', {});
      const response = await getPasskey(options);
      await finish(response);
    } catch (err) {
      setBusy(false);
      if (!isCancelled(err)) setError(signInError(err));
      prompting.current = false;
      setRound((r) => r + 1); // offer the passkeys in the autofill again
    }
  };

  return { signIn, busy, error };
}
