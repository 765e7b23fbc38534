// The page behind the mailed link, /reset-password?token=…. The token is read once and taken out
// of the address bar; the second factor stays on after a reset.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { errorMessage, isCode } from '../lib/errors';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { AuthShell } from './auth-shell';
import { weakPasswordText } from './signup-page';

function takeToken(): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (token) history.replaceState(null, '', '/reset-password');
  return token;
}

export function ResetPasswordPage() {
  const { setUser } = useSession();
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  if (!token || expired) {
    return (
      <AuthShell
        title={expired ? 'This link has expired' : 'This link is incomplete'}
        lead={
          expired
            ? 'Reset links work once and for 30 minutes. Ask for a new one.'
            : 'Open the link from the email again, or ask for a new one.'
        }
        foot={<Link to="/login">Back to sign in</Link>}
      >
        <Link to="/forgot-password" className="btn btn-primary btn-block">
          Send a new link
        </Link>
      </AuthShell>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (password.length < 8) {
      setError('Use at least 8 characters.');
      return passwordRef.current?.focus();
    }
    setError(null);
    setBusy(true);
    try {
      const answer = await post<{ access_keys_disabled?: unknown }>('/v1/auth/password/reset', { token, password });
      const disabled = typeof answer?.access_keys_disabled === 'number' ? answer.access_keys_disabled : 0;
      setUser(null); // every session ended, this browser's too
      // The sign-in page says how many access keys the reset disabled, and how to enable them again.
      navigate('/login', { replace: true, flash: 'password-reset', detail: disabled });
    } catch (err) {
      setBusy(false);
      if (isCode(err, 'token_expired')) return setExpired(true);
      setError(isCode(err, 'weak_password') ? weakPasswordText(err.message) : errorMessage(err));
      passwordRef.current?.focus();
    }
  };

  return (
    <AuthShell
      title="Choose a new password"
      lead="Every device signed in to your account will be signed out and your access keys are disabled until you enable them again. Two-factor authentication stays on."
      foot={<Link to="/login">Back to sign in</Link>}
    >
      <form onSubmit={submit} noValidate>
        <Field
          ref={passwordRef}
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters."
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={error}
          tallError
        />
        <Button type="submit" block loading={busy}>
          Set new password
        </Button>
      </form>
    </AuthShell>
  );
}
