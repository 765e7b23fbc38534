// The second step of a sign-in: the 6-digit code from the authenticator app or the text message,
// or a passkey when the account has one (`methods`), and "Remember this device" for either. An
// account whose only second factor is passkeys gets the passkey button without a code field.
import { useState } from 'react';
import { post } from '../api';
import { phoneEnding } from '../lib/countdown';
import { codeRefusalText, isCode } from '../lib/errors';
import { useCodeForm, useResendCode } from '../lib/use-code-form';
import { passkeyBlock } from '../lib/webauthn';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated, Challenge } from '../types';
import { Button } from '../ui/button';
import { CodeField } from '../ui/field';
import { PasskeyHint } from '../ui/passkey-hint';
import { ResendButton } from '../ui/resend-button';
import { AuthShell } from './auth-shell';
import { afterSignIn } from '../lib/return-to';
import { DevOutboxLink } from '../dev/dev-outbox';
import { EXPIRED, fatalRefusal, RememberDevice, rememberMember, usePasskeyAnswer } from './passkey-answer';

/** The contract's default period (TWOFOLD_REMEMBER_DEVICE_DAYS) when the challenge does not state one. */
const REMEMBER_DAYS = 30;

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
  const methods = challenge.methods?.length ? challenge.methods : [challenge.method];
  const codeMethod = methods.find((m) => m !== 'passkey') ?? null;
  const sms = codeMethod === 'sms';
  const offersPasskey = methods.includes('passkey');
  const days = challenge.remember_device_days ?? REMEMBER_DAYS;
  const [remember, setRemember] = useState(false);
  const [block] = useState(passkeyBlock);

  const form = useCodeForm({
    send: async (code) => {
      const answer = await post<Authenticated>('/v1/auth/login/verify', {
        challenge: challenge.challenge,
        code,
        ...rememberMember(days, remember),
      });
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
      return fatalRefusal(err);
    },
  });
  const resend = useResendCode(
    form,
    () => post('/v1/auth/login/resend', { challenge: challenge.challenge }),
    (err) => (isCode(err, 'challenge_expired', 'too_many_attempts') ? EXPIRED : undefined),
  );
  const passkey = usePasskeyAnswer(challenge, () => rememberMember(days, remember), form);

  const lead = !codeMethod
    ? 'Use your passkey to finish signing in.'
    : sms
      ? `We sent a code to your phone ending in ${phoneEnding(challenge.phone_hint)}. It is valid for 3 minutes.`
      : offersPasskey
        ? 'Enter the code from your authenticator app, or use a passkey.'
        : 'Enter the code from your authenticator app.';

  const restartButton = (
    <Button ref={form.restartRef} block onClick={onRestart}>
      Sign in again
    </Button>
  );
  const remembering = <RememberDevice days={days} checked={remember} onChange={setRemember} />;
  // Without a code field the passkey's line also says why the sign-in ended.
  const passkeyError = passkey.error ?? (codeMethod ? null : form.error);
  const passkeyPart = block ? (
    <PasskeyHint block={block} />
  ) : (
    <>
      {(codeMethod || !form.dead) && (
        <Button
          variant={codeMethod ? 'secondary' : 'primary'}
          block
          loading={passkey.busy}
          disabled={form.dead}
          onClick={() => void passkey.use()}
          aria-describedby="passkey-error"
        >
          Use a passkey
        </Button>
      )}
      <p className="field-error field-error-2" id="passkey-error" aria-live="polite">
        {passkeyError}
      </p>
    </>
  );

  return (
    <AuthShell title="Two-factor authentication" lead={lead}>
      {codeMethod ? (
        <>
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
            {!form.dead && remembering}
            {form.dead ? (
              restartButton
            ) : (
              <Button type="submit" block loading={form.busy}>
                Verify
              </Button>
            )}
          </form>
          {offersPasskey && !form.dead && (
            <>
              <div className="divider">or</div>
              {passkeyPart}
            </>
          )}
        </>
      ) : (
        <div className="passkey-step">
          {!form.dead && remembering}
          {passkeyPart}
          {form.dead && restartButton}
        </div>
      )}
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
