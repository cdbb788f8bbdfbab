import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Spin } from 'antd';
import { Fragment, lazy, Suspense, useEffect, useLayoutEffect, useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { onUnauthenticated } from '@/lib/api-client';
import { sessionKeys, sessionQuery } from '@/lib/session.api';
import type { SessionInfo } from '@/shared/session.schema';
import { ErrorState } from '@/components/error-state';
import { appShellShown, removeAppShell } from './app-shell';

const SessionExpiredDialog = lazy(() => import('./session-expired-dialog'));

/** The sign-in URL that brings the user back to `path` afterwards. */
export function signInHref(path: string, expired = false): string {
  const search = new URLSearchParams({ returnTo: path });
  if (expired) search.set('expired', '1');
  return `/sign-in?${search.toString()}`;
}

/**
 * Screens behind it need a session; without one the user signs in and comes back here. When the session ends while
 * the user works (any request answers 401), a sign-in dialog opens over the page, which stays mounted: a form keeps
 * its values, and once the same user has signed in again, Save goes through. Another user signing in there gets
 * their own view from scratch — nothing of the previous user's screen (an open form, a selection) survives.
 */
export function RequireSession() {
  const queryClient = useQueryClient();
  const location = useLocation();
  const navigate = useNavigate();
  const session = useQuery(sessionQuery());
  const [expired, setExpired] = useState(false);

  useEffect(
    () =>
      onUnauthenticated(() => {
        const known = queryClient.getQueryData(sessionQuery().queryKey);
        if (known?.SignedIn) {
          setExpired(true);
          return;
        }
        const signedOut: SessionInfo & { Expired?: boolean } = {
          SignedIn: false,
          Mode: known?.Mode ?? 'Local',
          ...(known?.UpstreamEndpoint ? { UpstreamEndpoint: known.UpstreamEndpoint } : {}),
          RequestId: '',
          Expired: true,
        };
        queryClient.setQueryData(sessionKeys.session(), signedOut);
      }),
    [queryClient],
  );

  // Signed out (a stale cookie, or a 401 while loading) or failed: the server's static frame (see app-shell.ts) goes
  // at once, in this commit — not deferred, since the redirect to the sign-in page unmounts this guard first.
  const noFrame = session.isError || (session.isSuccess && !session.data.SignedIn);
  useLayoutEffect(() => {
    if (noFrame) removeAppShell();
  }, [noFrame]);
  if (session.isPending) {
    // Under the server's static frame nothing more is needed while the session loads.
    if (appShellShown()) return null;
    return (
      <div style={{ display: 'flex', justifyContent: 'center', padding: 96 }}>
        <Spin size="large" />
      </div>
    );
  }
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data.SignedIn) {
    const expiredHere = (session.data as { Expired?: boolean }).Expired === true;
    return <Navigate to={signInHref(location.pathname + location.search, expiredHere)} replace />;
  }
  const previous = session.data;
  const onSignedIn = (next: SessionInfo) => {
    setExpired(false);
    if (next.UserId === previous.UserId) {
      // The same person: keep the screen, take the new session's CSRF token, and ask again what failed meanwhile.
      queryClient.setQueryData(sessionKeys.session(), next);
      void queryClient.refetchQueries({ type: 'active', predicate: (query) => query.state.status === 'error' });
      return;
    }
    // Someone else: nothing cached or typed for the previous user may show. The key below remounts the screens.
    // (user-data is loaded here, not up front: it names every feature's query keys, which the first screen can do without.)
    void import('./user-data').then(({ forgetUserData }) => {
      forgetUserData(queryClient);
      queryClient.setQueryData(sessionKeys.session(), next);
      void navigate('/code-sources', { replace: true });
    });
  };
  return (
    <>
      <Fragment key={previous.UserId}>
        <Outlet />
      </Fragment>
      {expired && (
        <Suspense fallback={null}>
          <SessionExpiredDialog userName={previous.UserName ?? ''} onSignedIn={onSignedIn} />
        </Suspense>
      )}
    </>
  );
}
