import ActivityPage from '@/features/activity/activity-page';
import { useBackendMode } from '@/lib/backend-mode';
import { useI18n } from '@/lib/i18n/i18n';
import { StatusPanel } from '@/components/status-panel';
import { useFrame } from './app-layout';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/**
 * The activity feature in the frame, loaded lazily: the app tells it the workspace and the caller's roles there.
 * Upstream (PAI) there is no activity to ask for: a bookmarked address says so instead.
 */
export default function ActivityRoute() {
  const { t } = useI18n();
  const { workspaceId, workspace, workspaces, switchWorkspace } = useFrame();
  const { upstream } = useBackendMode();
  const first = workspaces[0];
  if (upstream) {
    return (
      <StatusPanel status="info" title={t('upstream.noActivityTitle')}>
        {t('upstream.noActivity')}
      </StatusPanel>
    );
  }
  return (
    <ActivityPage
      key={workspaceId}
      workspaceId={workspaceId}
      workspace={workspace}
      onLeaveWorkspace={first ? () => switchWorkspace(first.WorkspaceId) : undefined}
    />
  );
}
