// /dev/outbox: the last mails and text messages a development server logged instead of sending
// (GET /dev/outbox.json), newest first, links clickable, read again every few seconds.
import { Fragment, useCallback, useEffect, useState } from 'react';
import { ApiError, get } from '../api';
import { errorMessage } from '../lib/errors';
import { Link } from '../router';
import { Brand } from '../ui/brand';
import { Button } from '../ui/button';
import { useTitle } from '../ui/page';
import { OUTBOX_JSON } from './dev-outbox';

interface Entry {
  id: number;
  kind: 'mail' | 'sms';
  at: string;
  to: string;
  subject: string | null;
  text: string;
}

const REFRESH_MS = 3000;
const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

/** The text with every http(s) URL as a link (React escapes the rest). */
function Linked({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export function OutboxPage() {
  useTitle('Development outbox');
  const [messages, setMessages] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      const body = await get<{ messages: Entry[] }>(OUTBOX_JSON);
      setMessages(body.messages);
      setError(null);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 404
          ? 'This server keeps no outbox: it runs in production, or sends real mail and text messages.'
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <div className="auth">
      <header className="auth-brand">
        <Brand />
      </header>
      <main className="auth-main outbox" id="main">
        <div className="outbox-head">
          <h1>Development outbox</h1>
          <Button variant="secondary" size="sm" loading={busy} onClick={() => void load()}>
            Refresh
          </Button>
        </div>
        <p className="muted small">
          The last 50 mails and text messages this server logged instead of sending, newest first. It refreshes every
          few seconds. Only a development server keeps them: with <code>NODE_ENV=production</code>,{' '}
          <code>TWOFOLD_MAIL_URL</code> or a real SMS provider there is no outbox.
        </p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {messages?.length === 0 && <p className="muted">Nothing sent yet.</p>}
        <ol className="outbox-list" aria-live="polite">
          {messages?.map((m) => (
            <li key={m.id} className="outbox-item">
              <p className="outbox-meta small muted">
                <span className="dev-badge">{m.kind === 'mail' ? 'Mail' : 'Text'}</span> to{' '}
                <strong className="break-anywhere">{m.to}</strong> ·{' '}
                <time dateTime={m.at}>{new Date(m.at).toLocaleString()}</time>
              </p>
              {m.subject && <h2 className="outbox-subject">{m.subject}</h2>}
              <pre className="outbox-text">
                <Linked text={m.text} />
              </pre>
            </li>
          ))}
        </ol>
        <p className="auth-foot">
          <Link to="/">Back to Twofold</Link>
        </p>
      </main>
    </div>
  );
}
