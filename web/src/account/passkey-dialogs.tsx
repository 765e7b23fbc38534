// The passkey dialogs: "Add a passkey" (a name, the password, then the browser's prompt) and
// Rename. The password is asked before the browser makes the passkey, so a borrowed signed-in
// browser cannot add its owner's way in.
import { useRef, useState, type FormEvent } from 'react';
import { api, post } from '../api';
import { errorMessage, isCode } from '../lib/errors';
import { describeUserAgent } from '../lib/user-agent';
import { createPasskey, isCancelled, passkeyErrorText, type CreationOptions } from '../lib/webauthn';
import { useUser } from '../session';
import type { CreatedPasskey, Passkey } from '../types';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Field } from '../ui/field';

/** The longest name the portal lets a user type (the server checks its own limit). */
export const NAME_MAX = 64;

export function AddPasskeyDialog({
  open,
  onClose,
  onAdded,
  onEmailFirst,
}: {
  open: boolean;
  onClose: () => void;
  onAdded: (created: CreatedPasskey) => void;
  /** The address is not confirmed: the page explains it, not the dialog. */
  onEmailFirst: () => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title="Add a passkey">
      <AddForm onClose={onClose} onAdded={onAdded} onEmailFirst={onEmailFirst} />
    </Dialog>
  );
}

function AddForm({
  onClose,
  onAdded,
  onEmailFirst,
}: {
  onClose: () => void;
  onAdded: (created: CreatedPasskey) => void;
  onEmailFirst: () => void;
}) {
  const user = useUser();
  const [name, setName] = useState(() => describeUserAgent(navigator.userAgent).slice(0, NAME_MAX));
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ name?: string; password?: string; passkey?: string }>({});
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setErrors({ name: 'Give the passkey a name, such as the device that holds it.' });
      return nameRef.current?.focus();
    }
    if (!password) {
      setErrors({ password: 'Enter your password.' });
      return passwordRef.current?.focus();
    }
    setErrors({});
    setBusy(true);
    try {
      const options = await post<CreationOptions>('/v1/me/passkeys/options', { password });
      const response = await createPasskey(options);
      const created = await post<CreatedPasskey>('/v1/me/passkeys', { name: name.trim(), response });
      onAdded(created);
    } catch (err) {
      setBusy(false);
      if (isCode(err, 'email_unverified')) return onEmailFirst();
      if (isCode(err, 'reauthentication_failed', 'too_many_requests')) {
        setErrors({ password: errorMessage(err) });
        passwordRef.current?.select();
        return passwordRef.current?.focus();
      }
      if (isCode(err, 'validation_failed')) {
        setErrors({ name: errorMessage(err) });
        return nameRef.current?.focus();
      }
      if (!isCancelled(err)) setErrors({ passkey: passkeyErrorText(err, true) });
    }
  };

  return (
    <form onSubmit={submit} noValidate className="stack">
      <p className="muted">
        Your device or password manager makes a passkey and asks for your fingerprint, face, PIN or security key. Then
        you can sign in with it, without a password or a code.
      </p>
      <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <Field
        ref={nameRef}
        label="Name"
        hint="So you can tell your passkeys apart, e.g. “Work laptop”."
        autoFocus
        autoComplete="off"
        maxLength={NAME_MAX}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
      />
      <Field
        ref={passwordRef}
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
        tallError
      />
      <p className="field-error field-error-2" aria-live="polite" role="status">
        {errors.passkey}
      </p>
      <div className="dialog-foot">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={busy}>
          Continue
        </Button>
      </div>
    </form>
  );
}

export function RenamePasskeyDialog({
  target,
  onClose,
  onRenamed,
}: {
  target: Passkey | null;
  onClose: () => void;
  onRenamed: (name: string) => Promise<void>;
}) {
  return (
    <Dialog open={target !== null} onClose={onClose} title="Rename passkey">
      {target && <RenameForm target={target} onClose={onClose} onRenamed={onRenamed} />}
    </Dialog>
  );
}

function RenameForm({
  target,
  onClose,
  onRenamed,
}: {
  target: Passkey;
  onClose: () => void;
  onRenamed: (name: string) => Promise<void>;
}) {
  const [name, setName] = useState(target.name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setError('Enter a name.');
      return ref.current?.focus();
    }
    setBusy(true);
    setError(null);
    try {
      await api('PATCH', `/v1/me/passkeys/${encodeURIComponent(target.id)}`, { name: name.trim() });
      await onRenamed(name.trim());
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
      ref.current?.focus();
    }
  };

  return (
    <form onSubmit={submit} noValidate className="stack">
      <Field
        ref={ref}
        label="Name"
        autoFocus
        autoComplete="off"
        maxLength={NAME_MAX}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={error}
      />
      <div className="dialog-foot">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
