// "Confirm your email" (shared/API.md, "Proving the mailbox"): until the link mailed at sign-up is
// opened, the account cannot turn on two-factor authentication or create access keys. The banner
// sits above every account page, says so, and sends a new link; the pages' own buttons explain
// the same with <EmailFirst>. When the tab comes back into view the account is read again, so a
// link opened in another tab takes the banner away here too.
import { useEffect, useRef, useState } from 'react';
import { get, post } from '../api';
import { useCountdown } from '../lib/countdown';
import { errorMessage, isCode, waitText } from '../lib/errors';
import { formatCountdown } from '../lib/format';
import { useSession, useUser } from '../session';
import type { User } from '../types';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { DevOutboxLink } from '../dev/dev-outbox';

/** Reads /v1/me again and keeps it; a failed read changes nothing (the banner stays). */
export function useRecheckUser(): () => Promise<void> {
  const { setUser } = useSession();
  return async () => {
    try {
      setUser(await get<User>('/v1/me'));
    } catch {
      // Offline for a moment, or signed out: the session's own handling takes care of the latter.
    }
  };
}

export function EmailBanner() {
  const user = useUser();
  const recheck = useRecheckUser();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<{ text: string; untilWaitEnds?: boolean } | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const left = useCountdown(waitUntil);
  const recheckRef = useRef(recheck);
  recheckRef.current = recheck;
  const unverifiedRef = useRef(user.email_verified === false);
  unverifiedRef.current = user.email_verified === false;

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && unverifiedRef.current) void recheckRef.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  if (user.email_verified !== false) return null;
  // "Too soon" holds only while the wait lasts; then the button is ready again and says so.
  const shownError = error && !(error.untilWaitEnds && left === 0) ? error.text : null;

  const resend = async () => {
    if (busy || left > 0) return;
    setBusy(true);
    setError(null);
    setSent(false);
    try {
      await post('/v1/me/email/verify');
      setSent(true);
      setWaitUntil(Date.now() + 60_000); // the server takes one resend a minute
    } catch (err) {
      if (isCode(err, 'already_verified')) {
        await recheck(); // confirmed meanwhile (another tab, another device): the banner goes
      } else if (isCode(err, 'resend_too_soon')) {
        setWaitUntil(Date.now() + (err.retryAfter ?? 60) * 1000); // the button counts the wait down
        setError({
          text: 'We sent a link less than a minute ago. Check your mailbox, including spam, or wait a little before asking again.',
          untilWaitEnds: true,
        });
      } else if (isCode(err, 'too_many_requests')) {
        // The day's links are used up: the wait (hours) is said in words, not counted down.
        setError({
          text: `You asked for many links today. Check your mailbox, including spam, for the newest one. ${waitText(err)}`,
        });
      } else {
        setError({ text: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="email-banner" aria-labelledby="email-banner-title">
      <Notice tone="warning" title={<span id="email-banner-title">Confirm your email address</span>}>
        <p>
          We sent a link to <strong className="email-banner-address">{user.email}</strong>. Open it to confirm that this
          address is yours. Until then you can’t turn on two-factor authentication or create access keys.
        </p>
        <div className="email-banner-actions">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => void resend()}
            loading={busy}
            disabled={left > 0}
            aria-describedby="email-banner-result"
          >
            {left > 0 ? `Resend the link in ${formatCountdown(left)}` : 'Resend the link'}
          </Button>
        </div>
        <p id="email-banner-result" className={shownError ? 'email-banner-error' : 'email-banner-ok'} role="status">
          {shownError ?? (sent ? `We sent a new link to ${user.email}. The earlier one no longer works.` : '')}
        </p>
        <DevOutboxLink what="mail" />
      </Notice>
    </section>
  );
}

/** What a page says in place of an action that needs a confirmed address. */
export function EmailFirst({ what, id }: { what: string; id?: string }) {
  const user = useUser();
  return (
    <Notice tone="info" role="alert" className="email-first" id={id}>
      <p>
        <strong>Confirm your email address to {what}.</strong> Open the link we sent to {user.email}. No mail? Use
        “Resend the link” at the top of this page.
      </p>
    </Notice>
  );
}
