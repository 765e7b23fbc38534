// Create an account with email and password; the next stop is turning on two-factor authentication.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { errorMessage, isCode } from '../lib/errors';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import type { Authenticated } from '../types';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { AuthShell, GoogleButton } from './auth-shell';

export function SignupPage() {
  const { setUser, providers } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setErrors({ email: 'Enter an email address like name@example.com.' });
      return emailRef.current?.focus();
    }
    if (password.length < 8) {
      setErrors({ password: 'Use at least 8 characters.' });
      return passwordRef.current?.focus();
    }
    setErrors({});
    setBusy(true);
    try {
      const answer = await post<Authenticated>('/v1/auth/signup', { email: email.trim(), password, client: 'web' });
      setUser(answer.user);
      navigate('/account/two-factor', { flash: 'welcome' });
    } catch (err) {
      setBusy(false);
      if (isCode(err, 'email_taken', 'invalid_email')) {
        setErrors({
          email: isCode(err, 'email_taken')
            ? 'An account with this email already exists. Sign in instead.'
            : errorMessage(err),
        });
        emailRef.current?.focus();
      } else {
        setErrors({ password: isCode(err, 'weak_password') ? weakPasswordText(err.message) : errorMessage(err) });
        passwordRef.current?.focus();
      }
    }
  };

  return (
    <AuthShell
      title="Create your account"
      lead="Protect it with a second step at sign-in once you are in."
      foot={
        <>
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Field
          ref={emailRef}
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          ref={passwordRef}
          label="Password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          hint="At least 8 characters. A few unrelated words make a strong password."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          tallError
        />
        <Button type="submit" block loading={busy}>
          Create account
        </Button>
      </form>
      {providers.google && (
        <>
          <div className="divider">or</div>
          <GoogleButton />
        </>
      )}
    </AuthShell>
  );
}

/** The server's reason is already written for people ("Use at least 8 characters."). */
export function weakPasswordText(detail: string): string {
  return detail || 'Choose a longer password.';
}
