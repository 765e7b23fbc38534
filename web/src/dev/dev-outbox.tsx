// The development outbox, seen from the portal: whether the server keeps one (a HEAD probe of
// GET /dev/outbox.json, asked once per page load: 200 while it is on, 404 in production or with
// real mail or SMS), and the link shown where a page says "we sent you a mail / a code".
import { useEffect, useState } from 'react';

export const OUTBOX_JSON = '/dev/outbox.json';
export const OUTBOX_PAGE = '/dev/outbox';

let probe: Promise<boolean> | null = null;

function outboxIsOn(): Promise<boolean> {
  probe ??= fetch(OUTBOX_JSON, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' }).then(
    (res) => res.ok,
    () => false,
  );
  return probe;
}

export function useDevOutbox(): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    let live = true;
    void outboxIsOn().then((v) => live && setOn(v));
    return () => void (live = false);
  }, []);
  return on;
}

/** "Development: open the outbox", shown only while the server keeps one. */
export function DevOutboxLink({ what }: { what: 'mail' | 'code' }) {
  const on = useDevOutbox();
  if (!on) return null;
  return (
    <p className="dev-outbox-link small">
      <span className="dev-badge">Development</span> This server logs {what === 'mail' ? 'mails' : 'text messages'}{' '}
      instead of sending them:{' '}
      <a href={OUTBOX_PAGE} target="_blank" rel="noopener">
        open the outbox
      </a>{' '}
      to see {what === 'mail' ? 'the mail and its link' : 'the code'}.
    </p>
  );
}
