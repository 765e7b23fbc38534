// The new key's one-time panel and the delete confirmation of the Access keys page.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { credentialsFile, downloadText } from '../lib/download';
import { errorMessage } from '../lib/errors';
import type { AccessKey, CreatedAccessKey } from '../types';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { Dialog } from '../ui/dialog';
import { Notice } from '../ui/notice';
import { FocusHeading } from '../ui/page';

export function NewKeyPanel({ created, onDone }: { created: CreatedAccessKey; onDone: () => void }) {
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);
  return (
    <section className="panel new-key" aria-labelledby="new-key-title">
      <div className="panel-body stack">
        <div className="wizard-head" id="new-key-title">
          <FocusHeading>Your new access key</FocusHeading>
          <p>Copy the secret or download the credentials file now.</p>
        </div>
        <Notice tone="warning">
          <p>
            <strong>The secret is shown only this once.</strong> If you lose it, delete the key and generate a new one.
          </p>
        </Notice>
        <NewKeyValue name="id" label="Access key ID" what="access key ID" value={created.id} />
        <NewKeyValue name="secret" label="Secret access key" what="secret access key" value={created.secret} />
        <p className="muted small">
          The CLI reads the file from <code>~/.twofold/credentials</code>.
        </p>
        <div className="wizard-foot">
          <Button
            variant="secondary"
            onClick={() =>
              downloadText('credentials', credentialsFile(created.id, created.secret), 'application/octet-stream')
            }
          >
            Download credentials file
          </Button>
          <div className="actions">
            <Button onClick={onDone}>Done</Button>
          </div>
        </div>
      </div>
    </section>
  );
}

/** One value of the new key, labelled, with Copy. */
function NewKeyValue({
  name,
  label,
  what,
  value,
}: {
  name: 'id' | 'secret';
  label: string;
  what: string;
  value: string;
}) {
  const labelId = `new-key-${name}-label`;
  return (
    <div>
      <p className="secret-label" id={labelId}>
        {label}
      </p>
      <div className="secret-box">
        <span className="secret-value" aria-labelledby={labelId} role="group" data-testid={`new-key-${name}`}>
          {value}
        </span>
        <CopyButton text={value} what={what} />
      </div>
    </div>
  );
}

export function DeleteDialog({
  target,
  onClose,
  onDeleted,
}: {
  target: AccessKey | null;
  onClose: () => void;
  onDeleted: (id: string) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setBusy(false);
    setError(null);
  }, [target]);
  return (
    <Dialog open={target !== null} onClose={onClose} title="Delete this access key?">
      {target && (
        <div className="stack">
          <p className="muted">
            <span className="mono">{target.id}</span> will stop working for good. Scripts and CLI profiles that use it
            will be refused.
          </p>
          <p className="field-error" role="alert">
            {error}
          </p>
          <div className="dialog-foot">
            <Button variant="secondary" onClick={onClose} autoFocus>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await api('DELETE', `/v1/me/access-keys/${encodeURIComponent(target.id)}`);
                  await onDeleted(target.id);
                } catch (err) {
                  setBusy(false);
                  setError(errorMessage(err));
                }
              }}
            >
              Delete key
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
