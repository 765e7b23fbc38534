// The second step of a sign-in: the 6-digit code from the authenticator app or the text message.
import { post } from '../api';
import { phoneEnding } from '../lib/countdown';
import { codeRefusalText, isCode, waitText } from '../lib/errors';
import { useCodeForm, useResendCode } from '../lib/use-code-form';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated, Challenge } from '../types';
import { Button } from '../ui/button';
import { CodeField } from '../ui/field';
import { ResendButton } from '../ui/resend-button';
import { AuthShell } from './auth-shell';
import { afterSignIn } from '../lib/return-to';
import { DevOutboxLink } from '../dev/dev-outbox';

const EXPIRED = 'This sign-in has expired. Sign in again.';

export function CodePrompt({
  challenge,
  onRecover,
  onRestart,
}: {
  challenge: Challenge;
  onRecover: () => void;
  onRestart: () => void;
}) {
  const { setUser } = useSession();
  const sms = challenge.method === 'sms';
  const form = useCodeForm({
    send: async (code) => {
      const answer = await post<Authenticated>('/v1/auth/login/verify', { challenge: challenge.challenge, code });
      setUser(answer.user);
      navigate(afterSignIn());
    },
    explain: (err) => {
      if (isCode(err, 'invalid_code'))
        return {
          text:
            codeRefusalText(err, sms ? 'sms' : 'totp') ??
            (sms
              ? 'That code is not right. Check the latest text message and try again.'
              : 'That code is not right. Enter the code the app shows now.'),
        };
      if (isCode(err, 'too_many_attempts'))
        return {
          text: err.retryAfter
            ? `Too many wrong codes. Two-factor sign-in is locked. ${waitText(err)}`
            : 'Too many wrong codes. Sign in again to get a new code.',
          fatal: true,
        };
      if (isCode(err, 'challenge_expired')) return { text: EXPIRED, fatal: true };
      return undefined;
    },
  });
  const resend = useResendCode(
    form,
    () => post('/v1/auth/login/resend', { challenge: challenge.challenge }),
    (err) => (isCode(err, 'challenge_expired', 'too_many_attempts') ? EXPIRED : undefined),
  );

  const lead = sms
    ? `We sent a code to your phone ending in ${phoneEnding(challenge.phone_hint)}. It is valid for 3 minutes.`
    : 'Enter the code from your authenticator app.';

  return (
    <AuthShell title="Two-factor authentication" lead={lead}>
      <form onSubmit={form.submit} noValidate>
        <CodeField
          ref={form.codeRef}
          label="6-digit code"
          autoFocus
          value={form.code}
          onValue={form.setCode}
          error={form.error}
          ok={form.ok}
          disabled={form.dead}
        />
        {form.dead ? (
          <Button ref={form.restartRef} block onClick={onRestart}>
            Sign in again
          </Button>
        ) : (
          <Button type="submit" block loading={form.busy}>
            Verify
          </Button>
        )}
      </form>
      <div className="auth-secondary">
        {sms && !form.dead && <ResendButton {...resend} />}
        {sms && <DevOutboxLink what="code" />}
        <Button variant="link" onClick={onRecover} disabled={form.dead}>
          Can’t access two-factor device
        </Button>
        <Button variant="link" onClick={onRestart}>
          Use a different account
        </Button>
      </div>
    </AuthShell>
  );
}
