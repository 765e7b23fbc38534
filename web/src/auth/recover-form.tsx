// "Can't access two-factor device": sign in with the recovery code. The server turns the second
// factor off and ends the other sessions; the page says so before the user commits.
import { post } from '../api';
import { isCode, waitText } from '../lib/errors';
import { useCodeForm } from '../lib/use-code-form';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated, Challenge } from '../types';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';
import { AuthShell } from './auth-shell';
import { afterSignIn } from '../lib/return-to';

export function RecoverForm({
  challenge,
  onBack,
  onRestart,
}: {
  challenge: Challenge;
  onBack: () => void;
  onRestart: () => void;
}) {
  const { setUser } = useSession();
  const form = useCodeForm({
    normalise: (raw) => raw, // kept as typed: the server ignores case, spaces and dashes
    isComplete: (code) => code.replace(/[\s-]/g, '').length >= 8,
    incomplete: 'Enter your recovery code.',
    clearOnRefusal: false,
    send: async (code) => {
      const answer = await post<Authenticated>('/v1/auth/login/recover', {
        challenge: challenge.challenge,
        recovery_code: code,
      });
      setUser(answer.user);
      navigate(afterSignIn(), { flash: 'recovered' });
    },
    explain: (err) => {
      if (isCode(err, 'invalid_recovery_code'))
        return { text: 'That recovery code is not right. Check it and try again.' };
      if (isCode(err, 'too_many_attempts'))
        return {
          text: err.retryAfter ? `Too many wrong codes. ${waitText(err)}` : 'Too many wrong codes. Sign in again.',
          fatal: true,
        };
      if (isCode(err, 'challenge_expired')) return { text: 'This sign-in has expired. Sign in again.', fatal: true };
      return undefined;
    },
  });

  return (
    <AuthShell
      title="Can’t access two-factor device"
      lead="Sign in with the recovery code you saved when you turned on two-factor authentication."
    >
      <Notice tone="warning" title="What happens next">
        <p>
          Two-factor authentication is turned off and your other devices are signed out. The recovery code is used up,
          so turn two-factor authentication on again afterwards to get a new one.
        </p>
      </Notice>
      <form onSubmit={form.submit} noValidate className="recover-form">
        <Field
          ref={form.codeRef}
          label="Recovery code"
          autoFocus
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          placeholder="XXXXX-XXXXX-XXXXX-XXXXX"
          className="input-recovery"
          value={form.code}
          onChange={(e) => form.setCode(e.target.value)}
          error={form.error}
          tallError
          disabled={form.dead}
        />
        {form.dead ? (
          <Button ref={form.restartRef} block onClick={onRestart}>
            Sign in again
          </Button>
        ) : (
          <Button type="submit" block loading={form.busy}>
            Sign in with recovery code
          </Button>
        )}
      </form>
      <div className="auth-secondary">
        <Button variant="link" onClick={onBack} disabled={form.dead}>
          Back to the code prompt
        </Button>
      </div>
    </AuthShell>
  );
}
