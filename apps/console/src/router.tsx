import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { session } from './auth/session';
import { AppShell } from './ui/app-shell';
import { SignInPage } from './pages/sign-in';
import { validateDeliveriesSearch, validateWebhooksSearch } from './pages/webhooks/search';
import { validateTimelineSearch } from './pages/timeline/search';
import {
  validateAlertsSearch,
  validateChecksSearch,
  validateProposalsSearch,
  validateSilencesSearch,
} from './pages/rules/search';
import { validateAuditSearch } from './pages/access/search';

/**
 * Every page and its URL. Filters live in the URL's search params (validated per page), so a link can
 * be shared and Back works. Pages load on demand (lazyRouteComponent): the first load stays small.
 */
const rootRoute = createRootRoute({ component: Outlet });

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): { next?: string } =>
    typeof search.next === 'string' && search.next.startsWith('/') ? { next: search.next } : {},
  component: SignInPage,
});

/** Everything else needs a session; without one, sign in and come back. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: ({ location }) => {
    if (!session.token()) throw redirect({ to: '/sign-in', search: { next: location.href } });
  },
  component: AppShell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/webhooks', search: { tab: 'inbound' } });
  },
});

const webhooksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks',
  validateSearch: validateWebhooksSearch,
  component: lazyRouteComponent(() => import('./pages/webhooks/webhooks-page'), 'WebhooksPage'),
});
const inboundRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks/inbound',
  component: lazyRouteComponent(() => import('./pages/webhooks/inbound-detail'), 'InboundDetailPage'),
});
const newOutboundRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks/outbound/new',
  component: lazyRouteComponent(() => import('./pages/webhooks/outbound-form'), 'NewOutboundPage'),
});
const outboundRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks/outbound/$webhookId',
  validateSearch: validateDeliveriesSearch,
  component: lazyRouteComponent(() => import('./pages/webhooks/outbound-detail'), 'OutboundDetailPage'),
});
const editOutboundRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks/outbound/$webhookId/edit',
  component: lazyRouteComponent(() => import('./pages/webhooks/outbound-form'), 'EditOutboundPage'),
});

const timelineRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/timeline',
  validateSearch: validateTimelineSearch,
  component: lazyRouteComponent(() => import('./pages/timeline/timeline-page'), 'TimelinePage'),
});

const rulesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/rules',
  component: lazyRouteComponent(() => import('./pages/rules/rules-page'), 'RulesPage'),
});
const newRuleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/rules/new',
  component: lazyRouteComponent(() => import('./pages/rules/rule-form'), 'NewRulePage'),
});
const ruleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/rules/$ruleId',
  component: lazyRouteComponent(() => import('./pages/rules/rule-form'), 'EditRulePage'),
});
const alertsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/alerts',
  validateSearch: validateAlertsSearch,
  component: lazyRouteComponent(() => import('./pages/rules/alerts-page'), 'AlertsPage'),
});
const silencesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/silences',
  validateSearch: validateSilencesSearch,
  component: lazyRouteComponent(() => import('./pages/rules/silences-page'), 'SilencesPage'),
});
const checksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/checks',
  validateSearch: validateChecksSearch,
  component: lazyRouteComponent(() => import('./pages/rules/checks-page'), 'ChecksPage'),
});
const proposalsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/proposals',
  validateSearch: validateProposalsSearch,
  component: lazyRouteComponent(() => import('./pages/rules/proposals-page'), 'ProposalsPage'),
});

const apiTokensRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings/api-tokens',
  component: lazyRouteComponent(() => import('./pages/access/api-tokens-page'), 'ApiTokensPage'),
});
const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit',
  validateSearch: validateAuditSearch,
  component: lazyRouteComponent(() => import('./pages/access/audit-page'), 'AuditPage'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([
    indexRoute,
    webhooksRoute,
    inboundRoute,
    newOutboundRoute,
    outboundRoute,
    editOutboundRoute,
    timelineRoute,
    rulesRoute,
    newRuleRoute,
    ruleRoute,
    alertsRoute,
    silencesRoute,
    checksRoute,
    proposalsRoute,
    apiTokensRoute,
    auditRoute,
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
