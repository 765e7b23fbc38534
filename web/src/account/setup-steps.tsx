// The last step of a set-up: prove the new factor works with one code. For an Authenticator App
// the QR code and the key are on screen only here.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { post } from '../api';
import { RESEND_SECONDS } from '../auth/code-prompt';
import { phoneEnding, useCountdown } from '../lib/countdown';
import { errorMessage, isCode, waitText } from '../lib/errors';
import { formatCountdown, groups } from '../lib/format';
import type { SmsSetup, TotpSetup } from '../types';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { CodeField } from '../ui/field';
import { Notice } from '../ui/notice';
import { StepHead } from './turn-on-wizard';

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

/** Verifying a set-up code, shared by both methods. */
function useSetupVerify(setupId: string, onDone: (recoveryCode: string) => void, wrongCode: string) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dead, setDead] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const restartRef = useRef<HTMLButtonElement>(null);

  const fail = (message: string, fatal = false) => {
    setError(message);
    setOk(null);
    if (fatal) {
      setDead(true);
      setTimeout(() => restartRef.current?.focus(), 0);
    } else codeRef.current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || dead) return;
    if (code.length !== 6) return fail('Enter the 6-digit code.');
    setBusy(true);
    try {
      const answer = await post<{ recovery_code: string }>('/v1/me/mfa/setup/verify', { setup_id: setupId, code });
      onDone(answer.recovery_code);
    } catch (err) {
      setBusy(false);
      setCode('');
      if (isCode(err, 'invalid_code')) fail(wrongCode);
      else if (isCode(err, 'setup_expired')) fail('This set-up has expired. Start again.', true);
      else if (isCode(err, 'too_many_attempts')) fail(`Too many wrong codes. ${waitText(err)}`, true);
      else fail(errorMessage(err));
    }
  };
  return { code, setCode, error, ok, setOk, fail, busy, dead, codeRef, restartRef, submit };
}

function Foot({ verb, busy, dead, restartRef, onCancel, onRestart }: { verb: string; busy: boolean; dead: boolean; restartRef: React.RefObject<HTMLButtonElement | null>; onCancel: () => void; onRestart: () => void }) {
  return (
    <div className="wizard-foot">
      <Button variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
      <div className="actions">
        {dead ? (
          <Button ref={restartRef} onClick={onRestart}>
            Start again
          </Button>
        ) : (
          <Button type="submit" loading={busy}>
            {verb}
          </Button>
        )}
      </div>
    </div>
  );
}

export function TotpStep({ setup, n, of, verb, onCancel, onRestart, onDone }: StepProps & { setup: TotpSetup }) {
  const v = useSetupVerify(setup.setup_id, onDone, 'That code is not right. Enter the code the app shows now.');
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
          <strong>Using more than one phone?</strong> Scan this QR code with each of them now. It is not shown again after you finish.
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
      <CodeField ref={v.codeRef} label="6-digit code from the app" value={v.code} onValue={v.setCode} error={v.error} disabled={v.dead} />
      <Foot verb={verb} busy={v.busy} dead={v.dead} restartRef={v.restartRef} onCancel={onCancel} onRestart={onRestart} />
    </form>
  );
}

export function SmsCodeStep({ setup, n, of, verb, onCancel, onRestart, onDone }: StepProps & { setup: SmsSetup }) {
  const v = useSetupVerify(setup.setup_id, onDone, 'That code is not right. Check the latest text message and try again.');
  const [resendAt, setResendAt] = useState(() => Date.now() + RESEND_SECONDS * 1000);
  const [resending, setResending] = useState(false);
  const resendIn = useCountdown(resendAt);

  const resend = async () => {
    if (resending || resendIn > 0 || v.dead) return;
    setResending(true);
    try {
      await post('/v1/me/mfa/setup/resend', { setup_id: setup.setup_id });
      setResendAt(Date.now() + RESEND_SECONDS * 1000);
      v.setOk('We sent a new code. The earlier one no longer works.');
    } catch (err) {
      if (isCode(err, 'resend_too_soon')) setResendAt(Date.now() + (err.retryAfter ?? RESEND_SECONDS) * 1000);
      else if (isCode(err, 'setup_expired', 'not_found')) v.fail('This set-up has expired. Start again.', true);
      else v.fail(errorMessage(err));
    } finally {
      setResending(false);
    }
  };

  return (
    <form className="panel panel-body" noValidate onSubmit={v.submit}>
      <StepHead n={n} of={of} title="Enter the code we sent">
        We sent a code to your phone ending in {phoneEnding(setup.phone_hint)}. It is valid for 3 minutes.
      </StepHead>
      <CodeField ref={v.codeRef} label="6-digit code" autoFocus value={v.code} onValue={v.setCode} error={v.error} ok={v.ok} disabled={v.dead} />
      {!v.dead && (
        <Button variant="link" onClick={resend} loading={resending} disabled={resendIn > 0}>
          {resendIn > 0 ? `Resend code in ${formatCountdown(resendIn)}` : 'Resend code'}
        </Button>
      )}
      <Foot verb={verb} busy={v.busy} dead={v.dead} restartRef={v.restartRef} onCancel={onCancel} onRestart={onRestart} />
    </form>
  );
}
