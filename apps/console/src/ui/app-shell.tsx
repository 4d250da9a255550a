import * as Tooltip from '@radix-ui/react-tooltip';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { session } from '../auth/session';
import { ThemeToggle } from './theme';

/** The frame of every signed-in page: a skip link, the navigation, theme and sign-out, then the page. */
export function AppShell() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <Tooltip.Provider delayDuration={200}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Daalu</span>
        <nav aria-label="Main">
          <span className="nav-group" id="nav-managed-infra">
            Managed Infra
          </span>
          <ul aria-labelledby="nav-managed-infra">
            <li>
              <Link to="/webhooks" search={{ tab: 'inbound' }} activeProps={{ 'aria-current': 'page' }}>
                Webhooks
              </Link>
            </li>
          </ul>
          <ul>
            <li>
              <Link to="/timeline" search={{}} activeProps={{ 'aria-current': 'page' }}>
                Timeline
              </Link>
            </li>
            <li>
              <Link to="/rules" activeProps={{ 'aria-current': 'page' }}>
                Alert rules
              </Link>
            </li>
            <li>
              <Link to="/alerts" search={{}} activeProps={{ 'aria-current': 'page' }}>
                Alerts
              </Link>
            </li>
            <li>
              <Link to="/proposals" search={{}} activeProps={{ 'aria-current': 'page' }}>
                Proposals
              </Link>
            </li>
          </ul>
          <span className="nav-group" id="nav-settings">
            Settings
          </span>
          <ul aria-labelledby="nav-settings">
            <li>
              <Link to="/settings/api-tokens" activeProps={{ 'aria-current': 'page' }}>
                API tokens
              </Link>
            </li>
          </ul>
          <ul>
            <li>
              <Link to="/audit" search={{}} activeProps={{ 'aria-current': 'page' }}>
                Audit log
              </Link>
            </li>
          </ul>
        </nav>
        <div className="header-actions">
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
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </Tooltip.Provider>
  );
}
