// /device: approving a sign-in from the CLI or a device without a browser (OAuth device grant,
// RFC 8628 §3.3). The visitor signs in first (then comes back here), types or confirms the code the
// device shows, sees what asks (client, address, user agent, when), and approves or denies it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, get, post } from '../api';
import { AuthShell } from '../auth/auth-shell';
import { errorMessage, waitText } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { clearReturn, returnAfterSignIn } from '../lib/return-to';
import { describeUserAgent } from '../lib/user-agent';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';
import { FocusHeading } from '../ui/page';

interface DeviceRequest {
  client_id: string;
  requested_at: string;
  ip: string | null;
  user_agent: string | null;
}

type Step =
  { kind: 'enter' } | { kind: 'confirm'; code: string; request: DeviceRequest } | { kind: 'done'; approved: boolean };

const CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/;
const clean = (typed: string) => typed.replace(/[\s-]/g, '').toUpperCase();
const shown = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

function refusal(err: unknown): string {
  if (err instanceof ApiError && err.code === 'not_found')
    return 'This code is unknown, has expired or was already used. Check the code on the device, or start again there.';
  if (err instanceof ApiError && err.code === 'too_many_attempts')
    return err.retryAfter && err.retryAfter > 60
      ? `Your account is locked for now after too many wrong codes. ${waitText(err)}`
      : `Too many wrong codes. ${waitText(err)}`;
  return errorMessage(err);
}

export function DevicePage() {
  const { state } = useSession();
  const initial = new URLSearchParams(location.search).get('user_code') ?? '';
  const [typed, setTyped] = useState(initial);
  const [step, setStep] = useState<Step>({ kind: 'enter' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'look' | 'approve' | 'deny' | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const signedIn = state.status === 'user';
  useEffect(() => {
    if (signedIn) clearReturn(); // back here after signing in: later sign-ins go to the account pages
  }, [signedIn]);

  if (state.status !== 'user') {
    const signIn = () => {
      returnAfterSignIn(`${location.pathname}${location.search}`);
      navigate('/login');
    };
    return (
      <AuthShell
        title="Sign in a device"
        lead="A device or the command line asks to sign in to your Twofold account. Sign in here first to approve it."
      >
        <Button block onClick={signIn}>
          Sign in to continue
        </Button>
      </AuthShell>
    );
  }

  const look = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const code = clean(typed);
    if (!CODE.test(code)) {
      setError('Enter the 8-letter code the device shows, like BCDF-GHJK.');
      return codeRef.current?.focus();
    }
    setError(null);
    setBusy('look');
    try {
      const request = await get<DeviceRequest>(`/v1/me/device/${code}`);
      setStep({ kind: 'confirm', code, request });
    } catch (err) {
      setError(refusal(err));
      codeRef.current?.focus();
    } finally {
      setBusy(null);
    }
  };

  const decide = async (approve: boolean) => {
    if (busy || step.kind !== 'confirm') return;
    setBusy(approve ? 'approve' : 'deny');
    setError(null);
    try {
      await post(`/v1/me/device/${step.code}`, { approve });
      setStep({ kind: 'done', approved: approve });
    } catch (err) {
      setError(refusal(err));
    } finally {
      setBusy(null);
    }
  };

  const foot = (
    <>
      Signed in as {state.user.email} · <Link to="/account/sessions">Your sessions</Link>
    </>
  );

  if (step.kind === 'done') {
    return (
      <AuthShell title="Sign in a device" foot={foot}>
        <div className="stack">
          <FocusHeading>{step.approved ? 'Device signed in' : 'Request denied'}</FocusHeading>
          <Notice tone={step.approved ? 'success' : 'info'} role="status">
            {step.approved
              ? 'The device is now signed in to your account. You can go back to it. It is listed with your sessions, where you can end it at any time.'
              : 'The device was not signed in. If you did not start this, nothing else needs to be done.'}
          </Notice>
        </div>
      </AuthShell>
    );
  }

  if (step.kind === 'confirm') {
    const r = step.request;
    return (
      <AuthShell title="Sign in a device" foot={foot}>
        <div className="stack">
          <FocusHeading>Approve this device?</FocusHeading>
          <dl className="facts">
            <dt>Code</dt>
            <dd>{shown(step.code)}</dd>
            <dt>Client</dt>
            <dd>{r.client_id}</dd>
            <dt>Address</dt>
            <dd>{r.ip ?? 'unknown'}</dd>
            <dt>Device</dt>
            <dd title={r.user_agent ?? undefined}>{r.user_agent ? describeUserAgent(r.user_agent) : 'unknown'}</dd>
            <dt>Asked</dt>
            <dd>{formatDateTime(r.requested_at)}</dd>
          </dl>
          <Notice tone="warning">Approve only if you started this yourself, on a device in front of you.</Notice>
          {error && (
            <Notice tone="danger" role="alert">
              {error}
            </Notice>
          )}
          <Button block loading={busy === 'approve'} onClick={() => void decide(true)}>
            Approve
          </Button>
          <Button block variant="secondary" loading={busy === 'deny'} onClick={() => void decide(false)}>
            Deny
          </Button>
        </div>
      </AuthShell>
    );
  }

  return (
    <AuthShell
      title="Sign in a device"
      lead="Enter the code shown by the command line or the device that asks to sign in to your account."
      foot={foot}
    >
      <form onSubmit={look} noValidate>
        <Field
          ref={codeRef}
          label="Code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus
          placeholder="BCDF-GHJK"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          error={error}
        />
        <Button type="submit" block loading={busy === 'look'}>
          Continue
        </Button>
      </form>
    </AuthShell>
  );
}
