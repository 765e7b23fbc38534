// Account → Sessions → "Remembered devices": browsers that skip the code at sign-in ("Remember
// this device" on the code prompt), until when, and Forget. A forgotten browser asks for the
// code again at its next sign-in; its sessions are not ended (that is the list above).
import { useState } from 'react';
import { api, get } from '../api';
import { errorMessage } from '../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../lib/format';
import { useResource } from '../lib/use-resource';
import { describeUserAgent } from '../lib/user-agent';
import type { RememberedDevice } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';

const loadDevices = (signal: AbortSignal) => get<RememberedDevice[]>('/v1/me/devices', signal);

export function RememberedDevices() {
  const { data: devices, error: loadError, reload } = useResource(loadDevices);
  const [forgetting, setForgetting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const forget = async (d: RememberedDevice) => {
    if (forgetting) return;
    setForgetting(d.id);
    setError(null);
    try {
      await api('DELETE', `/v1/me/devices/${encodeURIComponent(d.id)}`);
      await reload();
      setNotice(`${describeUserAgent(d.user_agent ?? null)} is forgotten: it asks for the code at its next sign-in.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setForgetting(null);
    }
  };

  const shown = error ?? loadError;
  return (
    <section className="panel" aria-labelledby="devices-title">
      <div className="panel-head">
        <h2 id="devices-title">Remembered devices</h2>
      </div>
      <div className="row">
        <p className="muted panel-intro">
          Browsers you asked to remember at sign-in skip the two-factor code when you sign in with your password there.
        </p>
      </div>
      {(shown || notice) && (
        <div className="row">
          {shown ? (
            <Notice tone="danger" role="alert">
              <p>{shown}</p>
            </Notice>
          ) : (
            <Notice tone="success" role="status">
              <p>{notice}</p>
            </Notice>
          )}
        </div>
      )}
      {!devices ? (
        !loadError && (
          <p className="loading-line" role="status">
            Loading…
          </p>
        )
      ) : devices.length === 0 ? (
        <p className="empty rows-top">No device is remembered.</p>
      ) : (
        <ul className="rows rows-top">
          {devices.map((d) => {
            const name = describeUserAgent(d.user_agent ?? null);
            return (
              <li key={d.id}>
                <div className="row-main">
                  <div className="row-text">
                    <p className="row-title">
                      {name}
                      {d.current && <span className="badge badge-accent">This device</span>}
                    </p>
                    <p className="row-meta">
                      {d.ip && <span>{d.ip}</span>}
                      <span>Remembered {formatDate(d.created_at)}</span>
                      {d.last_used_at && (
                        <span>
                          Last used{' '}
                          <time dateTime={d.last_used_at} title={formatDateTime(d.last_used_at)}>
                            {formatRelative(d.last_used_at)}
                          </time>
                        </span>
                      )}
                      <span>Until {formatDate(d.expires_at)}</span>
                    </p>
                  </div>
                  <Button
                    variant="secondary"
                    size="sm"
                    loading={forgetting === d.id}
                    onClick={() => void forget(d)}
                    aria-label={`Forget ${name}${d.ip ? `, ${d.ip}` : ''}`}
                  >
                    Forget
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
