// The code-entry forms: the sign-in's second step, the recovery code, and a set-up's check. One
// input whose value is normalised as it is typed; a submit that checks the code is whole before
// sending it; a refusal in words under the field; and focus where the user goes next: back in the
// field, or on "start again" when the refusal ends the attempt (expired, locked out).
import { useRef, useState, type FormEvent } from 'react';
import { useCountdown } from './countdown';
import { errorMessage, isCode } from './errors';

/** Seconds before a text message can be sent again (the server's resend wait). */
export const RESEND_SECONDS = 30;

/** What to say about a refused code; `fatal` ends the attempt (only "start again" is left). */
export interface Refusal {
  text: string;
  fatal?: boolean;
}

/** A 6-digit code as typed, pasted or autofilled: digits only, at most six. */
export const sixDigits = (raw: string): string => raw.replace(/\D/g, '').slice(0, 6);

export interface CodeFormOptions {
  /** Sends the code; resolves once it is accepted (the caller moves on), rejects with the refusal. */
  send: (code: string) => Promise<void>;
  /** The words for the refusals this form knows; anything else gets errorMessage. */
  explain: (err: unknown) => Refusal | undefined;
  normalise?: (raw: string) => string;
  isComplete?: (code: string) => boolean;
  /** Said when the code is not whole yet. */
  incomplete?: string;
  /** Empty the field after a refusal (a used 6-digit code never works twice; a recovery code is kept to fix a typo). */
  clearOnRefusal?: boolean;
}

export function useCodeForm({
  send,
  explain,
  normalise = sixDigits,
  isComplete = (code) => code.length === 6,
  incomplete = 'Enter the 6-digit code.',
  clearOnRefusal = true,
}: CodeFormOptions) {
  const [code, setCodeRaw] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dead, setDead] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const restartRef = useRef<HTMLButtonElement>(null);

  const setCode = (raw: string) => setCodeRaw(normalise(raw));

  const fail = ({ text, fatal = false }: Refusal) => {
    setError(text);
    setOk(null);
    if (fatal) {
      setDead(true);
      setTimeout(() => restartRef.current?.focus(), 0); // the button appears with this render
    } else codeRef.current?.focus();
  };

  /** A confirmation in the field's message line (a new code was sent). */
  const confirm = (text: string) => {
    setError(null);
    setOk(text);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || dead) return;
    if (!isComplete(code)) return fail({ text: incomplete });
    setBusy(true);
    try {
      await send(code);
    } catch (err) {
      setBusy(false);
      if (clearOnRefusal) setCodeRaw('');
      fail(explain(err) ?? { text: errorMessage(err) });
    }
  };

  return { code, setCode, error, ok, busy, dead, codeRef, restartRef, fail, confirm, submit };
}

export type CodeForm = ReturnType<typeof useCodeForm>;

/**
 * "Resend code" for a text-message code: counts the server's wait down, and tells the form when a
 * new code went out or the attempt is over (`expired` says which refusals mean that, in words).
 */
export function useResendCode(
  form: CodeForm,
  send: () => Promise<void>,
  expired: (err: unknown) => string | undefined,
) {
  const [resendAt, setResendAt] = useState(() => Date.now() + RESEND_SECONDS * 1000);
  const [resending, setResending] = useState(false);
  const resendIn = useCountdown(resendAt);

  const resend = async () => {
    if (resending || resendIn > 0 || form.dead) return;
    setResending(true);
    try {
      await send();
      setResendAt(Date.now() + RESEND_SECONDS * 1000);
      form.confirm('We sent a new code. The earlier one no longer works.');
    } catch (err) {
      const over = expired(err);
      if (isCode(err, 'resend_too_soon')) setResendAt(Date.now() + (err.retryAfter ?? RESEND_SECONDS) * 1000);
      else if (over) form.fail({ text: over, fatal: true });
      else form.fail({ text: errorMessage(err) });
    } finally {
      setResending(false);
    }
  };

  return { resend, resending, resendIn };
}
