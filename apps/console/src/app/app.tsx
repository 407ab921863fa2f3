import { useCallback, useEffect, useId, useState, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import { LiveUpdates, useLive } from '../api/live-updates.js';
import { authQueries, namespacesQueries, overviewQueries } from '../api/queries.js';
import { AccessProvider, accessIn, landingNamespace } from '../auth/access.js';
import { LoginPage } from '../auth/login-page.js';
import { AuditPage, readAuditFilters } from '../audit/audit-page.js';
import { NamespacesPage } from '../namespaces/namespaces-page.js';
import { Loading } from '../ui/feedback.js';
import { auth } from '../auth/session.js';
import { ServicePage } from '../services/service-page.js';
import { OverviewPage } from '../services/overview-page.js';
import { ServicesPage, readFilters } from '../services/services-page.js';
import { UsersPage } from '../users/users-page.js';
import { useFocusHeadingOnNavigation } from './focus-on-navigation.js';
import { Link, href, matchRoute, navigate, useLocation } from './router.js';

export function App() {
  const { session, loginRequired } = useSyncExternalStore(auth.subscribe, auth.getState);
  // Without a stored session, ask first whether the server wants one (a public call), so that a
  // fresh load shows the sign-in page without a single refused request.
  const mode = useQuery({ ...authQueries.mode(), enabled: !session && !loginRequired });
  if (loginRequired) return <LoginPage />;
  if (!session && mode.isPending) return <Loading what="Beacon" />;
  if (!session && mode.data?.authEnabled) return <LoginPage />;
  return <Shell />;
}

function NoAccess({ namespaceId, readable }: { namespaceId: string; readable: string | undefined }) {
  const elsewhere = readable ?? (namespaceId === 'public' ? undefined : 'public');
  return (
    <div className="panel panel-error" role="alert">
      <h1>No access to namespace {namespaceId}</h1>
      <p>Your account may not read this namespace. An admin can grant a role a permission on it.</p>
      {elsewhere !== undefined && (
        <p>
          <Link to={href('/', { namespace: elsewhere === 'public' ? undefined : elsewhere })}>
            Go to namespace {elsewhere}
          </Link>
        </p>
      )}
    </div>
  );
}

function LiveIndicator() {
  const { state } = useLive();
  // Anything but an open stream means the pages poll instead.
  const label =
    state === 'open'
      ? 'Live'
      : state === 'connecting'
        ? 'Connecting…'
        : state === 'reconnecting'
          ? 'Reconnecting… (polling)'
          : state === 'forbidden'
            ? 'No access'
            : 'Polling';
  return (
    <span className={`live live-${state}`} role="status" title="Updates from the server's watch stream">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function NamespaceSwitcher({ namespaceId }: { namespaceId: string }) {
  const id = useId();
  const namespaces = useQuery(namespacesQueries.all());
  const overview = useQuery(overviewQueries.current());
  const unhealthy = new Map(overview.data?.namespaces.map((ns) => [ns.namespaceId, ns.withUnhealthy + ns.outages]));
  const options = namespaces.data ?? [{ id: 'public', name: 'public', description: '', serviceCount: 0 }];
  return (
    <div className="namespace-switcher">
      <label htmlFor={id}>Namespace</label>
      <select
        id={id}
        className="input input-dark"
        value={namespaceId}
        onChange={(e) => navigate(href('/', { namespace: e.target.value === 'public' ? undefined : e.target.value }))}
      >
        {options.map((ns) => (
          <option key={ns.id} value={ns.id}>
            {ns.name}
            {ns.name !== ns.id ? ` (${ns.id})` : ''} · {ns.serviceCount}
            {(unhealthy.get(ns.id) ?? 0) > 0 ? ` · ${unhealthy.get(ns.id)} unhealthy` : ''}
          </option>
        ))}
        {!options.some((ns) => ns.id === namespaceId) && <option value={namespaceId}>{namespaceId}</option>}
      </select>
    </div>
  );
}

/** Announcements for screen readers and a visible toast: "Saved 10.0.0.1:8080". */
function useAnnouncer() {
  const [message, setMessage] = useState<{ text: string; at: number } | undefined>();
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(undefined), 4000);
    return () => clearTimeout(timer);
  }, [message]);
  const announce = useCallback((text: string) => setMessage({ text, at: Date.now() }), []);
  return { message: message?.text, announce };
}

function Shell() {
  const location = useLocation();
  const { session } = useSyncExternalStore(auth.subscribe, auth.getState);
  const askedFor = location.params.get('namespace')?.trim();
  const namespaceId = askedFor || 'public';
  const me = useQuery(authQueries.me(namespaceId));
  const access = accessIn(me.data, namespaceId);
  const route = matchRoute(location.pathname);
  // A user limited to other namespaces opens on the first they may read, not on "no access".
  const landing = landingNamespace(me.data);
  const redirectTo = !askedFor && route.page === 'services' && !access.read ? landing : undefined;
  useEffect(() => {
    if (redirectTo !== undefined) navigate(href('/', { namespace: redirectTo }), { replace: true });
  }, [redirectTo]);
  const { message, announce } = useAnnouncer();
  useFocusHeadingOnNavigation(location.pathname);
  const home = href('/', { namespace: namespaceId === 'public' ? undefined : namespaceId });

  return (
    <LiveUpdates namespaceId={namespaceId} access={!access.known ? 'pending' : access.read ? 'allowed' : 'denied'}>
      <AccessProvider access={access}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Link to={home} className="brand">
            <span className="brand-mark" aria-hidden="true" /> Beacon
          </Link>
          <nav aria-label="Main" className="topnav">
            <Link to={home} aria-current={route.page === 'services' || route.page === 'service' ? 'page' : undefined}>
              Services
            </Link>
            <Link to="/overview" aria-current={route.page === 'overview' ? 'page' : undefined}>
              Overview
            </Link>
            {access.admin && (
              <Link to="/namespaces" aria-current={route.page === 'namespaces' ? 'page' : undefined}>
                Namespaces
              </Link>
            )}
            {me.data?.authEnabled && me.data.admin && (
              <Link to="/users" aria-current={route.page === 'users' ? 'page' : undefined}>
                Users
              </Link>
            )}
            {access.admin && (
              <Link to="/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>
                Audit
              </Link>
            )}
          </nav>
          <div className="topbar-right">
            <NamespaceSwitcher namespaceId={namespaceId} />
            <LiveIndicator />
            {(session || me.data?.authEnabled) && (
              <span className="user">
                <span className="muted-on-dark">{me.data?.username ?? session?.username}</span>
                <button type="button" className="button button-dark" onClick={() => auth.signOut()}>
                  Sign out
                </button>
              </span>
            )}
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {(route.page === 'services' || route.page === 'service') && !access.read && redirectTo === undefined && (
            <NoAccess namespaceId={namespaceId} readable={landing} />
          )}
          {route.page === 'services' && access.read && (
            <ServicesPage namespaceId={namespaceId} filters={readFilters(location.params)} announce={announce} />
          )}
          {route.page === 'service' && access.read && (
            <ServicePage
              key={`${namespaceId}/${route.groupName}/${route.name}`}
              namespaceId={namespaceId}
              groupName={route.groupName}
              name={route.name}
              announce={announce}
            />
          )}
          {route.page === 'overview' && <OverviewPage />}
          {route.page === 'users' && <UsersPage announce={announce} />}
          {route.page === 'namespaces' && <NamespacesPage announce={announce} />}
          {route.page === 'audit' && <AuditPage filters={readAuditFilters(location.params)} />}
          {route.page === 'not-found' && (
            <div className="panel">
              <h1>Page not found</h1>
              <p>
                <Link to={home}>Go to the services</Link>
              </p>
            </div>
          )}
        </main>
        <div className="toast-region" role="status" aria-live="polite">
          {message && <div className="toast">{message}</div>}
        </div>
      </AccessProvider>
    </LiveUpdates>
  );
}
