import { Link } from '@tanstack/react-router';

/**
 * Links between the pages of one area, shown as tabs: each is its own URL (so Back works and a link can be
 * shared), hence a labelled navigation with `aria-current`, not an ARIA tab list.
 */
export function AlertsTabs() {
  return (
    <nav className="section-tabs" aria-label="Alerts and silences">
      <Link to="/alerts" search={{}} activeOptions={{ includeSearch: false }} activeProps={{ 'aria-current': 'page' }}>
        Alerts
      </Link>
      <Link
        to="/silences"
        search={{}}
        activeOptions={{ includeSearch: false }}
        activeProps={{ 'aria-current': 'page' }}
      >
        Silences
      </Link>
    </nav>
  );
}

export function RulesTabs() {
  return (
    <nav className="section-tabs" aria-label="Rules and heartbeat checks">
      <Link to="/rules" activeOptions={{ exact: true }} activeProps={{ 'aria-current': 'page' }}>
        Rules
      </Link>
      <Link to="/checks" search={{}} activeOptions={{ includeSearch: false }} activeProps={{ 'aria-current': 'page' }}>
        Heartbeat checks
      </Link>
    </nav>
  );
}
