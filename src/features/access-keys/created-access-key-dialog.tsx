import { Alert, Button, Modal } from 'antd';
import type { CreatedAccessKey } from '@/shared/access-key.schema';
import { useI18n } from '@/lib/i18n/i18n';
import { CopyButton } from '@/components/copy-button';

/**
 * The new pair, shown once: the secret lives only in this dialog's props (never in the query cache) and is gone
 * when the dialog closes (unmounted at once, without a closing animation that would keep it on the page).
 */
export function CreatedAccessKeyDialog({ created, onClose }: { created: CreatedAccessKey | undefined; onClose: () => void }) {
  const { t } = useI18n();
  if (!created) return null;
  return (
    <Modal
      open
      title={t('accessKeys.createdTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('accessKeys.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('accessKeys.secretWarning')} />
      <dl className="access-key-pair">
        <dt>{t('accessKeys.col.id')}</dt>
        <dd>
          <code data-testid="new-access-key-id">{created.AccessKeyId}</code>
          <CopyButton text={created.AccessKeyId} label={t('accessKeys.copyId')} />
        </dd>
        <dt>{t('accessKeys.secret')}</dt>
        <dd>
          <code data-testid="new-access-key-secret">{created.AccessKeySecret}</code>
          <CopyButton text={created.AccessKeySecret} label={t('accessKeys.copySecret')} />
        </dd>
      </dl>
    </Modal>
  );
}
