// On the Two-factor page: a pending support reset of the account's second factor, with a button
// that cancels it (docs/admin.md). Nothing shows when none is pending.
import { useState } from 'react';
import { api, get } from '../api';
import { errorMessage } from '../lib/errors';
import { useResource } from '../lib/use-resource';
import { formatDateTime } from '../lib/format';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';

interface Pending {
  pending: { id: string; due_at: string } | null;
}

const load = (signal: AbortSignal) => get<Pending>('/v1/me/support-reset', signal);

export function SupportResetBanner() {
  const { data, reload } = useResource(load);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!data?.pending) return null;
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('DELETE', '/v1/me/support-reset');
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Notice
      tone="warning"
      role="alert"
      className="page-notice"
      title="Support was asked to remove your two-factor authentication"
    >
      <p>
        It will be removed on {formatDateTime(data.pending.due_at)} unless you cancel it. If you did not ask for this,
        cancel it now and change your password.
      </p>
      {error && <p>{error}</p>}
      <Button variant="secondary" loading={busy} onClick={() => void cancel()}>
        Cancel it
      </Button>
    </Notice>
  );
}
