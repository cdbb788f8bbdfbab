import AccessKeysPage from '@/features/access-keys/access-keys-page';
import { useBackendMode } from '@/lib/backend-mode';
import { useI18n } from '@/lib/i18n/i18n';
import { StatusPanel } from '@/components/status-panel';
import { useFrame } from './app-layout';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/** The user's AccessKeys in the frame, loaded lazily; the snippet lists the current workspace on this very server. */
export default function AccessKeysRoute() {
  const { t } = useI18n();
  const { workspaceId } = useFrame();
  const { upstream } = useBackendMode();
  // In front of PAI the keys are PAI's own (RAM): this server's keys would sign nothing PAI accepts.
  if (upstream) {
    return (
      <StatusPanel status="info" title={t('upstream.noAccessKeysTitle')}>
        {t('upstream.noAccessKeys')}
      </StatusPanel>
    );
  }
  return <AccessKeysPage workspaceId={workspaceId} origin={new URL(window.location.origin)} />;
}
