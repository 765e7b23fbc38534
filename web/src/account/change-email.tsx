// Profile → Change email (POST /v1/me/email): the new address gets a confirmation link and the old
// one a notice; the account's email changes only when that link is opened, so a typo or a hijacked
// session cannot move the account to an address nobody proved.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { errorMessage, isCode } from '../lib/errors';
import { useUser } from '../session';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';
import { DevOutboxLink } from '../dev/dev-outbox';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export function ChangeEmail() {
  const user = useUser();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const fail = (which: 'email' | 'password', text: string) => {
    setErrors({ [which]: text });
    const ref = which === 'email' ? emailRef : passwordRef;
    ref.current?.select();
    ref.current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setSentTo(null);
    const next = email.trim();
    if (!EMAIL_SHAPE.test(next)) return fail('email', 'Enter an email address like name@example.com.');
    if (next.toLowerCase() === user.email.toLowerCase()) return fail('email', 'This is already your email address.');
    if (!password) return fail('password', 'Enter your password.');
    setErrors({});
    setBusy(true);
    try {
      await post('/v1/me/email', { email: next, password });
      setEmail('');
      setPassword('');
      setSentTo(next);
    } catch (err) {
      if (isCode(err, 'email_taken')) fail('email', 'Another account already uses this email address.');
      else if (isCode(err, 'invalid_email', 'validation_failed'))
        fail(
          'email',
          isCode(err, 'invalid_email') && err.message ? err.message : 'Enter an email address like name@example.com.',
        );
      else if (isCode(err, 'reauthentication_failed', 'invalid_credentials'))
        fail('password', 'That password is not right.');
      else if (isCode(err, 'password_required'))
        fail(
          'password',
          'Your account has no password yet. Set one with “Forgot password?” on the sign-in page first.',
        );
      else fail('password', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="email-title">
      <form className="panel-body" onSubmit={submit} noValidate>
        <h2 id="email-title">Change email</h2>
        <p className="muted section-lead">
          We send a link to the new address. Your email changes when you open it; until then you keep signing in with{' '}
          {user.email}, and we tell that address about the request.
        </p>
        <div role="status">
          {sentTo && (
            <Notice tone="success" className="form-notice" title="Check the new mailbox">
              <p>
                We sent a link to <strong className="break-anywhere">{sentTo}</strong>. Your email changes when you open
                it.
              </p>
              <DevOutboxLink what="mail" />
            </Notice>
          )}
        </div>
        <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
        <div className="field-narrow">
          <Field
            ref={emailRef}
            label="New email address"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            tallError
          />
          <Field
            ref={passwordRef}
            label="Password"
            hint="Your current password, to confirm it’s you."
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
            tallError
          />
        </div>
        <Button type="submit" loading={busy}>
          Send confirmation link
        </Button>
      </form>
    </section>
  );
}
