// Profile → Delete account (DELETE /v1/me): behind a confirmation dialog that says what goes, asks
// for the password and, with two-factor authentication on, a current code or the recovery code.
// Afterwards this browser is signed out and lands on the sign-in page with a notice.
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { errorMessage, isCode, waitText } from '../lib/errors';
import { navigate } from '../router';
import { useSession, useUser } from '../session';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';

export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  return (
    <section className="panel danger-zone" aria-labelledby="delete-title">
      <div className="panel-body">
        <h2 id="delete-title">Delete account</h2>
        <p className="muted section-lead">
          Deletes your account and everything in it for good. Scripts and the CLI using your access keys stop working.
        </p>
        <Button variant="danger-quiet" onClick={() => setOpen(true)}>
          Delete account…
        </Button>
      </div>
      <Dialog open={open} onClose={() => setOpen(false)} title="Delete your account?">
        <DeleteForm onCancel={() => setOpen(false)} />
      </Dialog>
    </section>
  );
}

function DeleteForm({ onCancel }: { onCancel: () => void }) {
  const user = useUser();
  const { setUser } = useSession();
  const mfa = user.mfa.enabled;
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  const fail = (which: 'password' | 'code', text: string) => {
    setErrors({ [which]: text });
    const ref = which === 'password' ? passwordRef : codeRef;
    ref.current?.select();
    ref.current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!password) return fail('password', 'Enter your password.');
    const given = code.trim();
    if (mfa && !given)
      return fail(
        'code',
        user.mfa.method === 'sms'
          ? 'Enter your recovery code.'
          : 'Enter the code from your app, or your recovery code.',
      );
    setErrors({});
    setBusy(true);
    try {
      await api('DELETE', '/v1/me', mfa ? { password, code: given } : { password });
      setUser(null); // the account and every session of it are gone
      navigate('/login', { replace: true, flash: 'account-deleted' });
    } catch (err) {
      setBusy(false);
      if (isCode(err, 'reauthentication_failed', 'invalid_credentials'))
        fail('password', 'That password is not right.');
      else if (isCode(err, 'password_required'))
        fail(
          'password',
          'Your account has no password yet. Set one with “Forgot password?” on the sign-in page, then delete the account.',
        );
      else if (isCode(err, 'invalid_code', 'invalid_recovery_code'))
        fail(
          'code',
          'That code is not right. Use the current code from your authenticator app, or your recovery code.',
        );
      else if (isCode(err, 'too_many_attempts'))
        fail(mfa ? 'code' : 'password', `Too many wrong codes. ${waitText(err)}`);
      else fail('password', errorMessage(err));
    }
  };

  const codeLabel =
    user.mfa.method === 'sms' ? 'Recovery code' : 'Code from your authenticator app, or your recovery code';
  const codeHint =
    user.mfa.method === 'sms'
      ? 'Two-factor authentication is on. Text-message codes are sent only when you sign in, so enter your recovery code.'
      : 'Two-factor authentication is on: enter the 6-digit code your app shows now, or your recovery code.';

  return (
    <form onSubmit={submit} noValidate className="stack">
      <Notice tone="danger">
        <p>
          <strong>This cannot be undone.</strong> Deleted with the account {user.email}:
        </p>
        <ul className="delete-list">
          <li>your two-factor settings and recovery code,</li>
          <li>your access keys (scripts and the CLI using them are refused),</li>
          <li>every session, on this and your other devices{user.google_linked ? ',' : '.'}</li>
          {user.google_linked && <li>the link to your Google account.</li>}
        </ul>
      </Notice>
      <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <Field
        ref={passwordRef}
        label="Password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
      />
      {mfa && (
        <Field
          ref={codeRef}
          label={codeLabel}
          hint={codeHint}
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
          tallError
          className="input-recovery"
        />
      )}
      <div className="dialog-foot">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" loading={busy}>
          Delete account
        </Button>
      </div>
    </form>
  );
}
