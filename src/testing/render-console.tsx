import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, useLocation } from 'react-router';
import type { CodeSource } from '@/shared/code-source.schema';
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

export const adminWorkspace: Workspace = { WorkspaceId: '2001', WorkspaceName: 'test-main', Roles: ['PAI.WorkspaceAdmin'], IsAdmin: true, CanCreate: true };
export const developerWorkspace: Workspace = { WorkspaceId: '2001', WorkspaceName: 'test-main', Roles: ['PAI.AlgoDeveloper'], IsAdmin: false, CanCreate: true };

/** A code source as the API returns it. */
export function codeSourceFixture(overrides: Partial<CodeSource> = {}): CodeSource {
  return {
    CodeSourceId: 'code-20260101000000-abcdefabcdef',
    WorkspaceId: '2001',
    DisplayName: 'bert-finetune',
    Description: 'BERT fine-tuning',
    CodeRepo: 'https://github.com/example-org/bert-finetune.git',
    CodeBranch: 'release/2.3',
    CodeCommit: '',
    CodeRepoUserName: 'bob',
    CodeRepoAccessToken: '',
    HasCodeRepoAccessToken: true,
    MountPath: '/root/code/bert/',
    Accessibility: 'PRIVATE',
    CloneType: 0,
    UserId: '300002',
    UserName: 'dev1',
    GmtCreateTime: '2026-01-12T23:36:01.123Z',
    GmtModifyTime: '2026-01-13T08:00:00.000Z',
    ...overrides,
  };
}
