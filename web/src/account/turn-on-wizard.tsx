// Turn On / Re-configure: choose Authenticator App or SMS Number → (phone) → password → scan the
// QR code or receive the text → enter a code. The set-up's secret lives only in this component's
// state and goes when it unmounts.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { CountryCode } from 'libphonenumber-js/min';
import { post } from '../api';
import { COUNTRIES, defaultCountry, toE164 } from '../lib/countries';
import { errorMessage, isCode, waitText } from '../lib/errors';
import { useSession, useUser } from '../session';
import type { MfaMethod, SmsSetup, TotpSetup } from '../types';
import { Button } from '../ui/button';
import { Field, SelectField } from '../ui/field';
import { Notice } from '../ui/notice';
import { FocusHeading } from '../ui/page';
import { SmsCodeStep, TotpStep } from './setup-steps';

type Step =
  | { kind: 'choose' }
  | { kind: 'phone' }
  | { kind: 'password' }
  | { kind: 'totp'; setup: TotpSetup }
  | { kind: 'sms'; setup: SmsSetup };

export function StepHead({ n, of, title, children }: { n: number; of: number; title: string; children?: ReactNode }) {
  return (
    <div className="wizard-head">
      <p className="eyebrow">
        Step {n} of {of}
      </p>
      <FocusHeading>{title}</FocusHeading>
      {children && <p>{children}</p>}
    </div>
  );
}

/** The wizard's last line: Cancel or Back on the left, the step's own action on the right. */
export function WizardFoot({
  backLabel,
  onBack,
  children,
}: {
  backLabel: string;
  onBack: () => void;
  children: ReactNode;
}) {
  return (
    <div className="wizard-foot">
      <Button variant="ghost" onClick={onBack}>
        {backLabel}
      </Button>
      <div className="actions">{children}</div>
    </div>
  );
}

export function TurnOnWizard({
  reconfigure,
  onCancel,
  onEnabled,
}: {
  reconfigure: boolean;
  onCancel: () => void;
  onEnabled: (recoveryCode: string) => void;
}) {
  const user = useUser();
  const { refresh } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [method, setMethod] = useState<MfaMethod>('totp');
  const [country, setCountry] = useState<CountryCode>(defaultCountry);
  const [phone, setPhone] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const phoneRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const total = method === 'sms' ? 4 : 3;
  const verb = reconfigure ? 'Re-configure' : 'Turn On';

  const finished = (recoveryCode: string) => {
    void refresh();
    onEnabled(recoveryCode);
  };

  if (step.kind === 'totp')
    return (
      <TotpStep
        setup={step.setup}
        n={3}
        of={3}
        verb={verb}
        onCancel={onCancel}
        onRestart={() => setStep({ kind: 'choose' })}
        onDone={finished}
      />
    );
  if (step.kind === 'sms')
    return (
      <SmsCodeStep
        setup={step.setup}
        n={4}
        of={4}
        verb={verb}
        onCancel={onCancel}
        onRestart={() => setStep({ kind: 'choose' })}
        onDone={finished}
      />
    );

  if (step.kind === 'choose') {
    return (
      <form
        className="panel panel-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setStep({ kind: method === 'sms' ? 'phone' : 'password' });
        }}
      >
        <StepHead
          n={1}
          of={total}
          title={reconfigure ? 'Re-configure two-factor authentication' : 'Turn On two-factor authentication'}
        >
          After your password, Twofold will ask for a code from your phone.
        </StepHead>
        {reconfigure && (
          <Notice tone="warning" className="wizard-notice">
            <p>
              When you finish, the authenticator apps or phone you use now stop working, and you get a new recovery
              code. To use several phones, scan the new QR code with each of them.
            </p>
          </Notice>
        )}
        <fieldset>
          <legend className="label legend">How do you want to get codes?</legend>
          <div className="choices">
            <label className="choice">
              <input
                type="radio"
                name="method"
                value="totp"
                checked={method === 'totp'}
                onChange={() => setMethod('totp')}
              />
              <span className="choice-title">
                Authenticator App <span className="badge badge-accent">Recommended</span>
              </span>
              <span className="choice-text">
                An app such as Google Authenticator, Microsoft Authenticator or 1Password shows a new code every 30
                seconds. Works without a phone signal.
              </span>
            </label>
            <label className="choice">
              <input
                type="radio"
                name="method"
                value="sms"
                checked={method === 'sms'}
                onChange={() => setMethod('sms')}
              />
              <span className="choice-title">SMS Number</span>
              <span className="choice-text">
                We text a code to your phone when you sign in. Carrier rates may apply, and text messages are less
                reliable abroad.
              </span>
            </label>
          </div>
        </fieldset>
        <WizardFoot backLabel="Cancel" onBack={onCancel}>
          <Button type="submit">Next</Button>
        </WizardFoot>
      </form>
    );
  }

  if (step.kind === 'phone') {
    const next = (e: FormEvent) => {
      e.preventDefault();
      if (!phone.trim()) {
        setPhoneError('Enter your phone number.');
        return phoneRef.current?.focus();
      }
      if (!toE164(country, phone)) {
        setPhoneError(
          `This does not look like a phone number in ${COUNTRIES.find((c) => c.code === country)?.name ?? 'this country'}.`,
        );
        return phoneRef.current?.focus();
      }
      setPhoneError(null);
      setStep({ kind: 'password' });
    };
    return (
      <form className="panel panel-body" noValidate onSubmit={next}>
        <StepHead n={2} of={4} title="Your phone number">
          We’ll text a code to this number now to check it, and each time you sign in.
        </StepHead>
        <div className="phone-row">
          <SelectField
            label="Country or region"
            autoComplete="tel-country-code"
            value={country}
            onChange={(e) => setCountry(e.target.value as CountryCode)}
          >
            {COUNTRIES.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} (+{c.dial})
              </option>
            ))}
          </SelectField>
          <Field
            ref={phoneRef}
            label="Phone number"
            type="tel"
            inputMode="tel"
            autoComplete="tel-national"
            autoFocus
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            error={phoneError}
            tallError
          />
        </div>
        <WizardFoot backLabel="Back" onBack={() => setStep({ kind: 'choose' })}>
          <Button type="submit">Next</Button>
        </WizardFoot>
      </form>
    );
  }

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      setPasswordError('Enter your password.');
      return passwordRef.current?.focus();
    }
    setBusy(true);
    setPasswordError(null);
    try {
      if (method === 'totp') {
        const setup = await post<TotpSetup>('/v1/me/mfa/setup', { method: 'totp', password });
        setStep({ kind: 'totp', setup });
      } else {
        const setup = await post<SmsSetup>('/v1/me/mfa/setup', {
          method: 'sms',
          phone: toE164(country, phone) ?? phone,
          password,
        });
        setStep({ kind: 'sms', setup });
      }
      setPassword('');
    } catch (err) {
      setBusy(false);
      if (isCode(err, 'email_unverified')) void refresh(); // the banner above then says how to confirm it
      if (isCode(err, 'invalid_phone')) {
        setPhoneError(err.message || 'This phone number cannot receive codes.');
        setStep({ kind: 'phone' });
        return;
      }
      setPasswordError(
        isCode(err, 'too_many_requests', 'sms_rate_limited')
          ? `${errorMessage(err)}`
          : isCode(err, 'too_many_attempts')
            ? `Too many wrong codes. ${waitText(err)}`
            : errorMessage(err),
      );
      passwordRef.current?.select();
      passwordRef.current?.focus();
    }
  };

  return (
    <form className="panel panel-body" noValidate onSubmit={start}>
      <StepHead n={method === 'sms' ? 3 : 2} of={total} title="Confirm it’s you">
        Enter your password to continue.
      </StepHead>
      <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <Field
        ref={passwordRef}
        label="Password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={passwordError}
        tallError
        fieldClassName="field-narrow"
      />
      <WizardFoot backLabel="Back" onBack={() => setStep({ kind: method === 'sms' ? 'phone' : 'choose' })}>
        <Button type="submit" loading={busy}>
          Next
        </Button>
      </WizardFoot>
    </form>
  );
}
