import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useI18n } from '@/lib/i18n/i18n';
import { createQueryClient } from '@/lib/query-client';
import { LoadingRows } from '@/components/loading-rows';
import { AppLayout } from './app-layout';
import { startFirstScreenRequests } from './first-screen';
import { CodeSourcesRoute } from './code-sources-route';
import { Providers } from './providers';
import { RequireSession } from './require-session';

const ActivityRoute = lazy(() => import('./activity-route'));
const AccessKeysRoute = lazy(() => import('./access-keys-route'));
// Signed-in visits (most of them) never need the sign-in form's code.
const SignInPage = lazy(() => import('./sign-in-page').then((module) => ({ default: module.SignInPage })));

/** The activity page, loaded when first visited. */
function LazyActivity() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<LoadingRows label={t('activity.loading')} />}>
      <ActivityRoute />
    </Suspense>
  );
}

/** The AccessKeys page, loaded when first visited. */
function LazyAccessKeys() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<LoadingRows label={t('accessKeys.loading')} />}>
      <AccessKeysRoute />
    </Suspense>
  );
}

/**
 * URL map: the list and its drawers (details, create at `new`, duplicate at `new?from=`, edit at `:id/edit`) share a
 * page, so opening or closing a drawer is a navigation that keeps the page mounted; the list view and the activity's filters live in the query string. */
export function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/sign-in"
        element={
          <Suspense fallback={null}>
            <SignInPage />
          </Suspense>
        }
      />
      <Route element={<RequireSession />}>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/code-sources" replace />} />
          <Route path="code-sources" element={<CodeSourcesRoute />} />
          <Route path="code-sources/new" element={<CodeSourcesRoute />} />
          <Route path="code-sources/:codeSourceId" element={<CodeSourcesRoute />} />
          <Route path="code-sources/:codeSourceId/edit" element={<CodeSourcesRoute />} />
          <Route path="activity" element={<LazyActivity />} />
          <Route path="access-keys" element={<LazyAccessKeys />} />
          <Route path="*" element={<Navigate to="/code-sources" replace />} />
        </Route>
      </Route>
    </Routes>
  );
}

/** The console: providers around the router. */
export function App() {
  const [queryClient] = useState(() => {
    const client = createQueryClient();
    startFirstScreenRequests(client, window.location);
    return client;
  });
  return (
    <Providers queryClient={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
