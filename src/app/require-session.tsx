import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Spin } from 'antd';
import { useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { onUnauthenticated } from '@/lib/api-client';
import { sessionKeys, sessionQuery } from '@/lib/session.api';
import type { SessionInfo } from '@/shared/session.schema';
import { ErrorState } from '@/components/error-state';

/** The sign-in URL that brings the user back to `path` afterwards. */
export function signInHref(path: string, expired = false): string {
  const search = new URLSearchParams({ returnTo: path });
  if (expired) search.set('expired', '1');
  return `/sign-in?${search.toString()}`;
}

/** Screens behind it need a session; without one (or when it expires) the user signs in and comes back here. */
export function RequireSession() {
  const queryClient = useQueryClient();
  const location = useLocation();
  const session = useQuery(sessionQuery());

  useEffect(
    () =>
      onUnauthenticated(() => {
        const signedOut: SessionInfo & { Expired?: boolean } = { SignedIn: false, RequestId: '', Expired: true };
        queryClient.setQueryData(sessionKeys.session(), signedOut);
      }),
    [queryClient],
  );

  if (session.isPending) {
    return (
      <div style={{ display: 'flex', justifyContent: 'center', padding: 96 }}>
        <Spin size="large" />
      </div>
    );
  }
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data.SignedIn) {
    const expired = (session.data as { Expired?: boolean }).Expired === true;
    return <Navigate to={signInHref(location.pathname + location.search, expired)} replace />;
  }
  return <Outlet />;
}
