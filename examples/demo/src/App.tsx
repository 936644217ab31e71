import { useEffect, useRef } from 'react';
import { useSession } from 'react-dpop-session';
import { Account } from './pages/Account';
import { Home } from './pages/Home';
import { SignIn } from './pages/SignIn';
import { NetworkPanel } from './NetworkPanel';
import { ThemeToggle } from './ThemeToggle';
import { navigate, useRoute } from './router';

export function App() {
  const session = useSession<{ name?: string; email?: string }>();
  const route = useRoute();
  const signedIn = session.status === 'authenticated';

  // A new page (signed in, signed out, another link) takes the focus to its heading, so
  // keyboard and screen-reader users land on it rather than on <body>.
  const pageName =
    session.status === 'loading' ? 'loading' : !signedIn || route === '/signin' ? 'signin' : route;
  const shown = useRef(pageName);
  useEffect(() => {
    const before = shown.current;
    shown.current = pageName;
    if (before === pageName || before === 'loading') return;
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    if (!lost && !active.closest('.demo-nav')) return;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [pageName]);

  let page;
  if (session.status === 'loading') {
    page = (
      <div className="demo-card demo-centered" aria-busy="true" data-testid="restoring">
        Restoring your session…
      </div>
    );
  } else if (!signedIn || route === '/signin') {
    page = <SignIn />;
  } else if (route === '/account') {
    page = <Account />;
  } else {
    page = <Home />;
  }

  return (
    <div className="demo-shell" data-status={session.status}>
      <header className="demo-header">
        <a
          className="demo-brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          <span className="demo-logo" aria-hidden="true">
            ✓
          </span>
          Acme Notes
        </a>
        <nav aria-label="Main" className="demo-nav">
          {signedIn && (
            <>
              <NavLink to="/" label="Home" active={route === '/'} />
              <NavLink to="/account" label="Account" active={route === '/account'} />
            </>
          )}
        </nav>
        <div className="demo-header-end">
          <ThemeToggle />
          {signedIn && (
            <>
              <span className="demo-user" data-testid="user-name">
                {session.profile?.name ?? session.userId}
              </span>
              <button
                type="button"
                className="demo-button demo-button-quiet"
                onClick={() => void session.logout()}
              >
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main className="demo-main">{page}</main>
      <NetworkPanel />
    </div>
  );
}

function NavLink({ to, label, active }: { to: '/' | '/account'; label: string; active: boolean }) {
  return (
    <a
      href={to}
      className="demo-nav-link"
      aria-current={active ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );
}
