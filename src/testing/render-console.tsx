import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, RouterProvider, useLocation, type createMemoryRouter } from 'react-router';
import { connectCsrfToken, type Workspace } from '@/lib/session.api';
import { Providers } from '@/app/providers';

/** A QueryClient per test, with retries off so a failure shows at once. */
export function testQueryClient(): QueryClient {
  return connectCsrfToken(new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 }, mutations: { retry: false } } }));
}

let currentLocation = '';
function LocationProbe() {
  const location = useLocation();
  currentLocation = location.pathname + location.search;
  return null;
}
/** The URL the console shows now (path + query). */
export function currentUrl(): URL {
  return new URL(currentLocation, 'http://localhost');
}

/** Renders a screen with the console's providers and a router at `url`. */
export function renderConsole(ui: ReactElement, { url = '/', queryClient = testQueryClient() } = {}) {
  const result = render(
    <Providers queryClient={queryClient} initialLocale="en">
      <MemoryRouter initialEntries={[url]}>
        {ui}
        <LocationProbe />
      </MemoryRouter>
    </Providers>,
  );
  return { ...result, queryClient };
}

/** Renders a data router (e.g. `createMemoryRouter`, whose history a test can move Back) with the console's providers. */
export function renderRouter(router: ReturnType<typeof createMemoryRouter>, { queryClient = testQueryClient() } = {}) {
  return render(
    <Providers queryClient={queryClient} initialLocale="en">
      <RouterProvider router={router} />
    </Providers>,
  );
}

export const adminWorkspace: Workspace = {
  WorkspaceId: '2001',
  WorkspaceName: 'test-main',
  Roles: ['PAI.WorkspaceAdmin'],
  IsAdmin: true,
  CanCreate: true,
};
