// The last step of a set-up: prove the new factor works with one code. For an Authenticator App
// the QR code and the key are on screen only here.
import { useMemo } from 'react';
import { post } from '../api';
import { phoneEnding } from '../lib/countdown';
import { codeRefusalText, isCode, waitText } from '../lib/errors';
import { groups } from '../lib/format';
import { useCodeForm, useResendCode } from '../lib/use-code-form';
import type { SmsSetup, TotpSetup } from '../types';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { CodeField } from '../ui/field';
import { Notice } from '../ui/notice';
import { ResendButton } from '../ui/resend-button';
import { StepHead, WizardFoot } from './turn-on-wizard';
import { DevOutboxLink } from '../dev/dev-outbox';

function svgDataUrl(svg: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(svg)) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

interface StepProps {
  n: number;
  of: number;
  verb: string;
  onCancel: () => void;
  onRestart: () => void;
  onDone: (recoveryCode: string) => void;
}

const EXPIRED = 'This set-up has expired. Start again.';

/** Verifying a set-up code, shared by both methods. */
function useSetupVerify(
  setupId: string,
  onDone: (recoveryCode: string) => void,
  wrongCode: string,
  method: 'totp' | 'sms',
) {
  return useCodeForm({
    send: async (code) => {
      const answer = await post<{ recovery_code: string }>('/v1/me/mfa/setup/verify', { setup_id: setupId, code });
      onDone(answer.recovery_code);
    },
    explain: (err) => {
      if (isCode(err, 'invalid_code')) return { text: codeRefusalText(err, method) ?? wrongCode };
      if (isCode(err, 'setup_expired')) return { text: EXPIRED, fatal: true };
      if (isCode(err, 'too_many_attempts')) return { text: `Too many wrong codes. ${waitText(err)}`, fatal: true };
      return undefined;
    },
  });
}

function Foot({
  verb,
  busy,
  dead,
  restartRef,
  onCancel,
  onRestart,
}: {
  verb: string;
  busy: boolean;
  dead: boolean;
  restartRef: React.RefObject<HTMLButtonElement | null>;
  onCancel: () => void;
  onRestart: () => void;
}) {
  return (
    <WizardFoot backLabel="Cancel" onBack={onCancel}>
      {dead ? (
        <Button ref={restartRef} onClick={onRestart}>
          Start again
        </Button>
      ) : (
        <Button type="submit" loading={busy}>
          {verb}
        </Button>
      )}
    </WizardFoot>
  );
}

export function TotpStep({ setup, n, of, verb, onCancel, onRestart, onDone }: StepProps & { setup: TotpSetup }) {
  const v = useSetupVerify(setup.setup_id, onDone, 'That code is not right. Enter the code the app shows now.', 'totp');
  const qr = useMemo(() => svgDataUrl(setup.qr_svg), [setup.qr_svg]);
  return (
    <form className="panel panel-body" noValidate onSubmit={v.submit}>
      <StepHead n={n} of={of} title="Scan the QR code">
        Add Twofold to your authenticator app, then enter the code it shows.
      </StepHead>
      <div className="scan">
        <div className="qr">
          <img src={qr} width={176} height={176} alt="QR code to add your Twofold account to an authenticator app" />
        </div>
        <ol className="steps">
          <li>Open your authenticator app and choose to add an account.</li>
          <li>Scan the QR code. The app adds Twofold with your email address.</li>
          <li>Enter the 6-digit code that the app shows for Twofold.</li>
        </ol>
      </div>
      <Notice tone="info" className="setup-tip">
        <p>
          <strong>Using more than one phone?</strong> Scan this QR code with each of them now. It is not shown again
          after you finish.
        </p>
      </Notice>
      <div className="setup-key">
        <p className="secret-label" id="totp-key-label">
          Can’t scan it? Enter this key instead
        </p>
        <div className="secret-box">
          <span className="key-groups" aria-labelledby="totp-key-label" role="group" data-testid="totp-key">
            {groups(setup.secret).map((g, i) => (
              <span key={i}>{g}</span>
            ))}
          </span>
          <CopyButton text={setup.secret} what="key" />
        </div>
      </div>
      <CodeField
        ref={v.codeRef}
        label="6-digit code from the app"
        value={v.code}
        onValue={v.setCode}
        error={v.error}
        disabled={v.dead}
      />
      <Foot
        verb={verb}
        busy={v.busy}
        dead={v.dead}
        restartRef={v.restartRef}
        onCancel={onCancel}
        onRestart={onRestart}
      />
    </form>
  );
}

export function SmsCodeStep({ setup, n, of, verb, onCancel, onRestart, onDone }: StepProps & { setup: SmsSetup }) {
  const v = useSetupVerify(
    setup.setup_id,
    onDone,
    'That code is not right. Check the latest text message and try again.',
    'sms',
  );
  const resend = useResendCode(
    v,
    () => post('/v1/me/mfa/setup/resend', { setup_id: setup.setup_id }),
    (err) => (isCode(err, 'setup_expired', 'not_found') ? EXPIRED : undefined),
  );

  return (
    <form className="panel panel-body" noValidate onSubmit={v.submit}>
      <StepHead n={n} of={of} title="Enter the code we sent">
        We sent a code to your phone ending in {phoneEnding(setup.phone_hint)}. It is valid for 3 minutes.
      </StepHead>
      <CodeField
        ref={v.codeRef}
        label="6-digit code"
        autoFocus
        value={v.code}
        onValue={v.setCode}
        error={v.error}
        ok={v.ok}
        disabled={v.dead}
      />
      {!v.dead && <ResendButton {...resend} />}
      <DevOutboxLink what="code" />
      <Foot
        verb={verb}
        busy={v.busy}
        dead={v.dead}
        restartRef={v.restartRef}
        onCancel={onCancel}
        onRestart={onRestart}
      />
    </form>
  );
}
