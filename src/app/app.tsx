import { useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { createQueryClient } from '@/lib/query-client';
import { AppLayout } from './app-layout';
import { CodeSourcesRoute } from './code-sources-route';
import { Providers } from './providers';
import { RequireSession } from './require-session';
import { SignInPage } from './sign-in-page';

/** URL map: the list and its details drawer share a page; the list view lives in the query string. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route element={<RequireSession />}>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/code-sources" replace />} />
          <Route path="code-sources" element={<CodeSourcesRoute />} />
          <Route path="code-sources/:codeSourceId" element={<CodeSourcesRoute />} />
          <Route path="*" element={<Navigate to="/code-sources" replace />} />
        </Route>
      </Route>
    </Routes>
  );
}

/** The console: providers around the router. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <Providers queryClient={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
