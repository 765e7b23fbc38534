// Account → Two-factor Authentication: the state, Turn On (the wizard), and when on:
// Re-configure, New recovery code and Turn Off.
import { useState } from 'react';
import { api, get, post } from '../api';
import { phoneEnding } from '../lib/countdown';
import { formatDate } from '../lib/format';
import { useResource } from '../lib/use-resource';
import { takeFlash, type Flash } from '../router';
import { useSession, useUser } from '../session';
import type { MfaStatus } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { PageHead } from '../ui/page';
import { PasswordDialog } from './password-dialog';
import { RecoveryCodeScreen, type RecoveryContext } from './recovery-code-screen';
import { TurnOnWizard } from './turn-on-wizard';
import { EmailFirst } from './email-banner';
import { SupportResetBanner } from './support-reset-banner';

type View =
  | { kind: 'status' }
  | { kind: 'wizard'; reconfigure: boolean }
  | { kind: 'recovery'; code: string; context: RecoveryContext };
type PageNotice = { tone: 'success' | 'info' | 'warning' | 'danger'; text: string } | null;

function initialNotice(flash: Flash | null): PageNotice {
  if (flash === 'mfa-required')
    return {
      tone: 'warning',
      text: 'This service requires two-factor authentication. Turn it on to use your account.',
    };
  if (flash === 'welcome')
    return {
      tone: 'success',
      text: 'Your account is ready. Check your mailbox: we sent you a link to confirm your email address. Once it is confirmed, turn on two-factor authentication to protect your account.',
    };
  if (flash === 'recovered')
    return {
      tone: 'warning',
      text: 'You signed in with your recovery code, so two-factor authentication is now off and your other devices are signed out. Turn it on again to get a new recovery code.',
    };
  return null;
}

const loadStatus = (signal: AbortSignal) => get<MfaStatus>('/v1/me/mfa', signal);

export function TwoFactorPage() {
  const user = useUser();
  const { refresh } = useSession();
  const { data: status, error: loadError, reload: load } = useResource(loadStatus);
  const [flash] = useState(takeFlash);
  const unverifiedAtStart = user.email_verified === false;
  // Sent here because the service requires 2FA: the wizard is open at once (when it can start).
  const [view, setView] = useState<View>(
    flash === 'mfa-required' && !unverifiedAtStart ? { kind: 'wizard', reconfigure: false } : { kind: 'status' },
  );
  const [notice, setNotice] = useState<PageNotice>(() => initialNotice(flash));
  const [dialog, setDialog] = useState<'off' | 'renew' | null>(null);
  const [needsEmail, setNeedsEmail] = useState(false);
  const unverified = user.email_verified === false;
  // Turn On and Re-configure start a set-up, which waits for a confirmed address: say so instead.
  const openWizard = (reconfigure: boolean) => {
    if (unverified) return setNeedsEmail(true);
    setNeedsEmail(false);
    setView({ kind: 'wizard', reconfigure });
  };

  const method = status?.method === 'sms' ? 'SMS Number' : 'Authenticator App';

  let body;
  if (view.kind === 'wizard') {
    body = (
      <TurnOnWizard
        reconfigure={view.reconfigure}
        onCancel={() => setView({ kind: 'status' })}
        onEnabled={(code) => {
          setNotice(null);
          setView({ kind: 'recovery', code, context: view.reconfigure ? 'reconfigured' : 'enabled' });
          void load();
        }}
      />
    );
  } else if (view.kind === 'recovery') {
    body = (
      <RecoveryCodeScreen
        code={view.code}
        email={user.email}
        context={view.context}
        onDone={() => {
          const text =
            view.context === 'renewed'
              ? 'Your new recovery code is saved. The old one no longer works.'
              : view.context === 'reconfigured'
                ? 'Two-factor authentication is re-configured.'
                : 'Two-factor authentication is on.';
          setView({ kind: 'status' }); // the code leaves memory with the view
          setNotice({ tone: 'success', text });
        }}
      />
    );
  } else if (!status) {
    body = loadError ? (
      <Notice tone="danger" role="alert">
        <p>{loadError}</p>
        <p>
          <Button variant="link" onClick={() => void load()}>
            Try again
          </Button>
        </p>
      </Notice>
    ) : (
      <p className="loading-line" role="status">
        Loading…
      </p>
    );
  } else if (!status.enabled) {
    body = (
      <section className="panel" aria-labelledby="tfa-state">
        <div className="panel-body">
          <div className="status-line">
            <h2 id="tfa-state">Two-factor authentication is off</h2>
            <span className="badge badge-off">Off</span>
          </div>
          <p className="muted state-text">
            Add a second step to signing in: after your password, a code from your phone. Someone who learns your
            password still can’t get in.
          </p>
          {unverified && needsEmail && <EmailFirst what="turn on two-factor authentication" id="tfa-email-first" />}
          <div className="actions">
            <Button
              onClick={() => openWizard(false)}
              aria-describedby={unverified && needsEmail ? 'tfa-email-first' : undefined}
            >
              Turn On
            </Button>
          </div>
        </div>
      </section>
    );
  } else {
    body = (
      <section className="panel" aria-labelledby="tfa-state">
        <div className="panel-body">
          <div className="status-line">
            <h2 id="tfa-state">Two-factor authentication is on</h2>
            <span className="badge badge-on">On</span>
          </div>
          <dl className="facts">
            <dt>Method</dt>
            <dd>
              {method}
              {status.method === 'sms' && status.phone_hint ? (
                <span className="muted"> · phone ending in {phoneEnding(status.phone_hint)}</span>
              ) : null}
            </dd>
            {status.enabled_at && (
              <>
                <dt>Turned on</dt>
                <dd>{formatDate(status.enabled_at)}</dd>
              </>
            )}
          </dl>
        </div>
        <ul className="rows rows-top">
          <li>
            <div className="row-main">
              <div className="row-text">
                <h3 className="row-title">Re-configure</h3>
                <p className="row-meta">
                  Move to a new phone or app, or add a device. The ones you use now stop working.
                </p>
              </div>
              <Button variant="secondary" onClick={() => openWizard(true)}>
                Re-configure
              </Button>
            </div>
            {unverified && needsEmail && <EmailFirst what="re-configure two-factor authentication" />}
          </li>
          <li>
            <div className="row-main">
              <div className="row-text">
                <h3 className="row-title">Recovery code</h3>
                <p className="row-meta">Lost your recovery code? Make a new one. The old one stops working.</p>
              </div>
              <Button variant="secondary" onClick={() => setDialog('renew')}>
                New recovery code
              </Button>
            </div>
          </li>
          <li>
            <div className="row-main">
              <div className="row-text">
                <h3 className="row-title">Turn Off</h3>
                <p className="row-meta">Sign in with your password only. Not recommended.</p>
              </div>
              <Button variant="danger-quiet" onClick={() => setDialog('off')}>
                Turn Off
              </Button>
            </div>
          </li>
        </ul>
      </section>
    );
  }

  return (
    <>
      <PageHead
        title="Two-factor Authentication"
        lead="A second step at sign-in that keeps your account safe even if someone learns your password."
      />
      <SupportResetBanner />
      {notice && view.kind === 'status' && (
        <Notice tone={notice.tone} role="status" className="page-notice">
          <p>{notice.text}</p>
        </Notice>
      )}
      {body}
      <PasswordDialog
        open={dialog === 'renew'}
        title="New recovery code"
        confirmLabel="Make new code"
        onClose={() => setDialog(null)}
        onConfirm={async (password) => {
          const { recovery_code } = await post<{ recovery_code: string }>('/v1/me/mfa/recovery-code', { password });
          setDialog(null);
          setNotice(null);
          setView({ kind: 'recovery', code: recovery_code, context: 'renewed' });
        }}
      >
        <p>Your current recovery code stops working as soon as the new one is made.</p>
      </PasswordDialog>
      <PasswordDialog
        open={dialog === 'off'}
        title="Turn off two-factor authentication?"
        confirmLabel="Turn Off"
        variant="danger"
        onClose={() => setDialog(null)}
        onConfirm={async (password) => {
          await api('DELETE', '/v1/me/mfa', { password });
          setDialog(null);
          setNotice({
            tone: 'warning',
            text: 'Two-factor authentication is off. Your account is protected by your password alone.',
          });
          await Promise.all([load(), refresh()]);
        }}
      >
        <p>Your account will be protected by your password alone, and your recovery code stops working.</p>
      </PasswordDialog>
    </>
  );
}
