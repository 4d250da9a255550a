import * as Tooltip from '@radix-ui/react-tooltip';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { session } from '../auth/session';
import { NavIcon } from './nav-icons';
import { ThemeToggle } from './theme';

/**
 * The frame of every signed-in page: a skip link, the navigation by place (a sidebar on wide screens;
 * below 800 px a top bar whose Menu button shows it), theme and sign-out, then the page.
 */
export function AppShell() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);

  // Following a link closes the menu (on a phone it covers the page).
  useEffect(() => setMenuOpen(false), [pathname]);

  /** Whether the page is in this place: its own path or one under it. */
  const within = (...prefixes: string[]) =>
    prefixes.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
  /** A place's link: marked as the current page on its own path, highlighted on every page under it. */
  const place = (path: string, ...others: string[]) => ({
    'aria-current': pathname === path ? ('page' as const) : undefined,
    'data-place-active': within(path, ...others),
  });

  return (
    <Tooltip.Provider delayDuration={200}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="app">
        <header className="shell-header">
          <div className="topbar">
            <Brand />
            <button
              ref={menuButton}
              type="button"
              className="secondary"
              aria-expanded={menuOpen}
              aria-controls="sidebar"
              onClick={() => setMenuOpen((open) => !open)}
            >
              <NavIcon name={menuOpen ? 'close' : 'menu'} />
              Menu
            </button>
          </div>
          <div
            className="sidebar"
            id="sidebar"
            data-open={menuOpen}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && menuOpen) {
                setMenuOpen(false);
                menuButton.current?.focus();
              }
            }}
          >
            <Brand />
            <nav aria-label="Main">
              <ul className="nav-list">
                <li>
                  <Link to="/webhooks" search={{ tab: 'inbound' }} {...place('/webhooks')}>
                    <NavIcon name="webhooks" />
                    Webhooks
                  </Link>
                </li>
                <li>
                  <Link to="/timeline" search={{}} {...place('/timeline')}>
                    <NavIcon name="timeline" />
                    Timeline
                  </Link>
                </li>
                <li>
                  <Link to="/alerts" search={{}} {...place('/alerts', '/silences')}>
                    <NavIcon name="alerts" />
                    Alerts
                  </Link>
                </li>
                <li>
                  <Link to="/rules" {...place('/rules', '/checks')}>
                    <NavIcon name="rules" />
                    Rules &amp; checks
                  </Link>
                </li>
                <li>
                  <Link to="/proposals" search={{}} {...place('/proposals')}>
                    <NavIcon name="proposals" />
                    Proposals
                  </Link>
                </li>
                <li>
                  <Link to="/settings/api-tokens" data-place-active={within('/settings', '/audit')}>
                    <NavIcon name="settings" />
                    Settings
                  </Link>
                  <ul className="nav-sub" aria-label="Settings">
                    <li>
                      <Link to="/settings/api-tokens" activeProps={{ 'aria-current': 'page' }}>
                        API tokens
                      </Link>
                    </li>
                    <li>
                      <Link to="/audit" search={{}} activeProps={{ 'aria-current': 'page' }}>
                        Audit log
                      </Link>
                    </li>
                    <li>
                      <Link to="/webhooks/inbound" hash="key-title" activeOptions={{ includeHash: true }}>
                        Ingest key
                      </Link>
                    </li>
                  </ul>
                </li>
              </ul>
            </nav>
            <div className="sidebar-foot">
              <ThemeToggle />
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  session.signOut();
                  queryClient.clear();
                  void navigate({ to: '/sign-in', search: {} });
                }}
              >
                Sign out
              </button>
            </div>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          <div className="page">
            <Outlet />
          </div>
        </main>
      </div>
    </Tooltip.Provider>
  );
}

/** The product's name, at the top of the sidebar (and of the top bar on phones). */
export function Brand() {
  return (
    <span className="brand">
      <span className="brand-mark" aria-hidden="true">
        D
      </span>
      Daalu
    </span>
  );
}
