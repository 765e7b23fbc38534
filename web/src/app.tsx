// Routes. Auth pages for visitors, the account pages for a signed-in user, anything else: not found.
import { useLayoutEffect } from 'react';
import { AccountShell } from './account/account-shell';
import { ForgotPasswordPage } from './auth/forgot-password-page';
import { LoginPage } from './auth/login-page';
import { ResetPasswordPage } from './auth/reset-password-page';
import { SignupPage } from './auth/signup-page';
import { VerifyEmailPage } from './auth/verify-email-page';
import { CancelSupportResetPage } from './auth/cancel-support-reset-page';
import { AuthShell } from './auth/auth-shell';
import { DevicePage } from './device/device-page';
import { afterSignIn } from './lib/return-to';
import { OutboxPage } from './dev/outbox-page';
import { navigate, usePath, useSearch, Link } from './router';
import { SessionProvider, useSession } from './session';
import { Button } from './ui/button';
import { useTitle } from './ui/page';

function Redirect({ to }: { to: string }) {
  useLayoutEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  useTitle('Page not found');
  return (
    <AuthShell title="Page not found" lead="There is no page at this address.">
      <Link to="/" className="btn btn-primary btn-block">
        Go to Twofold
      </Link>
    </AuthShell>
  );
}

function Offline({ message }: { message: string }) {
  const { refresh } = useSession();
  useTitle('Twofold is unavailable');
  return (
    <AuthShell title="Twofold is unavailable" lead={message}>
      <Button block onClick={() => void refresh()}>
        Try again
      </Button>
    </AuthShell>
  );
}

function Routes() {
  const rawPath = usePath();
  const search = useSearch();
  const { state } = useSession();
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;

  if (state.status === 'loading') return <div className="center-screen" aria-busy="true" />;
  if (state.status === 'offline') return <Offline message={state.message} />;
  const signedIn = state.status === 'user';

  // A sign-in that left the portal (Google) comes back to / : to the device page when it sent the visitor.
  if (path === '/') return <Redirect to={signedIn ? afterSignIn() : '/login'} />;
  if (path === '/login') {
    // A sign-in through Google comes back here with a challenge (second factor) or an error.
    const params = new URLSearchParams(search);
    if (signedIn && !params.has('challenge') && !params.has('error')) return <Redirect to="/account/two-factor" />;
    return <LoginPage />;
  }
  if (path === '/signup') return signedIn ? <Redirect to="/account/two-factor" /> : <SignupPage />;
  if (path === '/forgot-password') return <ForgotPasswordPage />;
  if (path === '/reset-password') return <ResetPasswordPage />;
  if (path === '/support-reset/cancel') return <CancelSupportResetPage />; // no session needed
  if (path === '/verify-email') return <VerifyEmailPage />; // signed in or not: the link works in any browser
  if (path === '/device') return <DevicePage />; // asks to sign in first when needed
  if (path === '/dev/outbox') return <OutboxPage />; // the server answers this page only while it keeps an outbox
  if (path === '/account' || path.startsWith('/account/')) {
    if (!signedIn) return <Redirect to="/login" />;
    if (path === '/account') return <Redirect to="/account/two-factor" />;
    return <AccountShell path={path} />;
  }
  return <NotFound />;
}

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}
