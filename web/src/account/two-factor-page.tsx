// Account → Two-factor Authentication: the state, Turn On (the wizard), and when on:
// Re-configure, New recovery code and Turn Off; below it the account's passkeys.
import { useEffect, useState } from 'react';
import { api, get, MFA_REQUIRED_EVENT, post } from '../api';
import { useResource } from '../lib/use-resource';
import { takeFlash, type Flash } from '../router';
import { useSession, useUser } from '../session';
import type { MfaStatus, Passkey } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { PageHead } from '../ui/page';
import { PasskeysSection } from './passkeys-section';
import { PasswordDialog } from './password-dialog';
import { RecoveryCodeScreen, type RecoveryContext } from './recovery-code-screen';
import { TurnOnWizard } from './turn-on-wizard';
import { hasCodeFactor, OffPanel, OnPanel } from './two-factor-panels';
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
const loadPasskeys = (signal: AbortSignal) => get<Passkey[]>('/v1/me/passkeys', signal);

export function TwoFactorPage() {
  const user = useUser();
  const { refresh } = useSession();
  const { data: status, error: loadError, reload: load } = useResource(loadStatus);
  const passkeys = useResource(loadPasskeys);
  const [alsoPasskeys, setAlsoPasskeys] = useState(false);
  const passkeyCount = passkeys.data?.length ?? 0;
  const [flash] = useState(takeFlash);
  const unverifiedAtStart = user.email_verified === false;
  // Sent here because the service requires 2FA: the wizard is open at once (when it can start).
  const [view, setView] = useState<View>(
    flash === 'mfa-required' && !unverifiedAtStart ? { kind: 'wizard', reconfigure: false } : { kind: 'status' },
  );
  const [notice, setNotice] = useState<PageNotice>(() => initialNotice(flash));
  // Signed in and landed here without a factor where the operator requires one: a refused call
  // (the support-reset banner's) says so, and the wizard opens as if sent here.
  useEffect(() => {
    const required = () => {
      if (user.email_verified === false) return;
      setView((v) => (v.kind === 'status' ? { kind: 'wizard', reconfigure: false } : v));
    };
    window.addEventListener(MFA_REQUIRED_EVENT, required);
    return () => window.removeEventListener(MFA_REQUIRED_EVENT, required);
  }, [user.email_verified]);
  const [dialog, setDialog] = useState<'off' | 'renew' | null>(null);
  const [needsEmail, setNeedsEmail] = useState(false);
  const unverified = user.email_verified === false;
  // Turn On and Re-configure start a set-up, which waits for a confirmed address: say so instead.
  const openWizard = (reconfigure: boolean) => {
    if (unverified) return setNeedsEmail(true);
    setNeedsEmail(false);
    setView({ kind: 'wizard', reconfigure });
  };

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
                : view.context === 'passkey'
                  ? 'Your passkey is added and two-factor authentication is on.'
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
    body = <OffPanel emailFirst={unverified && needsEmail} onTurnOn={() => openWizard(false)} />;
  } else {
    body = (
      <OnPanel
        status={status}
        emailFirst={unverified && needsEmail}
        onWizard={openWizard}
        onRenew={() => setDialog('renew')}
        onTurnOff={() => setDialog('off')}
      />
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
      {view.kind === 'status' && status && (
        <PasskeysSection
          passkeys={passkeys}
          codeFactor={hasCodeFactor(status)}
          onAdded={async (created) => {
            setNotice(null);
            if (created.recovery_code) setView({ kind: 'recovery', code: created.recovery_code, context: 'passkey' });
            await Promise.all([load(), refresh()]);
          }}
          onDeleted={async () => {
            await Promise.all([load(), refresh()]);
          }}
        />
      )}
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
        onClose={() => {
          setDialog(null);
          setAlsoPasskeys(false);
        }}
        onConfirm={async (password) => {
          // Passkeys go only when the user asks (issue 15): they are a second factor of their own.
          const dropping = passkeyCount > 0 && alsoPasskeys;
          await api('DELETE', '/v1/me/mfa', dropping ? { password, remove_passkeys: true } : { password });
          setDialog(null);
          setAlsoPasskeys(false);
          setNotice(
            passkeyCount > 0 && !dropping
              ? { tone: 'info', text: 'Codes are turned off. Your passkeys remain your second factor.' }
              : {
                  tone: 'warning',
                  text: 'Two-factor authentication is off. Your account is protected by your password alone.',
                },
          );
          await Promise.all([load(), refresh(), passkeys.reload()]);
        }}
      >
        {passkeyCount > 0 ? (
          <>
            <p>Codes from your app or phone stop being asked, and your recovery code stops working.</p>
            <label className="check">
              <input type="checkbox" checked={alsoPasskeys} onChange={(e) => setAlsoPasskeys(e.target.checked)} />
              Also delete my passkeys ({passkeyCount})
            </label>
          </>
        ) : (
          <p>Your account will be protected by your password alone, and your recovery code stops working.</p>
        )}
      </PasswordDialog>
    </>
  );
}
