import ActivityPage from '@/features/activity/activity-page';
import { useFrame } from './app-layout';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/** The activity feature in the frame, loaded lazily: the app tells it the workspace and the caller's roles there. */
export default function ActivityRoute() {
  const { workspaceId, workspace, workspaces, switchWorkspace } = useFrame();
  const first = workspaces[0];
  return (
    <ActivityPage
      key={workspaceId}
      workspaceId={workspaceId}
      workspace={workspace}
      onLeaveWorkspace={first ? () => switchWorkspace(first.WorkspaceId) : undefined}
    />
  );
}
