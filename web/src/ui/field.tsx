// A labelled input with an optional hint and an error line whose space is always reserved, so a
// message appearing never moves the rest of the form.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';

interface Common {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null | undefined;
  /** A confirmation shown in the same reserved line when there is no error. */
  ok?: string | null | undefined;
  /** Something shown at the right of the label, e.g. "Forgot password?". */
  aside?: ReactNode;
  /** Reserve two lines for the error (fields whose messages run long). */
  tallError?: boolean;
  fieldClassName?: string;
}

function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s || undefined;
}

/** Label, hint and the reserved error line around one control; the control gets its ids and aria. */
function FieldShell({
  label,
  hint,
  error,
  ok,
  aside,
  tallError,
  fieldClassName,
  id,
  control,
}: Common & {
  id: string | undefined;
  control: (a11y: {
    id: string;
    'aria-invalid': true | undefined;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const auto = useId();
  const fid = id ?? `f${auto.replace(/:/g, '')}`;
  const hintId = `${fid}-hint`;
  const errorId = `${fid}-error`;
  return (
    <div className={`field ${fieldClassName ?? ''}`}>
      <div className="field-head">
        <label htmlFor={fid}>{label}</label>
        {aside}
      </div>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {control({
        id: fid,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy(Boolean(hint) && hintId, Boolean(error || ok) && errorId),
      })}
      <p
        className={`field-error ${tallError ? 'field-error-2' : ''} ${!error && ok ? 'field-ok' : ''}`}
        id={errorId}
        aria-live="polite"
      >
        {error || ok}
      </p>
    </div>
  );
}

export interface FieldProps extends Common, Omit<InputHTMLAttributes<HTMLInputElement>, 'children'> {
  ref?: Ref<HTMLInputElement>;
}

export function Field({
  label,
  hint,
  error,
  ok,
  aside,
  tallError,
  fieldClassName,
  id,
  className,
  ref,
  ...input
}: FieldProps) {
  return (
    <FieldShell
      {...{ label, hint, error, ok, aside, tallError, fieldClassName, id }}
      control={(a11y) => <input ref={ref} className={`input ${className ?? ''}`} {...a11y} {...input} />}
    />
  );
}

export interface SelectFieldProps extends Common, SelectHTMLAttributes<HTMLSelectElement> {
  ref?: Ref<HTMLSelectElement>;
}

export function SelectField({
  label,
  hint,
  error,
  ok,
  aside,
  tallError,
  fieldClassName,
  id,
  className,
  ref,
  children,
  ...select
}: SelectFieldProps) {
  return (
    <FieldShell
      {...{ label, hint, error, ok, aside, tallError, fieldClassName, id }}
      control={(a11y) => (
        <select ref={ref} className={`select ${className ?? ''}`} {...a11y} {...select}>
          {children}
        </select>
      )}
    />
  );
}

/** The 6-digit code field: one input, filled by the phone's one-time-code autofill (useCodeForm keeps it to digits). */
export function CodeField({
  value,
  onValue,
  label = 'Code',
  ...rest
}: Omit<FieldProps, 'value' | 'onChange' | 'label'> & { value: string; onValue: (v: string) => void; label?: string }) {
  return (
    <Field
      label={label}
      value={value}
      onChange={(e) => onValue(e.target.value)}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]*"
      spellCheck={false}
      placeholder="000000"
      className="input-code"
      fieldClassName="field-code"
      tallError
      {...rest}
    />
  );
}
