// A small history router: the portal has a handful of pages, no nested data loading.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

function subscribe(l: () => void) {
  listeners.add(l);
  return () => void listeners.delete(l);
}

/** Messages handed from one page to the next (kept in history.state, never in storage). */
export type Flash =
  'welcome' | 'recovered' | 'signed-out' | 'session-ended' | 'password-reset' | 'account-deleted' | 'mfa-required';

/** `detail` rides along with the flash (e.g. how many access keys a password reset disabled). */
export function navigate(to: string, opts: { replace?: boolean; flash?: Flash; detail?: number } = {}): void {
  const state = opts.flash
    ? { flash: opts.flash, ...(opts.detail === undefined ? {} : { detail: opts.detail }) }
    : null;
  if (opts.replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  window.scrollTo(0, 0);
  notify();
}

export function takeFlash(): Flash | null {
  const s = history.state as { flash?: Flash } | null;
  if (!s?.flash) return null;
  // Cleared after this render (not at once, so React's double render in development sees it too).
  queueMicrotask(() => history.replaceState(null, '', location.href));
  return s.flash;
}

/** The number handed along with the current flash, read in the same render as takeFlash(). */
export function flashDetail(): number | null {
  const s = history.state as { detail?: unknown } | null;
  return typeof s?.detail === 'number' ? s.detail : null;
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => location.search);
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
