// The signed-in frame: top bar with the account and Sign out, the section navigation, the page.
import { useState } from 'react';
import { post } from '../api';
import { Link, navigate } from '../router';
import { useSession, useUser } from '../session';
import { Brand } from '../ui/brand';
import { Button } from '../ui/button';
import { AccessKeysPage } from './access-keys-page';
import { EmailBanner } from './email-banner';
import { ProfilePage } from './profile-page';
import { SecurityLogPage } from './security-log-page';
import { SessionsPage } from './sessions-page';
import { TwoFactorPage } from './two-factor-page';

const SECTIONS = [
  { path: '/account/two-factor', label: 'Two-factor Authentication', Page: TwoFactorPage },
  { path: '/account/access-keys', label: 'Access keys', Page: AccessKeysPage },
  { path: '/account/sessions', label: 'Sessions', Page: SessionsPage },
  { path: '/account/security-log', label: 'Security log', Page: SecurityLogPage },
  { path: '/account/profile', label: 'Profile', Page: ProfilePage },
] as const;

export function AccountShell({ path }: { path: string }) {
  const user = useUser();
  const { setUser } = useSession();
  const [leaving, setLeaving] = useState(false);
  const section = SECTIONS.find((s) => s.path === path);

  const signOut = async () => {
    if (leaving) return;
    setLeaving(true);
    try {
      await post('/v1/auth/logout');
    } catch {
      // The cookie may already be gone; either way this browser is signed out.
    }
    setUser(null);
    navigate('/login', { replace: true, flash: 'signed-out' });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Brand to="/account/two-factor" />
          <div className="topbar-user">
            <span className="topbar-email" title={user.email}>
              {user.email}
            </span>
            <Button variant="secondary" size="sm" onClick={signOut} loading={leaving}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <div className="shell">
        <nav className="sidenav" aria-label="Account">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <Link to={s.path} aria-current={s.path === path ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content" id="main" tabIndex={-1}>
          <EmailBanner />
          {section ? <section.Page key={section.path} /> : <UnknownSection />}
        </main>
      </div>
    </div>
  );
}

function UnknownSection() {
  return (
    <div className="panel panel-body stack">
      <h1>Page not found</h1>
      <p className="muted">There is no account page at this address.</p>
      <p>
        <Link to="/account/two-factor">Go to Two-factor Authentication</Link>
      </p>
    </div>
  );
}
