// "Can't access two-factor device": sign in with the recovery code. The server turns the second
// factor off and ends the other sessions; the page says so before the user commits.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { errorMessage, isCode, waitText } from '../lib/errors';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated, MfaRequired } from '../types';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';
import { AuthShell } from './auth-shell';

export function RecoverForm({ challenge, onBack, onRestart }: { challenge: MfaRequired; onBack: () => void; onRestart: () => void }) {
  const { setUser } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dead, setDead] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const restartRef = useRef<HTMLButtonElement>(null);

  const fail = (message: string, fatal = false) => {
    setError(message);
    if (fatal) {
      setDead(true);
      setTimeout(() => restartRef.current?.focus(), 0);
    } else codeRef.current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || dead) return;
    if (code.replace(/[\s-]/g, '').length < 8) return fail('Enter your recovery code.');
    setBusy(true);
    try {
      const answer = await post<Authenticated>('/v1/auth/login/recover', { challenge: challenge.challenge, recovery_code: code });
      setUser(answer.user);
      navigate('/account/two-factor', { flash: 'recovered' });
    } catch (err) {
      setBusy(false);
      if (isCode(err, 'invalid_recovery_code')) fail('That recovery code is not right. Check it and try again.');
      else if (isCode(err, 'too_many_attempts')) fail(err.retryAfter ? `Too many wrong codes. ${waitText(err)}` : 'Too many wrong codes. Sign in again.', true);
      else if (isCode(err, 'challenge_expired')) fail('This sign-in has expired. Sign in again.', true);
      else fail(errorMessage(err));
    }
  };

  return (
    <AuthShell title="Can’t access two-factor device" lead="Sign in with the recovery code you saved when you turned on two-factor authentication.">
      <Notice tone="warning" title="What happens next">
        <p>Two-factor authentication is turned off and your other devices are signed out. The recovery code is used up, so turn two-factor authentication on again afterwards to get a new one.</p>
      </Notice>
      <form onSubmit={submit} noValidate className="recover-form">
        <Field
          ref={codeRef}
          label="Recovery code"
          autoFocus
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          placeholder="XXXXX-XXXXX-XXXXX-XXXXX"
          className="input-recovery"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={error}
          tallError
          disabled={dead}
        />
        {dead ? (
          <Button ref={restartRef} block onClick={onRestart}>
            Sign in again
          </Button>
        ) : (
          <Button type="submit" block loading={busy}>
            Sign in with recovery code
          </Button>
        )}
      </form>
      <div className="auth-secondary">
        <Button variant="link" onClick={onBack} disabled={dead}>
          Back to the code prompt
        </Button>
      </div>
    </AuthShell>
  );
}
