// The recovery code, shown once: large and grouped, with Copy, Download and Print, and a check
// that it was saved before Done. Done hands control back and the code leaves the page's memory.
import { useEffect, useRef, useState } from 'react';
import { downloadText, recoveryCodeFile } from '../lib/download';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { Notice } from '../ui/notice';
import { FocusHeading } from '../ui/page';

export type RecoveryContext = 'enabled' | 'reconfigured' | 'renewed' | 'passkey';

function codeGroups(code: string): string[] {
  if (code.includes('-')) return code.split('-');
  return code.match(/.{1,5}/g) ?? [code];
}

export function RecoveryCodeScreen({
  code,
  email,
  context,
  onDone,
}: {
  code: string;
  email: string;
  context: RecoveryContext;
  onDone: () => void;
}) {
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const checkRef = useRef<HTMLInputElement>(null);

  // Leaving the page before saving would lose the code for good: ask first.
  useEffect(() => {
    if (saved) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [saved]);

  const done = () => {
    if (!saved) {
      setError('Save your recovery code, then check this box.');
      checkRef.current?.focus();
      return;
    }
    onDone();
  };

  const lead =
    context === 'renewed'
      ? 'Here is your new recovery code. The old one no longer works.'
      : context === 'reconfigured'
        ? 'Two-factor authentication is set up on your new device, and you have a new recovery code. The old code no longer works.'
        : context === 'passkey'
          ? 'Your passkey is added and two-factor authentication is on. If you lose the device that holds your passkey, this code gets you back in: choose “Can’t access two-factor device” when you sign in.'
          : 'Two-factor authentication is on. If you lose your phone, this code gets you back in: choose “Can’t access two-factor device” when you sign in.';

  return (
    <section className="panel printable" aria-labelledby="recovery-title">
      <div className="panel-body stack-lg">
        <div className="wizard-head" id="recovery-title">
          <FocusHeading>Save your recovery code</FocusHeading>
          <p>{lead}</p>
        </div>
        <div className="recovery">
          <p className="print-only eyebrow">Twofold recovery code</p>
          <p className="recovery-code">
            {codeGroups(code).map((g, i) => (
              <span key={i}>{g}</span>
            ))}
          </p>
          <p className="recovery-email">{email}</p>
          <div className="recovery-tools no-print">
            <CopyButton text={code} what="recovery code" />
            <Button
              variant="secondary"
              size="sm"
              onClick={() => downloadText('twofold-recovery-code.txt', recoveryCodeFile(email, code))}
            >
              Download
            </Button>
            <Button variant="secondary" size="sm" onClick={() => window.print()}>
              Print
            </Button>
          </div>
        </div>
        <Notice tone="warning" className="no-print">
          <p>
            This is the only time the code is shown. Keep it somewhere safe and apart from your phone, such as a
            password manager or a printed copy.
          </p>
        </Notice>
        <div className="no-print">
          <label className="check">
            <input
              ref={checkRef}
              type="checkbox"
              checked={saved}
              aria-describedby="saved-error"
              aria-invalid={error ? true : undefined}
              onChange={(e) => {
                setSaved(e.target.checked);
                if (e.target.checked) setError(null);
              }}
            />
            I have saved my recovery code
          </label>
          <p className="field-error" id="saved-error">
            {error}
          </p>
          <div className="wizard-foot">
            <div className="actions">
              <Button onClick={done}>Done</Button>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
