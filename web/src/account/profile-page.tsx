// Account → Profile: the account's email, Google link, the change of email and of password, and
// deleting the account.
import { useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { weakPasswordText } from '../auth/signup-page';
import { errorMessage, isCode } from '../lib/errors';
import { formatDate } from '../lib/format';
import { useSession, useUser } from '../session';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';
import { PageHead } from '../ui/page';
import { ChangeEmail } from './change-email';
import { DeleteAccount } from './delete-account';

export function ProfilePage() {
  const user = useUser();
  const { providers } = useSession();
  return (
    <>
      <PageHead title="Profile" lead="Your account’s details, email address and password." />
      <section className="panel" aria-labelledby="account-title">
        <div className="panel-body">
          <h2 id="account-title">Account</h2>
          <dl className="facts">
            <dt>Email</dt>
            <dd>
              {user.email}{' '}
              {user.email_verified === false ? (
                <span className="badge badge-warn">Not confirmed</span>
              ) : (
                <span className="badge badge-on">Confirmed</span>
              )}
            </dd>
            <dt>Member since</dt>
            <dd>{formatDate(user.created_at)}</dd>
            <dt>Google</dt>
            <dd>
              {user.google_linked ? (
                <span className="badge badge-on">Linked</span>
              ) : (
                <span className="badge badge-off">Not linked</span>
              )}
              <p className="muted small google-note">
                {user.google_linked
                  ? 'You can sign in with Google as well as with your email address.'
                  : providers.google
                    ? 'Use “Sign in with Google” once with this email address to link your Google account.'
                    : 'Sign-in with Google is not available on this server.'}
              </p>
            </dd>
          </dl>
        </div>
      </section>
      <ChangeEmail />
      <ChangePassword />
      <DeleteAccount />
    </>
  );
}

function ChangePassword() {
  const user = useUser();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string }>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const currentRef = useRef<HTMLInputElement>(null);
  const nextRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setDone(false);
    if (!current) {
      setErrors({ current: 'Enter your current password.' });
      return currentRef.current?.focus();
    }
    if (next.length < 8) {
      setErrors({ next: 'Use at least 8 characters.' });
      return nextRef.current?.focus();
    }
    setErrors({});
    setBusy(true);
    try {
      await post('/v1/me/password', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (err) {
      if (isCode(err, 'reauthentication_failed', 'invalid_credentials', 'too_many_requests', 'password_required')) {
        setErrors({
          current: isCode(err, 'reauthentication_failed', 'invalid_credentials')
            ? 'Your current password is not right.'
            : errorMessage(err),
        });
        currentRef.current?.focus();
      } else {
        setErrors({ next: isCode(err, 'weak_password') ? weakPasswordText(err.message) : errorMessage(err) });
        nextRef.current?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="password-title">
      <form className="panel-body" onSubmit={submit} noValidate>
        <h2 id="password-title">Change password</h2>
        <p className="muted section-lead">
          Other devices signed in to your account will be signed out. Two-factor authentication stays as it is.
          {user.google_linked &&
            ' Signed up with Google and have no password yet? Set one with “Forgot password?” on the sign-in page.'}
        </p>
        {done && (
          <Notice tone="success" role="status" className="form-notice">
            <p>Your password is changed. Other devices were signed out.</p>
          </Notice>
        )}
        <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
        <div className="field-narrow">
          <Field
            ref={currentRef}
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.current}
          />
          <Field
            ref={nextRef}
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 8 characters."
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={errors.next}
            tallError
          />
        </div>
        <Button type="submit" loading={busy}>
          Change password
        </Button>
      </form>
    </section>
  );
}
