// Sign in: email and password, then (when the account has a second factor) the code prompt, or
// the recovery form behind "Can't access two-factor device"; or a passkey, from its button or the
// email field's autofill. A Google sign-in that needs the second factor arrives as
// /login?challenge=…&method=…(&methods=…) and goes straight to the code prompt.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { errorMessage, isCode } from '../lib/errors';
import { passkeyBlock } from '../lib/webauthn';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import type { Challenge, ChallengeMethod, LoginResult } from '../types';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { PasskeyHint } from '../ui/passkey-hint';
import { AuthShell, GoogleButton } from './auth-shell';
import { CodePrompt } from './code-prompt';
import { googleErrorText, useFlashNotice } from './flash';
import { RecoverForm } from './recover-form';
import { afterSignIn } from '../lib/return-to';
import { usePasskeySignIn } from './use-passkey-sign-in';

type Step = { kind: 'password' } | { kind: 'code'; challenge: Challenge } | { kind: 'recover'; challenge: Challenge };

const isMethod = (m: string | null): m is ChallengeMethod => m === 'totp' || m === 'sms' || m === 'passkey';

function fromUrl(): { step: Step; error: string | null } {
  const params = new URLSearchParams(location.search);
  const challenge = params.get('challenge');
  const method = params.get('method');
  const error = params.get('error');
  if (challenge || error) history.replaceState(null, '', '/login'); // keep the challenge out of the address bar and history
  if (challenge && isMethod(method)) {
    const phoneHint = params.get('phone_hint');
    const methods = (params.get('methods') ?? '').split(',').filter(isMethod);
    return {
      step: {
        kind: 'code',
        challenge: {
          status: 'mfa_required',
          challenge,
          method,
          ...(methods.length ? { methods } : {}),
          ...(phoneHint ? { phone_hint: phoneHint } : {}),
        },
      },
      error: null,
    };
  }
  return { step: { kind: 'password' }, error: error ? googleErrorText(error) : null };
}

export function LoginPage() {
  const [initial] = useState(fromUrl);
  const [step, setStep] = useState<Step>(initial.step);
  const restart = () => setStep({ kind: 'password' });

  if (step.kind === 'code') {
    return (
      <CodePrompt
        challenge={step.challenge}
        onRecover={() => setStep({ kind: 'recover', challenge: step.challenge })}
        onRestart={restart}
      />
    );
  }
  if (step.kind === 'recover') {
    return (
      <RecoverForm
        challenge={step.challenge}
        onBack={() => setStep({ kind: 'code', challenge: step.challenge })}
        onRestart={restart}
      />
    );
  }
  return <PasswordStep googleError={initial.error} onChallenge={(challenge) => setStep({ kind: 'code', challenge })} />;
}

function PasswordStep({
  onChallenge,
  googleError,
}: {
  onChallenge: (c: Challenge) => void;
  googleError: string | null;
}) {
  const { setUser, providers } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const notice = useFlashNotice(googleError ? { tone: 'danger', text: googleError } : null);
  const [block] = useState(passkeyBlock);
  const passkey = usePasskeySignIn(block === null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!email.trim()) {
      setErrors({ email: 'Enter your email address.' });
      emailRef.current?.focus();
      return;
    }
    if (!password) {
      setErrors({ password: 'Enter your password.' });
      passwordRef.current?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const answer = await post<LoginResult>('/v1/auth/login', { email: email.trim(), password, client: 'web' });
      if (answer.status === 'authenticated') {
        setUser(answer.user);
        navigate(afterSignIn());
      } else {
        onChallenge(answer);
      }
    } catch (err) {
      setBusy(false);
      const message = isCode(err, 'invalid_credentials') ? 'The email or password is not right.' : errorMessage(err);
      if (isCode(err, 'invalid_email', 'validation_failed') && !isCode(err, 'invalid_credentials')) {
        setErrors({ email: message });
        emailRef.current?.focus();
      } else {
        setErrors({ password: message });
        passwordRef.current?.select();
        passwordRef.current?.focus();
      }
    }
  };

  return (
    <AuthShell
      title="Sign in to Twofold"
      notice={notice}
      foot={
        <>
          New to Twofold? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Field
          ref={emailRef}
          label="Email"
          type="email"
          name="email"
          // "webauthn" lets the browser offer the account's passkeys among the suggestions.
          autoComplete={block === null ? 'username webauthn' : 'username'}
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          ref={passwordRef}
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <Button type="submit" block loading={busy}>
          Sign in
        </Button>
      </form>
      <p className="auth-link">
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
      <div className="divider">or</div>
      {block === null ? (
        <>
          <Button
            variant="secondary"
            block
            loading={passkey.busy}
            onClick={() => void passkey.signIn()}
            aria-describedby="passkey-error"
          >
            Sign in with a passkey
          </Button>
          <p className="field-error" id="passkey-error" aria-live="polite">
            {passkey.error}
          </p>
        </>
      ) : (
        <PasskeyHint block={block} />
      )}
      {providers.google && <GoogleButton />}
    </AuthShell>
  );
}
