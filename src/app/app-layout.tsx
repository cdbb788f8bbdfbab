import { ApiOutlined, CodeOutlined, DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Select, Tag } from 'antd';
import { useEffect } from 'react';
import { Link, Outlet, useMatch, useNavigate, useOutletContext, useSearchParams } from 'react-router';
import { apiPaths } from '@/shared/api-paths';
import { isAdmin, isGuestOnly } from '@/shared/roles';
import type { SessionInfo } from '@/shared/session.schema';
import { useBackendMode } from '@/lib/backend-mode';
import { useI18n, type Translate } from '@/lib/i18n/i18n';
import { errorText } from '@/lib/i18n/error-text';
import { sessionQuery, signOut, workspacesQuery, type Workspace } from '@/lib/session.api';
import { ErrorState } from '@/components/error-state';
import { useFeedback } from '@/components/feedback';
import { LoadingRows } from '@/components/loading-rows';
import { MenuButton } from '@/components/menu-button';
import { StatusPanel } from '@/components/status-panel';
import { useAppShellUntil } from './app-shell';
import { LanguageSwitch } from './language-switch';

export const WORKSPACE_STORAGE_KEY = 'code-config.workspace';

/** What every screen inside the frame knows: who is signed in and in which workspace. */
export interface FrameContext {
  session: SessionInfo | undefined;
  workspaces: Workspace[];
  workspaceId: string;
  workspace: Workspace | undefined;
  switchWorkspace: (id: string) => void;
}

export function useFrame(): FrameContext {
  return useOutletContext<FrameContext>();
}

/** The role a workspace option shows: the most powerful one. */
export function roleLabel(workspace: Workspace, t: Translate): string {
  if (workspace.Roles.includes('PAI.WorkspaceOwner')) return t('role.owner');
  if (isAdmin(workspace.Roles)) return t('role.admin');
  if (isGuestOnly(workspace.Roles)) return t('role.guest');
  return t('role.developer');
}

export function remembered(): string | null {
  try {
    return window.localStorage.getItem(WORKSPACE_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Header (product, workspace switcher, language, user menu), breadcrumb, and the screen. */
export function AppLayout() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = useFeedback();
  // RequireSession renders this frame only once the session is loaded and signed in.
  const session = useQuery(sessionQuery()).data;
  const workspaces = useQuery(workspacesQuery());
  // Upstream: the data is PAI's (the header says whose), and PAI keeps no activity (no link to it).
  const { upstream, endpoint } = useBackendMode();
  const [searchParams, setSearchParams] = useSearchParams();
  const urlWorkspace = searchParams.get('workspace');

  // No workspace in the URL: the one used last, else the first; the URL then names it.
  useEffect(() => {
    if (urlWorkspace || !workspaces.data || workspaces.data.length === 0) return;
    const last = remembered();
    const pick = workspaces.data.find((w) => w.WorkspaceId === last) ?? workspaces.data[0];
    if (pick) {
      setSearchParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.set('workspace', pick.WorkspaceId);
          return next;
        },
        { replace: true },
      );
    }
  }, [urlWorkspace, workspaces.data, setSearchParams]);

  useEffect(() => {
    if (urlWorkspace && workspaces.data?.some((w) => w.WorkspaceId === urlWorkspace)) {
      try {
        window.localStorage.setItem(WORKSPACE_STORAGE_KEY, urlWorkspace);
      } catch {
        // Not remembered; the URL still holds it.
      }
    }
  }, [urlWorkspace, workspaces.data]);

  const onActivity = useMatch('/activity') !== null && !upstream;
  const onAccessKeys = useMatch('/access-keys') !== null;
  // Switching workspace keeps the section (list or activity) and starts it afresh there.
  const switchWorkspace = (id: string) =>
    void navigate(`${onActivity ? '/activity' : '/code-sources'}?workspace=${encodeURIComponent(id)}`);
  const workspaceQuery = urlWorkspace ? `?workspace=${encodeURIComponent(urlWorkspace)}` : '';

  const doSignOut = async () => {
    try {
      await signOut();
    } catch (error) {
      void message.error(errorText(error, t));
      return;
    }
    await navigate('/sign-in', { replace: true });
    queryClient.clear();
  };

  let content;
  if (workspaces.isPending) content = <LoadingRows label={t('state.loading')} />;
  else if (workspaces.isError) content = <ErrorState error={workspaces.error} onRetry={() => void workspaces.refetch()} />;
  else if (workspaces.data.length === 0)
    content = (
      <StatusPanel status="info" title={t('state.noWorkspacesTitle')}>
        {t('state.noWorkspacesText')}
      </StatusPanel>
    );
  else if (!urlWorkspace) content = <LoadingRows label={t('state.loading')} />;
  else {
    const context: FrameContext = {
      session,
      workspaces: workspaces.data,
      workspaceId: urlWorkspace,
      workspace: workspaces.data.find((w) => w.WorkspaceId === urlWorkspace),
      switchWorkspace,
    };
    content = <Outlet context={context} />;
  }

  const current = workspaces.data?.find((w) => w.WorkspaceId === urlWorkspace);
  // The server's static frame (if it sent one) stays until there is more to show than a loading state.
  const waiting = workspaces.isPending || (workspaces.isSuccess && workspaces.data.length > 0 && !urlWorkspace);
  if (useAppShellUntil(!waiting)) return null;

  return (
    <div style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <header className="app-header">
        <Link to={`/code-sources${workspaceQuery}`} className="product" aria-label={t('app.product')}>
          <CodeOutlined aria-hidden style={{ fontSize: 20, color: '#69b1ff' }} />
          <span className="product-name">{t('app.product')}</span>
        </Link>
        {upstream && (
          <Tag className="tag-gold upstream-tag" title={t('header.upstreamTitle', { endpoint: endpoint ?? '' })}>
            {t('header.upstream', { endpoint: endpoint ?? '' })}
          </Tag>
        )}
        <Select
          aria-label={t('header.workspace')}
          value={current ? current.WorkspaceId : undefined}
          placeholder={t('header.workspace')}
          loading={workspaces.isPending}
          onChange={switchWorkspace}
          style={{ width: 250, maxWidth: '34vw' }}
          popupMatchSelectWidth={false}
          options={(workspaces.data ?? []).map((w) => ({
            value: w.WorkspaceId,
            label: (
              <span>
                {w.WorkspaceName}{' '}
                <Tag style={{ marginInlineStart: 4 }} className={w.IsAdmin ? 'tag-gold' : isGuestOnly(w.Roles) ? 'tag-grey' : 'tag-blue'}>
                  {roleLabel(w, t)}
                </Tag>
              </span>
            ),
          }))}
        />
        <nav aria-label={t('nav.main')} className="header-nav">
          <Link to={`/code-sources${workspaceQuery}`} aria-current={onActivity || onAccessKeys ? undefined : 'page'}>
            {t('nav.codeConfig')}
          </Link>
          {!upstream && (
            <Link to={`/activity${workspaceQuery}`} aria-current={onActivity ? 'page' : undefined}>
              {t('nav.activity')}
            </Link>
          )}
        </nav>
        <div className="spacer" />
        <div className="header-controls">
          <LanguageSwitch />
          <MenuButton
            type="text"
            style={{ color: '#fff' }}
            aria-label={t('header.userMenu', { name: session?.UserName ?? '' })}
            items={() => [
              // Upstream the AccessKeys are PAI's own (RAM): no page of this server's keys.
              ...(upstream
                ? []
                : [
                    {
                      key: 'access-keys',
                      icon: <KeyOutlined />,
                      label: t('header.accessKeys'),
                      onClick: () => void navigate(`/access-keys${workspaceQuery}`),
                    },
                  ]),
              {
                key: 'api-reference',
                icon: <ApiOutlined />,
                label: (
                  <a href={apiPaths.apiReference} target="_blank" rel="noopener">
                    {t('header.apiReference')}
                  </a>
                ),
              },
              { type: 'divider' },
              { key: 'sign-out', icon: <LogoutOutlined />, label: t('header.signOut'), onClick: () => void doSignOut() },
            ]}
          >
            <UserOutlined aria-hidden /> {session?.UserName} <DownOutlined aria-hidden style={{ fontSize: 10 }} />
          </MenuButton>
        </div>
      </header>
      <main className="app-content">
        <nav aria-label={t('nav.breadcrumb')}>
          <ol className="breadcrumb">
            <li>{t('nav.aiAssets')}</li>
            {onAccessKeys ? (
              <li aria-current="page">{t('accessKeys.title')}</li>
            ) : onActivity ? (
              <>
                <li>
                  <Link to={`/code-sources${workspaceQuery}`}>{t('nav.codeConfig')}</Link>
                </li>
                <li aria-current="page">{t('nav.activity')}</li>
              </>
            ) : (
              <li aria-current="page">{t('nav.codeConfig')}</li>
            )}
          </ol>
        </nav>
        {content}
      </main>
    </div>
  );
}
