// Account → Security log: sign-ins, failures, factor, passkey and key changes, newest first, in pages.
import { get } from '../api';
import { formatDateTime } from '../lib/format';
import { useResource } from '../lib/use-resource';
import { describeUserAgent } from '../lib/user-agent';
import type { LogEvent } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { PageHead } from '../ui/page';

const PAGE = 20;

/** The events shown so far, and whether the server has older ones. */
interface Log {
  events: LogEvent[];
  more: boolean;
}

async function fetchPage(signal: AbortSignal, before?: number): Promise<Log> {
  const events = await get<LogEvent[]>(`/v1/me/events?limit=${PAGE}${before ? `&before=${before}` : ''}`, signal);
  return { events, more: events.length === PAGE };
}

const firstPage = (signal: AbortSignal) => fetchPage(signal);

const METHOD: Record<string, string> = {
  password: 'with password',
  google: 'with Google',
  totp: 'with an authenticator code',
  sms: 'with a text message code',
  recovery: 'with the recovery code',
  passkey: 'with a passkey',
};

function signInMethod(m: unknown): string {
  if (typeof m !== 'string') return '';
  const parts = m.split('+');
  const via = METHOD[parts[0] ?? ''] ?? '';
  // "Remember this device": the password was enough on a browser that had passed the code before.
  if (parts[1] === 'remembered_device') return `${via}, no code asked (remembered device)`;
  const second = parts[1] ? METHOD[parts[1]]?.replace(/^with /, '') : undefined;
  return second ? `${via} and ${second}` : via;
}

type Tone = 'good' | 'bad' | 'key' | 'plain';

const passkeyName = (e: LogEvent) => (typeof e.name === 'string' ? `“${e.name}”` : undefined);

/** The event in words: a title, and a detail that reads on after it ("Signed in" "with password"). */
export function describeEvent(e: LogEvent): { title: string; detail?: string | undefined; mono?: boolean; tone: Tone } {
  const key = typeof e.key_id === 'string' ? e.key_id : undefined;
  switch (e.type) {
    case 'account.created':
      return { title: 'Account created', tone: 'good' };
    case 'signin.succeeded':
      return { title: 'Signed in', detail: signInMethod(e.method), tone: 'good' };
    case 'signin.mfa_required':
      return {
        title: 'Password accepted, code requested',
        detail:
          e.method === 'sms'
            ? '(text message)'
            : e.method === 'totp'
              ? '(authenticator app)'
              : e.method === 'passkey'
                ? '(passkey)'
                : undefined,
        tone: 'plain',
      };
    case 'signin.failed':
      return {
        title: 'Sign-in refused',
        detail:
          e.reason === 'password'
            ? '(wrong password)'
            : e.reason === 'second_factor'
              ? '(wrong two-factor code)'
              : e.reason === 'recovery_code'
                ? '(wrong recovery code)'
                : e.reason === 'passkey'
                  ? '(passkey not accepted)'
                  : undefined,
        tone: 'bad',
      };
    case 'signout':
      return { title: 'Signed out', tone: 'plain' };
    case 'session.ended':
      return { title: 'Session ended', tone: 'plain' };
    case 'sessions.ended_others':
      return {
        title: 'Other sessions ended',
        detail: typeof e.count === 'number' ? `(${e.count})` : undefined,
        tone: 'plain',
      };
    case 'password.changed':
      return { title: 'Password changed', tone: 'key' };
    case 'password.reset_requested':
      return { title: 'Password reset requested', tone: 'plain' };
    case 'password.reset_used':
      return { title: 'Password reset', tone: 'key' };
    case 'reauthentication.failed':
      return { title: 'Wrong password when confirming a change', tone: 'bad' };
    case 'mfa.setup_started':
      return { title: 'Two-factor set-up started', tone: 'plain' };
    case 'mfa.setup_failed':
      return { title: 'Two-factor set-up: wrong code', tone: 'bad' };
    case 'mfa.enabled':
      return {
        title: 'Two-factor authentication turned on',
        detail: e.method === 'sms' ? '(SMS Number)' : '(Authenticator App)',
        tone: 'good',
      };
    case 'mfa.reconfigured':
      return {
        title: 'Two-factor authentication re-configured',
        detail: e.method === 'sms' ? '(SMS Number)' : '(Authenticator App)',
        tone: 'key',
      };
    case 'mfa.disabled':
      return {
        title: 'Two-factor authentication turned off',
        detail:
          e.reason === 'recovery'
            ? 'after signing in with the recovery code'
            : e.passkeys_removed === true
              ? 'and the passkeys deleted'
              : undefined,
        tone: 'bad',
      };
    case 'mfa.recovery_used':
      return { title: 'Recovery code used', tone: 'key' };
    case 'mfa.recovery_code_renewed':
      return { title: 'New recovery code made', tone: 'key' };
    case 'access_key.created':
      return { title: 'Access key created', detail: key, mono: true, tone: 'key' };
    case 'access_key.enabled':
      return { title: 'Access key enabled', detail: key, mono: true, tone: 'key' };
    case 'access_key.disabled':
      return { title: 'Access key disabled', detail: key, mono: true, tone: 'key' };
    case 'access_key.deleted':
      return { title: 'Access key deleted', detail: key, mono: true, tone: 'key' };
    case 'device.approved':
      return {
        title: 'Device signed in (approved here)',
        detail: typeof e.device_ip === 'string' ? `from ${e.device_ip}` : undefined,
        tone: 'key',
      };
    case 'device.denied':
      return { title: 'Device sign-in denied', tone: 'plain' };
    case 'passkey.added':
      return { title: 'Passkey added', detail: passkeyName(e), tone: 'key' };
    case 'passkey.renamed':
      return { title: 'Passkey renamed', detail: passkeyName(e), tone: 'plain' };
    case 'passkey.removed':
      return {
        title: 'Passkey deleted',
        detail: e.mfa_off === true ? '(two-factor authentication is now off)' : undefined,
        tone: 'key',
      };
    case 'passkey.counter_regressed':
      return { title: 'Passkey refused: its signature counter went back', detail: '(a copy?)', tone: 'bad' };
    case 'device.remembered':
      return { title: 'Device remembered', detail: 'skips the code at sign-in', tone: 'key' };
    case 'device.forgotten':
      return { title: 'Remembered device forgotten', tone: 'plain' };
    default: {
      const words = e.type.replace(/[._]/g, ' ');
      return { title: words.charAt(0).toUpperCase() + words.slice(1), tone: 'plain' };
    }
  }
}

export function SecurityLogPage() {
  const { data, error, loading, run } = useResource(firstPage);
  const events = data?.events ?? null;
  const more = data?.more ?? false;
  const older = (before: number | undefined) =>
    run(async (signal) => {
      const page = await fetchPage(signal, before);
      return (old) => (before && old ? { events: [...old.events, ...page.events], more: page.more } : page);
    });

  return (
    <>
      <PageHead
        title="Security log"
        lead="Sign-ins and changes to your account’s security, newest first. Something you don’t recognise? Change your password and end other sessions."
      />
      {error && (
        <Notice tone="danger" role="alert" className="page-notice">
          <p>{error}</p>
        </Notice>
      )}
      <section className="panel" aria-labelledby="log-title">
        <h2 id="log-title" className="visually-hidden">
          Events
        </h2>
        {!events ? (
          <p className="loading-line" role="status">
            Loading…
          </p>
        ) : events.length === 0 ? (
          <p className="empty">Nothing yet.</p>
        ) : (
          <ol className="rows">
            {events.map((e) => {
              const d = describeEvent(e);
              return (
                <li key={e.id} className="event">
                  <span className={`event-dot event-dot-${d.tone}`} aria-hidden="true" />
                  <div className="row-text">
                    <p className="event-title">
                      {d.title}
                      {d.detail && <span className={`event-detail ${d.mono ? 'mono' : ''}`}> {d.detail}</span>}
                    </p>
                    <p className="row-meta">
                      <span>
                        <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                      </span>
                      {e.ip && <span>{e.ip}</span>}
                      {e.user_agent && <span>{describeUserAgent(e.user_agent)}</span>}
                    </p>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        {events && more && (
          <div className="more">
            <Button variant="secondary" loading={loading} onClick={() => void older(events.at(-1)?.id)}>
              Show older events
            </Button>
          </div>
        )}
      </section>
    </>
  );
}
