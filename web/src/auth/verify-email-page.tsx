// The page behind the confirmation link, /verify-email?token=… (shared/API.md, "Proving the
// mailbox"): sign-up's link and a change of email's link both land here. No session is needed.
// The token is taken out of the address bar at once and posted exactly once per page load, even
// though React's strict mode runs effects twice in development: the request lives in a module-level
// map keyed by the token, and both runs wait on the same promise.
import { useEffect, useRef, useState } from 'react';
import { ApiError, get, post } from '../api';
import { errorMessage } from '../lib/errors';
import { Link } from '../router';
import { useSession } from '../session';
import type { User } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { AuthShell } from './auth-shell';

type Outcome = { kind: 'verified' } | { kind: 'expired' } | { kind: 'failed'; message: string };

const requests = new Map<string, Promise<Outcome>>();

function verifyOnce(token: string): Promise<Outcome> {
  let request = requests.get(token);
  if (!request) {
    request = post('/v1/auth/email/verify', { token }).then(
      (): Outcome => ({ kind: 'verified' }),
      (err: unknown): Outcome =>
        err instanceof ApiError && (err.code === 'token_expired' || err.status === 410)
          ? { kind: 'expired' }
          : { kind: 'failed', message: errorMessage(err) },
    );
    requests.set(token, request);
  }
  return request;
}

function takeToken(): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (token) history.replaceState(null, '', '/verify-email'); // keep the token out of history and the Referer
  return token;
}

export function VerifyEmailPage() {
  const { state, setUser } = useSession();
  const [token] = useState(takeToken);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [attempt, setAttempt] = useState(0);
  const signedIn = state.status === 'user';
  const signedInRef = useRef(signedIn);
  signedInRef.current = signedIn;

  useEffect(() => {
    if (!token) return;
    let live = true;
    void verifyOnce(token).then(async (result) => {
      // Signed in here: read the account again, so it shows its (possibly new) confirmed address.
      if (result.kind === 'verified' && signedInRef.current) await get<User>('/v1/me').then(setUser, () => undefined);
      if (live) setOutcome(result);
    });
    return () => {
      live = false;
    };
  }, [token, attempt, setUser]);

  const account = signedIn ? (
    <Link to="/account/two-factor" className="btn btn-primary btn-block">
      Go to your account
    </Link>
  ) : (
    <Link to="/login" className="btn btn-primary btn-block">
      Sign in
    </Link>
  );

  if (!token) {
    return (
      <AuthShell
        title="This link is incomplete"
        lead="Open the link from the email again. If it still does not work, sign in and send yourself a new one with “Resend the link”."
      >
        {account}
      </AuthShell>
    );
  }

  if (!outcome) {
    return (
      <AuthShell title="Confirming your email address…">
        <p className="muted" role="status" aria-busy="true">
          One moment.
        </p>
      </AuthShell>
    );
  }

  if (outcome.kind === 'verified') {
    return (
      <AuthShell
        title="Your email address is confirmed"
        lead={
          signedIn
            ? `Your account uses ${state.user.email}.${state.user.mfa.enabled ? '' : ' You can now turn on two-factor authentication and create access keys.'}`
            : 'From now on, sign in with this address.'
        }
      >
        <Notice tone="success" role="status" className="form-notice">
          <p>Thank you. This address is now proven to be yours.</p>
        </Notice>
        {account}
      </AuthShell>
    );
  }

  if (outcome.kind === 'expired') {
    return (
      <AuthShell
        title="This link has expired"
        lead="Confirmation links work once and for 24 hours. This one was already used, or is too old, or a newer link replaced it."
      >
        <div className="stack">
          <p>
            {signedIn
              ? 'If your account still asks you to confirm your address, choose “Resend the link” at the top of your account pages and open the newest mail.'
              : 'Sign in, then choose “Resend the link” at the top of your account pages and open the newest mail. If you already confirmed your address, there is nothing more to do.'}
          </p>
          {account}
        </div>
      </AuthShell>
    );
  }

  return (
    <AuthShell title="Your email address could not be confirmed yet" lead={outcome.message}>
      <div className="stack">
        <Button
          block
          onClick={() => {
            requests.delete(token); // a deliberate retry posts again
            setOutcome(null);
            setAttempt((n) => n + 1);
          }}
        >
          Try again
        </Button>
        {signedIn ? (
          <p className="auth-link">
            <Link to="/account/two-factor">Go to your account</Link>
          </p>
        ) : (
          <p className="auth-link">
            <Link to="/login">Sign in</Link>
          </p>
        )}
      </div>
    </AuthShell>
  );
}
