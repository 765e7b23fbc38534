// The state panel of Account → Two-factor Authentication: Off (with Turn On), or On with its
// method and the actions (Re-configure, New recovery code, Turn Off). Passkeys count as a second
// factor: an account with passkeys only is On, and can add an app or a phone for codes as well.
import type { ReactNode } from 'react';
import { phoneEnding } from '../lib/countdown';
import { formatDate } from '../lib/format';
import type { MfaStatus } from '../types';
import { Button } from '../ui/button';
import { EmailFirst } from './email-banner';

/** Whether the account answers the second step with a code (an app or a phone), not passkeys only. */
export const hasCodeFactor = (status: MfaStatus) => status.method === 'totp' || status.method === 'sms';

export function OffPanel({ emailFirst, onTurnOn }: { emailFirst: boolean; onTurnOn: () => void }) {
  return (
    <section className="panel" aria-labelledby="tfa-state">
      <div className="panel-body">
        <div className="status-line">
          <h2 id="tfa-state">Two-factor authentication is off</h2>
          <span className="badge badge-off">Off</span>
        </div>
        <p className="muted state-text">
          Add a second step to signing in: after your password, a code from your phone. Someone who learns your password
          still can’t get in. Adding a passkey below turns it on too.
        </p>
        {emailFirst && <EmailFirst what="turn on two-factor authentication" id="tfa-email-first" />}
        <div className="actions">
          <Button onClick={onTurnOn} aria-describedby={emailFirst ? 'tfa-email-first' : undefined}>
            Turn On
          </Button>
        </div>
      </div>
    </section>
  );
}

function Row({ title, text, children }: { title: string; text: string; children: ReactNode }) {
  return (
    <div className="row-main">
      <div className="row-text">
        <h3 className="row-title">{title}</h3>
        <p className="row-meta">{text}</p>
      </div>
      {children}
    </div>
  );
}

export function OnPanel({
  status,
  emailFirst,
  onWizard,
  onRenew,
  onTurnOff,
}: {
  status: MfaStatus;
  emailFirst: boolean;
  onWizard: (reconfigure: boolean) => void;
  onRenew: () => void;
  onTurnOff: () => void;
}) {
  const codes = hasCodeFactor(status);
  const method = status.method === 'sms' ? 'SMS Number' : status.method === 'totp' ? 'Authenticator App' : 'Passkeys';
  return (
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
          {codes ? (
            <Row
              title="Re-configure"
              text="Move to a new phone or app, or add a device. The ones you use now stop working."
            >
              <Button variant="secondary" onClick={() => onWizard(true)}>
                Re-configure
              </Button>
            </Row>
          ) : (
            <Row
              title="Codes"
              text="Also accept a code from an authenticator app or a text message, for devices without your passkeys."
            >
              <Button variant="secondary" onClick={() => onWizard(false)}>
                Add an app or phone
              </Button>
            </Row>
          )}
          {emailFirst && <EmailFirst what={`${codes ? 're-configure' : 'set up'} two-factor authentication`} />}
        </li>
        <li>
          <Row title="Recovery code" text="Lost your recovery code? Make a new one. The old one stops working.">
            <Button variant="secondary" onClick={onRenew}>
              New recovery code
            </Button>
          </Row>
        </li>
        <li>
          {codes ? (
            <Row title="Turn Off" text="Sign in with your password only. Not recommended.">
              <Button variant="danger-quiet" onClick={onTurnOff}>
                Turn Off
              </Button>
            </Row>
          ) : (
            <Row
              title="Turn Off"
              text="Your passkeys are your second factor: delete them below to sign in with your password only."
            >
              {null}
            </Row>
          )}
        </li>
      </ul>
    </section>
  );
}
