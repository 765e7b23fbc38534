// A confirmation that needs the account password (Turn Off, New recovery code, Generate Credentials).
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../lib/errors';
import { useUser } from '../session';
import { Button, type ButtonVariant } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Field } from '../ui/field';

export function PasswordDialog({
  open,
  title,
  children,
  confirmLabel,
  variant = 'primary',
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  variant?: ButtonVariant;
  onClose: () => void;
  /** Throws to show the error under the password field. */
  onConfirm: (password: string) => Promise<void>;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <PasswordForm confirmLabel={confirmLabel} variant={variant} onClose={onClose} onConfirm={onConfirm}>
        {children}
      </PasswordForm>
    </Dialog>
  );
}

function PasswordForm({
  children,
  confirmLabel,
  variant,
  onClose,
  onConfirm,
}: {
  children: ReactNode;
  confirmLabel: string;
  variant: ButtonVariant;
  onClose: () => void;
  onConfirm: (password: string) => Promise<void>;
}) {
  const user = useUser();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      setError('Enter your password.');
      return ref.current?.focus();
    }
    setBusy(true);
    setError(null);
    try {
      await onConfirm(password);
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
      ref.current?.select();
      ref.current?.focus();
    }
  };

  return (
    <form onSubmit={submit} noValidate className="stack">
      <div className="muted stack-sm">{children}</div>
      <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <Field
        ref={ref}
        label="Password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error}
        tallError
      />
      <div className="dialog-foot">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant={variant} loading={busy}>
          {confirmLabel}
        </Button>
      </div>
    </form>
  );
}
