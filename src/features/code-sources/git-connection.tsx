import { ApiOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useI18n } from '@/lib/i18n/i18n';
import { GitCheckResult } from './git-check-result';
import type { GitChecks } from './use-git-checks';

/** "Test connection" under the Git fields, and its answer in a live region that stays in the page. */
export function GitConnection({ checks }: { checks: GitChecks }) {
  const { t } = useI18n();
  const busy = checks.running !== undefined;
  return (
    <div className="git-connection">
      <Space wrap size={8} align="center">
        <Button icon={<ApiOutlined aria-hidden />} onClick={() => void checks.test()} loading={busy} disabled={busy}>
          {t('git.testConnection')}
        </Button>
        <Typography.Text type="secondary">{t('git.testConnectionHelp')}</Typography.Text>
      </Space>
      <div role="status" className="git-connection-result">
        {busy ? (
          <Typography.Text type="secondary">{checks.running === 'save' ? t('git.saveChecking') : t('git.testing')}</Typography.Text>
        ) : checks.outcome ? (
          <GitCheckResult outcome={checks.outcome} />
        ) : null}
      </div>
    </div>
  );
}
