// The second step of a sign-in: the 6-digit code from the authenticator app or the text message.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { formatCountdown } from '../lib/format';
import { errorMessage, isCode, waitText } from '../lib/errors';
import { phoneEnding, useCountdown } from '../lib/countdown';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated, MfaRequired } from '../types';
import { Button } from '../ui/button';
import { CodeField } from '../ui/field';
import { AuthShell } from './auth-shell';

export const RESEND_SECONDS = 30;

export function CodePrompt({ challenge, onRecover, onRestart }: { challenge: MfaRequired; onRecover: () => void; onRestart: () => void }) {
  const { setUser } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resending, setResending] = useState(false);
  const [dead, setDead] = useState(false);
  const [resendAt, setResendAt] = useState(() => Date.now() + RESEND_SECONDS * 1000);
  const resendIn = useCountdown(resendAt);
  const codeRef = useRef<HTMLInputElement>(null);
  const restartRef = useRef<HTMLButtonElement>(null);
  const sms = challenge.method === 'sms';

  const fail = (message: string, fatal = false) => {
    setError(message);
    setSent(null);
    if (fatal) {
      setDead(true);
      setTimeout(() => restartRef.current?.focus(), 0);
    } else {
      codeRef.current?.focus();
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || dead) return;
    if (code.length !== 6) return fail('Enter the 6-digit code.');
    setBusy(true);
    try {
      const answer = await post<Authenticated>('/v1/auth/login/verify', { challenge: challenge.challenge, code });
      setUser(answer.user);
      navigate('/account/two-factor');
    } catch (err) {
      setBusy(false);
      setCode('');
      if (isCode(err, 'invalid_code')) fail(sms ? 'That code is not right. Check the latest text message and try again.' : 'That code is not right. Enter the code the app shows now.');
      else if (isCode(err, 'too_many_attempts')) fail(err.retryAfter ? `Too many wrong codes. Two-factor sign-in is locked. ${waitText(err)}` : 'Too many wrong codes. Sign in again to get a new code.', true);
      else if (isCode(err, 'challenge_expired')) fail('This sign-in has expired. Sign in again.', true);
      else fail(errorMessage(err));
    }
  };

  const resend = async () => {
    if (resending || resendIn > 0 || dead) return;
    setResending(true);
    try {
      await post('/v1/auth/login/resend', { challenge: challenge.challenge });
      setResendAt(Date.now() + RESEND_SECONDS * 1000);
      setError(null);
      setSent('We sent a new code. The earlier one no longer works.');
    } catch (err) {
      if (isCode(err, 'resend_too_soon')) setResendAt(Date.now() + (err.retryAfter ?? RESEND_SECONDS) * 1000);
      else if (isCode(err, 'challenge_expired', 'too_many_attempts')) fail('This sign-in has expired. Sign in again.', true);
      else fail(errorMessage(err));
    } finally {
      setResending(false);
    }
  };

  const lead = sms
    ? `We sent a code to your phone ending in ${phoneEnding(challenge.phone_hint)}. It is valid for 3 minutes.`
    : 'Enter the code from your authenticator app.';

  return (
    <AuthShell title="Two-factor authentication" lead={lead}>
      <form onSubmit={submit} noValidate>
        <CodeField ref={codeRef} label="6-digit code" autoFocus value={code} onValue={setCode} error={error} ok={sent} disabled={dead} />
        {dead ? (
          <Button ref={restartRef} block onClick={onRestart}>
            Sign in again
          </Button>
        ) : (
          <Button type="submit" block loading={busy}>
            Verify
          </Button>
        )}
      </form>
      <div className="auth-secondary">
        {sms && !dead && (
          <Button variant="link" onClick={resend} loading={resending} disabled={resendIn > 0}>
            {resendIn > 0 ? `Resend code in ${formatCountdown(resendIn)}` : 'Resend code'}
          </Button>
        )}
        <Button variant="link" onClick={onRecover} disabled={dead}>
          Can’t access two-factor device
        </Button>
        <Button variant="link" onClick={onRestart}>
          Use a different account
        </Button>
      </div>
    </AuthShell>
  );
}
