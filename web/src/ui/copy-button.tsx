// Copies a value to the clipboard and says so, visibly and to screen readers.
import { useEffect, useState } from 'react';
import { Button } from './button';

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Older browsers or a blocked clipboard API: copy through a selected, off-screen textarea.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function CopyButton({
  text,
  what,
  label = 'Copy',
  className,
}: {
  text: string;
  what: string;
  label?: string;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        className={`copy-status ${className ?? ''}`}
        onClick={() => void copyText(text).then(() => setCopied(true))}
      >
        {copied ? 'Copied' : label}
        <span className="visually-hidden"> {what}</span>
      </Button>
      <span className="visually-hidden" role="status">
        {copied ? `${what} copied` : ''}
      </span>
    </>
  );
}
