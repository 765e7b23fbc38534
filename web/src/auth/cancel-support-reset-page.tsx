// The page behind the support-reset mail's link, /support-reset/cancel?token=… (docs/admin.md):
// one click cancels the removal of the second factor. No session is needed: the owner may have
// lost every device. It asks for the click rather than posting on load, so that a mail scanner
// opening the link does not act for the owner.
import { useState } from 'react';
import { ApiError, post } from '../api';
import { errorMessage } from '../lib/errors';
import { Link } from '../router';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { AuthShell } from './auth-shell';

type Outcome = { kind: 'cancelled' } | { kind: 'expired' } | { kind: 'failed'; message: string };

function takeToken(): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (token) history.replaceState(null, '', '/support-reset/cancel'); // keep the token out of history and the Referer
  return token;
}

export function CancelSupportResetPage() {
  const [token] = useState(takeToken);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const cancel = async () => {
    if (!token) return;
    setBusy(true);
    try {
      await post('/v1/auth/support-reset/cancel', { token });
      setOutcome({ kind: 'cancelled' });
    } catch (err) {
      setOutcome(
        err instanceof ApiError && err.code === 'token_expired'
          ? { kind: 'expired' }
          : { kind: 'failed', message: errorMessage(err) },
      );
    } finally {
      setBusy(false);
    }
  };

  const signIn = (
    <Link to="/login" className="btn btn-secondary btn-block">
      Sign in
    </Link>
  );
  if (outcome?.kind === 'cancelled')
    return (
      <AuthShell title="Cancelled" lead="Your two-factor authentication stays as it is. Nothing was changed.">
        <Notice tone="success" role="status" className="form-notice">
          <p>If you did not ask support for this, change your password: someone may know it.</p>
        </Notice>
        {signIn}
      </AuthShell>
    );
  if (!token || outcome?.kind === 'expired')
    return (
      <AuthShell
        title="This link no longer cancels anything"
        lead="The removal was already cancelled or done, or the link is incomplete. Sign in to see your account's two-factor authentication."
      >
        {signIn}
      </AuthShell>
    );
  return (
    <AuthShell
      title="Cancel the removal of your two-factor authentication"
      lead="Support was asked to remove the second factor of your account because it was lost. If that was not you, or you found it again, cancel it."
    >
      {outcome?.kind === 'failed' && (
        <Notice tone="danger" role="alert" className="form-notice">
          <p>{outcome.message}</p>
        </Notice>
      )}
      <Button block loading={busy} onClick={() => void cancel()}>
        Cancel it
      </Button>
    </AuthShell>
  );
}
