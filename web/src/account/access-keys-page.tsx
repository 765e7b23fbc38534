// Account → Access keys: keys for the API and the CLI (they never ask for the second factor).
// Generate Credentials shows the secret once, with Copy and a `credentials` file to download;
// Done drops it from memory. A key is deleted only once it is disabled.
import { useState } from 'react';
import { api, ApiError, get, post } from '../api';
import { errorMessage, isCode } from '../lib/errors';
import { formatDate, formatRelative } from '../lib/format';
import { useResource } from '../lib/use-resource';
import type { AccessKey, CreatedAccessKey } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { PageHead } from '../ui/page';
import { Switch } from '../ui/switch';
import { useUser } from '../session';
import { EmailFirst, useRecheckUser } from './email-banner';
import { PasswordDialog } from './password-dialog';
import { DeleteDialog, NewKeyPanel } from './access-key-panels';

/**
 * How many keys an account may have when the server does not say (`GET /v1/me` states its
 * configured limit as `limits.access_keys`, and a 409 refusal names it as `limit`).
 */
const DEFAULT_LIMIT = 2;

const loadKeys = (signal: AbortSignal) => get<AccessKey[]>('/v1/me/access-keys', signal);

/** The limit a 409 access_key_limit problem states, if it states one. */
function limitOf(err: ApiError): number | null {
  const limit = err.extra.limit;
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : null;
}

export function AccessKeysPage() {
  const user = useUser();
  const recheck = useRecheckUser();
  const unverified = user.email_verified === false;
  const [needsEmail, setNeedsEmail] = useState(false);
  const { data: keys, error: loadError, reload: load, setData: setKeys } = useResource(loadKeys);
  const [limit, setLimit] = useState(user.limits?.access_keys ?? DEFAULT_LIMIT);
  const [created, setCreated] = useState<CreatedAccessKey | null>(null);
  const [generating, setGenerating] = useState(false);
  const [toDelete, setToDelete] = useState<AccessKey | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; text: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const atLimit = (keys?.length ?? 0) >= limit;

  const toggle = async (key: AccessKey, enabled: boolean) => {
    if (toggling) return;
    setToggling(key.id);
    setRowError(null);
    try {
      const updated = await api<AccessKey>('PATCH', `/v1/me/access-keys/${encodeURIComponent(key.id)}`, { enabled });
      setKeys((ks) => ks?.map((k) => (k.id === key.id ? { ...k, ...updated } : k)) ?? null);
    } catch (err) {
      setRowError({ id: key.id, text: errorMessage(err) });
    } finally {
      setToggling(null);
    }
  };

  return (
    <>
      <PageHead title="Access keys" lead="Access keys sign requests from your scripts, the API and the Twofold CLI." />
      <ul className="key-facts">
        <li>
          <strong>Up to {limit} keys.</strong> Enough to switch to a new key before you delete the old one. Disabled
          keys count too.
        </li>
        <li>
          <strong>No two-factor step.</strong> Requests signed with a key don’t ask for a code, so keep its secret as
          safe as your password.
        </li>
      </ul>
      {notice && !created && (
        <Notice tone="success" role="status" className="page-notice">
          <p>{notice}</p>
        </Notice>
      )}
      {created && (
        <NewKeyPanel
          created={created}
          onDone={() => {
            setCreated(null); // the secret leaves memory here
            setNotice('The access key is ready to use.');
          }}
        />
      )}
      <section className="panel" aria-labelledby="keys-title">
        <div className="panel-head">
          <div className="status-line">
            <h2 id="keys-title">Your keys</h2>
            <span className="badge">{keys ? `${keys.length} of ${limit}` : '–'}</span>
          </div>
          {!created && (
            <Button
              onClick={() => (unverified ? setNeedsEmail(true) : setGenerating(true))}
              disabled={!keys || atLimit}
              aria-describedby={unverified && needsEmail ? 'keys-email-first' : undefined}
            >
              Generate Credentials
            </Button>
          )}
        </div>
        {unverified && needsEmail && !created && (
          <div className="row">
            <EmailFirst what="create access keys" id="keys-email-first" />
          </div>
        )}
        {atLimit && !created && (
          <p className="row limit-note">
            You have {limit} keys, the most an account can have. Disable and delete one to make a new key.
          </p>
        )}
        {loadError ? (
          <div className="row">
            <Notice tone="danger" role="alert">
              <p>{loadError}</p>
            </Notice>
          </div>
        ) : !keys ? (
          <p className="loading-line" role="status">
            Loading…
          </p>
        ) : keys.length === 0 ? (
          <p className="empty">You have no access keys.</p>
        ) : (
          <ul className="rows">
            {keys.map((k) => (
              <li key={k.id}>
                <div className="row-main">
                  <div className="row-text">
                    <p className="row-title mono key-id">{k.id}</p>
                    <p className="row-meta">
                      <span>Created {formatDate(k.created_at)}</span>
                      <span>
                        {k.last_used_at ? (
                          <>
                            Last used{' '}
                            <time dateTime={k.last_used_at} title={new Date(k.last_used_at).toLocaleString()}>
                              {formatRelative(k.last_used_at)}
                            </time>
                          </>
                        ) : (
                          'Never used'
                        )}
                      </span>
                    </p>
                  </div>
                  <div className="row-actions">
                    <Switch
                      checked={k.enabled}
                      label={`Access key ${k.id} enabled`}
                      loading={toggling === k.id}
                      onChange={(next) => void toggle(k, next)}
                    />
                    {k.enabled ? (
                      <span className="hint-inline">Disable to delete</span>
                    ) : (
                      <Button
                        variant="danger-quiet"
                        size="sm"
                        onClick={() => setToDelete(k)}
                        aria-label={`Delete access key ${k.id}`}
                      >
                        Delete
                      </Button>
                    )}
                  </div>
                </div>
                <p className="field-error row-error" aria-live="polite">
                  {rowError?.id === k.id ? rowError.text : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <PasswordDialog
        open={generating}
        title="Generate Credentials"
        confirmLabel="Generate"
        onClose={() => setGenerating(false)}
        onConfirm={async (password) => {
          try {
            const key = await post<CreatedAccessKey>('/v1/me/access-keys', { password });
            setGenerating(false);
            setNotice(null);
            setCreated(key);
            await load();
          } catch (err) {
            if (isCode(err, 'email_unverified')) {
              // The address is not confirmed (any more): the page explains it, not the dialog.
              setGenerating(false);
              setNeedsEmail(true);
              await recheck();
              return;
            }
            if (isCode(err, 'access_key_limit')) {
              const stated = limitOf(err) ?? limit;
              setLimit(stated);
              throw new ApiError(
                409,
                'access_key_limit',
                `You already have ${stated} keys, the most an account can have. Delete one first.`,
                null,
              );
            }
            throw err;
          }
        }}
      >
        <p>A new access key ID and secret. The secret is shown once, right after this step.</p>
      </PasswordDialog>

      <DeleteDialog
        target={toDelete}
        onClose={() => setToDelete(null)}
        onDeleted={async (id) => {
          setToDelete(null);
          setNotice(`Access key ${id} is deleted.`);
          await load();
        }}
      />
    </>
  );
}
