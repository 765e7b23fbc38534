// The "Passkeys" part of Account → Two-factor Authentication: the account's passkeys with their
// names and last use, "Add a passkey", Rename, and Delete (with the password). On a page where the
// browser cannot make a passkey (an IP address, no WebAuthn) one line says why instead of the button.
import { useState } from 'react';
import { api } from '../api';
import { formatDate, formatDateTime, formatRelative } from '../lib/format';
import type { Resource } from '../lib/use-resource';
import { passkeyBlock } from '../lib/webauthn';
import { useUser } from '../session';
import type { CreatedPasskey, Passkey } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { PasskeyHint } from '../ui/passkey-hint';
import { EmailFirst, useRecheckUser } from './email-banner';
import { AddPasskeyDialog, RenamePasskeyDialog } from './passkey-dialogs';
import { PasswordDialog } from './password-dialog';

/** The most passkeys an account holds (shared/API.md). */
export const PASSKEY_LIMIT = 10;

export function PasskeysSection({
  passkeys: { data: passkeys, error: loadError, reload },
  codeFactor,
  onAdded,
  onDeleted,
}: {
  /** The account's passkeys, read by the page (Turn Off asks whether to delete them too). */
  passkeys: Resource<Passkey[]>;
  /** Whether the account also has an app or a phone for codes (else its last passkey is its only factor). */
  codeFactor: boolean;
  /** After a passkey is added; the first factor of an account also brings a recovery code. */
  onAdded: (created: CreatedPasskey) => Promise<void>;
  /** After a passkey is deleted (the account's two-factor state may have changed). */
  onDeleted: () => Promise<void>;
}) {
  const user = useUser();
  const recheck = useRecheckUser();
  const [block] = useState(passkeyBlock);
  const [dialog, setDialog] = useState<'add' | null>(null);
  const [toRename, setToRename] = useState<Passkey | null>(null);
  const [toDelete, setToDelete] = useState<Passkey | null>(null);
  const [needsEmail, setNeedsEmail] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const unverified = user.email_verified === false;
  const atLimit = (passkeys?.length ?? 0) >= PASSKEY_LIMIT;

  const openAdd = () => {
    setNotice(null);
    if (unverified) return setNeedsEmail(true);
    setNeedsEmail(false);
    setDialog('add');
  };

  return (
    <section className="panel passkeys" aria-labelledby="passkeys-title">
      <div className="panel-head">
        <div className="status-line">
          <h2 id="passkeys-title">Passkeys</h2>
          {passkeys && passkeys.length > 0 && <span className="badge">{`${passkeys.length} of ${PASSKEY_LIMIT}`}</span>}
        </div>
        {!block && (
          <Button
            onClick={openAdd}
            disabled={!passkeys || atLimit}
            aria-describedby={unverified && needsEmail ? 'passkeys-email-first' : undefined}
          >
            Add a passkey
          </Button>
        )}
      </div>
      <div className="row">
        <p className="muted panel-intro">
          Sign in with your fingerprint, face, PIN or a security key instead of a password and a code. A passkey only
          works on Twofold’s own address, so a fake site can’t use it.
        </p>
        {block && <PasskeyHint block={block} />}
      </div>
      {unverified && needsEmail && (
        <div className="row">
          <EmailFirst what="add a passkey" id="passkeys-email-first" />
        </div>
      )}
      {notice && (
        <div className="row">
          <Notice tone="success" role="status">
            <p>{notice}</p>
          </Notice>
        </div>
      )}
      {atLimit && (
        <p className="row limit-note">
          You have {PASSKEY_LIMIT} passkeys, the most an account can have. Delete one to add another.
        </p>
      )}
      {loadError ? (
        <div className="row">
          <Notice tone="danger" role="alert">
            <p>{loadError}</p>
          </Notice>
        </div>
      ) : !passkeys ? (
        <p className="loading-line" role="status">
          Loading…
        </p>
      ) : passkeys.length === 0 ? (
        <p className="empty">You have no passkeys.</p>
      ) : (
        <ul className="rows rows-top">
          {passkeys.map((p) => (
            <li key={p.id}>
              <div className="row-main">
                <div className="row-text">
                  <p className="row-title">
                    {p.name}
                    {p.backed_up && <span className="badge">Synced</span>}
                  </p>
                  <p className="row-meta">
                    <span>Added {formatDate(p.created_at)}</span>
                    <span>
                      {p.last_used_at ? (
                        <>
                          Last used{' '}
                          <time dateTime={p.last_used_at} title={formatDateTime(p.last_used_at)}>
                            {formatRelative(p.last_used_at)}
                          </time>
                        </>
                      ) : (
                        'Never used'
                      )}
                    </span>
                  </p>
                </div>
                <div className="row-actions">
                  <Button variant="secondary" size="sm" onClick={() => setToRename(p)} aria-label={`Rename ${p.name}`}>
                    Rename
                  </Button>
                  <Button
                    variant="danger-quiet"
                    size="sm"
                    onClick={() => setToDelete(p)}
                    aria-label={`Delete ${p.name}`}
                  >
                    Delete
                  </Button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}

      <AddPasskeyDialog
        open={dialog === 'add'}
        onClose={() => setDialog(null)}
        onEmailFirst={() => {
          setDialog(null);
          setNeedsEmail(true);
          void recheck();
        }}
        onAdded={async (created) => {
          setDialog(null);
          if (!created.recovery_code)
            setNotice(`“${created.name}” is added. Next time, choose “Sign in with a passkey” on the sign-in page.`);
          await Promise.all([reload(), onAdded(created)]);
        }}
      />
      <RenamePasskeyDialog
        target={toRename}
        onClose={() => setToRename(null)}
        onRenamed={async (name) => {
          setToRename(null);
          setNotice(`The passkey is renamed “${name}”.`);
          await reload();
        }}
      />
      <PasswordDialog
        open={toDelete !== null}
        title={`Delete “${toDelete?.name ?? ''}”?`}
        confirmLabel="Delete passkey"
        variant="danger"
        onClose={() => setToDelete(null)}
        onConfirm={async (password) => {
          if (!toDelete) return;
          await api('DELETE', `/v1/me/passkeys/${encodeURIComponent(toDelete.id)}`, { password });
          setNotice(`“${toDelete.name}” is deleted. Remove it from your device or password manager too.`);
          setToDelete(null);
          await Promise.all([reload(), onDeleted()]);
        }}
      >
        <p>
          {!codeFactor && passkeys?.length === 1
            ? 'It is your only second factor: two-factor authentication turns off, and you sign in with your password alone.'
            : 'You can no longer sign in with this passkey. Your other passkeys and two-factor settings stay.'}
        </p>
      </PasswordDialog>
    </section>
  );
}
