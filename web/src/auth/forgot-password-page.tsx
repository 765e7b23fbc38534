// "Forgot password?": asks for the email and mails a reset link. The answer is the same whether
// or not an account exists, and so is this page.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { errorMessage } from '../lib/errors';
import { Link } from '../router';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { FocusHeading } from '../ui/page';
import { AuthShell } from './auth-shell';
import { DevOutboxLink } from '../dev/dev-outbox';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setError('Enter the email address of your account.');
      return emailRef.current?.focus();
    }
    setError(null);
    setBusy(true);
    try {
      await post('/v1/auth/password/forgot', { email: email.trim() });
      setSentTo(email.trim());
    } catch (err) {
      setError(errorMessage(err));
      emailRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (sentTo) {
    return (
      <AuthShell title="Reset your password" foot={<Link to="/login">Back to sign in</Link>}>
        <div className="stack">
          <FocusHeading>Check your email</FocusHeading>
          <p className="muted">
            If an account exists for <strong>{sentTo}</strong>, we have sent it a link to choose a new password. The
            link is valid for 30 minutes.
          </p>
          <p className="muted small">
            No email after a few minutes? Check your spam folder, or{' '}
            <Button variant="link" onClick={() => setSentTo(null)}>
              try another address
            </Button>
            .
          </p>
          <DevOutboxLink what="mail" />
        </div>
      </AuthShell>
    );
  }

  return (
    <AuthShell
      title="Reset your password"
      lead="Enter your account’s email address and we’ll send you a link to choose a new password."
      foot={<Link to="/login">Back to sign in</Link>}
    >
      <form onSubmit={submit} noValidate>
        <Field
          ref={emailRef}
          label="Email"
          type="email"
          autoComplete="email"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error}
        />
        <Button type="submit" block loading={busy}>
          Send reset link
        </Button>
      </form>
    </AuthShell>
  );
}
