import AccessKeysPage from '@/features/access-keys/access-keys-page';
import { useFrame } from './app-layout';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/** The user's AccessKeys in the frame, loaded lazily; the snippet lists the current workspace on this very server. */
export default function AccessKeysRoute() {
  const { workspaceId } = useFrame();
  return <AccessKeysPage workspaceId={workspaceId} origin={new URL(window.location.origin)} />;
}
