// Account → Sessions: where the account is signed in. End one, or all but this one. Below, the
// browsers remembered for the second factor.
import { useState } from 'react';
import { api, get } from '../api';
import { errorMessage } from '../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../lib/format';
import { useResource } from '../lib/use-resource';
import { describeUserAgent } from '../lib/user-agent';
import type { Session } from '../types';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Notice } from '../ui/notice';
import { PageHead } from '../ui/page';
import { RememberedDevices } from './remembered-devices';

async function loadSessions(signal: AbortSignal): Promise<Session[]> {
  const list = await get<Session[]>('/v1/me/sessions', signal);
  // This device first, then the most recently active.
  return list.sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at));
}

export function SessionsPage() {
  const { data: sessions, error: loadError, reload } = useResource(loadSessions);
  const [actionError, setActionError] = useState<string | null>(null);
  const [ending, setEnding] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [endingAll, setEndingAll] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  // A failed ending stays said until the list is read again.
  const load = async () => {
    await reload();
    setActionError(null);
  };
  const error = actionError ?? loadError;

  const endOne = async (s: Session) => {
    if (ending) return;
    setEnding(s.id);
    try {
      await api('DELETE', `/v1/me/sessions/${encodeURIComponent(s.id)}`);
      await load();
      setNotice(`Ended the session on ${describeUserAgent(s.user_agent)}.`);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setEnding(null);
    }
  };

  const endOthers = async () => {
    if (endingAll) return;
    setEndingAll(true);
    try {
      const { ended } = await api<{ ended: number }>('DELETE', '/v1/me/sessions');
      await load();
      setConfirmAll(false);
      setNotice(ended === 1 ? 'Ended 1 other session.' : `Ended ${ended} other sessions.`);
    } catch (err) {
      setConfirmAll(false);
      setActionError(errorMessage(err));
    } finally {
      setEndingAll(false);
    }
  };

  const others = sessions?.filter((s) => !s.current).length ?? 0;

  return (
    <>
      <PageHead
        title="Sessions"
        lead="Browsers and apps signed in to your account. If you don’t recognise one, end it and change your password."
      />
      {notice && (
        <Notice tone="success" role="status" className="page-notice">
          <p>{notice}</p>
        </Notice>
      )}
      {error && (
        <Notice tone="danger" role="alert" className="page-notice">
          <p>{error}</p>
        </Notice>
      )}
      <section className="panel" aria-labelledby="sessions-title">
        <div className="panel-head">
          <h2 id="sessions-title">Signed-in devices</h2>
          <Button variant="danger-quiet" onClick={() => setConfirmAll(true)} disabled={others === 0}>
            End all other sessions
          </Button>
        </div>
        {!sessions ? (
          <p className="loading-line" role="status">
            Loading…
          </p>
        ) : (
          <ul className="rows">
            {sessions.map((s) => (
              <li key={s.id}>
                <div className="row-main">
                  <div className="row-text">
                    <p className="row-title">
                      {describeUserAgent(s.user_agent)}
                      {s.current && <span className="badge badge-accent">This device</span>}
                    </p>
                    <p className="row-meta">
                      <span>
                        {s.client === 'web' ? 'Web portal' : s.client === 'cli' ? 'Command line / device' : 'App'}
                      </span>
                      <span>{s.ip ?? 'Unknown address'}</span>
                      <span>
                        {s.current ? (
                          'Active now'
                        ) : (
                          <>
                            Last active{' '}
                            <time dateTime={s.last_seen_at} title={formatDateTime(s.last_seen_at)}>
                              {formatRelative(s.last_seen_at)}
                            </time>
                          </>
                        )}
                      </span>
                      <span>Signed in {formatDate(s.created_at)}</span>
                    </p>
                  </div>
                  {!s.current && (
                    <Button
                      variant="secondary"
                      size="sm"
                      loading={ending === s.id}
                      onClick={() => void endOne(s)}
                      aria-label={`End session on ${describeUserAgent(s.user_agent)}, ${s.ip ?? 'unknown address'}`}
                    >
                      End session
                    </Button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <RememberedDevices />
      <Dialog open={confirmAll} onClose={() => setConfirmAll(false)} title="End all other sessions?">
        <div className="stack">
          <p className="muted">
            Every browser and app signed in to your account, except this one, is signed out. Access keys keep working.
          </p>
          <div className="dialog-foot">
            <Button variant="secondary" onClick={() => setConfirmAll(false)} autoFocus>
              Cancel
            </Button>
            <Button variant="danger" loading={endingAll} onClick={() => void endOthers()}>
              End other sessions
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
