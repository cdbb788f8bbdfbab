import { CloseCircleFilled, ExclamationCircleFilled, InfoCircleFilled } from '@ant-design/icons';
import { Button } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '@/lib/i18n/i18n';

const ICONS = {
  error: <CloseCircleFilled style={{ color: '#d4380d' }} aria-hidden />,
  warning: <ExclamationCircleFilled style={{ color: '#d48806' }} aria-hidden />,
  info: <InfoCircleFilled style={{ color: '#1668dc' }} aria-hidden />,
};

/**
 * A whole-area state (error, not a member, not found) — like antd's Result, without its illustrations, which
 * would weigh on the first screen's bundle.
 */
export function StatusPanel({
  status,
  title,
  children,
  actions,
}: {
  status: keyof typeof ICONS;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="status-panel" role={status === 'error' ? 'alert' : 'status'}>
      <div className="status-panel-icon">{ICONS[status]}</div>
      <h2 className="status-panel-title">{title}</h2>
      {children && <div className="status-panel-text">{children}</div>}
      {actions && <div className="status-panel-actions">{actions}</div>}
    </div>
  );
}

/** The caller is not a member of the workspace in the URL; `onLeave` offers a way to one they belong to. */
export function NotMemberPanel({ workspaceId, onLeave }: { workspaceId: string; onLeave?: () => void }) {
  const { t } = useI18n();
  return (
    <StatusPanel
      status="warning"
      title={t('state.notMemberTitle')}
      actions={
        onLeave ? (
          <Button type="primary" onClick={onLeave}>
            {t('state.goToMyWorkspace')}
          </Button>
        ) : undefined
      }
    >
      {t('state.notMemberText', { id: workspaceId })}
    </StatusPanel>
  );
}
