// Who is signed in. At start the portal asks the server (GET /v1/me) and which sign-in providers
// are configured (GET /v1/auth/providers; a server without that route has no Google sign-in). The
// session itself is the HttpOnly cookie: nothing about it is kept in the page's storage.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, get, SIGNED_OUT_EVENT } from './api';
import { navigate } from './router';
import type { User } from './types';

export type SessionState =
  { status: 'loading' } | { status: 'offline'; message: string } | { status: 'anon' } | { status: 'user'; user: User };

export interface Providers {
  google: boolean;
}

interface SessionApi {
  state: SessionState;
  providers: Providers;
  setUser(user: User | null): void;
  refresh(): Promise<void>;
}

const Ctx = createContext<SessionApi | null>(null);

async function loadProviders(): Promise<Providers> {
  try {
    const p = await get<{ google?: unknown }>('/v1/auth/providers');
    return { google: p?.google === true };
  } catch {
    return { google: false };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [providers, setProviders] = useState<Providers>({ google: false });
  const stateRef = useRef(state);
  stateRef.current = state;

  const refresh = useCallback(async () => {
    try {
      const user = await get<User>('/v1/me');
      setState({ status: 'user', user });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setState({ status: 'anon' });
      else
        setState({ status: 'offline', message: e instanceof ApiError ? e.message : 'Twofold could not be reached.' });
    }
  }, []);

  useEffect(() => {
    void Promise.all([refresh(), loadProviders().then(setProviders)]);
  }, [refresh]);

  useEffect(() => {
    const onSignedOut = () => {
      if (stateRef.current.status !== 'user') return;
      setState({ status: 'anon' });
      navigate('/login', { replace: true, flash: 'session-ended' });
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);

  const setUser = useCallback(
    (user: User | null) => setState(user ? { status: 'user', user } : { status: 'anon' }),
    [],
  );
  const value = useMemo(() => ({ state, providers, setUser, refresh }), [state, providers, setUser, refresh]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in user, inside the account pages. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'user') throw new Error('useUser without a signed-in user');
  return state.user;
}
