import { CodeSourcesPage } from '@/features/code-sources/code-sources-page';
import { useFrame } from './app-layout';

/** The code sources feature in the frame: the app tells it the workspace and the caller. */
export function CodeSourcesRoute() {
  const { workspaceId, workspace, session, workspaces, switchWorkspace } = useFrame();
  const first = workspaces[0];
  return (
    <CodeSourcesPage
      key={workspaceId}
      workspaceId={workspaceId}
      workspace={workspace}
      userId={session?.UserId}
      onLeaveWorkspace={first ? () => switchWorkspace(first.WorkspaceId) : undefined}
    />
  );
}
